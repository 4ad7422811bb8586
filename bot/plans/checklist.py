"""The pre-check's checklist: one verdict per requirement and content item, and the report that holds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answering.answer import new_answer_id
from bot.plans.degree import Degree
from bot.plans.labels import ICONS
from bot.plans.plan_type import PlanTypeGuess

STATUSES = ("met", "partial", "missing", "not_applicable")


@dataclass
class CheckItem:
    """The verdict on one requirement or content item, with the plan's words and the policy's rule."""

    label: str
    kind: str  # "requirement" | "content_item"
    status: str
    evidence: list[str]
    rule: str
    section: str
    suggestion: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        """The item as in ``precheck --format json``."""
        return {
            "label": self.label,
            "kind": self.kind,
            "status": self.status,
            "evidence": list(self.evidence),
            "rule": self.rule,
            "section": self.section,
            "suggestion": self.suggestion,
            "reason": self.reason,
        }


@dataclass
class PrecheckReport:
    """A plan's checklist: its type and confidence, one item per requirement and content item, degrees."""

    plan_type: str
    plan_type_name: str
    confidence: float
    low_confidence: bool
    items: list[CheckItem]
    guess: PlanTypeGuess
    title: str = ""
    source_name: str = ""
    degrees: list[Degree] = field(default_factory=list)
    answer_id: str = field(default_factory=new_answer_id)
    choices: list[dict[str, Any]] = field(default_factory=list)  # the types to choose from when the guess is weak

    def counts(self, kind: str = "requirement") -> dict[str, int]:
        """How many items of a kind have each status."""
        out = dict.fromkeys(STATUSES, 0)
        for item in self.items:
            if item.kind == kind:
                out[item.status] += 1
        return out

    def summary(self) -> str:
        """One line: 「要件 8 件中: ✅ 3 ⚠️ 2 ❌ 2 ➖ 1」 (and the content items after ／)."""
        parts = []
        for kind, name in (("requirement", "要件"), ("content_item", "記載項目")):
            c = self.counts(kind)
            total = sum(c.values())
            if total:
                parts.append(f"{name} {total} 件中: " + " ".join(f"{ICONS[s]} {c[s]}" for s in STATUSES))
        return " ／ ".join(parts)

    def type_note(self) -> str:
        """How the plan type was chosen, in Japanese."""
        return self.guess.note({self.plan_type: self.plan_type_name})

    def to_json(self) -> dict[str, Any]:
        """``{"plan_type", "confidence", "items", "degrees"?, "answer_id", "low_confidence", …}``."""
        data: dict[str, Any] = {
            "answer_id": self.answer_id,
            "plan_type": self.plan_type,
            "plan_type_name": self.plan_type_name,
            "confidence": self.confidence,
            "low_confidence": self.low_confidence,
            "plan_type_overridden": self.guess.overridden,
            "plan_type_note": self.type_note(),
            "plan_type_choices": list(self.choices),
            "title": self.title,
            "summary": self.summary(),
            "items": [item.to_json() for item in self.items],
        }
        if self.degrees:
            data["degrees"] = [d.to_json() for d in self.degrees]
        return data
