"""Mask personal data (e-mail, phone, マイナンバー, card numbers, extra patterns) before it is stored."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

EMAIL_TOKEN = "[メールアドレス]"
PHONE_TOKEN = "[電話番号]"
MY_NUMBER_TOKEN = "[個人番号]"
CARD_TOKEN = "[カード番号]"
EXTRA_TOKEN = "[非表示]"

_D = "[0-9０-９]"  # half- and full-width digits
_SEP = "[-‐‑‒–—―−－ー \u3000]"  # one separator between digit groups (hyphens, long mark, spaces)
_PSEP = "[-‐‑‒–—―−－ー \u3000()（）]"  # phones also use parentheses: 03(1234)5678, (03)1234-5678
# A number that is not part of a longer digit run (no digit, or digit + separator, on either side).
_DOT = "[.,．，]"  # a decimal point or thousands separator makes it a figure, not an ID
_START = rf"(?<![0-9０-９+＋])(?<!{_D}{_SEP})(?<!{_D}{_DOT})"
_END = rf"(?!{_D})(?!{_SEP}{_D})(?!{_DOT}{_D})"

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
# Card numbers: 13–19 digits in a row, or grouped 4-4-4-4(-1..3) / 4-6-5 / 4-6-4 with one kind of separator.
_CARD = re.compile(
    rf"{_START}(?:{_D}{{13,19}}"
    rf"|{_D}{{4}}(?P<s1>{_SEP}){_D}{{4}}(?P=s1){_D}{{4}}(?P=s1){_D}{{4}}(?:(?P=s1){_D}{{1,3}})?"
    rf"|{_D}{{4}}(?P<s2>{_SEP}){_D}{{6}}(?P=s2){_D}{{4,5}}){_END}"
)
# マイナンバー (individual number): 12 digits in a row, or 4-4-4 with one kind of separator.
_MY_NUMBER = re.compile(rf"{_START}(?:{_D}{{12}}|{_D}{{4}}(?P<s>{_SEP}){_D}{{4}}(?P=s){_D}{{4}}){_END}")
_PHONE = re.compile(
    rf"(?<![0-9０-９])(?<!{_D}[-‐－−])"
    rf"(?P<intl>[+＋](?:81|８１){_PSEP}?(?:\(0\)|（０）)?{_PSEP}?|[(（]?[0０])"
    rf"{_D}{{0,4}}{_PSEP}?{_D}{{1,4}}{_PSEP}?{_D}{{3,4}}"
    rf"(?!{_D})(?![-‐－−]{_D})"
)
# Every digit run with its separators; the patterns above run only inside such spans (fast on long text, and
# equivalent: a span's neighbours are never digits or separators, so the look-arounds see the same thing).
_NUMERIC_SPAN = re.compile(r"[0-9０-９+＋(（][0-9０-９+＋()（）.,．，\-‐‑‒–—―−－ー \u3000]{9,}")  # ≥ 10 characters
_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(_FULLWIDTH))


def _phone(match: re.Match[str]) -> str:
    """Mask only what has a Japanese phone number's digit count (10–11 digits, 9–10 after +81)."""
    digits = _digits(match.group(0))
    if match.group("intl").lstrip("(（").startswith(("0", "０")):
        ok = 10 <= len(digits) <= 11
    else:
        national = digits[2:]
        national = national[1:] if national.startswith("0") else national
        ok = 9 <= len(national) <= 10
    return PHONE_TOKEN if ok else match.group(0)


def _numbers(span: re.Match[str]) -> str:
    """Card numbers, then マイナンバー, then phone numbers inside one digit span."""
    text = span.group(0)
    if len(_digits(text)) < 10:  # nothing shorter is a phone, an individual number or a card
        return text
    text = _CARD.sub(CARD_TOKEN, text)
    text = _MY_NUMBER.sub(MY_NUMBER_TOKEN, text)
    return _PHONE.sub(_phone, text)


@dataclass(frozen=True)
class Masker:
    """Replaces personal data with a bracketed token; ``enabled=False`` returns text unchanged."""

    extra: tuple[re.Pattern[str], ...] = field(default_factory=tuple)
    enabled: bool = True

    def mask(self, text: str | None) -> str | None:
        """Text with e-mail, card numbers, マイナンバー, phone numbers and extra patterns masked."""
        if not text or not self.enabled:
            return text
        if "@" in text or "＠" in text:
            text = _EMAIL.sub(EMAIL_TOKEN, text)
        text = _NUMERIC_SPAN.sub(_numbers, text)
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
            compiled.append(re.compile(pattern))
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
