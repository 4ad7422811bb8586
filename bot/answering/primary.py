"""Primary sources first: when a policy passage and a catalog paraphrase of it are both retrieved, the policy
passage leads, unless the question is about the measure itself (agency, amount, rate, deadline, where to apply)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.compose import coverage, query_terms
from retrieval.index import LoadedIndex
from retrieval.types import Hit

LOOK = 5  # how far down a policy passage may be lifted from


def policy_first(index: LoadedIndex, query: str, hits: Sequence[Hit], about_measure: bool) -> list[Hit]:
    """The hits with the best-covering policy passage moved ahead of a catalog entry that tops them."""
    out = list(hits)
    if about_measure or not out or out[0].chunk.kind != "measure":
        return out
    terms = query_terms(query)
    idf = index.lexical["bm25"].idf
    top = coverage(terms, out[0].chunk, idf, index.synonyms)
    for i, hit in enumerate(out[1:LOOK], start=1):
        if hit.chunk.kind == "policy" and coverage(terms, hit.chunk, idf, index.synonyms) >= top:
            return [hit, *out[:i], *out[i + 1 :]]
    return out
