"""Kana and romaji spellings of the sources' terms (「こねくたーど」「chiiki mirai koufukin」) read back as the terms.

Readings come from SudachiPy over the indexed chunks; kana is folded with jaconv (hiragana → katakana,
half-width → full-width) and romaji is read as kana with ``jaconv.alphabet2kana``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import jaconv

from retrieval.clarify import Clarify
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex
from retrieval.normalize import normalize as normalize_text
from retrieval.tokenize import morphemes, noun_readings

MIN_READING = 4  # shorter readings (「カイ」「ケン」) are too ambiguous to replace
MAX_READING = 24
_KANA_RUN = re.compile(r"[\u3041-\u309f\u30a0-\u30ffー]{" + str(MIN_READING) + ",}")
_ROMAJI = re.compile(r"^[A-Za-z0-9 ,.?!'\"()\-~]+$")
_LATIN = re.compile(r"[A-Za-z]")
_KATAKANA = re.compile(r"[\u30a0-\u30ffー]+")
_READINGS: dict[str, dict[str, str]] = {}
_WORDS: dict[str, dict[str, str]] = {}
_KANA_WORD = re.compile(r"[\u3041-\u309fー]{2,8}")


_VOWELS = "aiueo"
_DOUBLE_VOWEL_HYPHEN = re.compile(r"(aa|ii|uu|ee|oo)-(?=[a-z])")


def fold_long_vowels(kata: str) -> str:
    """ー read as the vowel before it (コネクター → コネクタア), so long vowels spelled either way meet; same length."""
    out: list[str] = []
    for ch in kata:
        if ch == "ー" and out:
            vowel = jaconv.kata2alphabet(out[-1])[-1:]
            out.append(jaconv.alphabet2kata(vowel) if vowel in _VOWELS else ch)
        else:
            out.append(ch)
    return "".join(out)


def readings(index: LoadedIndex) -> dict[str, str]:
    """Reading → surface over the index's chunks (built once per generation)."""
    if index.generation not in _READINGS:
        table: dict[str, str] = {}
        for chunk in index.chunks:
            for reading, surface in noun_readings(chunk.text).items():
                # a katakana term is its own reading: kept, so that its hiragana spelling (れびきゃり) reads as it
                if MIN_READING <= len(reading) <= MAX_READING and (surface != reading or _KATAKANA.fullmatch(surface)):
                    table.setdefault(fold_long_vowels(reading), surface)
        for reading, word in synonym_readings(index.synonyms).items():  # きゅうりょう → 給料 (→ 賃上げ by synonyms)
            table.setdefault(reading, word)
        keep_only(_READINGS, index.generation)  # one generation is served at a time
        _READINGS[index.generation] = table
    return _READINGS[index.generation]


