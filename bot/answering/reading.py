"""Kana and plain spellings of the sources' terms read into the terms (「ものづくりほじょきん」 → ものづくり補助金).

Readings come from SudachiPy over the indexed chunks; kana is folded with jaconv (hiragana → katakana,
half-width → full-width); romaji questions are read as kana in romaji.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
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
_KATAKANA = re.compile(r"[\u30a0-\u30ffー]+")
_READINGS: dict[str, dict[str, str]] = {}
_WORDS: dict[str, dict[str, str]] = {}
KANA_WORD = re.compile(r"[\u3041-\u309fー]{2,8}")


_VOWELS = "aiueo"


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
        for reading, word in acronym_readings(c.text for c in index.chunks).items():  # いーびーぴーえむ → EBPM
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


UPPER_WORD = re.compile(r"(?<![A-Za-z])[A-Z]{2,}(?![A-Za-z])")
# how the Latin letters are named in kana: the first name is the usual one, the others are common spellings
LETTER_NAMES: dict[str, tuple[str, ...]] = {
    "A": ("エー", "エイ"), "B": ("ビー",), "C": ("シー",), "D": ("ディー", "デー"), "E": ("イー",), "F": ("エフ",),
    "G": ("ジー",), "H": ("エイチ", "エッチ"), "I": ("アイ",), "J": ("ジェー", "ジェイ"), "K": ("ケー", "ケイ"),
    "L": ("エル",), "M": ("エム",), "N": ("エヌ",), "O": ("オー",), "P": ("ピー",), "Q": ("キュー",), "R": ("アール",),
    "S": ("エス",), "T": ("ティー", "テー"), "U": ("ユー",), "V": ("ブイ", "ヴィー"), "W": ("ダブリュー",),
    "X": ("エックス",), "Y": ("ワイ",), "Z": ("ゼット", "ズィー"),
}
MAX_SPELLINGS = 8  # spellings kept per acronym (letters with two names multiply them)


def letter_spellings(word: str) -> list[str]:
    """The kana spellings of an acronym read letter by letter (EBPM → イービーピーエム), the usual names first."""
    spellings = [""]
    for ch in word:
        names = LETTER_NAMES.get(ch)
        if names is None:
            return []
        spellings = [s + n for s in spellings for n in names][:MAX_SPELLINGS]
    return spellings


def acronym_readings(texts: Iterable[str]) -> dict[str, str]:
    """Reading → acronym for the upper-case words of the sources (EBPM, KPI, TSMC), so that a question spelling them in
    kana (「いーびーぴーえむ」「けーぴーあい」) reads them: Sudachi's reading when it knows the word as one (JETRO →
    ジェトロ), and always the letter names."""
    table: dict[str, str] = {}
    words = dict.fromkeys(w for text in texts for w in UPPER_WORD.findall(normalize_text(text)))
    for word in words:
        known = "".join(m.reading for m in morphemes(word))
        spellings = ([known] if _KATAKANA.fullmatch(known or "-") else []) + letter_spellings(word)
        for kana in spellings:
            if MIN_READING <= len(kana) <= MAX_READING:
                table.setdefault(fold_long_vowels(kana), word)
    return table


def longest_spans(n: int, lookup: Callable[[int, int], str | None], longest: int,
                  shortest: int) -> list[tuple[int, str | None]]:
    """Left to right over ``n`` items, the longest span ``[i, j)`` of ``shortest``…``longest`` items that ``lookup``
    names: ``(i, name)`` for each such span, ``(i, None)`` for an item in none."""
    out: list[tuple[int, str | None]] = []
    i = 0
    while i < n:
        for j in range(min(n, i + longest), i + shortest - 1, -1):
            name = lookup(i, j)
            if name:
                out.append((i, name))
                i = j
                break
        else:
            out.append((i, None))
            i += 1
    return out


def _replace_run(run: str, table: dict[str, str]) -> str:
    folded = fold_long_vowels(jaconv.hira2kata(jaconv.h2z(run)))
    spans = longest_spans(len(folded), lambda i, j: table.get(folded[i:j]), MAX_READING, MIN_READING)
    return "".join(name or run[i] for i, name in spans)


def read_terms(index: LoadedIndex, text: str) -> str:
    """The question with kana spellings of the sources' terms replaced by the terms themselves."""
    table = readings(index)
    text = split_katakana_compounds(index, joined_terms(text, table))
    text = read_defined_words(index, _KANA_RUN.sub(lambda m: _replace_run(m.group(0), table), text))
    return read_short_words(index, text)


_HIRAGANA_WORD = re.compile(r"^[\u3041-\u309fー]+$")
MAX_JOINED = 4  # kana words joined into one term at most (地場/産業/成長/プラン)


def joined_terms(text: str, table: Mapping[str, str]) -> str:
    """Kana words written apart that together spell one term of the sources (「じばさんぎょう せいちょう ぷらん」 →
    地場産業成長プラン), joined into it; other spaces stay."""
    if " " not in text and "\u3000" not in text:
        return text
    words = text.split()

    def term(i: int, j: int) -> str | None:
        part = words[i:j]
        if not all(_HIRAGANA_WORD.match(w) for w in part):
            return None
        return table.get(fold_long_vowels(jaconv.hira2kata("".join(part))))

    return " ".join(name or words[i] for i, name in longest_spans(len(words), term, MAX_JOINED, 2))


