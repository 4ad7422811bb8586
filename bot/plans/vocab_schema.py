"""The schema of ``corpus/plan_terms.yaml`` for the plan-reader keys: wrong shapes fail loading with the key named."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class _Focus(BaseModel):
    model_config = ConfigDict(extra="forbid")

    primary: list[str] = Field(default_factory=list)
    min_needs: int = Field(default=1, ge=1)


class _Limit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    not_for: list[str] = Field(default_factory=list)
    reason: str = ""


class _Markers(BaseModel):
    model_config = ConfigDict(extra="allow")

    current_state: list[str] = Field(default_factory=list)
    plan_intent: list[str] = Field(default_factory=list)
    current_heading: list[str] = Field(default_factory=list)
    refusal: list[str] = Field(default_factory=list)
    persist: list[str] = Field(default_factory=list)
    input_figures: list[str] = Field(default_factory=list)
    not_yet: list[str] = Field(default_factory=list)
    not_yet_aside: list[str] = Field(default_factory=list)
    whole: list[str] = Field(default_factory=list)
    anaphora: list[str] = Field(default_factory=list)
    relative_years: list[str] = Field(default_factory=list)
    restrictive: list[str] = Field(default_factory=list)
    denial: list[str] = Field(default_factory=list)
    future: list[str] = Field(default_factory=list)
    attributive: list[str] = Field(default_factory=list)
    completed: list[str] = Field(default_factory=list)
    conditional: list[str] = Field(default_factory=list)
    still: list[str] = Field(default_factory=list)
    hedge_stop: list[str] = Field(default_factory=list)
    undecided: list[str] = Field(default_factory=list)
    metric_naming: list[str] = Field(default_factory=list)
    reduction: list[str] = Field(default_factory=list)
    question_endings: list[str] = Field(default_factory=list)
    finding: list[str] = Field(default_factory=list)
    figures_above: list[str] = Field(default_factory=list)
    scheduled_step: list[str] = Field(default_factory=list)
    scheduled_not: list[str] = Field(default_factory=list)
    step_begun: list[str] = Field(default_factory=list)
    step_when: list[str] = Field(default_factory=list)
    step_party: list[str] = Field(default_factory=list)
    essential_part: list[str] = Field(default_factory=list)
    raw_input: list[str] = Field(default_factory=list)


class _Similarity(BaseModel):
    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(default=0.55, gt=0.0, le=1.0)
    min_chars: int = Field(default=12, ge=1)


class PlanVocab(BaseModel):
    """The keys the plan reader adds to plan_terms.yaml (other keys pass through unchecked)."""

    model_config = ConfigDict(extra="allow")

    markers: _Markers = Field(default_factory=_Markers)
    needs: dict[str, list[str]] = Field(default_factory=dict)
    actor_roles: list[str] = Field(default_factory=list)
    weak_need_terms: dict[str, list[str]] = Field(default_factory=dict)
    match_focus: dict[str, _Focus] = Field(default_factory=dict)
    applicant_parents: dict[str, list[str]] = Field(default_factory=dict)
    not_yet_window: int = Field(default=12, ge=0, le=40)
    measure_limits: dict[str, _Limit] = Field(default_factory=dict)
    measure_signatures: dict[str, list[str]] = Field(default_factory=dict)
    similarity: _Similarity = Field(default_factory=_Similarity)

    @field_validator("actor_roles", "weak_need_terms", "needs", mode="after")
    @classmethod
    def _no_empty_words(cls, value: Any) -> Any:
        words = value if isinstance(value, list) else [w for ws in value.values() for w in ws]
        if any(not str(w).strip() for w in words):
            raise ValueError("空の語があります")
        return value


_MESSAGES = {
    "list_type": "語の一覧（リスト）で書いてください",
    "dict_type": "キーと値の対応（マッピング）で書いてください",
    "model_type": "キーと値の対応（マッピング）で書いてください",
    "string_type": "文字列で書いてください",
    "int_type": "整数で書いてください",
    "int_parsing": "整数で書いてください",
    "greater_than_equal": "小さすぎます",
    "less_than_equal": "大きすぎます",
    "extra_forbidden": "知らないキーです",
    "missing": "必須のキーがありません",
}


def _japanese(error: Mapping[str, Any]) -> str:
    limit = (error.get("ctx") or {}).get("ge", (error.get("ctx") or {}).get("le"))
    text = _MESSAGES.get(str(error.get("type")), str(error.get("msg", "")).removeprefix("Value error, "))
    return f"{text}（{limit}）" if limit is not None else text


def vocab_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Problems of the plan-reader keys as (entry, message) pairs, in Japanese (empty when well formed)."""
    try:
        vocab = PlanVocab.model_validate(dict(data))
    except ValidationError as exc:
        return [(".".join(str(p) for p in e["loc"]), _japanese(e)) for e in exc.errors()]
    problems: list[tuple[str, str]] = []
    tags = set(vocab.needs)
    for tag in vocab.weak_need_terms:
        if tag not in tags:
            problems.append((f"weak_need_terms.{tag}", "needs にないタグです"))
    for measure, focus in vocab.match_focus.items():
        problems += [(f"match_focus.{measure}.primary", f"needs にないタグ {t} です") for t in focus.primary if t not in tags]
    applicants = set(data.get("applicants") or {})
    for child, parents in vocab.applicant_parents.items():
        problems += [(f"applicant_parents.{child}", f"applicants にない主体 {a} です") for a in [child, *parents] if a not in applicants]
    for measure, limit in vocab.measure_limits.items():
        problems += [(f"measure_limits.{measure}.not_for", f"applicants にない主体 {a} です") for a in limit.not_for if a not in applicants]
    for n, size in enumerate(data.get("size_classes") or []):
        who = size.get("applicant") if isinstance(size, Mapping) else None
        if who not in applicants:
            problems.append((f"size_classes[{n}].applicant", f"applicants にない主体 {who} です"))
    return problems


def check_vocab(data: Mapping[str, Any]) -> list[str]:
    """Problems of the plan-reader keys, in Japanese (empty when the vocabulary is well formed)."""
    return [f"{entry}: {message}" for entry, message in vocab_problems(data)]
