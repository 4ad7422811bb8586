"""Reading ranked measures and requirement statuses from match / pre-check results (JSON or objects)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from evals.metrics import MeasureRef, measure_rank
from evals.plans import measures_of, statuses_of


@dataclass
class CatalogMeasure:
    id: str
    name: str
    aliases: list[str] = field(default_factory=list)


CATALOG = [CatalogMeasure("jetro-kaigai", "JETROの海外展開支援", ["日本貿易振興機構"]),
           CatalogMeasure("revicareer", "レビキャリ", ["REVICareer", "地域企業経営人材確保支援事業"])]


def test_measures_from_json_with_nested_measure() -> None:
    data = {"answer_id": "x", "measures": [
        {"rank": 1, "measure": {"id": "revicareer", "name": "レビキャリ", "aliases": ["REVICareer"]}, "score": 0.9},
        {"rank": 2, "measure_id": "jetro-kaigai", "name": "JETROの海外展開支援"},
    ]}
    ranked = measures_of(data, CATALOG)
    assert ranked[0] == MeasureRef("revicareer", "レビキャリ", ("REVICareer",))
    assert ranked[1] == MeasureRef("jetro-kaigai", "JETROの海外展開支援", ("日本貿易振興機構",))  # aliases from catalog
    assert measure_rank("日本貿易振興機構", ranked) == 2


def test_measures_from_an_object_whose_json_form_is_a_string() -> None:
    class Result:
        answer_id = "x"

        def to_json(self) -> str:
            return json.dumps({"matches": [{"id": "revicareer", "name": "レビキャリ"}]})

    assert measures_of(Result(), CATALOG)[0].aliases == ("REVICareer", "地域企業経営人材確保支援事業")


def test_measures_from_object_attributes() -> None:
    @dataclass
    class Item:
        measure: CatalogMeasure
        score: float

    @dataclass
    class Result:
        measures: list[Item]

    ranked = measures_of(Result([Item(CATALOG[1], 0.5), Item(CATALOG[0], 0.4)]))
    assert [r.id for r in ranked] == ["revicareer", "jetro-kaigai"]


def test_unreadable_result_says_what_was_expected() -> None:
    with pytest.raises(ValueError, match="一覧が見つかりません"):
        measures_of({"answer_id": "x"})


def test_statuses_prefer_requirements_over_content_items() -> None:
    from bot.plans.precheck import CheckItem

    def item(label: str, kind: str, status: str) -> CheckItem:
        return CheckItem(label=label, kind=kind, status=status, evidence=[], rule="", section="", suggestion="")

    items = [item("有望度", "content_item", "missing"), item("有望度", "requirement", "met"),
             item("現地化", "requirement", "not_applicable"), item("目標", "content_item", "partial")]
    assert statuses_of({"items": [i.to_json() for i in items]}) == {"有望度": "met", "現地化": "not_applicable", "目標": "partial"}

    class Report:
        def __init__(self) -> None:
            self.items = items

    assert statuses_of(Report())["有望度"] == "met"
