"""Caches of values derived from one index generation, safe when request threads fill them at the same time."""

from __future__ import annotations

from typing import Any


def keep_only(cache: dict[str, Any], generation: str) -> None:
    """Drop every other generation's entry from ``cache`` — never the served one's.

    A cache cleared outright while two request threads fill it for the same generation lets one of them look up a key
    the other has just cleared (a KeyError, an HTTP 500 in the soak test); dropping only the other generations keeps
    what either thread stored.
    """
    for old in [g for g in list(cache) if g != generation]:
        cache.pop(old, None)
