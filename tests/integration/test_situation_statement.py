"""Situation needs told as a statement after a self-introduction, and the measures such askers are offered
(fourth session: a need without a question, figures before their word, 人手不足 with automation, infrastructure)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.desk import Desk

OVERVIEW_LEAD = "ご状況に合いそうな"


def _listed(answer: Any) -> list[str]:
    """The measure ids the overview lists, in order."""
    return [str(m).removeprefix("measure:") for m in answer.meta.get("measures", [])]


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("社員18人の金属加工の会社です。新しいレーザー加工機を導入して試作の注文も受けたい。800万くらいの設備。", "ものづくり"),
        ("村役場の企画担当です。工場を呼ぶための工業用地を造成したいが、候補地の調べ方からわからない状態です。", "産業用地"),
        ("従業員900人の飲料メーカーです、人手不足なので30億円規模で充填ラインを自動化したい。給料も上げる予定。", "大規模成長投資補助金"),
    ],
)
def test_a_need_told_after_a_self_introduction_gets_the_overview(desk: Desk, question: str, measure: str) -> None:
    answer = desk.ask(question)  # no question at all: telling the desk one's situation asks what fits
    assert not answer.refused and not answer.choices
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text


@pytest.mark.parametrize(
    "question",
    ["県の企画課です。交付金の申請の流れを知りたい。", "市の職員です。計画を作りたいのですが、どうすればいいですか"],
)
def test_a_self_introduction_asking_for_information_is_not_an_overview(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.text.startswith(OVERVIEW_LEAD)


def test_automation_for_a_labour_shortage_gets_investment_measures_not_hiring_ones(desk: Desk) -> None:
    answer = desk.ask("従業員900人の飲料メーカーです、人手不足なので30億円規模で充填ラインを自動化したい。給料も上げる予定。")
    listed = _listed(answer)
    assert "daikibo-seicho-toshi-hojokin" in listed and "chiiki-mirai-toshi-sokushin-zeisei" in listed
    assert "revicareer" not in listed  # 人手不足 met by automation is not a need for management talent
    assert "monodukuri-hojokin" not in listed  # an SME-only subsidy for a 900-person maker


def test_an_investment_before_a_future_sales_target_is_read_as_the_investment(desk: Desk) -> None:
    answer = desk.ask("売上40億円の樹脂成形の会社です。6億円かけて新工場を建てて、将来は売上100億円を目指したい。国の支援で何か合うものは？")
    listed = _listed(answer)
    assert listed and listed[0] == "seicho-kasokuka-hojokin"
    assert "daikibo-seicho-toshi-hojokin" in answer.meta["ruled_out"]  # 6億 < 10〜20億円: 100億 is the sales target
    assert "chiiki-mirai-toshi-sokushin-zeisei" in listed


def test_a_prefecture_short_of_roads_and_water_gets_the_infrastructure_measures(desk: Desk) -> None:
    answer = desk.ask("県庁の立地担当です。大きな電池工場が来るが、周りの道路と工業用水が全く足りない。国の支援は？")
    listed = _listed(answer)
    assert "infra-seibi-suishin-kofukin" in listed
    assert "sangyo-yochi-seibi-shien" in listed  # the policy's 「インフラ支援等の検討」 names 産業用地整備支援 too
    assert "jizokuka-hojokin" not in listed


def test_a_plan_whose_firms_aim_for_100_oku_keeps_the_growth_subsidy_beside_a_mid_sized_firm(desk: Desk) -> None:
    plan = ("T県 精密部品 地域産業クラスター計画\n重点支援企業：売上高30〜70億円の部品メーカー4社（うち2社は売上高100億円を目指すことを公表済み）"
            "と、従業員1,100人の中堅メーカー1社。\n4社は1社あたり2億円の建物・設備投資、中堅メーカーは自動化ラインに25億円を投資し、年5%の賃上げを行う。")
    result = desk.match(plan, n=5)
    top = [r.measure.id for r in result.results]
    assert "seicho-kasokuka-hojokin" in top and "daikibo-seicho-toshi-hojokin" in top
    growth = next(r for r in result.results if r.measure.id == "seicho-kasokuka-hojokin")
    assert any("100億円を目指" in r for r in growth.reasons)
    assert not any("だけです" in c for c in growth.caveats)  # not told it is for the mid-sized firm only


def test_a_trade_told_with_yattemasu_and_a_wish_gets_the_overview(desk: Desk) -> None:
    answer = desk.ask("海辺で民宿やってます。古くなった客室を改装して外国のお客さんにも泊まってもらいたい")
    assert not answer.refused and answer.text.startswith(OVERVIEW_LEAD)
    assert "観光庁" in answer.text
