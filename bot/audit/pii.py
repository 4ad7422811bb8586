"""Mask personal data (e-mail, phone, マイナンバー, card numbers, extra patterns) in Japanese text before it is stored."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from retrieval import regex as rx

EMAIL_TOKEN = "[メールアドレス]"
PHONE_TOKEN = "[電話番号]"
MY_NUMBER_TOKEN = "[個人番号]"
CARD_TOKEN = "[カード番号]"
EXTRA_TOKEN = "[非表示]"

# Matching runs on a normalized copy of the text (NFKC: full-width letters, digits, ＠ and ． become ASCII;
# kanji digits 〇一二…九 become 0–9; every dash and long-vowel mark becomes "-"); what matched is masked in the
# original text, which is otherwise kept as written.
_KANJI_DIGITS = dict(zip("〇零一二三四五六七八九", "00123456789", strict=True))
_DASHES = set("‐‑‒–—―−－ーｰ─━﹣⁃-")
_D = "[0-9]"
_SEP = "[- ]"  # one separator between the digit groups of an ID or a card (after normalization)
_PSEP = "[- ()./]"  # phones also use parentheses, dots and slashes: 03(1234)5678, 090.1234.5678, 03/1234/5678
# A number that is not part of a longer digit run (no digit, or digit + separator, on either side).
_DOT = "[.,]"  # a decimal point or thousands separator makes it a figure, not an ID
_START = rf"(?<![0-9+])(?<!{_D}{_SEP})(?<!{_D}{_DOT})"
_END = rf"(?!{_D})(?!{_SEP}{_D})(?!{_DOT}{_D})"

# E-mail: local part and domain may be non-ASCII (たろう@例え.jp, taro@ドメイン.日本); Python's \w is Unicode.
_EMAIL = re.compile(r"[\w.%+\-!#$&'*/=?^`{|}~]+@(?:[\w\-]+\.)+(?:[A-Za-z]{2,}|[^\x00-\x7f\W]{2,})")
_ASCII_TAIL = re.compile(r"[A-Za-z0-9._%+\-]+$")
# Card numbers: 13–19 digits in a row, or grouped 4-4-4-4(-1..3) / 4-6-5 / 4-6-4 with one kind of separator.
_CARD = re.compile(
    rf"{_START}(?:{_D}{{13,19}}"
    rf"|{_D}{{4}}(?P<s1>{_SEP}){_D}{{4}}(?P=s1){_D}{{4}}(?P=s1){_D}{{4}}(?:(?P=s1){_D}{{1,3}})?"
    rf"|{_D}{{4}}(?P<s2>{_SEP}){_D}{{6}}(?P=s2){_D}{{4,5}}){_END}"
)
# マイナンバー (individual number): 12 digits in a row, or 4-4-4 with one kind of separator.
_MY_NUMBER = re.compile(rf"{_START}(?:{_D}{{12}}|{_D}{{4}}(?P<s>{_SEP}){_D}{{4}}(?P=s){_D}{{4}}){_END}")
_PHONE = re.compile(
    rf"(?<![0-9])(?<!{_D}[-.])"
    rf"(?P<intl>\+81{_PSEP}?(?:\(0\))?{_PSEP}?|\(?0)"
    rf"{_D}{{0,4}}{_PSEP}?{_D}{{1,4}}{_PSEP}?{_D}{{3,4}}"
    rf"(?!{_D})(?![-.]{_D})"
)
# Every digit run with its separators; the patterns above run only inside such spans (fast on long text, and
# equivalent: a span's neighbours are never digits or separators, so the look-arounds see the same thing).
_NUMERIC_SPAN = re.compile(r"[0-9+(][0-9+().,/\- ]{9,}")  # ≥ 10 characters
_HIDDEN = "\ue000"  # stands in for a masked stretch of the normalized text (same length, never a digit)


@lru_cache(maxsize=4096)
def _norm_char(char: str) -> str:
    if char in _KANJI_DIGITS:
        return _KANJI_DIGITS[char]
    if char in _DASHES:
        return "-"
    out = unicodedata.normalize("NFKC", char)
    return "-" if out in _DASHES else out


def normalize_for_matching(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the index of the original character it came from."""
    if text.isascii():
        return text, list(range(len(text)))
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        out = _norm_char(char)
        parts.append(out)
        origin.extend([index] * len(out))
    return "".join(parts), origin


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _is_phone(match: re.Match[str]) -> bool:
    """Only what has a Japanese phone number's digit count (10–11 digits, 9–10 after +81)."""
    digits = _digits(match.group(0))
    if match.group("intl").lstrip("(").startswith("0"):
        return 10 <= len(digits) <= 11
    national = digits[2:]
    national = national[1:] if national.startswith("0") else national
    return 9 <= len(national) <= 10


