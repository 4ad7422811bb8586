"""The clarifying question's data (``corpus/clarify.yaml``): schema, loading and validation with examples."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from retrieval import regex as rx
from retrieval.questions import compiled, fold
from retrieval.schema import CorpusProblem, load_yaml, schema_problems

CLARIFY_FILE = "clarify.yaml"


class Choice(BaseModel):
    """One answer to the clarifying question: a button label, the question it asks, the words that show it."""

    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1, max_length=30)
    ask: str = Field(min_length=5, max_length=200)
    cues: list[str] = Field(min_length=1)

    _valid_cues = field_validator("cues")(compiled)

    def shown_in(self, text: str) -> bool:
        """True when the text names this interest."""
        folded = fold(text)
        return any(rx.search(cue, folded, re.IGNORECASE) for cue in self.cues)


class SizeRules(BaseModel):
    """How the asker's stated size is held against a measure's applicants and criteria (situation overview)."""

    model_config = ConfigDict(extra="forbid")
    classes: list[str] = Field(default_factory=list)  # applicant kinds that are firm sizes (small_business, sme …)
    parents: dict[str, list[str]] = Field(default_factory=dict)  # a small business is an SME too
    names: dict[str, str] = Field(default_factory=dict)  # how a size is written in the answer
    small_reach_yen: float = Field(default=100_000_000, ge=0)
    large_floor_yen: float = Field(default=1_000_000_000, ge=0)


class Statements(BaseModel):
    """How an asker tells its own situation without asking what fits (read by bot/answering/situation_read.py)."""

    model_config = ConfigDict(extra="forbid")
    own_words: list[str] = Field(default_factory=list)  # first person, a family business, one's own town's office
    self_intro: list[str] = Field(default_factory=list)  # a self-introduction ending the first sentence
    public_intro: list[str] = Field(default_factory=list)  # a public body's staff naming its office
    public_project: list[str] = Field(default_factory=list)  # a public body's own project money
    whole_town: list[str] = Field(default_factory=list)  # an effort of the whole town
    runs_business: list[str] = Field(default_factory=list)  # a business introduced by what the asker runs
    small_self: list[str] = Field(default_factory=list)  # a business the asker calls one-person or small
    support_org_self: list[str] = Field(default_factory=list)  # a 商工会 / 商工会議所 naming itself (group 1: its name)
    small_firms: list[str] = Field(default_factory=list)  # the small businesses such an office speaks of
    asks_help: list[str] = Field(default_factory=list)  # a plea for the state's help in any words
    about_sources: list[str] = Field(default_factory=list)  # a question about the policy text or the catalog itself
    asks_process: list[str] = Field(default_factory=list)  # a question for a process or a meaning
    public_self: list[str] = Field(default_factory=list)  # a municipality speaking of its own project
    small_applicant: str = "small_business"  # the applicant kind of the measures a support office's small firms apply for
    own_grant_need: str = "交付金"  # the need a public body's own-project grant serves (support_measures.yaml needs)

    _valid_patterns = field_validator(
        "own_words", "self_intro", "public_intro", "public_project", "whole_town", "runs_business", "small_self",
        "support_org_self", "small_firms", "asks_help", "about_sources", "asks_process", "public_self",
    )(compiled)


class Situation(BaseModel):
    """Questions that describe a need and ask which support fits or where to ask (besides intents.yaml's situation)."""

    model_config = ConfigDict(extra="forbid")
    asks: list[str] = Field(default_factory=list)
    not_asks: list[str] = Field(default_factory=list)  # a fact asked of a designated support (its 上限・補助率): not a situation
    consult: list[str] = Field(default_factory=list)
    consult_kinds: list[str] = Field(default_factory=list)
    public_body: list[str] = Field(default_factory=list)
    public_applicants: list[str] = Field(default_factory=list)
    sizes: SizeRules = Field(default_factory=lambda: SizeRules())
    statements: Statements = Field(default_factory=lambda: Statements())
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)
    consult_examples: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("asks", "not_asks", "consult", "public_body")(compiled)

    def asked(self, text: str) -> bool:
        """True when the question asks which support fits its need, or where or whom to ask — not when it asks a
        fact (an amount, a rate) of the support it designates (``not_asks``)."""
        folded = fold(text)
        if any(rx.search(p, folded, re.IGNORECASE) for p in self.not_asks):
            return False
        return any(rx.search(p, folded, re.IGNORECASE) for p in [*self.asks, *self.consult])

    def from_public_body(self, text: str) -> bool:
        """True when the asker writes as a prefecture's or municipality's staff (「町の観光課です」)."""
        folded = fold(text)
        return any(rx.search(p, folded) for p in self.public_body)

    def wants_window(self, text: str) -> bool:
        """True when the question asks where or whom to ask (the catalog's consultation windows lead)."""
        folded = fold(text)
        return any(rx.search(p, folded, re.IGNORECASE) for p in self.consult)


