"""Primary sources first: when a policy passage and a catalog paraphrase of it are both retrieved, the policy
passage leads, unless the question is about the measure itself (agency, amount, rate, deadline, where to apply)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.compose import coverage, query_terms
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize
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


def _measure_names(hit: Hit) -> list[str]:
    head = hit.chunk.text.split("\n", 1)[0].rsplit("(", 1)[0]
    return [normalize(part.strip()) for part in head.split(" / ") if len(part.strip()) >= 3]


def named_measures_first(query: str, hits: Sequence[Hit]) -> list[Hit]:
    """When the question names catalog measures, other measures' entries go last (the rest keep their order).

    「中小企業成長加速化補助金の上限は？」 is answered from that entry, never from a neighbour that shares words
    (ものづくり補助金's 上限). A name inside a longer name the question uses does not count.
    """
    text = normalize(query)
    found = {name for hit in hits if hit.chunk.kind == "measure" for name in _measure_names(hit) if name in text}
    found = {n for n in found if not any(n != m and n in m for m in found)}
    if not found:
        return list(hits)
    named = [h for h in hits if h.chunk.kind == "measure" and found & set(_measure_names(h))]
    if not named:
        return list(hits)
    others = [h for h in hits if h.chunk.kind == "measure" and h not in named]
    return [*(h for h in hits if h not in others), *others]


_NUMBERING = re.compile(r"^(\d+\.|[(（]\d+[)）])\s*")


def heading_first(index: LoadedIndex, query: str, hits: Sequence[Hit]) -> list[Hit]:
    """For 「○○とは」, the passage that opens the policy heading named ○○ (「1. 戦略産業クラスター」) leads."""
    text = normalize(query)
    opening: dict[str, Hit] = {}
    for chunk in index.chunks:
        if chunk.kind != "policy":
            continue
        leaf = normalize(_NUMBERING.sub("", chunk.section.split(" > ")[-1]).strip("()（）「」"))
        if len(leaf) >= 4 and leaf in text and chunk.section not in opening:
            # found by its heading: the question names it, which counts as one agreeing channel
            opening[chunk.section] = Hit(chunk=chunk, score=hits[0].score if hits else 0.0, ranks={"heading": 1})
    if len(opening) != 1:  # no heading, or several: nothing to prefer
        return list(hits)
    lead = next(iter(opening.values()))
    return [lead, *(h for h in hits if h.chunk.id != lead.chunk.id)]
