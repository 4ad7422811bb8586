"""The question layer's data (``corpus/scope_rules.yaml``): schema, loading and validation with examples."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from retrieval.schema import CorpusProblem, load_yaml, schema_problems

SCOPE_FILE = "scope_rules.yaml"
ScopeKind = Literal[
    "harmful", "personal_data", "legal", "individual_decision", "forecast", "other_country", "municipality_own",
    "unstated_fact", "off_topic",
]


def fold(text: str) -> str:
    """The form rules are matched on: NFKC (full-width ASCII and half-width kana folded)."""
    return unicodedata.normalize("NFKC", text)


def compiled(patterns: list[str]) -> list[str]:
    """The patterns, once each compiles (a pydantic validator: a ValueError names the bad one)."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"pattern {p!r} does not compile: {exc}") from exc
    return patterns


class ScopeRule(BaseModel):
    """One kind of question the desk declines before searching, with its fixed reply."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: ScopeKind
    reply: str = Field(min_length=10)
    patterns: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("patterns", "unless")(compiled)

    @field_validator("reply")
    @classmethod
    def _join_lines(cls, value: str) -> str:
        """YAML folding puts a space at each line break; Japanese text has none."""
        return re.sub(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])", "", value.strip())

    def matches(self, text: str) -> bool:
        """True when the question falls under this rule."""
        folded = fold(text)
        if any(re.search(p, folded, re.IGNORECASE) for p in self.unless):
            return False
        return any(re.search(p, folded, re.IGNORECASE) for p in self.patterns)


class FollowUpRules(BaseModel):
    """When a question in a conversation carries the previous topic (refers back) and when it does not."""

    model_config = ConfigDict(extra="forbid")
    topic_change: list[str] = Field(default_factory=list)
    refers_back: list[str] = Field(default_factory=list)
    # a demonstrative pointing at the previous turn (「そこって島根にもある？」): the topic is carried even when the
    # question's own words are unknown to the sources; a follow-up without one carries it only when they are known
    points_back: list[str] = Field(default_factory=list)
    # a follow-up without a pointer back carries the topic only when at least this share of its words' idf weight is
    # the sources' (generic words weigh little, words the sources never use most): 「会社の登記の仕方」 is judged alone
    on_topic_weight: float = Field(default=0.35, gt=0.0, lt=1.0)
    # a follow-up asking about a facet of the measure just discussed (対象・使える・審査・返還・締め切り): its item may be a
    # word the sources never use (「家賃も対象？」), so it keeps the share of known words instead of the weight
    about_the_measure: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("topic_change", "refers_back", "points_back", "about_the_measure")(compiled)

    def asks_about_the_measure(self, text: str) -> bool:
        """True when a follow-up asks about a facet of the measure just discussed (「家賃も対象？」「審査ってどんな感じ？」)."""
        return any(re.search(p, fold(text)) for p in self.about_the_measure)

    def changes_topic(self, text: str) -> bool:
        """True when the question says it leaves the previous topic (「ところで」「話は変わるけど」)."""
        return any(re.search(p, fold(text).strip()) for p in self.topic_change)

    def refers_back_to(self, text: str) -> bool:
        """True when the question points back at the previous turn (「それ」「その交付金」「他には」)."""
        stripped = fold(text).strip()
        return not self.changes_topic(stripped) and any(re.search(p, stripped) for p in self.refers_back)

    def points_back_to(self, text: str) -> bool:
        """True when the question holds a demonstrative pointing at the previous turn (「それ」「そこ」「その補助金」)."""
        stripped = fold(text).strip()
        return not self.changes_topic(stripped) and any(re.search(p, stripped) for p in self.points_back)


class Unrelated(BaseModel):
    """The reply to a question the sources cannot answer that names nothing of the desk's domain (lunch, hobbies)."""

    model_config = ConfigDict(extra="forbid")
    reply: str = Field(min_length=10)
    domain: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("domain")(compiled)
    _joined = field_validator("reply")(ScopeRule._join_lines.__func__)  # type: ignore[attr-defined]

    def applies(self, text: str) -> bool:
        """True when the question uses no word of the desk's domain."""
        folded = fold(text)
        return not any(re.search(p, folded, re.IGNORECASE) for p in self.domain)


