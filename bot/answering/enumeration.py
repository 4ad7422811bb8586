"""Whole units: a question asking for every item (「要件を全部」「支援メニューの柱を全部」) gets the bullets under
one heading quoted whole, with the count, instead of the best sentence or two."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, HitOut
from bot.answering.compose import Quote, compose, query_terms
from retrieval.index import LoadedIndex
from retrieval.types import Hit

TOP = 10  # hits whose headings compete
HEADING_BONUS = 1.0  # the heading names what is asked (要件, 記載項目, 支援メニュー)
MIN_ITEMS = 2


def _leaf(section: str) -> str:
    return section.split(" > ")[-1]


def pick_section(
    query: str, hits: Sequence[Hit], plan_sections: Mapping[str, str]
) -> str | None:
    """The heading whose bullets answer a list question: near the top, naming the asked thing, under the named
    plan type (``plan_sections``: plan type name or alias → its top section)."""
    named = [sec for name, sec in plan_sections.items() if name and name in query]
    asked = set(query_terms(query))
    scores: dict[str, float] = {}
    for rank, hit in enumerate(hits[:TOP]):
        chunk = hit.chunk
        if chunk.kind != "policy":
            continue
        if named and not any(chunk.section.startswith(sec) for sec in named):
            continue
        score = 1.0 / (rank + 1)
        if chunk.section not in scores and asked & set(query_terms(_leaf(chunk.section))):
            score += HEADING_BONUS
        scores[chunk.section] = scores.get(chunk.section, 0.0) + score
    return max(scores, key=lambda s: scores[s]) if scores else None


def whole_list(
    index: LoadedIndex, query: str, hits: Sequence[Hit], plan_sections: Mapping[str, str], meta: dict[str, Any]
) -> Answer | None:
    """Every item under the best heading, quoted in document order with its count; None when there is no list."""
    section = pick_section(query, hits, plan_sections)
    if section is None:
        return None
    chunks = [c for c in index.chunks if c.section == section]
    items = [line.strip() for c in chunks for line in c.body.splitlines() if line.strip()]
    if len(items) < MIN_ITEMS or any(line.startswith("※別途") for line in items):
        return None
    section_hits = [Hit(chunk=c, score=0.0) for c in chunks]
    quotes = [Quote(h, h.chunk.body.strip(), 1.0) for h in section_hits]
    text, citations = compose(quotes)
    lead = messages.LIST_LEAD.format(section=" > ".join(section.split(" > ")[-2:]), n=len(items))
    text = lead + "\n" + text.split("\n", 1)[1]
    shown = [*hits, *[h for h in section_hits if h.chunk.id not in {x.chunk.id for x in hits}]]
    return Answer(text=text, citations=citations, hits=[HitOut.of(h) for h in shown],
                  meta={**meta, "intent": "list", "section": section, "items": len(items)})
