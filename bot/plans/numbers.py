"""Japanese numbers in plans: amounts (40億円, 4,000百万円, 3千万円), counts (12万人), rates and era years."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from retrieval import regex as rx

_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}
ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925}

# A number: Arabic digits with thousands separators and decimals, or a run of kanji numerals.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_KANJI_NUM = r"[〇零一二三四五六七八九十百千]+"
# An amount: number (with optional 十/百/千 multiplier) and big units, ending in 円 (or a big unit alone).
_AMOUNT = re.compile(
    rf"(?P<num>(?:(?:{_NUM})[十百千]?[兆億万]?)+|(?:{_KANJI_NUM}[兆億万]?)+)\s*(?P<yen>円)?"
)
_COUNT_UNITS = (
    "人", "名", "社", "件", "世帯", "戸", "軒", "店", "経営体", "トン", "本", "点", "回", "ha", "個", "台", "基", "隻", "泊",
    "品目", "種類", "棟", "区画", "頭", "羽", "箱", "食", "ケース", "枚", "杯", "床", "室", "席", "便", "校", "拠点", "地域",
)
_PERCENT = re.compile(rf"(?P<num>{_NUM})\s*(?:%|パーセント|％)")
_ERA_YEAR = re.compile(r"(?P<era>令和|平成|昭和)\s*(?P<n>元|\d{1,2}|[一二三四五六七八九十]+)\s*年(?P<fy>度)?")
_WESTERN_YEAR = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年(?P<fy>度)?")


@dataclass(frozen=True)
class Quantity:
    """A number found in text with its unit, value and where it was found."""

    value: float
    unit: str  # "円" | "%" | a counter such as "人" | "年"
    text: str
    start: int
    end: int


def nfkc(text: str) -> str:
    """NFKC (full-width digits and signs to ASCII) — offsets of digits are kept for ASCII-only text."""
    return unicodedata.normalize("NFKC", text)


def kanji_to_int(text: str) -> int | None:
    """A kanji numeral (三千, 十二, 一億二千万) as an integer, or None."""
    if not text or any(ch not in _KANJI_DIGITS and ch not in _SMALL_UNITS and ch not in _BIG_UNITS for ch in text):
        return None
    total, section, digit = 0, 0, -1
    for ch in text:
        if ch in _KANJI_DIGITS:
            digit = digit * 10 + _KANJI_DIGITS[ch] if digit >= 0 else _KANJI_DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (digit if digit >= 0 else 1) * _SMALL_UNITS[ch]
            digit = -1
        else:
            section += max(digit, 0)
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0, -1
    return total + section + max(digit, 0)


def _number_value(token: str) -> float | None:
    """Value of one number written with digits and/or units: 4,000百万 → 4e9, 1.5億 → 1.5e8, 三千万 → 3e7."""
    token = token.replace(",", "")
    if not token:
        return None
    if not re.search(r"\d", token):
        return None if kanji_to_int(token) is None else float(kanji_to_int(token) or 0)
    total = 0.0
    for part in re.finditer(r"(\d+(?:\.\d+)?)([十百千]?)([兆億万]?)", token):
        number, small, big = part.groups()
        value = float(number) * _SMALL_UNITS.get(small, 1) * _BIG_UNITS.get(big, 1)
        total += value
    return total


def parse_amount(text: str) -> float | None:
    """The first amount in yen in ``text`` (``40億円`` → 4e9, ``4,000百万円`` → 4e9), or None."""
    found = find_amounts(text)
    return found[0].value if found else None


def find_amounts(text: str) -> list[Quantity]:
    """Every amount of money in yen: a number followed by 円, or by 兆/億/万 then 円."""
    text = nfkc(text)
    out: list[Quantity] = []
    for m in _AMOUNT.finditer(text):
        raw = m.group("num")
        if not m.group("yen"):
            continue
        value = _number_value(raw)
        if value is None:
            continue
        out.append(Quantity(value, "円", m.group(0), m.start(), m.end()))
    return out


def find_counts(text: str) -> list[Quantity]:
    """Counts with a counter (420名, 12万人, 3社, 30〜80名 → 80) — the number before each counter."""
    text = nfkc(text)
    units = "|".join(sorted(map(re.escape, _COUNT_UNITS), key=len, reverse=True))
    # 「1万2千人」: digit groups with their units, all of them (not only the last 「2千人」)
    pattern = rx.compiled(rf"(?P<num>(?:(?:{_NUM})[十百千]?[万億]?)+|{_KANJI_NUM}[万億]?)\s*(?P<unit>{units})")
    out: list[Quantity] = []
    for m in pattern.finditer(text):
        value = _number_value(m.group("num"))
        if value is None:
            continue
        out.append(Quantity(value, m.group("unit"), m.group(0), m.start(), m.end()))
    return out


def find_percents(text: str) -> list[Quantity]:
    """Percentages (賃上げ率5%, 年5.0%以上)."""
    text = nfkc(text)
    return [Quantity(float(m.group("num").replace(",", "")), "%", m.group(0), m.start(), m.end()) for m in _PERCENT.finditer(text)]


def era_to_year(era: str, n: int) -> int:
    """Western year of an era year: 令和9 → 2027."""
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}")
    return ERAS[era] + n


def find_years(text: str) -> list[Quantity]:
    """Years and fiscal years (令和9年度 → 2027, 2030年 → 2030); unit is 年 or 年度."""
    text = nfkc(text)
    out: list[Quantity] = []
    for m in _ERA_YEAR.finditer(text):
        raw = m.group("n")
        n = 1 if raw == "元" else int(raw) if raw.isdigit() else kanji_to_int(raw)
        if n is None:
            continue
        unit = "年度" if m.group("fy") else "年"
        out.append(Quantity(float(era_to_year(m.group("era"), n)), unit, m.group(0), m.start(), m.end()))
    for m in _WESTERN_YEAR.finditer(text):
        unit = "年度" if m.group("fy") else "年"
        out.append(Quantity(float(m.group("y")), unit, m.group(0), m.start(), m.end()))
    return sorted(out, key=lambda q: q.start)


def _overlaps(q: Quantity, spans: list[Quantity]) -> bool:
    return any(q.start < s.end and s.start < q.end for s in spans)


def find_quantities(text: str, kind: str = "any") -> list[Quantity]:
    """Numbers that state a quantity (amounts, counts, percentages, ratios), years excluded.

    ``kind`` is ``amount`` (円), ``count``, ``percent`` or ``any`` (also 倍 and bare numbers with a unit).
    """
    years = find_years(text)
    found: list[Quantity] = []
    if kind in ("amount", "any"):
        found += find_amounts(text)
    if kind in ("count", "any"):
        found += find_counts(text)
    if kind in ("percent", "any"):
        found += find_percents(text)
    if kind == "any":
        norm = nfkc(text)
        for m in rx.finditer(rf"(?P<num>{_NUM})\s*(?P<unit>倍|GW|MW|kW|万?㎥|m3|km|t\b|割)", norm):
            found.append(Quantity(float(m.group("num").replace(",", "")), m.group("unit"), m.group(0), m.start(), m.end()))
    return [q for q in found if not _overlaps(q, years)]


def format_yen(value: float) -> str:
    """An amount in the way plans write it: 4e9 → 40億円, 3e7 → 3,000万円, 1.5e8 → 1.5億円."""
    if value >= 10**12:
        return f"{value / 10**12:,.4g}兆円"
    if value >= 10**8:
        return f"{value / 10**8:,.4g}億円"
    if value >= 10**4:
        return f"{value / 10**4:,.0f}万円"
    return f"{value:,.0f}円"