class NamedProgramme(BaseModel):
    """A question naming a programme the sources do not hold (「中堅企業元気創出補助金の補助率は？」) is declined by name.

    A name is a run of kanji, katakana and Latin letters ending in one of ``suffixes``; the sources hold it when it is
    in them as written, a catalog name or alias holds it (or is held in it), or its words are words of one entry's
    names. A name they do not hold is declined, except when the question matches ``existence`` (it asks whether such
    support exists, and the name may be a description) and the name is not a coined compound (``min_words`` words
    or more, one of them never used by the sources). ``reply`` holds ``{name}``; ``suggestion``
    (with ``{names}``) names the catalog entries whose names are closest, without their facts. The examples are
    checked against the built index by the tests (the rule needs the sources' vocabulary)."""

    model_config = ConfigDict(extra="forbid")
    suffixes: list[str] = Field(min_length=1)
    # endings a user also gives their own projects (「創業支援事業」): a name with one is declined only when coined
    descriptive_suffixes: list[str] = Field(default_factory=list)
    min_words: int = Field(default=2, ge=1)
    existence: list[str] = Field(default_factory=list)
    max_suggestions: int = Field(default=3, ge=0)
    reply: str = Field(min_length=10)
    suggestion: str = ""
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    _joined = field_validator("reply", "suggestion")(ScopeRule._join_lines.__func__)  # type: ignore[attr-defined]
    _valid_patterns = field_validator("existence")(compiled)

    @field_validator("reply")
    @classmethod
    def _names_the_name(cls, value: str) -> str:
        if "{name}" not in value:
            raise ValueError("reply must hold {name}")
        return value

    @field_validator("suggestion")
    @classmethod
    def _names_the_entries(cls, value: str) -> str:
        if value and "{names}" not in value:
            raise ValueError("suggestion must hold {names}")
        return value

    def candidates(self, text: str) -> list[str]:
        """The programme names a question uses (runs of kanji, katakana or Latin letters ending in a suffix)."""
        suffixes = "|".join(re.escape(s) for s in sorted(self._all_suffixes(), key=len, reverse=True))
        found = re.findall(rf"[一-龥々ァ-ヴー・A-Za-z0-9&]+?(?:{suffixes})(?![一-龥々ァ-ヴーA-Za-z0-9])", fold(text))
        return list(dict.fromkeys(found))

    def _all_suffixes(self) -> list[str]:
        return [*self.suffixes, *self.descriptive_suffixes]

    def descriptive(self, name: str) -> bool:
        """True when the name ends in a suffix users also give their own projects (「…支援事業」)."""
        strong = max((len(s) for s in self.suffixes if name.endswith(s)), default=0)
        return any(name.endswith(s) and len(s) > strong for s in self.descriptive_suffixes)

    def asks_existence(self, text: str) -> bool:
        """True when the question only asks whether such support exists (「工業用水補助金はありますか？」)."""
        return any(re.search(p, fold(text)) for p in self.existence)

    def core(self, name: str) -> str:
        """The name without its suffix (「中堅企業元気創出補助金」 → 「中堅企業元気創出」)."""
        for suffix in sorted(self._all_suffixes(), key=len, reverse=True):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name


