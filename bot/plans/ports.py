"""What plan analysis needs from outside, as narrow interfaces: a search callable and an embedder (never the Desk)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from retrieval.types import Hit


class Search(Protocol):
    """Retrieve the best chunks for a query (``Desk.search`` or ``Retriever.search`` fit it)."""

    def __call__(self, query: str, k: int | None = None, mode: str = "hybrid", filters: Mapping[str, str] | None = None) -> list[Hit]:
        """The hits for ``query``, best first."""
        ...


class Embed(Protocol):
    """Embed texts as L2-normalized vectors, one row per text (``Embedder.embed`` fits it)."""

    def __call__(self, texts: Sequence[str]) -> Any:
        """An array of shape (len(texts), dim)."""
        ...
