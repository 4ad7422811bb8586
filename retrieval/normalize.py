"""Japanese text normalization shared by indexing, querying and evaluation."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# OCR slips seen in the policy document: the kanji 一 standing for the long-vowel mark after
# katakana (「コネクタ一度」→「コネクター度」), and a stray caret inside a word (「加^点」→「加点」).
_KANJI_ONE_AS_CHOON = re.compile(r"(?<=[\u30a1-\u30fa])一(?=[\u30a1-\u30fa度・])")
_STRAY_CARET = re.compile(r"(?<=[\u3040-\u30ff\u4e00-\u9fff])\^(?=[\u3040-\u30ff\u4e00-\u9fff])")
_HYPHEN_AFTER_KATAKANA = re.compile(r"(?<=[\u30a1-\u30fa])[-‐－―−](?=[\u30a1-\u30fa度])")
_SPACES = re.compile(r"[ \t\u3000\u00a0]+")
_ALL_SPACE = re.compile(r"\s+")


def fix_ocr(text: str) -> str:
    """Repair the OCR slips of the source documents."""
    text = _KANJI_ONE_AS_CHOON.sub("ー", text)
    text = _HYPHEN_AFTER_KATAKANA.sub("ー", text)
    return _STRAY_CARET.sub("", text)


_CIRCLED = re.compile(r"([\u2460-\u2473])")


def _nfkc(text: str) -> str:
    """NFKC that keeps circled numbers (①②③ mark enumerations in administrative text)."""
    parts = _CIRCLED.split(text)
    return "".join(p if _CIRCLED.fullmatch(p) else unicodedata.normalize("NFKC", p) for p in parts)


# an ask normalizes its question and the same quotable lines ≈ 150 times: short texts are remembered, long ones
# (chunk bodies, plans) pass through so the cache stays small
_CACHED_CHARS = 400


def normalize(text: str) -> str:
    """NFKC, OCR fixes and collapsed horizontal whitespace (newlines kept)."""
    return _normalized_short(text) if len(text) <= _CACHED_CHARS else _normalized(text)


@lru_cache(maxsize=16384)
def _normalized_short(text: str) -> str:
    return _normalized(text)


def _normalized(text: str) -> str:
    text = _nfkc(text)
    text = fix_ocr(text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def compact(text: str) -> str:
    """Normalized text with every whitespace removed, for containment checks."""
    return _ALL_SPACE.sub("", normalize(text))
