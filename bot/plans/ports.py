"""What plan analysis needs from outside, as narrow interfaces: a search callable (never the Desk)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from retrieval.types import Hit


class Search(Protocol):
    """Retrieve the best chunks for a query (``Desk.search`` or ``Retriever.search`` fit it)."""

    def __call__(self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None) -> list[Hit]:
        """The hits for ``query``, best first."""
        ...
