"""Situation questions in everyday words reach the overview of fitting measures, sized to the asker (issue 15 §2)."""

from __future__ import annotations

from typing import Any

import pytest

OVERVIEW_LEAD = "ご状況に合いそうな"


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("山あいの町です。ドローン配送をしたいが今の規制では難しい。規制そのものを変えてもらう提案はできますか。", "特区"),
        ("県の担当です。工場の立地が決まり、周辺の道路や工業用水道の整備が追いつきません。国の財源で使えるものを教えて。",
         "インフラ整備推進交付金"),
        ("市の企業誘致担当です。まとまった工業用地がありません。適地探しを手伝ってもらえる国の事業はありますか。", "産業用地"),
        ("町の担当です。商工会と一緒に小規模事業者を何年も伴走支援する計画を作りたい。どの制度に当たりますか。", "経営発達支援計画"),
    ],
)
def test_a_need_asking_which_support_fits_gets_the_overview(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused and not answer.choices  # neither declined nor asked back
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text and answer.citations


def test_succession_in_everyday_words_gets_the_succession_subsidy_not_a_catalog_answer(desk: Any) -> None:
    answer = desk.ask("父の会社を継ぐことになりました。株の移し方を専門家に相談したいけど費用が心配。いずれ同業者を買うことも考えてる。")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "事業承継・M&A補助金" in answer.text
    assert "JETRO" not in answer.text and "輸出" not in answer.text


def test_a_small_shop_is_not_offered_the_large_investment_subsidies(desk: Any) -> None:
    answer = desk.ask("従業員4人の和菓子屋です。チラシやネット通販でお客さんを増やしたい。使える補助はある？")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "持続化補助金" in answer.text
    assert "大規模成長投資補助金" not in answer.text and "成長加速化補助金" not in answer.text
    assert "20人以下" in answer.text  # the size condition that might rule the asker out is shown


def test_a_large_maker_gets_the_measures_its_size_and_investment_meet(desk: Any) -> None:
    answer = desk.ask("従業員1,200人の部品メーカーです。省力化ラインに30億円投資して賃上げもします。使える補助金や税制は？")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "大規模成長投資補助金" in answer.text and "地域未来投資促進税制" in answer.text
    assert "持続化補助金" not in answer.text and "成長加速化補助金" not in answer.text  # SME-only measures


@pytest.mark.parametrize("question", ["小規模事業者持続化補助金の窓口はどこですか？", "大規模成長投資補助金の従業員数の条件は？"])
def test_a_question_naming_a_measure_is_answered_from_it_not_with_an_overview(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.text.startswith(OVERVIEW_LEAD)
    assert answer.meta.get("intent") != "situation"
