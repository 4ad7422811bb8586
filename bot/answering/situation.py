"""Situation questions (a need, not a measure): an overview of the 1–4 best-fitting measures (none under half the best one's score), one short entry each.

The measures are ranked by the hybrid search over the question fused with plan analysis's needs/applicant
matching (``bot.plans.match_plan`` called through :func:`plan_ranks`); each entry quotes the catalog verbatim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from bot import messages
from bot.answering.answer import Answer, Citation, HitOut
from bot.answering.compose import suggestions, units
from retrieval.clarify import Situation
from retrieval.corpus import Corpus
from retrieval.errors import DeskError
from retrieval.types import Chunk, Hit

MAX_MEASURES = 4
RELATIVE_FLOOR = 0.5  # a measure scoring under this share of the best one is left out
RRF_K = 3.0
PLAN_WEIGHT = 1.0  # weight of plan analysis's ranking against the search's
_SIZE = re.compile(r"[0-9０-９]+\s*(人|億|万|円|%|％)")


def plan_ranks(question: str, match: Callable[..., Any]) -> dict[str, int]:
    """Rank of each measure id by plan analysis (``match`` is ``match_plan`` with its keyword arguments bound).

    A question in which plan analysis finds no need gives no ranks (the search decides alone).
    """
    try:
        result = match(question, n=8)
    except DeskError:
        return {}
    return {r.measure.id: rank for rank, r in enumerate(result.results, start=1) if r.score > 0}


def pick_measures(
    hits: Sequence[Hit], ranks: Mapping[str, int], limit: int = MAX_MEASURES,
    chunks: Mapping[str, Chunk] | None = None, prefer: Collection[str] = (), avoid: Collection[str] = (),
) -> list[Hit]:
    """The measure chunks that fit best: search rank fused with plan analysis's rank (RRF).

    A measure plan analysis matched to the asker's needs (``ranks``) is a candidate even when the search did not
    retrieve it (a ryokan's renovation: the tourism measures share needs, not words); it comes from ``chunks``.
    Candidates whose id is in ``prefer`` (the consultation windows, when the asker asks where to ask) lead; those in
    ``avoid`` (windows for public bodies only, asked by a business) are left out."""
    measures = [h for h in hits if h.chunk.kind == "measure" and h.chunk.id.removeprefix("measure:") not in avoid]
    found = {h.chunk.id.removeprefix("measure:") for h in measures}
    measures += [Hit(chunk=chunks[f"measure:{mid}"], score=0.0)
                 for mid in sorted(ranks, key=lambda m: ranks[m])
                 if mid not in found and mid not in avoid and chunks and f"measure:{mid}" in chunks]
    scores: dict[str, float] = {}
    for rank, hit in enumerate(measures, start=1):
        mid = hit.chunk.id.removeprefix("measure:")
        scores[hit.chunk.id] = 1.0 / (RRF_K + rank) + (PLAN_WEIGHT / (RRF_K + ranks[mid]) if mid in ranks else 0.0)
    ordered = sorted(measures, key=lambda h: -scores[h.chunk.id])
    if not ordered:
        return []
    floor = RELATIVE_FLOOR * scores[ordered[0].chunk.id]
    chosen = [h for h in ordered[:limit] if scores[h.chunk.id] >= floor]  # no filler under the floor
    windows = [h for h in ordered if h.chunk.id.removeprefix("measure:") in prefer]
    if not windows:
        return chosen
    return [*windows[:1], *(h for h in chosen if h is not windows[0])][:limit]


def consult_windows(corpus: Corpus, situation: Situation, question: str) -> tuple[set[str], set[str]]:
    """The catalog's consultation windows for this asker, and those for public bodies only that a business is not
    sent to, when the question asks where or whom to ask (else two empty sets)."""
    if not situation.wants_window(question):
        return set(), set()
    public = situation.from_public_body(question)
    for_public = set(situation.public_applicants)
    windows = [m for m in corpus.measures if m.kind in situation.consult_kinds]
    if public:  # a prefecture's or municipality's staff: the windows public bodies may use lead
        return {m.id for m in windows if not m.applicants or set(m.applicants) & for_public}, set()
    not_for_asker = {m.id for m in windows if m.applicants and set(m.applicants) <= for_public}
    return {m.id for m in windows} - not_for_asker, not_for_asker


def _entry_lines(chunk: Chunk) -> list[str]:
    """What the measure gives (its summary line), who it is for, and the size condition that may rule one out."""
    lines = units(chunk)
    summary = next((u for u in lines if ":" not in u[:8]), lines[0] if lines else "")
    picked = [summary] if summary else []
    conditions = [u for u in lines if u.startswith("要件:")]
    sized = next((u for u in conditions if _SIZE.search(u)), conditions[0] if conditions else "")
    window = next((u for u in lines if u.startswith("窓口:")), "")
    target = next((u for u in lines if u.startswith("対象:")), "")
    for line in (sized or target, window):
        if line and line not in picked:
            picked.append(line)
    return picked


def overview(
    hits: Sequence[Hit], ranks: Mapping[str, int], meta: dict[str, Any], chunks: Mapping[str, Chunk] | None = None,
    windows: tuple[Collection[str], Collection[str]] = ((), ()),
) -> Answer | None:
    """The overview answer, or None when the search found no measure (``windows``: see :func:`consult_windows`)."""
    chosen = pick_measures(hits, ranks, chunks=chunks, prefer=windows[0], avoid=windows[1])
    if not chosen:
        return None
    text_lines = [messages.SITUATION_LEAD.format(n=len(chosen))]
    citations: list[Citation] = []
    for n, hit in enumerate(chosen, start=1):
        chunk = hit.chunk
        entries = _entry_lines(chunk)
        note = f"（{messages.UNVERIFIED}の事項あり）" if not chunk.verified else ""
        text_lines.append(f"{n}. {chunk.title}{note} [{n}]")
        text_lines += [f"  ・{line}" for line in entries]
        citations += [
            Citation(n=n, chunk_id=chunk.id, title=chunk.title, section=chunk.section, url=chunk.url, as_of=chunk.as_of,
                     quote=line, verified=chunk.verified)
            for line in entries
        ]
    text_lines += [messages.SITUATION_CLOSE, "", messages.SOURCES_HEADING]
    for n, hit in enumerate(chosen, start=1):
        c = hit.chunk
        when = f"（{c.as_of} 時点）" if c.as_of else ""
        link = f" {c.url}" if c.url.startswith("http") else ""
        text_lines.append(f"[{n}] {c.title} — {c.section}{when}{link}")
    follow = suggestions(hits, citations, audience=str(meta.get("audience", "staff")))
    shown = {h.chunk.id for h in hits}
    listed = [*hits, *(h for h in chosen if h.chunk.id not in shown)]  # a measure found by plan analysis alone
    return Answer(text="\n".join(text_lines), citations=citations, hits=[HitOut.of(h) for h in listed], suggestions=follow,
                  meta={**meta, "intent": "situation", "measures": [h.chunk.id for h in chosen]})
