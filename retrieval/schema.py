"""Schemas of the corpus catalogs and a validator that names every problem by file and entry."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from retrieval import yamlio

PlanTypeId = Literal["strategic_cluster", "regional_cluster", "local_industry"]
PLAN_TYPES: tuple[str, ...] = ("strategic_cluster", "regional_cluster", "local_industry")
APPLICANTS = frozenset(
    "prefecture municipality mid_sized sme small_business producer business_group support_org any_business".split()
)
NEEDS = frozenset(
    "海外販路 輸出 設備投資 省力化 用地 インフラ 人材 人材育成 経営人材 事業承継 M&A 観光 規制改革 経営相談 賃上げ "
    "資金調達 販路開拓 研究開発 創業 地域資源 交付金 税制 生活サービス".split()
)
KINDS = frozenset(
    "grant subsidy tax finance consultation expert program regulatory platform law designation".split()
)
CRITERION_FIELDS = frozenset("investment_yen employees sales_yen wage_increase_pct capital_yen".split())


class Criterion(BaseModel):
    """A machine-readable eligibility threshold of a measure."""

    model_config = ConfigDict(extra="forbid")
    field: str
    op: Literal[">=", "<=", ">", "<"]
    value: float
    label: str
    verified: bool = True

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in CRITERION_FIELDS:
            raise ValueError(f"unknown criterion field {value!r} (known: {', '.join(sorted(CRITERION_FIELDS))})")
        return value


class Measure(BaseModel):
    """One national support measure in ``support_measures.yaml``."""

    model_config = ConfigDict(extra="allow")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=2)
    aliases: list[str] = Field(default_factory=list)
    agency: str = Field(min_length=1)
    kind: str
    applicants: list[str]  # required; [] = the source does not say who applies
    plan_types: list[PlanTypeId] = Field(min_length=1)
    needs: list[str]
    summary: str = Field(min_length=5)
    provides: list[str] = Field(default_factory=list)
    eligibility: list[str] = Field(default_factory=list)
    amounts: list[str] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    policy_refs: list[str] = Field(default_factory=list)
    policy_wording: str = ""
    source_url: str  # "" only for an unverified entry whose source is unknown
    sources: list[str] = Field(default_factory=list)
    as_of: str = Field(pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    verified: bool
    unverified: list[str] = Field(default_factory=list)
    contact: str = ""

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown kind {value!r}")
        return value

    @field_validator("applicants")
    @classmethod
    def _known_applicants(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if v not in APPLICANTS]
        if bad:
            raise ValueError(f"unknown applicant(s) {bad}")
        return values

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if v not in NEEDS]
        if bad:
            raise ValueError(f"unknown need tag(s) {bad}")
        return values

    @model_validator(mode="after")
    def _unverified_listed(self) -> Measure:
        if not self.verified and not self.unverified:
            raise ValueError("verified is false but 'unverified' lists no fact")
        if not self.source_url and self.verified:
            raise ValueError("missing field 'source_url' (only an unverified entry may leave it empty)")
        return self


class SignalGroup(BaseModel):
    """One aspect a plan must show, as a group of synonymous terms."""

    model_config = ConfigDict(extra="allow")
    name: str
    terms: list[str] = Field(min_length=1)


class Signals(BaseModel):
    """How the pre-check recognises a requirement in a draft plan (data, not code)."""

    model_config = ConfigDict(extra="allow")
    groups: list[SignalGroup] = Field(default_factory=list)
    need_number: bool = False
    need_actor: bool = False
    negative_terms: list[str] = Field(default_factory=list)
    applies_when: list[str] = Field(default_factory=list)
    not_applicable_reason: str = ""
    suggestion: str = ""


class Requirement(BaseModel):
    """A requirement (要件) or required content item (記載項目) of one plan type."""

    model_config = ConfigDict(extra="allow")
    label: str = Field(min_length=1)
    text: str = Field(min_length=1)
    section: str = Field(min_length=1)
    signals: Signals = Field(default_factory=Signals)
    derived: bool = False


class PlanType(BaseModel):
    """One of the three plan types with its requirements and content items."""

    model_config = ConfigDict(extra="allow")
    id: PlanTypeId
    name: str
    aliases: list[str] = Field(default_factory=list)
    led_by: str = ""
    section: str = ""
    cues: list[str] = Field(default_factory=list)
    requirements: list[Requirement] = Field(min_length=1)
    content_items: list[Requirement] = Field(default_factory=list)


class CorpusProblem(BaseModel):
    """One validation problem, located by file and entry."""

    file: str
    entry: str = ""
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}: " if self.entry else f"{self.file}: "
        return where + self.message


def schema_problems(path: Path, exc: ValidationError) -> list[CorpusProblem]:
    """A rules file's schema errors as problems naming the file and the field path (``rules.3.patterns``)."""
    return [
        CorpusProblem(file=path.name, entry=".".join(str(p) for p in e.get("loc", ())),
                      message=str(e.get("msg", "invalid")).removeprefix("Value error, "))
        for e in exc.errors()
    ]


