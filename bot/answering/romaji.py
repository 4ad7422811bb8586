"""Romaji questions (「monozukuri hojokin no jouken」): read as kana, then word by word into the sources' terms."""

from __future__ import annotations

import re
from collections.abc import Mapping

import jaconv

from bot.answering.reading import (
    KANA_WORD,
    UPPER_WORD,
    fold_long_vowels,
    kana_words,
    read_terms,
    readings,
    whole_word,
    word_readings,
)
from retrieval.generations import keep_only
from retrieval.index import LoadedIndex

_ROMAJI = re.compile(r"^[A-Za-z0-9 ,.?!'\"()\-~]+$")
_LATIN = re.compile(r"[A-Za-z]")
_DOUBLE_VOWEL_HYPHEN = re.compile(r"(aa|ii|uu|ee|oo)-(?=[a-z])")
_PARTICLES = {"わ": "は", "え": "へ"}  # romaji "wa" / "e" standing alone are the particles は / へ
_PARTICLE = re.compile(r"(^|\s)(わ|え)(?=$|[\s?？!！.,、。])")
_KANA_ONLY = re.compile(r"[\u3041-\u309fー]{2,}")




def romaji_to_kana(text: str) -> str | None:
    """The hiragana reading of a romaji question, or None when the text is not romaji (e.g. English); an upper-case
    word (「EBPM merukumaaru」) is kept as it is."""
    if not _ROMAJI.match(text):
        return None
    acronyms = UPPER_WORD.findall(text)
    # 「konekutaa-do」: the hyphen joins
    pieces = [jaconv.alphabet2kana(_DOUBLE_VOWEL_HYPHEN.sub(r"\1", p.lower())) for p in UPPER_WORD.split(text)]
    kana = "".join(p + (acronyms[i] if i < len(acronyms) else "") for i, p in enumerate(pieces))
    letters = len(_LATIN.findall("".join(pieces)))
    stray = kana.count("っ") + kana.count("ッ")  # consonant clusters of English words become っ
    return kana if letters <= max(2, len(text) // 15) and stray <= max(1, len(text) // 20) else None


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
    if not KANA_WORD.fullmatch(word) and not re.fullmatch(r"[\u3041-\u309fー]{9,24}", word):
        return None
    key = romaji_key(jaconv.hira2kata(word))
    return _romaji_keys(index).get(key) if len(key) >= MIN_ROMAJI_KEY else None


def read_romaji_words(index: LoadedIndex, kana: str, vocabulary: Mapping[str, str]) -> str:
    """A romaji question read as kana, word by word: the sources' terms first (ほじょきん → 補助金), then words."""
    kana = _PARTICLE.sub(lambda m: m.group(1) + _PARTICLES[m.group(2)], kana)
    words = [whole_word(index, w) or _romaji_word(index, w) or read_terms(index, w) for w in kana.split()]
    return "".join(_KANA_ONLY.sub(lambda m: kana_words(m.group(0), vocabulary), w) for w in words)
