"""The scope rules (``corpus/scope_rules.yaml``): schema, loading and validation with examples."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from retrieval import regex as rx
from retrieval.questions import compiled, fold
from retrieval.schema import CorpusProblem, load_yaml, schema_problems

SCOPE_FILE = "scope_rules.yaml"
ScopeKind = Literal[
    "harmful", "personal_data", "legal", "individual_decision", "forecast", "other_country", "municipality_own",
    "unstated_fact", "off_topic",
]


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
        if any(rx.search(p, folded, re.IGNORECASE) for p in self.unless):
            return False
        return any(rx.search(p, folded, re.IGNORECASE) for p in self.patterns)


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
    # a demonstrative before a kind of thing (「その税制」「この交付金」): group 1 is the kind, which the name of the
    # measure or plan the previous turn mentioned holds (地域未来投資促進税制) — the question is read with that name
    names_a_kind: list[str] = Field(default_factory=list)
    # one item picked out of the previous answer (「そのうち実現可能性って」「その中で一番…」): the previous question's
    # topic is carried, the answer's other items are not (they would outweigh the item asked about)
    selects_one: list[str] = Field(default_factory=list)
    # asks for measures besides those already given (「他には？」「それ以外で」「別のはないの」): the measures the
    # desk's earlier answers named are left out, and the question's own words (a new need) drive the search
    asks_for_others: list[str] = Field(default_factory=list)
    # …unless the rest of it asks for more facets of the same measure (「他に要件は」)
    others_unless: list[str] = Field(default_factory=list)
    # the reply when every measure that fits was already given
    none_left: str = ""
    # words of such a question that state no need (使う, 以外): a question of only these searches the previous need
    others_generic: list[str] = Field(default_factory=list)
    # the word added to the search for others (「観光向けのは」 reads as 観光向けの支援)
    others_topic: str = ""

    _valid_patterns = field_validator(
        "topic_change", "refers_back", "points_back", "about_the_measure", "names_a_kind", "selects_one",
        "asks_for_others", "others_unless",
    )(compiled)

    def others_asked(self, text: str) -> str | None:
        """The question less its 「他には」 phrase when it asks for measures besides those given, else None."""
        folded = fold(text).strip()
        for p in self.asks_for_others:
            m = rx.search(p, folded)
            if m:
                rest = (folded[: m.start()] + folded[m.end():]).strip(" 、,。？?！!")
                return None if any(rx.search(u, rest) for u in self.others_unless) else rest
        return None

    def selects_from_answer(self, text: str) -> bool:
        """True when a follow-up picks one item out of the previous answer (「そのうち…」「among them」「其中」)."""
        return any(rx.search(p, fold(text).strip()) for p in self.selects_one)

    def named_kind(self, text: str) -> tuple[str, str] | None:
        """The demonstrative phrase and the kind it names (「その税制」, 「税制」), or None."""
        folded = fold(text)
        for p in self.names_a_kind:
            m = rx.search(p, folded)
            if m and m.lastindex:
                return m.group(0), m.group(1)
        return None

    def asks_about_the_measure(self, text: str) -> bool:
        """True when a follow-up asks about a facet of the measure just discussed (「家賃も対象？」「審査ってどんな感じ？」)."""
        return any(rx.search(p, fold(text)) for p in self.about_the_measure)

    def changes_topic(self, text: str) -> bool:
        """True when the question says it leaves the previous topic (「ところで」「話は変わるけど」)."""
        return any(rx.search(p, fold(text).strip()) for p in self.topic_change)

    def refers_back_to(self, text: str) -> bool:
        """True when the question points back at the previous turn (「それ」「その交付金」「他には」)."""
        stripped = fold(text).strip()
        return not self.changes_topic(stripped) and any(rx.search(p, stripped) for p in self.refers_back)

    def points_back_to(self, text: str) -> bool:
        """True when the question holds a demonstrative pointing at the previous turn (「それ」「そこ」「その補助金」)."""
        stripped = fold(text).strip()
        return not self.changes_topic(stripped) and any(rx.search(p, stripped) for p in self.points_back)


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
        return not any(rx.search(p, folded, re.IGNORECASE) for p in self.domain)


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
        found = rx.compiled(rf"[一-龥々ァ-ヴー・A-Za-z0-9&]+?(?:{suffixes})(?![一-龥々ァ-ヴーA-Za-z0-9])").findall(fold(text))
        return list(dict.fromkeys(found))

    def _all_suffixes(self) -> list[str]:
        return [*self.suffixes, *self.descriptive_suffixes]

    def descriptive(self, name: str) -> bool:
        """True when the name ends in a suffix users also give their own projects (「…支援事業」)."""
        strong = max((len(s) for s in self.suffixes if name.endswith(s)), default=0)
        return any(name.endswith(s) and len(s) > strong for s in self.descriptive_suffixes)

    def asks_existence(self, text: str) -> bool:
        """True when the question only asks whether such support exists (「工業用水補助金はありますか？」)."""
        return any(rx.search(p, fold(text)) for p in self.existence)

    def core(self, name: str) -> str:
        """The name without its suffix (「中堅企業元気創出補助金」 → 「中堅企業元気創出」)."""
        for suffix in sorted(self._all_suffixes(), key=len, reverse=True):
            if name.endswith(suffix):
                return name[: -len(suffix)]
        return name


_FRAGMENT = re.compile(r"\{([a-z_]+)\}")


def with_fragments(patterns: list[str], fragments: dict[str, str]) -> list[str]:
    """Patterns with each ``{name}`` of a named fragment replaced by ``(?:fragment)``; other braces stay."""
    def put(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"(?:{fragments[name]})" if name in fragments else match.group(0)

    return [_FRAGMENT.sub(put, p) for p in patterns]


class QuotedName(BaseModel):
    """A quoted nickname followed by a programme noun and a gloss (「'100억 선언' 보조금(중소기업 성장가속화 보조금)」)
    names a programme: when the question also names a catalog measure, the quote is that measure's nickname, not an
    unread focus."""

    model_config = ConfigDict(extra="forbid")
    followed_by: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    not_examples: list[str] = Field(default_factory=list)

    _valid_patterns = field_validator("followed_by")(compiled)

    def names_programme(self, question: str, span: str) -> bool:
        """True when every place the question quotes ``span`` is followed by a programme noun and its gloss."""
        text = fold(question)
        folded = fold(span)
        places = [m.end() for m in rx.finditer(re.escape(folded), text)]
        rests = [re.sub(r"^[」』”\"'\s]+", "", text[end:]) for end in places]
        return bool(rests) and all(any(rx.match(p, rest, re.IGNORECASE) for p in self.followed_by) for rest in rests)


class ScopeRules(BaseModel):
    """The whole file: ordered rules (first match decides), the reply to unrelated questions, follow-up markers.

    ``fragments`` are named regular expressions a rule's patterns and ``unless`` use as ``{name}`` (「{own}」: the
    asker's own company, plan or town), so one wording of a shared part serves every pattern that needs it."""

    model_config = ConfigDict(extra="forbid")
    schema_version: Literal[1] = 1
    fragments: dict[str, str] = Field(default_factory=dict)
    rules: list[ScopeRule] = Field(default_factory=list)
    unrelated: Unrelated | None = None
    follow_up: FollowUpRules = Field(default_factory=FollowUpRules)
    named_programme: NamedProgramme | None = None
    quoted_name: QuotedName | None = None

    @model_validator(mode="before")
    @classmethod
    def _put_fragments(cls, data: object) -> object:
        """Each rule's ``{name}`` replaced by its fragment before the rule's patterns are compiled."""
        if not isinstance(data, dict) or not isinstance(data.get("fragments"), dict):
            return data
        fragments = {str(k): str(v) for k, v in data["fragments"].items()}
        for name, fragment in fragments.items():
            try:
                rx.compiled(fragment)
            except re.error as exc:
                raise ValueError(f"fragment {name} does not compile: {exc}") from exc
        rules = [
            {**rule, **{key: with_fragments(list(rule.get(key) or []), fragments) for key in ("patterns", "unless")}}
            if isinstance(rule, dict) else rule
            for rule in data.get("rules") or []
        ]
        return {**data, "rules": rules}

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
    if rules.quoted_name is not None:
        problems += _quoted_name_problems(path, rules.quoted_name)
    if rules.unrelated is not None:
        problems += [CorpusProblem(file=path.name, entry="unrelated", message=f"example uses a domain word: {e}")
                     for e in rules.unrelated.examples if not rules.unrelated.applies(e)]
        problems += [CorpusProblem(file=path.name, entry="unrelated", message=f"not_example uses no domain word: {e}")
                     for e in rules.unrelated.not_examples if rules.unrelated.applies(e)]
    return rules, problems


_QUOTE = re.compile(r"[「『“\"']([^」』”\"']{2,40})[」』”\"']")


def _quoted_name_problems(path: Path, quoted: QuotedName) -> list[CorpusProblem]:
    """Each example quotes a programme nickname (a quoted span followed by a programme noun); no not-example does."""
    def named(question: str) -> bool:
        return any(quoted.names_programme(question, m.group(1)) for m in _QUOTE.finditer(fold(question)))

    return [CorpusProblem(file=path.name, entry="quoted_name", message=f"example quotes no programme nickname: {e}")
            for e in quoted.examples if not named(e)] + [
        CorpusProblem(file=path.name, entry="quoted_name", message=f"not_example quotes a programme nickname: {e}")
        for e in quoted.not_examples if named(e)]


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> ScopeRules:
    return validate_scope(Path(path))[0]


def load_scope(corpus_dir: Path) -> ScopeRules:
    """The scope rules of a corpus directory (empty when the file is absent; reloaded when it changes)."""
    path = corpus_dir / SCOPE_FILE
    if not path.exists():
        return ScopeRules()
    return _load(str(path), path.stat().st_mtime)
