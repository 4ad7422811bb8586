"""Regular expressions from the corpus rules, compiled once per process.

The rules in corpus/*.yaml hold a few thousand patterns and one question touches most of them; ``re``'s own cache
keeps 512, so calling ``re.search(pattern, …)`` with them recompiled hundreds of patterns on every question.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

# Patterns come from the corpus (bounded) plus a few built from asked names with re.escape; the bound keeps a
# long-running desk from growing without limit on the latter.
_CACHE_SIZE = 16384


@lru_cache(maxsize=_CACHE_SIZE)
def compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """The compiled form of ``pattern``, compiled on first use and kept."""
    return re.compile(pattern, flags)


def search(pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
    """``re.search`` through the process-wide compiled cache."""
    return compiled(pattern, flags).search(text)


def match(pattern: str, text: str, flags: int = 0) -> re.Match[str] | None:
    """``re.match`` through the process-wide compiled cache."""
    return compiled(pattern, flags).match(text)


def finditer(pattern: str, text: str, flags: int = 0) -> Iterator[re.Match[str]]:
    """``re.finditer`` through the process-wide compiled cache."""
    return compiled(pattern, flags).finditer(text)


def sub(pattern: str, repl: str | Callable[[re.Match[str]], str], text: str, flags: int = 0) -> str:
    """``re.sub`` through the process-wide compiled cache."""
    return compiled(pattern, flags).sub(repl, text)
