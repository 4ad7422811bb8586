"""Answers of the sixth session (blind13 read; blind14 and blind15 kept unread), as mechanisms for wordings nobody has
written yet: another country's programme declined whoever in that country gives it; a figure asked of one of the
policy's plans never answered with a catalog entry's figure; a figure demanded that no quote states declined, while
a question whether such a figure exists is answered with what the sources say — on the real index."""

from __future__ import annotations

import pytest

from bot.desk import Desk

FOREIGN_PROGRAMMES = [
    "台湾の自治体がやっている中小企業向けの設備補助について知りたい",
    "フィンランドの地方で大学と企業が組む研究クラスターに国が出している助成金について知りたい",
    "オランダのフードバレーに参加する企業向けの支援策はどういう中身ですか",
    "インドの州が工場誘致のために用意しているインセンティブの申請方法を教えて",
]


@pytest.mark.parametrize("question", FOREIGN_PROGRAMMES)
def test_another_countrys_programme_is_declined_whoever_there_gives_it(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused
    assert "JETRO" in answer.text  # the window for going abroad
    assert not answer.citations


JAPANESE_SUPPORT_WITH_A_COUNTRY = [
    "ドイツの展示会に出展したいのですが、使える支援制度はありますか？",
    "アメリカの会社と合弁で工場を建てる計画です。大規模成長投資補助金の上限はいくらですか？",
    "中国に子会社がある中小企業ですが、日本の補助金で設備投資に使えるものはありますか？",
]


@pytest.mark.parametrize("question", JAPANESE_SUPPORT_WITH_A_COUNTRY)
def test_japanese_support_asked_with_a_country_in_the_question_is_answered(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert answer.citations


@pytest.mark.parametrize("question", [
    "地域産業成長プランの計画期間は何年ですか",
    "地場産業成長プランって何年分の計画を作ればいいの？",
])
def test_a_plans_figure_is_not_answered_with_a_catalog_entrys_figure(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused
    assert "5年間" not in answer.text  # 経営発達支援計画's period, another thing's figure
    assert "示されていません" in answer.text and "よろず支援拠点" in answer.text


def test_the_catalog_entrys_own_figure_is_still_answered_when_the_question_names_it(desk: Desk) -> None:
    answer = desk.ask("経営発達支援計画の計画期間は何年ですか")
    assert not answer.refused
    assert "5年" in answer.text


@pytest.mark.parametrize("question", [
    "地域産業クラスター計画に載った企業には、国から合計でいくら配られるんですか？総額で教えてください。",
    "地場産業成長プランを作った町には、国から毎年いくら入ってくるんですか？金額を教えて。",
])
def test_a_figure_demanded_that_no_quote_states_is_declined(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused, answer.text
    assert "示されていません" in answer.text


def test_whether_a_figure_exists_is_answered_with_what_the_sources_say(desk: Desk) -> None:
    answer = desk.ask("戦略産業クラスター計画の投資との整合性って、金額の基準はあるんですか？")
    assert not answer.refused, answer.text
    assert "大規模投資" in answer.text
    assert "記載が見当たりません" in answer.text  # and says plainly that no amount is stated


def test_a_polite_preface_with_itsumo_does_not_ask_a_date(desk: Desk) -> None:
    answer = desk.ask("いつもお世話になっております。市の商工課です。コネクター度とは何か教えてください。")
    assert not answer.refused, answer.text
    assert "域外販売額" in answer.text
