"""A question that names a programme the sources do not hold is declined by that name, never answered with another's facts.

「中堅企業元気創出補助金の補助率は？」 names no catalog entry: quoting the nearest real measure's 補助率 would answer a
different question. Short and colloquial names of real entries (持続化補助金, 成長加速化補助金) resolve and are answered.
The suffixes, the reply and its suggestion line are data (``scope_rules.yaml`` → ``named_programme``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.index import LoadedIndex
from retrieval.normalize import compact, normalize
from retrieval.questions import NamedProgramme
from retrieval.tokenize import sudachi_tokens

_NAME_JOINERS = str.maketrans("", "", "・ 　の")  # 「中堅・中小企業の…」 and 「中堅中小企業…」 are the same name
MIN_NAME_CHARS = 3  # shorter catalog names (「PMI」 counts) are not used to resolve a name
GENERIC_ENTRIES = 4  # a word in this many catalog entries' names does not point to one of them


@dataclass(frozen=True)
class Entry:
    """A catalog entry as the index holds it: its title and every name it goes by (folded, joiners removed)."""

    title: str
    names: tuple[str, ...]


def _folded(name: str) -> str:
    return compact(normalize(name)).translate(_NAME_JOINERS)


def catalog(index: LoadedIndex) -> list[Entry]:
    """The catalog entries of the index with their names and aliases (from each entry's head line)."""
    out: list[Entry] = []
    for chunk in index.chunks:
        if chunk.kind != "measure":
            continue
        head = chunk.text.split("\n", 1)[0].rsplit("(", 1)[0]  # the trailing group is the agency
        names = tuple(dict.fromkeys(_folded(part) for part in head.split(" / ") if len(part.strip()) >= MIN_NAME_CHARS))
        out.append(Entry(chunk.title or head.split(" / ")[0], names))
    return out


def _known_word(index: LoadedIndex, word: str) -> bool:
    return word in index.lexical["bm25"].df or word in index.synonyms


def resolves(index: LoadedIndex, rule: NamedProgramme, name: str, entries: Sequence[Entry]) -> bool:
    """True when a programme name is one the sources hold, or may be a description rather than a name.

    It resolves when it is in the sources as written, when a catalog name or alias holds it or is held in it
    (「成長加速化補助金」, 「令和7年度事業承継補助金」), or when every word of it is a word of the sources
    (「設備投資補助金」 describes; it is no name we can say is missing). Names of fewer than ``min_words`` words
    before the suffix are taken as descriptions too (「半導体補助金」).
    """
    folded = _folded(name)
    if compact(normalize(name)) and any(compact(normalize(name)) in body for body in _bodies(index)):
        return True
    if any(folded in n or n in folded for e in entries for n in e.names):
        return True
    words = sudachi_tokens(rule.core(name))
    if len(words) < rule.min_words:
        return True
    return all(_known_word(index, w) for w in words)


_BODIES: dict[str, tuple[str, ...]] = {}


def _bodies(index: LoadedIndex) -> tuple[str, ...]:
    if index.generation not in _BODIES:
        _BODIES.clear()  # one generation is served at a time
        _BODIES[index.generation] = tuple(compact(c.text) for c in index.chunks)
    return _BODIES[index.generation]


def unknown_programme(index: LoadedIndex, rule: NamedProgramme, text: str) -> str | None:
    """The first programme name the question uses that the sources do not hold, else None."""
    entries = catalog(index)
    return next((n for n in rule.candidates(text) if not resolves(index, rule, n, entries)), None)


def closest(rule: NamedProgramme, name: str, entries: Sequence[Entry]) -> list[str]:
    """Titles of the catalog entries whose names share the most distinctive words with the asked name's own part.

    A word in the names of ``GENERIC_ENTRIES`` or more entries (企業, 支援, 補助金) says nothing about which one
    was meant; 「中堅企業元気創出補助金」 shares 「中堅」 with the 中堅企業 entries and is pointed to them."""
    words_of = [{w for n in e.names for w in sudachi_tokens(n)} for e in entries]
    counts: dict[str, int] = {}
    for words in words_of:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    asked = {w for w in sudachi_tokens(rule.core(name)) if counts.get(w, 0) < GENERIC_ENTRIES and len(w) >= 2}
    scored = [(-len(asked & words), i) for i, words in enumerate(words_of) if asked & words]
    return [entries[i].title for _, i in sorted(scored)[: rule.max_suggestions]]


def named_decline_text(index: LoadedIndex, rule: NamedProgramme, name: str) -> str:
    """The decline: no programme by that name in the sources, where to ask, and the closest entries' names."""
    text = rule.reply.format(name=name)
    names = closest(rule, name, catalog(index))
    if names and rule.suggestion:
        text += "\n" + rule.suggestion.format(names="、".join(f"「{n}」" for n in names))
    return text
