"""What a plan itself says is still open: a scheduled next step (partly met only when it says when or with whom) and a
requirement the plan declares not set as a whole (「評価方法：未設定。」)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.plans.aspects import extra
from bot.plans.numbers import find_years
from bot.plans.tense import not_yet_sentences
from bot.plans.terms import Sentence, TermHit, actors, clause_bounds, compile_term, find_terms, surface


def declared_open(
    sig: Any, results: Sequence[Any], sentences: Sequence[Sentence], markers: Mapping[str, list[str]], near: int
) -> tuple[str, list[Sentence]] | None:
    """The plan's own word that the requirement as a whole is not set (``whole_terms`` followed by ``markers.not_yet``:
    「(8) 評価方法 ― 未設定。」), with no aspect clearly stated in that section: the reason and the sentences, or None.

    Targets written for another item (「…を目標値とする」 under 波及効果) are not the evaluation the plan says it has not set.
    """
    whole = list(extra(sig, "whole_terms", []) or [])
    said = not_yet_sentences(whole, sentences, markers, near) if whole else []
    if not said:
        return None
    blocks = {s.block for s in said}
    if any(r.level == 2 and any(s.block in blocks for s in r.sentences) for r in results):
        return None  # the section that says part of it is open also states an aspect: 「評価方法：KPIは売上額。判断時期は未定」
    named = next((surface(s, h) for s in said for h in find_terms(s, whole)), "")
    return f"計画自身が『{named}』をまだ定めていない（未設定・未定）としています。ほかの節の数値は、この要件の仕組みとして示されていません。", said


def scheduled_steps(declined: Sequence[Sentence], vocab: Mapping[str, Any]) -> list[Sentence]:
    """The not-yet sentences that state the plan's own next step (「2026年度に公募して選ぶ予定」「2社と検討し始めた段階」), not a refusal.

    Only the not-yet sentence itself counts: a step in another sentence may be about something else (「造成が必要となる見込み」).
    A scheduled step must be concrete — a time or a named counterpart (``concrete_step``): 「今後公募で選ぶ予定」 defers the
    whole element with nothing set.
    """
    markers: Mapping[str, list[str]] = vocab.get("markers", {})
    steps = markers.get("scheduled_step", [])
    # 「採択された後に相談を始める予定」「策定後に公募して決める」: a step put off until an event is not under way
    refusals = [*markers.get("scheduled_not", []), *markers.get("deferral", [])]
    begun = markers.get("step_begun", [])
    return [
        s for s in dict.fromkeys(declined)
        if not find_terms(s, markers.get("scheduled_not", []))
        and (find_terms(s, begun) or any(dated_clause(s, h, refusals, vocab) for h in find_terms(s, steps)))
    ]


def dated_clause(sentence: Sentence, hit: TermHit, refusals: Sequence[str], vocab: Mapping[str, Any]) -> bool:
    """True when the words up to a scheduled step (its clause, before the step word ends) make it a concrete step.

    Japanese puts a step's time, partner and put-off before its verb: 「法人を令和9年度に設立する予定であり、運営事業者は
    設立後に公募で選ぶ」 is a dated step, and the put-off after it is the next predicate's; 「採択された後に相談を始める予定」
    is put off.
    """
    start, _ = clause_bounds(sentence, hit.start)
    lead = sentence.norm[start : hit.end]
    if any(compile_term(r).search(lead) for r in refusals):
        return False
    return concrete_step(Sentence(text=lead, norm=lead, index=sentence.index, block=sentence.block), vocab)


def concrete_step(sentence: Sentence, vocab: Mapping[str, Any]) -> bool:
    """True when a scheduled step names when or with whom: a year (2026年度), a set time (``markers.step_when``: 来年度,
    来春, 来月 …), a named public body (``markers.step_party``: 経済産業省 …) or a named organisation (``actor_patterns``)."""
    markers: Mapping[str, list[str]] = vocab.get("markers", {})
    if find_years(sentence.norm) or find_terms(sentence, [*markers.get("step_when", []), *markers.get("step_party", [])], lemmas=False):
        return True
    return bool(actors(sentence, vocab.get("actor_patterns", []), vocab.get("actor_names")))
