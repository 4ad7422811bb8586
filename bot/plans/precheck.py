"""Pre-check of a draft plan against its plan type's requirements (要件) and content items (記載項目).

The checklist model is in ``checklist``, one requirement's verdict in ``requirement_check`` (its aspects in ``aspects``,
its actor in ``actor_role``); this module picks the plan type and runs the checklist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.plans.checklist import STATUSES, CheckItem, PrecheckReport
from bot.plans.degree import degrees_from_plan
from bot.plans.plan import Plan, as_plan
from bot.plans.plan_type import PlanTypeGuess, choose_plan_type
from bot.plans.ports import Embed
from bot.plans.qa import fold_questions
from bot.plans.requirement_check import evaluate
from bot.plans.similarity import nearest_for
from bot.plans.terms import Sentence, split_sentences
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from retrieval.corpus import Corpus

__all__ = ["STATUSES", "CheckItem", "PrecheckReport", "evaluate", "precheck_plan"]


def _closest_type(guess: PlanTypeGuess, corpus: Corpus, sentences: Sequence[Sentence], vocab: Mapping[str, Any]) -> PlanTypeGuess:
    """The placeholder type for a plan with no type word: the one with the most requirements met or partly met."""
    weight = {"met": 2, "partial": 1}
    spoken = {
        p.id: sum(weight.get(evaluate(r, "requirement", sentences, vocab).status, 0) for r in p.requirements) / max(len(p.requirements), 1)
        for p in corpus.plan_types
    }
    best = max(corpus.plan_types, key=lambda p: spoken[p.id])  # ties keep the catalog's order
    if spoken[best.id] <= 0:
        return guess
    return replace(guess, plan_type=best.id, basis="（要件に当たる記載が最も多い類型）")


def precheck_plan(
    plan: Plan | str, *, corpus: Corpus, vocab: Mapping[str, Any], plan_type: str | None = None, embed: Embed | None = None
) -> PrecheckReport:
    """Check a plan against every requirement and content item of its (detected or given) type.

    ``embed`` (an embedder's ``embed``) turns on the dense fallback for requirements whose words the plan never uses.
    """
    plan = as_plan(plan)
    if not corpus.plan_types:
        raise DeskError(Code.CORPUS_INVALID, "要件カタログ（requirements.yaml）が読み込めません。", "`madoguchi corpus validate` で確認してください。")
    guess = choose_plan_type(plan, corpus.plan_types, plan_type, vocab.get("plan_type_detection", {}))
    sentences = fold_questions(split_sentences(plan.text))  # a Q&A's question is the topic of its answer
    if guess.undetermined:  # no word points to a type: take the one whose requirements the plan speaks to most
        guess = _closest_type(guess, corpus, sentences, vocab)
    ptype = corpus.plan_type(guess.plan_type)
    nearest = nearest_for(sentences, embed, vocab)
    items = [evaluate(r, "requirement", sentences, vocab, nearest) for r in ptype.requirements]
    items += [evaluate(r, "content_item", sentences, vocab) for r in ptype.content_items]
    recognised = any(item.evidence for item in items) or max(guess.scores.values(), default=0) > 0
    if not recognised:
        raise DeskError(
            Code.NO_TEXT,
            "計画として読み取れる内容が見つかりません。",
            "計画案の本文（目標、核となる企業、KPI、体制など）を記載したものを渡してください。",
        )
    degrees = degrees_from_plan(plan, sentences, vocab.get("actor_patterns", []))
    return PrecheckReport(
        plan_type=ptype.id,
        plan_type_name=ptype.name,
        confidence=guess.confidence,
        low_confidence=guess.low_confidence,
        items=items,
        guess=guess,
        title=plan.title,
        source_name=plan.source_name,
        degrees=degrees,
        choices=guess.choices(corpus.plan_types),
    )
