"""The result model of plan matching: one suggested measure and the whole result, with their JSON forms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.answering.answer import new_answer_id
from bot.plans.labels import FIELD_LABELS
from bot.plans.needs import Figure, NeedHit
from retrieval.schema import Measure


@dataclass
class MeasureMatch:
    """One suggested measure: its score, why it fits, what the plan must still show, and sources."""

    measure: Measure
    score: float
    reasons: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    unverified: list[str] = field(default_factory=list)
    citations: list[dict[str, str]] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)  # the plan's needs this measure was credited with
    named: bool = False  # the plan names the measure
    missed: bool = False  # a figure of the plan fails a criterion, or the plan is outside the measure's sector / applicants
    outside: bool = False  # the plan's sector (scopes) is not the measure's
    in_scope: bool = False  # the measure is for a sector (scopes) and the plan names it (味噌 → 農林水産物・食品)
    retrieved: bool = False  # a plan sentence finds it in the top 3 (what counts for measures without need tags)

    @property
    def listable(self) -> bool:
        """Shown to a user only with a positive score and a need of the plan (or the plan naming it)."""
        asked = bool(self.needs or self.named or (not self.measure.needs and self.retrieved))
        return self.score > 0 and asked and not self.missed

    def to_json(self) -> dict[str, Any]:
        """The result as in ``match --json``."""
        m = self.measure
        return {
            "id": m.id,
            "name": m.name,
            "aliases": list(m.aliases),
            "score": round(self.score, 3),
            "reasons": list(self.reasons),
            "caveats": list(self.caveats),
            "unverified": list(self.unverified),
            "citations": [dict(c) for c in self.citations],
        }


@dataclass
class MatchResult:
    """Measures suggested for a plan, with the needs, figures and plan type they were chosen on."""

    plan_type: str
    plan_type_name: str
    confidence: float
    low_confidence: bool
    type_note: str
    title: str
    needs: list[NeedHit]
    figures: dict[str, list[Figure]]
    applicants: dict[str, list[str]]
    results: list[MeasureMatch]
    promises: list[dict[str, str]] = field(default_factory=list)
    answer_id: str = field(default_factory=new_answer_id)
    excluded: list[MeasureMatch] = field(default_factory=list)  # fit the needs, but a figure of the plan rules them out
    choices: list[dict[str, Any]] = field(default_factory=list)  # the types to choose from when the guess is weak

    def figure_groups(self) -> list[list[Figure]]:
        """Figures grouped by field, in a fixed order."""
        return [self.figures[f] for f in FIELD_LABELS if self.figures.get(f)]

    def to_json(self) -> dict[str, Any]:
        """``{"answer_id", "plan_type", "needs", "figures", "results", …}``."""
        return {
            "answer_id": self.answer_id,
            "plan_type": self.plan_type,
            "plan_type_name": self.plan_type_name,
            "confidence": self.confidence,
            "low_confidence": self.low_confidence,
            "plan_type_note": self.type_note,
            "plan_type_choices": list(self.choices),
            "needs": [{"tag": n.tag, "words": list(n.words), "requested": bool(n.requested)} for n in self.needs],
            "figures": {k: [{"value": f.value, "text": f.text} for f in v] for k, v in self.figures.items()},
            "applicants": {k: list(v) for k, v in self.applicants.items()},
            "results": [r.to_json() for r in self.results],
            "policy_promises": [dict(p) for p in self.promises],
            "excluded": [r.to_json() for r in self.excluded],
        }