# a short kana word standing as a word: after a non-kana character, before a particle and a non-kana character
_PARTICLE_TAIL = r"(?:の|は|が|を|に|で|と|も|へ|や|って|とか|から|まで|より)?"
_SHORT_WORD = re.compile(r"(?<![\u3041-\u309f\u30a0-\u30ffー])([\u3041-\u309fー]{2,3})(?=" + _PARTICLE_TAIL
                         + r"(?:$|[^\u3041-\u309f\u30a0-\u30ffー]))")
# what a short kana word is when it is no noun of the sources' (これ, どこ, こと, ため): never replaced
_FUNCTION_POS = ("代名詞", "助詞", "助動詞", "感動詞", "連体詞", "接続詞", "接頭辞")
MIN_SHORT = 3  # a 2-kana word is read only as a katakana word of the sources (ぷらん is 4 letters; はぶ → ハブ)


def _short_reading(index: LoadedIndex, word: str) -> str | None:
    """The sources' word a short kana word spells: a katakana word of theirs (ぷらん → プラン), else the sources'
    most frequent noun with that reading (とっく → 特区, ひよう → 費用) for 3 kana."""
    kata = jaconv.hira2kata(word)
    ms = morphemes(word)
    if len(ms) == 1 and (ms[0].pos[0] in _FUNCTION_POS or ms[0].pos[2] == "副詞可能"):
        return None
    if kata in katakana_words(index):
        return kata
    if len(word) < MIN_SHORT:
        return None
    return word_readings(index).get(fold_long_vowels(kata))


def read_short_words(index: LoadedIndex, text: str) -> str:
    """Kana words of two or three letters written as words (「とっくの ていあん」「ぷらん、」) read as the sources' words
    they spell; longer ones are read by :func:`read_terms`'s runs."""
    return _SHORT_WORD.sub(lambda m: _short_reading(index, m.group(1)) or m.group(1), text)


_KATAKANA_RUN = re.compile(r"[\u30a1-\u30faー]{4,}")
_KATAKANA_WORDS: dict[str, frozenset[str]] = {}
MIN_PART = 2  # a compound's part: a katakana word of the sources of 2+ letters (ハブ)


def katakana_words(index: LoadedIndex) -> frozenset[str]:
    """The katakana words of the sources (2+ letters), built once per generation."""
    words = _KATAKANA_WORDS.get(index.generation)
    if words is None:  # built into a local first: a request thread never reads a key another one has just cleared
        words = frozenset(w for c in index.chunks for w in re.findall(r"[\u30a1-\u30faー]{2,}", normalize_text(c.text)))
        keep_only(_KATAKANA_WORDS, index.generation)  # one generation is served at a time
        _KATAKANA_WORDS[index.generation] = words
    return words


def split_katakana_compounds(index: LoadedIndex, text: str) -> str:
    """A katakana compound the sources never write, made of two katakana words they do (「コネクターハブ企業」 →
    「コネクター・ハブ企業」), written with 「・」 between them so each part is searched as the sources' word."""
    words = katakana_words(index)

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


def kana_words(kana: str, vocabulary: Mapping[str, str], min_len: int = 1) -> str:
    """A kana run read as words: the vocabulary's word sharing a morpheme's reading (つが → 継ぐ), else Sudachi's
    normalized form when it holds kanji (むすこ → 息子); verbs are given in their dictionary form. Morphemes shorter
    than ``min_len`` stay as written."""
    out: list[str] = []
    for m in morphemes(kana):
        if m.pos[0] not in _CONTENT or len(m.surface) < min_len:
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


def whole_word(index: LoadedIndex, word: str) -> str | None:
    """The sources' noun a whole romaji word spells, when the word is exactly its reading (しえん → 支援)."""
    if not KANA_WORD.fullmatch(word):
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


KANA_WRITTEN = 0.6  # share of a question's letters in hiragana from which it is read as written in kana
KANJI_FEW = 0.1  # at most this share of kanji: written in kana even without spaces


def kana_written(text: str) -> bool:
    """True for a question written mostly in hiragana (「じもとの かいしゃが…」), whose words are read one by one."""
    letters = [c for c in text if not c.isspace() and c not in "、。？?！!()（）「」"]
    if not letters or sum(1 for c in letters if "\u3041" <= c <= "\u309f") / len(letters) < KANA_WRITTEN:
        return False
    # written word by word (spaces between words), or with hardly a kanji: not ordinary prose, which is mostly kana too
    kanji = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff") / len(letters)
    return bool(re.search(r"[\u3041-\u309f]\s+[\u3041-\u309f]", text)) or kanji <= KANJI_FEW


def read_kana_words(text: str, vocabulary: Mapping[str, str]) -> str:
    """The hiragana runs of a question written in kana read as words (てつだい → 手伝い, vocabulary words first)."""
    return _KANA_WORD_START.sub(lambda m: kana_words(m.group(0), vocabulary, MIN_SHORT), text)


# a hiragana run that starts a word (not the okurigana of a word read already: 手伝「いを」)
_KANA_WORD_START = re.compile(r"(?<![\u4e00-\u9fff\u30a0-\u30ff々ー])[\u3041-\u309fー]{2,}")
_SPLIT = re.compile(r"[…|()\[\]?*+]")


def kana_vocabulary(clarify: Clarify, plan_vocab: Mapping[str, Any]) -> dict[str, str]:
    """Readings of the words a situation question is read for: the clarify cues and plan analysis's needs terms."""
    words: list[str] = [w for c in clarify.choices for cue in c.cues for w in _SPLIT.split(cue)]
    needs = plan_vocab.get("needs", {})
    if isinstance(needs, Mapping):
        words += [w for terms in needs.values() for t in terms for w in _SPLIT.split(str(t))]
    return vocabulary_readings(words)
