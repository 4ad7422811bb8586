"""The question layer's data (``corpus/intents.yaml``, ``corpus/glossary.yaml``): schema, loading and validation with examples; the shared pattern helpers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from retrieval import regex as rx
from retrieval.schema import CorpusProblem, load_yaml, schema_problems


def fold(text: str) -> str:
    """The form rules are matched on: NFKC (full-width ASCII and half-width kana folded)."""
    return unicodedata.normalize("NFKC", text)


def compiled(patterns: list[str]) -> list[str]:
    """The patterns, once each compiles (a pydantic validator: a ValueError names the bad one)."""
    for p in patterns:
        try:
            rx.compiled(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} does not compile: {exc}") from exc
    return patterns


INTENTS_FILE = "intents.yaml"
IntentId = Literal["situation", "list", "about_measure", "about_policy", "definition", "overview", "offers"]


class Intent(BaseModel):
    """One recognised kind of ask, by patterns, with examples the validator checks."""

    model_config = ConfigDict(extra="forbid")
    id: IntentId
    patterns: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("patterns")(compiled)

    def matches(self, text: str) -> bool:
        """True when the question is of this kind."""
        folded = fold(text)
        return any(rx.search(p, folded, re.IGNORECASE) for p in self.patterns)


class FactKind(BaseModel):
    """A kind of fact a question can ask for: how it is asked, and how a sentence holding one looks."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z_]+$")
    asks: list[str] = Field(min_length=1)
    answers: list[str] = Field(min_length=1)

    _valid_patterns = field_validator("asks", "answers")(compiled)


class SectionKind(BaseModel):
    """A kind of policy section (要件, 記載項目, 支援メニュー…): how its heading reads and how a question names it."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z_]+$")
    headings: list[str] = Field(min_length=1)  # patterns of the last heading of the section (「(要件)」)
    names: list[str] = Field(min_length=1)  # patterns naming the kind in a question, in any language

    _valid_patterns = field_validator("headings", "names")(compiled)

    def named_at(self, text: str) -> int:
        """Where the question first names this kind (NFKC-folded text), or -1."""
        folded = fold(text)
        found = [m.start() for p in self.names if (m := rx.search(p, folded, re.IGNORECASE))]
        return min(found) if found else -1

    def heads(self, heading: str) -> bool:
        """True when a section's last heading is of this kind."""
        return any(rx.search(p, fold(heading)) for p in self.headings)


class SectionKinds(BaseModel):
    """Section kinds and the ways a question asks for one of them as a whole (「要件には何がありますか」).

    ``whole`` patterns hold ``{kind}``, replaced by each kind's names; ``examples`` must be read as asking a whole
    kind, ``not_examples`` must not."""

    model_config = ConfigDict(extra="forbid")
    kinds: list[SectionKind] = Field(default_factory=list)
    whole: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    @field_validator("whole")
    @classmethod
    def _valid_whole(cls, patterns: list[str]) -> list[str]:
        """Every pattern names ``{kind}`` once and compiles with a kind in its place."""
        for p in patterns:
            if "{kind}" not in p:
                raise ValueError(f"pattern {p!r} does not hold {{kind}}")
        compiled([p.replace("{kind}", "要件") for p in patterns])
        return patterns

    def asked(self, text: str) -> SectionKind | None:
        """The kind of section a question names first (「要件を全部…項目名だけで」 → 要件), or None."""
        named = [(at, i, k) for i, k in enumerate(self.kinds) if (at := k.named_at(text)) >= 0]
        return min(named)[2] if named else None

    def asks_whole(self, text: str) -> SectionKind | None:
        """The kind a question asks for as a whole list (「地場産業成長プランの要件には何がありますか」), or None."""
        folded = fold(text)
        for kind in self.kinds:
            names = "|".join(f"(?:{n})" for n in kind.names)
            if any(rx.search(p.replace("{kind}", names), folded, re.IGNORECASE) for p in self.whole):
                return kind
        return None


