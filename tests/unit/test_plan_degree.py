"""コネクター度 / ハブ度 by the policy's formula, from Japanese amounts."""

from __future__ import annotations

import pytest

from bot.plans.degree import CONNECTOR_RULE, HUB_RULE, SECTION, compute, parse_yen
from retrieval.errors import Code, DeskError


def test_connector_and_hub_from_japanese_amounts() -> None:
    degree = compute("120億円", "1.2兆円", "30億", "6,000億円", firm="B化学")
    assert degree.connector == pytest.approx(0.01)
    assert degree.hub == pytest.approx(0.005)
    lines = degree.lines()
    assert lines[0] == "コネクター度 = 120億円 ÷ 1.2兆円 = 0.0100（1.00%）"
    assert lines[1].startswith("ハブ度 = 30億円 ÷ 6,000億円")


def test_connector_only() -> None:
    degree = compute("4,000百万円", "2兆円")
    assert degree.connector == pytest.approx(4e9 / 2e12) and degree.hub is None


def test_json_carries_formula_and_citation() -> None:
    data = compute("120億円", "1.2兆円").to_json()
    assert data["formula"] == {"connector": CONNECTOR_RULE, "hub": HUB_RULE}
    assert data["section"] == SECTION == "2. 地域産業クラスター"
    assert "企業の域外販売額/企業が所在する都道府県の域外販売額" in CONNECTOR_RULE


def test_plain_numbers_are_yen() -> None:
    assert parse_yen("12000000000", "x") == 1.2e10


@pytest.mark.parametrize(
    "args",
    [
        ("120億円", None),  # prefecture total missing
        (None, None, "30億円", None),
        ("120億円", "0円"),
        ("たくさん", "1兆円"),
        (None, None),
    ],
)
def test_bad_figures_are_refused(args: tuple) -> None:  # type: ignore[type-arg]
    with pytest.raises(DeskError) as caught:
        compute(*args)
    assert caught.value.code == Code.INVALID_INPUT


def test_firm_larger_than_prefecture_is_noted() -> None:
    degree = compute("2兆円", "1兆円")
    assert degree.connector == pytest.approx(2.0)
    assert degree.notes and "上回っています" in degree.notes[0]
