"""Which of the three plan types a draft is, from its title and content, with a confidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.plans.terms import norm
from retrieval.errors import Code, DeskError
from retrieval.schema import PlanType

if TYPE_CHECKING:
    from bot.plans.plan import Plan

HOW_TO_CHOOSE = (
    "類型を指定してください（CLI: --plan-type ／ Slack: 事前チェック・施策提案の入力画面の「計画の類型」 ／ API: plan_type。"
    "strategic_cluster・regional_cluster・local_industry のいずれか）。"
)


@dataclass
class PlanTypeGuess:
    """The detected plan type, how sure the desk is, and the words it decided on."""

    plan_type: str
    confidence: float
    low_confidence: bool
    overridden: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)
    basis: str = ""  # how the placeholder type was chosen when no word points to any type

    @property
    def undetermined(self) -> bool:
        """True when nothing in the plan points to any type (the type shown is only a placeholder)."""
        return not self.overridden and max(self.scores.values(), default=0.0) <= 0

    def note(self, names: Mapping[str, str]) -> str:
        """One Japanese line saying how the type was chosen, and how to choose it when the evidence is weak."""
        name = names.get(self.plan_type, self.plan_type)
        if self.overridden:
            return f"計画類型: {name}（指定）"
        if self.undetermined:
            return f"計画類型: 判定できませんでした（類型を示す語が計画にありません）。仮に{name}として扱っています{self.basis}。{HOW_TO_CHOOSE}"
        words = "』『".join(self.reasons.get(self.plan_type, [])[:5])
        basis = f"（根拠: 『{words}』）" if words else ""
        line = f"計画類型: {name}（推定、確度 {self.confidence:.0%}）{basis}"
        if self.low_confidence:
            line += f" ※確度が低い推定です。{HOW_TO_CHOOSE}"
        return line

    def choices(self, plan_types: Sequence[PlanType]) -> list[dict[str, Any]]:
        """The types to choose from when the guess is weak (id, name, score), best first; empty when sure."""
        if self.overridden or not self.low_confidence:
            return []
        ranked = sorted(plan_types, key=lambda p: -self.scores.get(p.id, 0.0))
        return [{"id": p.id, "name": p.name, "score": self.scores.get(p.id, 0.0)} for p in ranked]


def resolve_plan_type(value: str, plan_types: Sequence[PlanType]) -> str:
    """A plan type id from an id, a name or an alias; raises ``DeskError`` for an unknown one."""
    wanted = norm(value.strip())
    for p in plan_types:
        if wanted in (p.id, norm(p.name), *(norm(a) for a in p.aliases)):
            return p.id
    ids = " / ".join(p.id for p in plan_types)
    raise DeskError(Code.UNKNOWN_PLAN_TYPE, f"計画類型「{value}」は知りません。", f"{ids} のいずれかを指定してください。")


def _names(p: PlanType) -> list[str]:
    names = [p.name, *p.aliases]
    return sorted({norm(n) for n in names if len(n) >= 4}, key=len, reverse=True)


def _strip_contained(text: str, names: Sequence[str]) -> str:
    for name in names:
        text = text.replace(name, "\x00")
    return text


def detect_plan_type(title: str, text: str, plan_types: Sequence[PlanType], weights: Mapping[str, Any]) -> PlanTypeGuess:
    """Score each plan type by its names in the title/body and its cue words; the best one wins."""
    title_n, body_n = norm(title), norm(text)
    all_names = {p.id: _names(p) for p in plan_types}
    scores: dict[str, float] = {}
    reasons: dict[str, list[str]] = {}
    for p in plan_types:
        # Names of other types that contain this type's name must not count for it (地場産業 ⊂ 地場産業成長プラン).
        others = [n for q in plan_types if q.id != p.id for n in all_names[q.id]]
        score = 0.0
        words: list[str] = []
        title_rest, body_rest = _strip_contained(title_n, others), _strip_contained(body_n, others)
        for name in all_names[p.id]:
            if name in title_rest:
                score += float(weights.get("name_in_title", 8.0))
                words.append(name)
                break
        for name in all_names[p.id]:
            if name in body_rest:
                score += float(weights.get("name_in_body", 4.0))
                if name not in words:
                    words.append(name)
                break
        for cue in p.cues:
            c = norm(cue)
            if c and c in body_rest and c not in words:
                score += float(weights.get("cue", 1.0))
                words.append(c)
        scores[p.id], reasons[p.id] = score, words
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    total = sum(scores.values())
    share = top / total if total > 0 else 0.0
    margin = float(weights.get("margin", 3.0))
    low = top <= 0 or share < float(weights.get("confident", 0.6)) or top - second < margin
    # The confidence shown also weighs how much evidence there is: one cue word alone (share 100%, lead 1 point) is
    # not a sure guess, so it is scaled by the lead over the runner-up up to the margin (「確度 33%」, not 「確度 100%」).
    confidence = share * min(1.0, (top - second) / margin) if margin > 0 else share
    return PlanTypeGuess(best, round(confidence, 3), low, scores=scores, reasons=reasons)


def choose_plan_type(plan: Plan, plan_types: Sequence[PlanType], plan_type: str | None, weights: Mapping[str, Any]) -> PlanTypeGuess:
    """The override, else the type a structured plan declares, else the detected one."""
    chosen = plan_type or plan.declared_plan_type
    guess = detect_plan_type(plan.title, plan.text, plan_types, weights)
    if chosen:
        pid = resolve_plan_type(chosen, plan_types)
        return PlanTypeGuess(pid, 1.0, False, overridden=True, scores=guess.scores, reasons=guess.reasons)
    return guess