class Intents(BaseModel):
    """The intents file: the first intent that matches decides; fact kinds say what a question asks for."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    intents: list[Intent] = Field(default_factory=list)
    fact_kinds: list[FactKind] = Field(default_factory=list)
    # a question whether a figure exists at all (「金額の基準あるの？」): answered with what the sources say and a
    # note that the figure is not stated; a question that demands the figure (「総額を教えて」) is declined instead
    whether_stated: list[str] = Field(default_factory=list)
    section_kinds: SectionKinds = Field(default_factory=SectionKinds)

    _valid_whether = field_validator("whether_stated")(compiled)

    def asks_whether(self, text: str) -> bool:
        """True when the question asks whether a figure or rule exists rather than for the figure itself."""
        folded = fold(text)
        return any(rx.search(p, folded, re.IGNORECASE) for p in self.whether_stated)

    def answer_patterns(self, text: str) -> list[str]:
        """The sentence patterns of every kind of fact the question asks for (「何人まで」→ a number of people)."""
        folded = fold(text)
        return [a for k in self.fact_kinds if any(rx.search(p, folded, re.I) for p in k.asks) for a in k.answers]

    def asked_kinds(self, text: str) -> list[list[str]]:
        """The sentence patterns per kind of fact asked (「いつまで…償却率は」 → [date patterns, rate patterns])."""
        folded = fold(text)
        return [list(k.answers) for k in self.fact_kinds if any(rx.search(p, folded, re.I) for p in k.asks)]

    def asked_kind_ids(self, text: str) -> list[tuple[str, list[str]]]:
        """The id and sentence patterns of each kind of fact asked (「何件」 → ("count", [...]))."""
        folded = fold(text)
        return [(k.id, list(k.answers)) for k in self.fact_kinds if any(rx.search(p, folded, re.I) for p in k.asks)]

    def of(self, text: str) -> str | None:
        """The first intent id of a question, or None (an ordinary question about the sources)."""
        return next((i.id for i in self.intents if i.matches(text)), None)

    def has(self, text: str, intent: str) -> bool:
        """True when the question is of the given kind (a question can be of several)."""
        return any(i.id == intent and i.matches(text) for i in self.intents)


def validate_intents(path: Path) -> tuple[Intents, list[CorpusProblem]]:
    """Validate the intents file: schema, and every example / not-example behaving as stated."""
    data, problems = load_yaml(path)
    if problems:
        return Intents(), problems
    try:
        intents = Intents.model_validate(data or {})
    except ValidationError as exc:
        return Intents(), schema_problems(path, exc)
    for intent in intents.intents:
        problems += [CorpusProblem(file=path.name, entry=intent.id, message=f"example not recognised: {q}")
                     for q in intent.examples if not intents.has(q, intent.id)]
        problems += [CorpusProblem(file=path.name, entry=intent.id, message=f"not_example recognised: {q}")
                     for q in intent.not_examples if intents.has(q, intent.id)]
    sections = intents.section_kinds
    problems += [CorpusProblem(file=path.name, entry="section_kinds", message=f"example not read as a whole list: {q}")
                 for q in sections.examples if sections.asks_whole(q) is None]
    problems += [CorpusProblem(file=path.name, entry="section_kinds", message=f"not_example read as a whole list: {q}")
                 for q in sections.not_examples if sections.asks_whole(q) is not None]
    return intents, problems


@lru_cache(maxsize=4)
def _load_intents(path: str, mtime: float) -> Intents:
    return validate_intents(Path(path))[0]


def load_intents(corpus_dir: Path) -> Intents:
    """The intents of a corpus directory (none when the file is absent; reloaded when it changes)."""
    path = corpus_dir / INTENTS_FILE
    if not path.exists():
        return Intents()
    return _load_intents(str(path), path.stat().st_mtime)


GLOSSARY_FILE = "glossary.yaml"
LANGS = ("en", "zh", "ko")


class GlossaryTerm(BaseModel):
    """One term of the sources with the ways it is said in other languages."""

    model_config = ConfigDict(extra="forbid")
    ja: str = Field(min_length=1)
    # everyday Japanese descriptions of the term (regexes on the NFKC-folded question): 「外とどれだけ商売してるか」
    plain: list[str] = Field(default_factory=list)
    # a description specific enough to name the term in any question (「大手1社に頼りきり」 = 外部依存性), not only in one
    # asking for a term (``Glossary.plain_asks``)
    plain_alone: bool = False
    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)
    ko: list[str] = Field(default_factory=list)

    def forms(self, lang: str) -> list[str]:
        """The term's spellings in ``lang``."""
        return list(getattr(self, lang, []))


def _spaced(form: str) -> str:
    """A pattern for a Chinese or Korean spelling with or without the spaces between its characters
    (전략산업 클러스터 ≡ 전략산업클러스터)."""
    return r"\s*".join(re.escape(ch) for ch in form.replace(" ", ""))