class _Finder:
    """Finds what to mask in the normalized text; each find is hidden there so later patterns skip it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[tuple[int, int, str]] = []

    def hide(self, start: int, end: int, token: str) -> str:
        self.found.append((start, end, token))
        return _HIDDEN * (end - start)

    def emails(self) -> None:
        def one(m: re.Match[str]) -> str:
            local = m.group(0).split("@", 1)[0]
            tail = _ASCII_TAIL.search(local)
            # "連絡先はtaro@…": an ASCII local part glued to Japanese text keeps the text before it
            skip = len(local) - len(tail.group(0)) if tail and not local.isascii() and tail.group(0)[0].isalnum() else 0
            return m.group(0)[:skip] + self.hide(m.start() + skip, m.end(), EMAIL_TOKEN)

        if "@" in self.text:
            self.text = _EMAIL.sub(one, self.text)

    def numbers(self) -> None:
        def span(outer: re.Match[str]) -> str:
            text = outer.group(0)
            if len(_digits(text)) < 10:  # nothing shorter is a phone, an individual number or a card
                return text
            base = outer.start()
            text = _CARD.sub(lambda m: self.hide(base + m.start(), base + m.end(), CARD_TOKEN), text)
            text = _MY_NUMBER.sub(lambda m: self.hide(base + m.start(), base + m.end(), MY_NUMBER_TOKEN), text)
            return _PHONE.sub(
                lambda m: self.hide(base + m.start(), base + m.end(), PHONE_TOKEN) if _is_phone(m) else m.group(0), text
            )

        self.text = _NUMERIC_SPAN.sub(span, self.text)


def _mask_builtin(text: str) -> str:
    normalized, origin = normalize_for_matching(text)
    finder = _Finder(normalized)
    finder.emails()
    finder.numbers()
    if not finder.found:
        return text
    out: list[str] = []
    cursor = 0
    for start, end, token in sorted(finder.found):
        first, last = origin[start], origin[end - 1] + 1
        if first < cursor:
            continue
        out += [text[cursor:first], token]
        cursor = last
    out.append(text[cursor:])
    return "".join(out)


@dataclass(frozen=True)
class Masker:
    """Replaces personal data with a bracketed token; ``enabled=False`` returns text unchanged."""

    extra: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    enabled: bool = True

    def mask(self, text: str | None) -> str | None:
        """Text with e-mail, card numbers, マイナンバー, phone numbers and extra patterns masked."""
        if not text or not self.enabled:
            return text
        text = _mask_builtin(text)
        for pattern in self.extra:
            text = pattern.sub(EXTRA_TOKEN, text)
        return text

    def mask_obj(self, value: Any) -> Any:
        """Mask every string inside nested dicts / lists (metadata, citations)."""
        if not self.enabled:
            return value
        if isinstance(value, str):
            return self.mask(value)
        if isinstance(value, Mapping):
            return {k: self.mask_obj(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.mask_obj(v) for v in value]
        return value


def compile_patterns(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """Compile extra patterns; raise ``ValueError`` naming the one that is not a valid regex."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(rx.compiled(pattern))
        except re.error as exc:
            raise ValueError(f"pii_patterns の正規表現が不正です: {pattern!r} ({exc})") from None
    return tuple(compiled)


@lru_cache(maxsize=16)
def build_masker(extra_patterns: tuple[str, ...] = (), enabled: bool = True) -> Masker:
    """A masker with the built-in patterns plus ``extra_patterns`` (cached per pattern set)."""
    return Masker(extra=compile_patterns(extra_patterns), enabled=enabled)


def mask(text: str, extra_patterns: Iterable[str] = ()) -> str:
    """Mask personal data in one text with the built-in and the given extra patterns."""
    return build_masker(tuple(extra_patterns)).mask(text) or text
