"""「他には？」 follow-ups: the measures earlier answers gave are left out of the hits."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.answering.conversation import Turn
from retrieval.normalize import normalize
from retrieval.schema import Measure
from retrieval.tokenize import sudachi_tokens
from retrieval.types import Hit

_KNOWN = re.compile(r"[一-龥々ァ-ヶー]")
MIN_NAME = 3  # shorter aliases (「EC」) would match any text


def names_of(measure: Measure) -> list[str]:
    """A measure's name and aliases long enough to be told apart, folded."""
    return [_folded(n) for n in [measure.name, *measure.aliases] if len(n) >= MIN_NAME]


def _folded(text: str) -> str:
    return re.sub(r"\s+", "", normalize(text))


def given_measures(turns: Sequence[Turn], measures: Sequence[Measure]) -> dict[str, list[str]]:
    """The measures the desk's earlier answers named (name → its names as folded text)."""
    said = _folded(" ".join(t.content for t in turns if t.role == "assistant"))
    if not said:
        return {}
    named = {m.name: names_of(m) for m in measures}
    return {name: names for name, names in named.items() if any(n in said for n in names)}


def states_need(rest: str, generic: Sequence[str]) -> bool:
    """True when a 「他には」 question's own words (its trigger left out) state a need (「農産物向けのは」)."""
    return any(len(t) >= 2 and _KNOWN.search(t) and t not in generic for t in sudachi_tokens(rest))


_SENTENCE = re.compile(r"(?<=[。\n])")


def without_given(hits: Sequence[Hit], given: dict[str, list[str]]) -> list[Hit]:
    """The hits less the given measures' entries; a passage keeps only its sentences that name none of them."""
    if not given:
        return list(hits)
    names = sorted({n for ns in given.values() for n in ns}, key=len, reverse=True)
    kept: list[Hit] = []
    for hit in hits:
        chunk = hit.chunk
        if chunk.kind == "measure" and chunk.title in given:
            continue
        if chunk.kind == "measure" or not any(n in _folded(chunk.body) for n in names):
            kept.append(hit)
            continue
        parts = [s for s in _SENTENCE.split(chunk.body) if s.strip() and not any(n in _folded(s) for n in names)]
        if not "".join(parts).strip():
            continue
        body = "".join(parts)
        text = chunk.text.replace(chunk.body, body) if chunk.body in chunk.text else body
        kept.append(replace(hit, chunk=replace(chunk, body=body, text=text)))
    return kept
