"""A question that names a programme the sources do not hold is declined by that name, never answered with another's facts.

「中堅企業元気創出補助金の補助率は？」 names no catalog entry: quoting the nearest real measure's 補助率 would answer a
different question. Short and colloquial names of real entries (持続化補助金, 成長加速化補助金) resolve and are answered.
The suffixes, the reply and its suggestion line are data (``scope_rules.yaml`` → ``named_programme``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.primary import without_trailing_group
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex
from retrieval.normalize import compact, normalize
from retrieval.scope_rules import NamedProgramme
from retrieval.tokenize import sudachi_tokens

_NAME_JOINERS = str.maketrans("", "", "・ 　の")  # 「中堅・中小企業の…」 and 「中堅中小企業…」 are the same name
MIN_NAME_CHARS = 3  # shorter catalog names (「PMI」 counts) are not used to resolve a name
MIN_FUZZY_CHARS = 5  # catalog names this long are matched with a slip of the pen
FUZZY_SHARE = 5  # one slip per this many characters
MIN_POLICY_CHARS = 4  # a shorter part before the suffix (「中堅」) is too common to say the name is the sources'
GENERIC_ENTRIES = 4  # a word in this many catalog entries' names does not point to one of them


_OWN = re.compile(r"(うち|弊社|当社|我が社|わが社|私|僕|自社|本市|本町|本村|本県|当市|当町|当村|当県)(の|で|が)")


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
        head = without_trailing_group(chunk.text.split("\n", 1)[0])  # the trailing group is the agency
        names = tuple(dict.fromkeys(_folded(part) for part in head.split(" / ") if len(part.strip()) >= MIN_NAME_CHARS))
        out.append(Entry(chunk.title or head.split(" / ")[0], names))
    return out


def _known_word(index: LoadedIndex, word: str) -> bool:
    return word in index.lexical["bm25"].df or word in index.synonyms


def held(index: LoadedIndex, name: str, entries: Sequence[Entry], core_words: Sequence[str], core: str = "") -> bool:
    """True when the sources hold a programme by this name, written in full, shortened or with words left out.

    It is held when it is in the sources as written, when a catalog name or alias holds it or is held in it
    (「成長加速化補助金」, 「令和7年度事業承継補助金」) or is written with a slip (「持続可補助金」), or when every word before its suffix is a word of one
    entry's names (「インフラ交付金」, 「観光地再生補助金」, 「宿泊施設改修補助金」); a name whose part before the
    suffix is the sources' wording (「戦略産業クラスター補助金」 asks for the plan's support menu) is left to the search.
    """
    for written in (compact(normalize(name)), compact(normalize(core))):
        if len(written) >= MIN_POLICY_CHARS and any(written in body for body in _bodies(index)):
            return True  # the name, or its part before the suffix (「戦略産業クラスター」+補助金), is the sources' wording
    folded = _folded(name)
    if any(folded in n or n in folded or _misspelt(folded, n) for e in entries for n in e.names):
        return True
    return bool(core_words) and any(set(core_words) <= _entry_words(e) for e in entries)


def _misspelt(asked: str, name: str) -> bool:
    """True when the asked name is a catalog name with a slip: characters swapped (「事業継承補助金」) or one in five
    changed, added or dropped (「持続可補助金」)."""
    if len(name) < MIN_FUZZY_CHARS or abs(len(asked) - len(name)) > len(name) // FUZZY_SHARE:
        return False
    if sorted(asked) == sorted(name):
        return True
    return _distance(asked, name) <= max(1, len(name) // FUZZY_SHARE)


def _distance(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def _entry_words(entry: Entry) -> set[str]:
    return {w for n in entry.names for w in sudachi_tokens(n)}


_BODIES: dict[str, tuple[str, ...]] = {}


def _bodies(index: LoadedIndex) -> tuple[str, ...]:
    if index.generation not in _BODIES:
        keep_only(_BODIES, index.generation)  # one generation is served at a time
        _BODIES[index.generation] = tuple(compact(c.text) for c in index.chunks)
    return _BODIES[index.generation]


def unknown_programme(index: LoadedIndex, rule: NamedProgramme, text: str) -> str | None:
    """The first programme name the question uses that the sources do not hold, else None.

    A name the sources do not hold is declined when the question asks about it (「事業再構築補助金の補助率は？」).
    When the question only asks whether such support exists (「工業用水補助金はありますか？」) the name may be a
    description, and it is left to the search — unless it is a compound of ``min_words`` or more words one of
    which the sources never use (「中堅企業元気創出補助金ってありますか？」): that is a proper name we can say is missing.
    """
    candidates = rule.candidates(text)
    if not candidates:
        return None
    entries = catalog(index)
    exists_asked = rule.asks_existence(text)
    for name in candidates:
        words = sudachi_tokens(rule.core(name))
        if not words or held(index, name, entries, words, rule.core(name)):
            continue
        coined = len(words) >= rule.min_words and not all(_known_word(index, w) for w in words)
        if coined and rule.descriptive(name) and _OWN.search(text):
            continue  # 「うちの町の味噌蔵応援事業を計画に入れたい」 describes the asker's own project
        if coined or not (exists_asked or rule.descriptive(name)):
            return name
    return None


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