class ScopeRules(BaseModel):
    """The whole file: ordered rules (first match decides), the reply to unrelated questions, follow-up markers."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    rules: list[ScopeRule] = Field(default_factory=list)
    unrelated: Unrelated | None = None
    follow_up: FollowUpRules = Field(default_factory=FollowUpRules)
    named_programme: NamedProgramme | None = None

    def first_match(self, text: str) -> ScopeRule | None:
        """The first rule the question falls under, or None."""
        return next((r for r in self.rules if r.matches(text)), None)


def validate_scope(path: Path) -> tuple[ScopeRules, list[CorpusProblem]]:
    """Validate the scope rules file: schema, unique ids, and every example / not-example behaving as stated."""
    data, problems = load_yaml(path)
    if problems:
        return ScopeRules(), problems
    try:
        rules = ScopeRules.model_validate(data or {})
    except ValidationError as exc:
        return ScopeRules(), schema_problems(path, exc)
    seen: set[str] = set()
    for rule in rules.rules:
        if rule.id in seen:
            problems.append(CorpusProblem(file=path.name, entry=rule.id, message="duplicate id"))
        seen.add(rule.id)
        for example in rule.examples:
            hit = rules.first_match(example)
            if hit is None or hit.id != rule.id:
                got = hit.id if hit else "no rule"
                problems.append(CorpusProblem(file=path.name, entry=rule.id, message=f"example not matched by this rule ({got}): {example}"))
        for example in rule.not_examples:
            hit = rules.first_match(example)
            if hit is not None:
                problems.append(CorpusProblem(file=path.name, entry=rule.id, message=f"not_example declined by rule {hit.id}: {example}"))
    if rules.unrelated is not None:
        problems += [CorpusProblem(file=path.name, entry="unrelated", message=f"example uses a domain word: {e}")
                     for e in rules.unrelated.examples if not rules.unrelated.applies(e)]
        problems += [CorpusProblem(file=path.name, entry="unrelated", message=f"not_example uses no domain word: {e}")
                     for e in rules.unrelated.not_examples if rules.unrelated.applies(e)]
    return rules, problems


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ScopeRules:
    return validate_scope(Path(path))[0]


def load_scope(corpus_dir: Path) -> ScopeRules:
    """The scope rules of a corpus directory (empty when the file is absent; reloaded when it changes)."""
    path = corpus_dir / SCOPE_FILE
    if not path.exists():
        return ScopeRules()
    return _load(str(path), path.stat().st_mtime)


INTENTS_FILE = "intents.yaml"
IntentId = Literal["situation", "list", "about_measure", "about_policy", "definition"]


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
        return any(re.search(p, folded, re.IGNORECASE) for p in self.patterns)


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
        found = [m.start() for p in self.names if (m := re.search(p, folded, re.IGNORECASE))]
        return min(found) if found else -1

    def heads(self, heading: str) -> bool:
        """True when a section's last heading is of this kind."""
        return any(re.search(p, fold(heading)) for p in self.headings)


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
            if any(re.search(p.replace("{kind}", names), folded, re.IGNORECASE) for p in self.whole):
                return kind
        return None


class Intents(BaseModel):
    """The intents file: the first intent that matches decides; fact kinds say what a question asks for."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    intents: list[Intent] = Field(default_factory=list)
    fact_kinds: list[FactKind] = Field(default_factory=list)
    section_kinds: SectionKinds = Field(default_factory=SectionKinds)

    def answer_patterns(self, text: str) -> list[str]:
        """The sentence patterns of every kind of fact the question asks for (「何人まで」→ a number of people)."""
        folded = fold(text)
        return [a for k in self.fact_kinds if any(re.search(p, folded, re.I) for p in k.asks) for a in k.answers]

    def asked_kinds(self, text: str) -> list[list[str]]:
        """The sentence patterns per kind of fact asked (「いつまで…償却率は」 → [date patterns, rate patterns])."""
        folded = fold(text)
        return [list(k.answers) for k in self.fact_kinds if any(re.search(p, folded, re.I) for p in k.asks)]

    def asked_kind_ids(self, text: str) -> list[tuple[str, list[str]]]:
        """The id and sentence patterns of each kind of fact asked (「何件」 → ("count", [...]))."""
        folded = fold(text)
        return [(k.id, list(k.answers)) for k in self.fact_kinds if any(re.search(p, folded, re.I) for p in k.asks)]

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

    def plain_terms(self, text: str) -> list[str]:
        """The source terms a Japanese question describes in everyday words (「地元の仕入れ先からたくさん買っている
        会社ほど評価される指標」 → ハブ度), when it asks for a term or an indicator (``plain_asks``) or the term's
        description is specific enough on its own (``plain_alone``)."""
        folded = fold(text)
        asks = any(re.search(p, folded) for p in self.plain_asks)
        return [t.ja for t in self.terms if t.plain and (asks or t.plain_alone) and t.ja not in folded
                and any(re.search(p, folded) for p in t.plain)]

    def japanese_terms(self, text: str, lang: str) -> list[str]:
        """The Japanese source terms a question in ``lang`` names (longest spellings first, no overlaps)."""
        folded = fold(text).lower()
        pairs = sorted(((f.lower(), t.ja) for t in self.terms for f in t.forms(lang) if f), key=lambda p: -len(p[0]))
        found: list[str] = []
        for form, ja in pairs:
            pattern = r"(?<![a-z])" + re.escape(form) + r"(?![a-z])" if form.isascii() else _spaced(form)
            if re.search(pattern, folded):
                folded = re.sub(pattern, " ", folded)
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
            re.compile(pattern)
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
