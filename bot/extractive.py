"""The extractive path: judge whether the hits answer the question, then quote and cite them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot import messages
from bot.answer import Answer, HitOut
from bot.compose import compose, coverage, intent_terms, pick_quotes, query_terms, suggestions
from retrieval.index import LoadedIndex
from retrieval.types import Hit


def evidence_coverage(index: LoadedIndex, query: str, hits: Sequence[Hit]) -> float:
    """How much of the question the best of the top three hits covers (synonyms count)."""
    idf = index.lexical["bm25"].idf
    terms = query_terms(query)
    return max((coverage(terms, h.chunk, idf, index.synonyms) for h in hits[:3]), default=0.0)


def mode_is_hybrid(hits: Sequence[Hit]) -> bool:
    """True when the hits carry scores from the dense channel (hybrid retrieval)."""
    return any("dense" in h.raw for h in hits)


WEAK_COVERAGE = 0.5  # below this, the other channels must back the evidence up
WEAK_DENSE = 0.3  # cosine similarity of the nearest chunk
WEAK_BM25 = 3.0  # BM25 score of the best lexical match


def weak_everywhere(hits: Sequence[Hit], cov: float) -> bool:
    """True when coverage is middling and neither the dense nor the lexical channel found a close match."""
    if cov >= WEAK_COVERAGE or not hits:
        return False
    dense = max((h.raw.get("dense", 0.0) for h in hits), default=0.0)
    lexical = max((h.raw.get("bm25", 0.0) for h in hits), default=0.0)
    return dense < WEAK_DENSE and lexical < WEAK_BM25


def extractive_answer(index: LoadedIndex, query: str, hits: Sequence[Hit], min_coverage: float, meta: dict[str, Any]) -> Answer:
    """Quote the sentences that answer ``query`` with citations, or decline when the evidence is weak."""
    hit_out = [HitOut.of(h) for h in hits]
    terms = query_terms(query)
    best = evidence_coverage(index, query, hits)
    meta["coverage"] = round(best, 3)
    meta["corpus_version"] = index.corpus_version
    if not terms or best < min_coverage or (mode_is_hybrid(hits) and weak_everywhere(hits, best)):
        return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, hits=hit_out, meta={**meta, "reason": "no_evidence"})
    idf = index.lexical["bm25"].idf
    quotes = pick_quotes(terms, hits, idf, index.synonyms, intent=intent_terms(query, index.synonyms))
    if not quotes:
        return Answer(text=messages.REFUSE_OUT_OF_SCOPE, refused=True, hits=hit_out, meta={**meta, "reason": "no_evidence"})
    text, citations = compose(quotes)
    follow = suggestions(hits, citations, audience=str(meta.get("audience", "staff")))
    return Answer(text=text, citations=citations, hits=hit_out, suggestions=follow, meta=meta)
