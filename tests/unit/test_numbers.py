"""Japanese numbers as plans write them: amounts, counts, rates and era years."""

from __future__ import annotations

import pytest

from bot.plans.numbers import (
    era_to_year,
    find_amounts,
    find_counts,
    find_percents,
    find_quantities,
    find_years,
    format_yen,
    kanji_to_int,
    parse_amount,
)


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("投資額40億円", 4e9),
        ("投資額は4,000百万円", 4e9),
        ("設備投資額3千万円", 3e7),
        ("売上額1.5億円", 1.5e8),
        ("総投資額約2兆円", 2e12),
        ("1兆2,000億円", 1.2e12),
        ("三千万円", 3e7),
        ("上限450万円", 4.5e6),
        ("５，０００万円", 5e7),  # full-width digits and comma
        ("6,000百万円（建物2,500百万円）", 6e9),
    ],
)
def test_amounts_in_japanese_notation(text: str, yen: float) -> None:
    assert parse_amount(text) == pytest.approx(yen)


def test_every_amount_is_found_with_its_text() -> None:
    found = find_amounts("域内取引額を令和6年度45億円から令和12年度120億円に")
    assert [q.value for q in found] == [4.5e9, 1.2e10]
    assert found[1].text == "120億円"


def test_numbers_without_yen_are_not_amounts() -> None:
    assert find_amounts("売上高100億円を目指す100億宣言") and len(find_amounts("100億宣言")) == 0


def test_counts_with_counters() -> None:
    values = {(q.value, q.unit) for q in find_counts("従業員420名、来訪者12万人、3社、900世帯")}
    assert values == {(420, "名"), (120000, "人"), (3, "社"), (900, "世帯")}


def test_percentages() -> None:
    assert [q.value for q in find_percents("賃上げ率は年5.0%以上、シェア２５％")] == [5.0, 25.0]


@pytest.mark.parametrize(
    ("text", "year", "unit"),
    [("令和9年度", 2027, "年度"), ("令和元年", 2019, "年"), ("平成30年度", 2018, "年度"), ("2030年度", 2030, "年度"), ("令和十二年度", 2030, "年度")],
)
def test_era_and_western_years(text: str, year: int, unit: str) -> None:
    (found,) = find_years(text)
    assert (found.value, found.unit) == (year, unit)


def test_unknown_era_is_refused() -> None:
    with pytest.raises(ValueError):
        era_to_year("明治", 1)


def test_years_are_not_quantities() -> None:
    values = [q.value for q in find_quantities("令和10年度に売上額を3億円、2030年に雇用100人")]
    assert values == [3e8, 100]


def test_kanji_numerals() -> None:
    assert kanji_to_int("十二") == 12
    assert kanji_to_int("一億二千万") == 120_000_000
    assert kanji_to_int("abc") is None


def test_format_yen_reads_like_a_plan() -> None:
    assert format_yen(4e9) == "40億円"
    assert format_yen(1.2e12) == "1.2兆円"
    assert format_yen(3e7) == "3,000万円"