class Clarify(BaseModel):
    """The clarifying question asked when a situation question names no interest, with its choices."""

    model_config = ConfigDict(extra="forbid")
    schema_version: int = 1
    question: str = ""
    choices: list[Choice] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)
    situation: Situation = Field(default_factory=Situation)

    def too_vague(self, text: str) -> bool:
        """True when the text names none of the choices' interests (and there are choices to offer)."""
        return bool(self.choices) and not any(c.shown_in(text) for c in self.choices)

    def chosen(self, text: str) -> Choice | None:
        """The choice whose ``ask`` the text is (a pressed button), else None."""
        plain = fold(text).strip()
        return next((c for c in self.choices if fold(c.ask).strip() == plain), None)


def validate_clarify(path: Path) -> tuple[Clarify, list[CorpusProblem]]:
    """Validate the file: schema, unique labels, every choice's ask showing its own interest, examples as stated."""
    data, problems = load_yaml(path)
    if problems:
        return Clarify(), problems
    try:
        clarify = Clarify.model_validate(data or {})
    except ValidationError as exc:
        return Clarify(), schema_problems(path, exc)
    if clarify.choices and not clarify.question:
        problems.append(CorpusProblem(file=path.name, entry="question", message="聞き返しの文がありません"))
    labels: set[str] = set()
    for n, choice in enumerate(clarify.choices):
        entry = f"choices.{n} ({choice.label})"
        if choice.label in labels:
            problems.append(CorpusProblem(file=path.name, entry=entry, message="duplicate label"))
        labels.add(choice.label)
        if not choice.shown_in(choice.ask):
            problems.append(CorpusProblem(file=path.name, entry=entry, message="ask に自分の cues の語がありません（押しても聞き返しが続きます）"))
    for example in clarify.examples:
        if not clarify.too_vague(example):
            problems.append(CorpusProblem(file=path.name, entry="examples", message=f"example not asked back: {example}"))
    for example in clarify.not_examples:
        if clarify.too_vague(example):
            problems.append(CorpusProblem(file=path.name, entry="not_examples", message=f"not_example asked back: {example}"))
    situation = clarify.situation
    problems += [CorpusProblem(file=path.name, entry="situation.examples", message=f"example not read as a situation: {e}")
                 for e in situation.examples if not situation.asked(e)]
    problems += [CorpusProblem(file=path.name, entry="situation.not_examples", message=f"not_example read as a situation: {e}")
                 for e in situation.not_examples if situation.asked(e)]
    problems += [CorpusProblem(file=path.name, entry="situation.consult_examples", message=f"example not asking where to ask: {e}")
                 for e in situation.consult_examples if not situation.wants_window(e)]
    return clarify, problems


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Clarify:
    return validate_clarify(Path(path))[0]


def load_clarify(corpus_dir: Path) -> Clarify:
    """The clarifying question of a corpus directory (no choices when the file is absent; reloaded when it changes)."""
    path = corpus_dir / CLARIFY_FILE
    if not path.exists():
        return Clarify()
    return _load(str(path), path.stat().st_mtime)
