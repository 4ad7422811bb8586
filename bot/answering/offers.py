"""What one body offers (「JETROはどんな支援をしてくれる」「JETRO能提供哪些帮助」): each catalog entry that body runs,
named and summarised, instead of the single entry that ranks first."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.answering.answer import Answer, HitOut
from bot.answering.compose import Quote, compose
from bot.answering.primary import without_trailing_group
from retrieval.index import LoadedIndex
from retrieval.types import Chunk, Hit

OFFERS_LEAD = "「{body}」が担う支援として、支援施策カタログには次の{n}件があります（カタログにある全件）。"
MIN_ENTRIES, MAX_ENTRIES = 2, 6  # fewer is one entry's answer; more is a ministry, too broad to list this way
_PART = re.compile(r"[(（)）、・,\s]+")


def _agency_names(chunk: Chunk) -> list[str]:
    """The names of the body running an entry, from its head line's closing group (「(日本貿易振興機構(JETRO))」)."""
    head = chunk.text.split("\n", 1)[0]
    group = head[len(without_trailing_group(head)):]
    names = [p for p in _PART.split(group) if p and not p.endswith(("ほか", "所管"))]
    return [n for n in names if len(n) >= 4 or (n.isascii() and n.isupper() and len(n) >= 3)]


def offered_by(index: LoadedIndex, text: str) -> tuple[str, list[Chunk]] | None:
    """The body a question names and the catalog entries it runs (2 to 6), or None."""
    bodies: dict[str, list[Chunk]] = {}
    for chunk in index.chunks:
        if chunk.kind == "measure":
            for name in dict.fromkeys(_agency_names(chunk)):
                bodies.setdefault(name, []).append(chunk)
    named = [(n, cs) for n, cs in bodies.items() if n in text and MIN_ENTRIES <= len(cs) <= MAX_ENTRIES]
    if not named:
        return None
    body, chunks = max(named, key=lambda item: len(item[1]))
    agency = {n for c in chunks for n in _agency_names(c)}
    # 「JETROの高度外国人材の支援は」: one of them named by its own name is that entry's question, not the body's
    if any(a in text for c in chunks for a in _aliases(c) if a not in agency and len(a) >= 3):
        return None
    return body, chunks


def _aliases(chunk: Chunk) -> list[str]:
    """An entry's names and aliases (its head line without the agency), as written."""
    head = without_trailing_group(chunk.text.split("\n", 1)[0])
    return [a.strip() for a in head.split(" / ") if a.strip()]


def offers_answer(index: LoadedIndex, text: str, hits: Sequence[Hit], meta: Mapping[str, Any]) -> Answer | None:
    """Each entry the named body runs, quoted by its summary line, in the order of the hits (then the catalog's)."""
    found = offered_by(index, text)
    if found is None:
        return None
    body, chunks = found
    ranked = {h.chunk.id: i for i, h in enumerate(hits)}
    chunks = sorted(chunks, key=lambda c: ranked.get(c.id, len(ranked)))
    quotes = [Quote(Hit(chunk=c, score=0.0), c.body.splitlines()[0].strip(), 1.0) for c in chunks if c.body.strip()]
    text_out, citations = compose(quotes)
    lead = OFFERS_LEAD.format(body=body, n=len(quotes))
    ids = {c.id for c in chunks}
    shown = [*(q.hit for q in quotes), *(h for h in hits if h.chunk.id not in ids)]
    return Answer(text=lead + "\n" + text_out.split("\n", 1)[1], citations=citations,
                  hits=[HitOut.of(h) for h in shown], meta={**meta, "intent": "offers", "items": len(quotes)})
