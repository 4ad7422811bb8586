"""What a chunk's own structure says about a query: the terms it defines and whether its body answers at all.

Two adjustments of the fused score, both from the text alone (no question wording is named anywhere):

- a chunk matched **only through its heading path** (「… > (記載項目)」 over a body 「※別途記載例で提示する」) says
  nothing about what was asked, so it drops behind the passages whose own words match;
- a chunk holding the line that **defines a term the query names** (「ハブ度:企業の域内仕入額/…」) leads the
  passages that merely mention the term (「…コネクター度・ハブ度が高い等を満たす…」);
- a **catalog entry the question does not name** yields to the policy passages it restates in other words,
  unless the question asks for a kind of fact (an amount, a rate, a date…) that only the catalog states.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from retrieval.normalize import compact, normalize
from retrieval.tokenize import sudachi_tokens
from retrieval.types import SECTION_SEP, Chunk

HEADING_ONLY = 0.6  # factor of a short chunk whose body shares no content word with the query
SHORT_BODY = 20  # a body this short gets nearly all its lexical score from its heading path
DEFINES_TERM = 1.25  # factor of a chunk defining a term the query names
OPENS_HEADING = 1.5  # factor of the passage opening the heading a definition question names
CATALOG_UNNAMED = 0.9  # factor of a catalog entry the question does not name (the policy passage comes first)
# 「(※)コネクター度:企業の域外販売額/…」: a short term, a colon, its definition.
_DEFINING_LINE = re.compile(r"^(?:[(（]※[)）])?\s*([^\s:：、。()（）]{2,16})\s*[:：]\s*\S")
_WORD_GOES_ON = re.compile(r"[\u30a1-\u30ff\u4e00-\u9fffA-Za-z0-9]")  # katakana, kanji, Latin: a longer name


@dataclass(frozen=True)
class ChunkShape:
    """The content words of a chunk's own text (not its heading path), the terms its lines define and the term
    its heading names when it opens that heading (「1. 戦略産業クラスター」's first passage)."""

    words: frozenset[str]
    defines: tuple[str, ...]
    short: bool = False
    opens: str = ""
    names: tuple[str, ...] = ()  # a catalog entry's name and aliases


def shape_of(chunk: Chunk) -> ChunkShape:
    """The shape of one chunk: a catalog entry's names are its own words (its 「要件: …」 lines are field labels,
    not definitions); a document chunk's heading path is not its own words."""
    if chunk.kind == "measure":
        return ChunkShape(words=frozenset(sudachi_tokens(chunk.text)), defines=(), names=measure_names(chunk))
    lines = chunk.body.splitlines()
    defines = tuple(m.group(1) for line in lines if (m := _DEFINING_LINE.match(line.strip())))
    return ChunkShape(words=frozenset(sudachi_tokens(chunk.body)), defines=defines, short=len(chunk.body) < SHORT_BODY)


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
    for chunk in chunks:
        shape = shape_of(chunk)
        term = heading_term(chunk.section) if chunk.kind != "measure" else ""
        if term and (chunk.doc_id, chunk.section) not in seen:
            shape = ChunkShape(words=shape.words, defines=shape.defines, short=shape.short, opens=term)
        seen.add((chunk.doc_id, chunk.section))
        out.append(shape)
    return out


def names_standalone(query: str, term: str) -> bool:
    """True when the query names ``term`` as a word of its own (「ハブ度って」, not 「ハブ度合い」)."""
    text, needle = compact(query), compact(term)
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if end >= len(text) or not _WORD_GOES_ON.match(text[end]):
            return True
        start = text.find(needle, start + 1)
    return False


def structure_factor(
    shape: ChunkShape, query: str, query_words: Iterable[str], asks_definition: bool = False, asks_fact: bool = False
) -> float:
    """How the chunk's structure moves its fused score for this query (1.0 = not at all).

    The passage opening a heading counts as defining the heading's term only when the question asks what a term
    is (``asks_definition``): 「戦略産業クラスターの支援メニュー」 is not answered by what a 戦略産業クラスター is.
    A catalog entry keeps its place when the question names it or asks for a fact only the catalog states
    (``asks_fact``: 上限, 補助率, いつまで).
    """
    if shape.names:
        folded = compact(query)
        named = any(compact(name) in folded for name in shape.names)
        return 1.0 if named or asks_fact else CATALOG_UNNAMED
    words = set(query_words)
    if shape.short and words and not (words & shape.words):
        return HEADING_ONLY
    if asks_definition and shape.opens and names_standalone(query, shape.opens):
        return OPENS_HEADING
    if any(names_standalone(query, term) for term in shape.defines):
        return DEFINES_TERM
    return 1.0