class Glossary(BaseModel):
    """The bilingual glossary: terms, and the first line of an answer in each language."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    first_line: dict[str, str] = Field(default_factory=dict)
    decline_line: dict[str, str] = Field(default_factory=dict)
    # a plain description names a term only in a question asking for a term, indicator or figure (「指標」「計算」)
    plain_asks: list[str] = Field(default_factory=list)
    plain_examples: list[str] = Field(default_factory=list)
    plain_not_examples: list[str] = Field(default_factory=list)
    terms: list[GlossaryTerm] = Field(default_factory=list)
    # English loanwords a romaji question writes in Latin letters (「chiiki sangyo cluster keikaku」) → the katakana the
    # sources use (クラスター): read as that katakana's romaji, so the question stays romaji and the term is found
    loanwords: dict[str, str] = Field(default_factory=dict)

    def plain_terms(self, text: str) -> list[str]:
        """The source terms a Japanese question describes in everyday words (「地元の仕入れ先からたくさん買っている
        会社ほど評価される指標」 → ハブ度), when it asks for a term or an indicator (``plain_asks``) or the term's
        description is specific enough on its own (``plain_alone``)."""
        folded = fold(text)
        asks = any(rx.search(p, folded) for p in self.plain_asks)
        return [t.ja for t in self.terms if t.plain and (asks or t.plain_alone) and t.ja not in folded
                and any(rx.search(p, folded) for p in t.plain)]

    def japanese_terms(self, text: str, lang: str) -> list[str]:
        """The Japanese source terms a question in ``lang`` names (longest spellings first, no overlaps)."""
        folded = fold(text).lower()
        pairs = sorted(((f.lower(), t.ja) for t in self.terms for f in t.forms(lang) if f), key=lambda p: -len(p[0]))
        found: list[str] = []
        for form, ja in pairs:
            pattern = r"(?<![a-z])" + re.escape(form) + r"(?![a-z])" if form.isascii() else _spaced(form)
            if rx.search(pattern, folded):
                folded = rx.sub(pattern, " ", folded)
                found.append(ja)
        return list(dict.fromkeys(found))


def validate_glossary(path: Path, source_text: str = "") -> tuple[Glossary, list[CorpusProblem]]:
    """Validate the glossary: schema, a first line per language, every term spelled in some language, and
    (given the sources' text) every Japanese term found in the sources."""
    data, problems = load_yaml(path)
    if problems:
        return Glossary(), problems
    try:
        glossary = Glossary.model_validate(data or {})
    except ValidationError as exc:
        return Glossary(), schema_problems(path, exc)
    problems += [CorpusProblem(file=path.name, entry=f"first_line.{lang}", message="missing") for lang in LANGS
                 if not glossary.first_line.get(lang)]
    folded = fold(source_text)
    for pattern in [*glossary.plain_asks, *(p for t in glossary.terms for p in t.plain)]:
        try:
            rx.compiled(pattern)
        except re.error as exc:
            problems.append(CorpusProblem(file=path.name, entry="plain", message=f"bad pattern {pattern!r}: {exc}"))
            return glossary, problems
    problems += [CorpusProblem(file=path.name, entry="plain_examples", message=f"no term read in: {q}")
                 for q in glossary.plain_examples if not glossary.plain_terms(q)]
    problems += [CorpusProblem(file=path.name, entry="plain_not_examples", message=f"a term read in: {q}")
                 for q in glossary.plain_not_examples if glossary.plain_terms(q)]
    for term in glossary.terms:
        if not any(term.forms(lang) for lang in LANGS):
            problems.append(CorpusProblem(file=path.name, entry=term.ja, message="no spelling in en / zh / ko"))
        if folded and fold(term.ja) not in folded:
            problems.append(CorpusProblem(file=path.name, entry=term.ja, message="term not found in the sources"))
    for word, kata in glossary.loanwords.items():
        if not re.fullmatch(r"[a-z]+", word) or not re.fullmatch(r"[ァ-ヴー]+", kata):
            problems.append(CorpusProblem(file=path.name, entry=f"loanwords.{word}", message="lower-case word → katakana"))
        elif folded and fold(kata) not in folded:
            problems.append(CorpusProblem(file=path.name, entry=f"loanwords.{word}", message="katakana not found in the sources"))
    return glossary, problems


@lru_cache(maxsize=4)
def _load_glossary(path: str, mtime: float) -> Glossary:
    return validate_glossary(Path(path))[0]


def load_glossary(corpus_dir: Path) -> Glossary:
    """The glossary of a corpus directory (empty when absent; reloaded when it changes)."""
    path = corpus_dir / GLOSSARY_FILE
    if not path.exists():
        return Glossary()
    return _load_glossary(str(path), path.stat().st_mtime)
