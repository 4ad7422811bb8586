"""What a chunk's own structure says about a query: the terms it defines, the heading it opens, the catalog names.

Adjustments of the fused score from the text alone (no question wording is named anywhere):

- the passage **opening the heading** a definition question names (「1. 戦略産業クラスター」's first passage for
  「戦略産業クラスターとは」) leads;
- a chunk holding the line that **defines a term the query names** (「ハブ度:企業の域内仕入額/…」) or opens with a
  requirement label it names (「【EBPMメルクマール】…」) leads the passages that merely mention the term;
- a **catalog entry the question does not name** yields to the policy passages it restates in other words,
  unless the question asks for a kind of fact (an amount, a rate, a date…) that only the catalog states;
- a policy passage holding a sentence of the **kind of fact asked** (a date or 「公表後に」 for 「いつ」, an actor
  for 「誰が」: the ``answers`` patterns of ``corpus/intents.yaml``'s fact kinds) leads its siblings that only share
  the question's words, and so does a passage under a heading of the **section kind the question names**
  (「(スケジュール)」 for 「スケジュール」, 「(支援メニュー例)」 for 「支援メニュー」: ``section_kinds``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from retrieval import regex as rx
from retrieval.normalize import compact, normalize
from retrieval.questions import SectionKind, fold
from retrieval.types import SECTION_SEP, Chunk

DEFINES_TERM = 1.25  # factor of a chunk defining a term the query names
OPENS_HEADING = 1.5  # factor of the passage opening the heading a definition question names
SHARED_TERM = 2  # a name found in this many policy passages is the policy's own term (重点支援企業)
CATALOG_UNNAMED = 0.9  # factor of a catalog entry the question does not name (the policy passage comes first)
ANSWERS_ASKED = 1.1  # factor of a policy passage holding a sentence of the kind of fact asked (a date for いつ)
IN_ASKED_SECTION = 1.1  # factor of a policy passage under a heading of the section kind the question names
# 「(※)コネクター度:企業の域外販売額/…」: a short term, a colon, its definition.
_DEFINING_LINE = re.compile(r"^(?:[(（]※[)）])?\s*([^\s:：、。()（）]{2,16})\s*[:：]\s*\S")
# 「【EBPMメルクマール】KPIの設定/…」: a requirement label opening its line is the term that line states
_LABEL_LINE = re.compile(r"^【([^】]{2,24})】")
_WORD_GOES_ON = re.compile(r"[\u30a1-\u30ff\u4e00-\u9fffA-Za-z0-9]")  # katakana, kanji, Latin: a longer name


@dataclass(frozen=True)
class ChunkShape:
    """The terms a chunk's lines define, the term its heading names when it opens that heading
    (「1. 戦略産業クラスター」's first passage) and a catalog entry's names."""

    defines: tuple[str, ...] = ()
    opens: str = ""
    names: tuple[str, ...] = ()  # a catalog entry's name and aliases (compact forms)
    body: str = ""  # a policy passage's body, NFKC-folded (what fact-kind answer patterns are matched on)
    heading: str = ""  # a policy passage's last heading (「(スケジュール)」)


def shape_of(chunk: Chunk) -> ChunkShape:
    """The shape of one chunk (a catalog entry's 「要件: …」 lines are field labels, not definitions)."""
    if chunk.kind == "measure":
        return ChunkShape(names=measure_names(chunk))
    lines = [line.strip() for line in chunk.body.splitlines()]
    defined = [m.group(1) for line in lines if (m := _DEFINING_LINE.match(line))]
    labels = [m.group(1) for line in lines if (m := _LABEL_LINE.match(line)) and "参照" not in m.group(1)]
    heading = chunk.section.split(SECTION_SEP)[-1] if chunk.section else ""
    return ChunkShape(defines=tuple(dict.fromkeys([*defined, *labels])), body=fold(chunk.body), heading=heading)


def measure_names(chunk: Chunk) -> tuple[str, ...]:
    """A catalog entry's name and aliases, read from the first line of its text (「名 / 別名(所管)」)."""
    head = chunk.text.split("\n", 1)[0]
    agency = f"({normalize(chunk.agency)})" if chunk.agency else ""
    if agency and head.endswith(agency):
        head = head[: -len(agency)]
    return tuple(dict.fromkeys(n.strip() for n in [chunk.title, *head.split(" / ")] if len(n.strip()) >= 2))


_NUMBERING = re.compile(r"^(?:\d+[.．]|[(（]\d+[)）])\s*")


def heading_term(section: str) -> str:
    """The term a heading names (「1. 戦略産業クラスター」→「戦略産業クラスター」), or "" when it is short or a label."""
    leaf = section.split(SECTION_SEP)[-1]
    term = _NUMBERING.sub("", leaf).strip()
    return term if len(term) >= 4 and not re.search(r"[()（）【】<>「」]", term) else ""


def shapes(chunks: Sequence[Chunk]) -> list[ChunkShape]:
    """Shapes of every chunk, in order; the first chunk under a heading also defines the heading's term."""
    out: list[ChunkShape] = []
    seen: set[tuple[str, str]] = set()
    policy = [compact(c.text) for c in chunks if c.kind != "measure"]
    for chunk in chunks:
        shape = shape_of(chunk)
        if shape.names:  # an alias the policy itself uses in several passages is the policy's term (重点支援企業)
            title, *aliases = shape.names
            own = [a for a in aliases if sum(compact(a) in text for text in policy) < SHARED_TERM]
            shape = ChunkShape(names=tuple(compact(n) for n in (title, *own)))  # compared with the compact query
        term = heading_term(chunk.section) if chunk.kind != "measure" else ""
        if term and (chunk.doc_id, chunk.section) not in seen:
            shape = ChunkShape(defines=shape.defines, opens=term, body=shape.body, heading=shape.heading)
        seen.add((chunk.doc_id, chunk.section))
        out.append(shape)
    return out


def names_standalone(query: str, term: str, asked: bool = False) -> bool:
    """True when the query names ``term`` as a word of its own (「ハブ度って」, not 「ハブ度合い」), with or without its
    long-vowel marks (「コネクタ度」 names コネクター度); with ``asked``, other than only for comparison (「Bと何が違う」)."""
    text, needle = compact(query).replace("ー", ""), compact(term).replace("ー", "")
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if (end >= len(text) or not _WORD_GOES_ON.match(text[end])) and not (asked and compared_at(text, end)):
            return True
        start = text.find(needle, start + 1)
    return False


# what follows a name the question compares with rather than asks about: 「Aと同じく」「Aと違って」「Aのように」
# 「Aのときと何か違いますか」 (the plan type asked is the other one named: 「Bでの…はAと同じく…必要ですか」)
_COMPARED_AFTER = re.compile(
    r"[」』]?\s*(?:の(?:とき|時|場合))?(?:(?:と|とは|との)[、,]?\s?(?:何か|なにか|どう|何が|なにが|どこが)?(?:同じ|同様|違|異な|比べ|比較|共通)"
    r"|のように|のような|みたいに|並み)"
)


def compared_at(query: str, end: int) -> bool:
    """True when the name ending at ``end`` in ``query`` is named for comparison (「…計画と同じく」「…のように」)."""
    return _COMPARED_AFTER.match(query, end) is not None


def asked_names(query: str, names: Mapping[str, Sequence[str]]) -> set[str]:
    """The keys of ``names`` (a plan type → its name and aliases) the question asks about: those it names other than
    only for comparison (「地場産業成長プランでの…は地域産業クラスター計画と同じく…」 asks about the 地場産業成長プラン);
    every key it names when all of them are compared or none is."""
    found: dict[str, bool] = {}  # key → named at least once other than for comparison
    spans: set[int] = set()
    aliases = sorted(((a, key) for key, names_of in names.items() for a in names_of if a), key=lambda p: -len(p[0]))
    for alias, key in aliases:
        start = query.find(alias)
        while start >= 0:
            span = set(range(start, start + len(alias)))
            if not spans & span:  # not inside a longer name already read (「地域産業クラスター」 of 「…計画」)
                spans |= span
                found[key] = found.get(key, False) or not compared_at(query, start + len(alias))
            start = query.find(alias, start + 1)
    asked = {key for key, own in found.items() if own}
    return asked if asked else set(found)


def names_a_measure(shapes: Iterable[ChunkShape], query: str) -> bool:
    """True when the query names any catalog entry (then it is about the catalog, and no entry yields)."""
    folded = compact(query)
    return any(name in folded for shape in shapes for name in shape.names)


def structure_factor(
    shape: ChunkShape, query: str, asks_definition: bool = False, asks_fact: bool = False
) -> float:
    """How the chunk's structure moves its fused score for this query (1.0 = not at all).

    The passage opening a heading counts as defining the heading's term only when the question asks what a term
    is (``asks_definition``): 「戦略産業クラスターの支援メニュー」 is not answered by what a 戦略産業クラスター is.
    A catalog entry keeps its place when the question names a catalog entry or asks for a fact only the catalog
    states (``asks_fact``: 上限, 補助率, いつまで).
    """
    if shape.names:
        return 1.0 if asks_fact else CATALOG_UNNAMED
    if asks_definition and shape.opens and names_standalone(query, shape.opens, asked=True):
        return OPENS_HEADING
    if any(names_standalone(query, term) for term in shape.defines):
        return DEFINES_TERM
    return 1.0


def asked_factor(shape: ChunkShape, answers: Sequence[str], section: SectionKind | None) -> float:
    """How what the question asks moves a policy passage (1.0 = not at all; catalog entries never move).

    ``answers`` are the sentence patterns of the kinds of fact asked (``Intents.answer_patterns``): a passage holding
    one (「公表後に」 for 「どのタイミングで」) is likelier to answer than a sibling sharing only the question's words.
    ``section`` is the section kind the question names (「スケジュール」): a passage under such a heading leads.
    """
    if shape.names or not (shape.body or shape.heading):
        return 1.0
    factor = 1.0
    if answers and any(rx.search(p, shape.body) for p in answers):
        factor *= ANSWERS_ASKED
    if section is not None and shape.heading and section.heads(shape.heading):
        factor *= IN_ASKED_SECTION
    return factor