def synonym_readings(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Reading → word for the everyday words ``synonyms.yaml`` maps to the sources' words (給料 → キュウリョウ), so a
    question in kana (「きゅうりょうを あげる」) reads them and the synonyms then reach the sources' term (賃上げ)."""
    table: dict[str, str] = {}
    for word in synonyms:
        if not (_PLAIN_WORD.match(word) and _HAS_KANJI.search(word)):
            continue
        ms = morphemes(word)
        reading = "".join(m.reading for m in ms)
        if all(m.reading for m in ms) and MIN_READING <= len(reading) <= MAX_READING and _KATAKANA.fullmatch(reading):
            table.setdefault(fold_long_vowels(reading), word)
    return table


_UPPER_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")


def romaji_to_kana(text: str) -> str | None:
    """The hiragana reading of a romaji question, or None when the text is not romaji (e.g. English); an upper-case
    word (「EBPM merukumaaru」) is kept as it is."""
    if not _ROMAJI.match(text):
        return None
    acronyms = _UPPER_WORD.findall(text)
    # 「konekutaa-do」: the hyphen joins
    pieces = [jaconv.alphabet2kana(_DOUBLE_VOWEL_HYPHEN.sub(r"\1", p.lower())) for p in _UPPER_WORD.split(text)]
    kana = "".join(p + (acronyms[i] if i < len(acronyms) else "") for i, p in enumerate(pieces))
    letters = len(_LATIN.findall("".join(pieces)))
    stray = kana.count("っ") + kana.count("ッ")  # consonant clusters of English words become っ
    return kana if letters <= max(2, len(text) // 15) and stray <= max(1, len(text) // 20) else None


def _replace_run(run: str, table: dict[str, str]) -> str:
    folded = fold_long_vowels(jaconv.hira2kata(jaconv.h2z(run)))
    out: list[str] = []
    i = 0
    while i < len(folded):
        for j in range(min(len(folded), i + MAX_READING), i + MIN_READING - 1, -1):
            surface = table.get(folded[i:j])
            if surface:
                out.append(surface)
                i = j
                break
        else:
            out.append(run[i])
            i += 1
    return "".join(out)


def read_terms(index: LoadedIndex, text: str) -> str:
    """The question with kana spellings of the sources' terms replaced by the terms themselves."""
    table = readings(index)
    text = split_katakana_compounds(index, text)
    return read_defined_words(index, _KANA_RUN.sub(lambda m: _replace_run(m.group(0), table), text))


_KATAKANA_RUN = re.compile(r"[\u30a1-\u30faー]{4,}")
_KATAKANA_WORDS: dict[str, frozenset[str]] = {}
MIN_PART = 2  # a compound's part: a katakana word of the sources of 2+ letters (ハブ)


def split_katakana_compounds(index: LoadedIndex, text: str) -> str:
    """A katakana compound the sources never write, made of two katakana words they do (「コネクターハブ企業」 →
    「コネクター・ハブ企業」), written with 「・」 between them so each part is searched as the sources' word."""
    words = _KATAKANA_WORDS.get(index.generation)
    if words is None:  # built into a local first: a request thread never reads a key another one has just cleared
        words = frozenset(w for c in index.chunks for w in re.findall(r"[\u30a1-\u30faー]{2,}", normalize_text(c.text)))
        keep_only(_KATAKANA_WORDS, index.generation)  # one generation is served at a time
        _KATAKANA_WORDS[index.generation] = words

    def split(m: re.Match[str]) -> str:
        run = m.group(0)
        if run in words:
            return run
        for i in range(len(run) - MIN_PART, MIN_PART - 1, -1):
            if run[:i] in words and run[i:] in words:
                return f"{run[:i]}・{run[i:]}"
        return run

    return _KATAKANA_RUN.sub(split, text)


_HAS_KANJI = re.compile(r"[\u4e00-\u9fff]")
_HIRA_TAIL = re.compile(r"[\u3041-\u309f]+$")
_CONTENT = ("名詞", "動詞", "形容詞")
_PLAIN_WORD = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\u4e00-\u9fffー]{2,12}$")


def vocabulary_readings(words: Iterable[str]) -> dict[str, str]:
    """Reading (katakana) → word, for the vocabulary's words that hold kanji (継ぐ → ツグ, 相談 → ソウダン).

    ``words`` are the desk's own vocabularies (clarify cues, plan-analysis needs); regex fragments are skipped."""
    table: dict[str, str] = {}
    for word in words:
        if not _PLAIN_WORD.match(word):
            continue
        for m in morphemes(word):
            if m.surface == m.base and _HAS_KANJI.search(m.base) and m.pos[0] in _CONTENT and len(m.reading) >= 2:
                table.setdefault(m.reading, m.base)
    return table


def kana_words(kana: str, vocabulary: Mapping[str, str]) -> str:
    """A kana run read as words: the vocabulary's word sharing a morpheme's reading (つが → 継ぐ), else Sudachi's
    normalized form when it holds kanji (むすこ → 息子); verbs are given in their dictionary form."""
    out: list[str] = []
    for m in morphemes(kana):
        if m.pos[0] not in _CONTENT:
            out.append(m.surface)
            continue
        word = vocabulary.get(jaconv.hira2kata(m.base)) or vocabulary.get(jaconv.hira2kata(m.surface))
        common_noun = m.pos[0] == "名詞" and m.pos[1] == "普通名詞" and m.pos[2] not in ("副詞可能", "助数詞可能")
        if word is None and common_noun and _HAS_KANJI.search(m.normalized) and len(m.surface) >= 2:
            word = m.normalized  # むすこ → 息子, みせ → 店 (not ため → 為, not ある → 有る)
        out.append(word or m.surface)
    return "".join(out)


def word_readings(index: LoadedIndex) -> dict[str, str]:
    """Reading → the sources' most frequent noun with that reading, for whole romaji words (しえん → 支援)."""
    if index.generation not in _WORDS:
        counts: dict[str, dict[str, int]] = {}
        for chunk in index.chunks:
            for reading, surface in noun_readings(chunk.text, max_run=1).items():
                if 2 <= len(reading) < MIN_READING and _HAS_KANJI.search(surface):
                    by = counts.setdefault(fold_long_vowels(reading), {})
                    by[surface] = by.get(surface, 0) + chunk.text.count(surface)
        keep_only(_WORDS, index.generation)  # one generation is served at a time
        _WORDS[index.generation] = {r: max(by, key=lambda w: by[w]) for r, by in counts.items()}
    return _WORDS[index.generation]


def _whole_word(index: LoadedIndex, word: str) -> str | None:
    """The sources' noun a whole romaji word spells, when the word is exactly its reading (しえん → 支援)."""
    if not _KANA_WORD.fullmatch(word):
        return None
    return word_readings(index).get(fold_long_vowels(jaconv.hira2kata(word)))


_DEFINED_LINE = re.compile(r"^(?:[(（]※[)）])?\s*([^、。:：\s]{2,20})\s*[:：]", re.MULTILINE)
_DEFINED: dict[str, dict[str, str]] = {}
_SPACED_KANA = re.compile(r"(?<![\u3041-\u309fー])[\u3041-\u309fー]{3,8}(?![\u3041-\u309fー])")


def defined_readings(index: LoadedIndex) -> dict[str, str]:
    """Reading → term, for the terms a policy line defines (「ハブ度:…」), however short their reading."""
    if index.generation not in _DEFINED:
        table: dict[str, str] = {}
        for chunk in index.chunks:
            if chunk.kind != "policy":
                continue
            for m in _DEFINED_LINE.finditer(chunk.text):
                term = m.group(1)
                reading = "".join(x.reading for x in morphemes(term))
                if reading and reading != term and _KATAKANA.fullmatch(reading):
                    table.setdefault(fold_long_vowels(reading), term)
        keep_only(_DEFINED, index.generation)  # one generation is served at a time
        _DEFINED[index.generation] = table
    return _DEFINED[index.generation]


def read_defined_words(index: LoadedIndex, text: str) -> str:
    """A kana word standing alone (between spaces) that spells a term the sources define is read as that term
    (「こねくたーど と はぶど」 → ハブ度), though shorter than the readings :func:`read_terms` replaces."""
    if not re.search(r"\s", text):
        return text
    table = defined_readings(index)
    return _SPACED_KANA.sub(lambda m: table.get(fold_long_vowels(jaconv.hira2kata(m.group(0))), m.group(0)), text)


_ZU = str.maketrans({"ヅ": "ズ", "ヂ": "ジ"})
_LONG_U = re.compile(r"(?<=[オコソトノホモヨロゴゾドボポョウクスツヌフムユルグズブプュ])ウ")
_ROMAJI_KEYS: dict[str, dict[str, str]] = {}
MIN_ROMAJI_KEY = 3


def romaji_key(kata: str) -> str:
    """How a reading is typed in plain romaji: づ as ず, long vowels unmarked (ものづくり → モノズクリ, ちゅうしょう → チュショ)."""
    return _LONG_U.sub("", fold_long_vowels(kata).translate(_ZU))


def _romaji_keys(index: LoadedIndex) -> dict[str, str]:
    """Romaji key → the sources' term, over the readings of terms and of whole words (built once per generation)."""
    if index.generation not in _ROMAJI_KEYS:
        table: dict[str, str] = {}
        for reading, surface in [*readings(index).items(), *word_readings(index).items()]:
            key = romaji_key(reading)
            if len(key) >= MIN_ROMAJI_KEY:
                table.setdefault(key, surface)
        keep_only(_ROMAJI_KEYS, index.generation)  # one generation is served at a time
        _ROMAJI_KEYS[index.generation] = table
    return _ROMAJI_KEYS[index.generation]


def _romaji_word(index: LoadedIndex, word: str) -> str | None:
    """The sources' term a whole romaji word spells without long vowels or with ず for づ (monozukuri → ものづくり)."""
    if not _KANA_WORD.fullmatch(word) and not re.fullmatch(r"[\u3041-\u309fー]{9,24}", word):
        return None
    key = romaji_key(jaconv.hira2kata(word))
    return _romaji_keys(index).get(key) if len(key) >= MIN_ROMAJI_KEY else None


def read_romaji_words(index: LoadedIndex, kana: str, vocabulary: Mapping[str, str]) -> str:
    """A romaji question read as kana, word by word: the sources' terms first (ほじょきん → 補助金), then words."""
    kana = _PARTICLE.sub(lambda m: m.group(1) + _PARTICLES[m.group(2)], kana)
    words = [_whole_word(index, w) or _romaji_word(index, w) or read_terms(index, w) for w in kana.split()]
    return "".join(_KANA_ONLY.sub(lambda m: kana_words(m.group(0), vocabulary), w) for w in words)


_PARTICLES = {"わ": "は", "え": "へ"}  # romaji "wa" / "e" standing alone are the particles は / へ
_PARTICLE = re.compile(r"(^|\s)(わ|え)(?=$|[\s?？!！.,、。])")
_KANA_ONLY = re.compile(r"[\u3041-\u309fー]{2,}")


_SPLIT = re.compile(r"[…|()\[\]?*+]")


def kana_vocabulary(clarify: Clarify, plan_vocab: Mapping[str, Any]) -> dict[str, str]:
    """Readings of the words a situation question is read for: the clarify cues and plan analysis's needs terms."""
    words: list[str] = [w for c in clarify.choices for cue in c.cues for w in _SPLIT.split(cue)]
    needs = plan_vocab.get("needs", {})
    if isinstance(needs, Mapping):
        words += [w for terms in needs.values() for t in terms for w in _SPLIT.split(str(t))]
    return vocabulary_readings(words)
