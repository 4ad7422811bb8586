"""Measures for a situation described in a few sentences (「町工場の跡継ぎがいない」): the needs matcher for answering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.plans.match import match_plan
from bot.plans.match_result import MeasureMatch
from bot.plans.ports import Search
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from retrieval.corpus import Corpus


def suggest_measures(text: str, *, corpus: Corpus, vocab: Mapping[str, Any], search: Search, n: int = 5) -> list[MeasureMatch]:
    """Measures that fit the situation, best first, each with reasons and caveats; empty when no need is stated.

    Same rules as ``match_plan``: a measure is returned only with a positive score and a need of the text (or the
    text naming it), never one whose criterion a stated figure misses. No plan type is assumed.
    """
    try:
        result = match_plan(text, corpus=corpus, vocab=vocab, search=search, n=n)
    except DeskError as exc:
        if exc.code == Code.NO_TEXT:
            return []
        raise
    return list(result.results)