def _describe(error: dict[str, Any]) -> str:
    loc = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__")
    msg = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    if error.get("type") == "missing":
        return f"missing field '{loc}'"
    return f"field '{loc}': {msg}" if loc else msg


def load_yaml(path: Path) -> tuple[Any, list[CorpusProblem]]:
    """Parse a YAML file; a syntax error becomes a problem, not an exception."""
    try:
        return yamlio.safe_load(path.read_text(encoding="utf-8")), []
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        return None, [CorpusProblem(file=path.name, message=f"cannot parse: {exc}".splitlines()[0])]


def validate_measures(path: Path) -> tuple[list[Measure], list[CorpusProblem]]:
    """Validate ``support_measures.yaml``; returns the good entries and the problems."""
    data, problems = load_yaml(path)
    if problems:
        return [], problems
    raw = data.get("measures") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], [CorpusProblem(file=path.name, message="top level must have a 'measures:' list")]
    measures: list[Measure] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(raw, start=1):
        ident = entry.get("id", "?") if isinstance(entry, dict) else "?"
        where = f"entry {n} (id={ident})"
        if not isinstance(entry, dict):
            problems.append(CorpusProblem(file=path.name, entry=where, message="entry is not a mapping"))
            continue
        try:
            measure = Measure.model_validate(entry)
        except ValidationError as exc:
            problems.extend(
                CorpusProblem(file=path.name, entry=where, message=_describe(dict(e))) for e in exc.errors()
            )
            continue
        if measure.id in seen:
            problems.append(
                CorpusProblem(file=path.name, entry=where, message=f"duplicate id (also entry {seen[measure.id]})")
            )
            continue
        seen[measure.id] = n
        measures.append(measure)
    return measures, problems


def validate_requirements(path: Path) -> tuple[list[PlanType], list[CorpusProblem]]:
    """Validate ``requirements.yaml``; returns the plan types and the problems."""
    data, problems = load_yaml(path)
    if problems:
        return [], problems
    raw = data.get("plan_types") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return [], [CorpusProblem(file=path.name, message="top level must have a 'plan_types:' list")]
    plan_types: list[PlanType] = []
    for n, entry in enumerate(raw, start=1):
        ident = entry.get("id", "?") if isinstance(entry, dict) else "?"
        try:
            plan_types.append(PlanType.model_validate(entry))
        except ValidationError as exc:
            problems.extend(
                CorpusProblem(file=path.name, entry=f"plan type {n} (id={ident})", message=_describe(dict(e)))
                for e in exc.errors()
            )
    missing = set(PLAN_TYPES) - {p.id for p in plan_types}
    if missing and not problems:
        problems.append(CorpusProblem(file=path.name, message=f"plan types missing: {sorted(missing)}"))
    return plan_types, problems
