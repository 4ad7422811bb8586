"""The retriever exposed as a LangChain ``BaseRetriever`` (usage, with an LCEL chain: docs/langchain.md)."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from retrieval.search import Retriever


class MadoguchiRetriever(BaseRetriever):
    """LangChain view of ``Retriever.search``: each hit becomes a ``Document`` with its metadata.

    ``retriever``: a ``retrieval.search.Retriever`` (``Desk().retriever``); ``k``: hits returned; ``mode``:
    ``hybrid`` | ``bm25`` | ``bigram`` | ``dense``; ``filters``: metadata equality (e.g. ``{"kind": "measure"}``).
    Each ``Document`` carries ``chunk_id``, ``doc_id``, ``title``, ``section``, ``url``, ``as_of``, ``score`` and
    the per-channel ``ranks`` in its metadata.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)
    retriever: Retriever
    k: int = 5
    mode: str = "hybrid"
    filters: dict[str, str] = {}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun, **_: Any) -> list[LCDocument]:
        hits = self.retriever.search(query, k=self.k, mode=self.mode, filters=self.filters)
        return [
            LCDocument(
                page_content=hit.chunk.text,
                id=hit.chunk.id,
                metadata={**hit.chunk.metadata(), "chunk_id": hit.chunk.id, "score": hit.score, "ranks": hit.ranks},
            )
            for hit in hits
        ]
