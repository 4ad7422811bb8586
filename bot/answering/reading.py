"""Kana and romaji spellings of the sources' terms (「こねくたーど」「chiiki mirai koufukin」) read back as the terms.

Readings come from SudachiPy over the indexed chunks; kana is folded with jaconv (hiragana → katakana,
half-width → full-width) and romaji is read as kana with ``jaconv.alphabet2kana``.
"""

from __future__ import annotations

import re

import jaconv

from retrieval.index import LoadedIndex
from retrieval.tokenize import noun_readings

MIN_READING = 4  # shorter readings (「カイ」「ケン」) are too ambiguous to replace
MAX_READING = 24
_KANA_RUN = re.compile(r"[\u3041-\u309f\u30a0-\u30ffー]{" + str(MIN_READING) + ",}")
_ROMAJI = re.compile(r"^[A-Za-z0-9 ,.?!'\"()\-~]+$")
_LATIN = re.compile(r"[A-Za-z]")
_KATAKANA = re.compile(r"[\u30a0-\u30ffー]+")
_READINGS: dict[str, dict[str, str]] = {}


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
        _READINGS.clear()  # one generation is served at a time
        _READINGS[index.generation] = table
    return _READINGS[index.generation]


def romaji_to_kana(text: str) -> str | None:
    """The hiragana reading of a romaji question, or None when the text is not romaji (e.g. English)."""
    if not _ROMAJI.match(text):
        return None
    kana = jaconv.alphabet2kana(_DOUBLE_VOWEL_HYPHEN.sub(r"\1", text.lower()))  # 「konekutaa-do」: the hyphen joins
    letters = len(_LATIN.findall(kana))
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
    return _KANA_RUN.sub(lambda m: _replace_run(m.group(0), table), text)
