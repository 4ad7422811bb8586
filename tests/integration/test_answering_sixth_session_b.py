"""Answers of the sixth session, second round (blind13 read as the learning set; blind14 and blind15 kept unread):
a policy rule's score, year ordinal or numeric threshold the sources do not state is declined, not answered with
another entry's figure; a figure asked of a named thing is never an unnamed entry's line; definitions asked by a
term's make-up or an indicator's division; how the state handles a plan once it is handed in — on the real index."""

from __future__ import annotations

import pytest

from bot.desk import Desk

UNSTATED_RULE_FIGURES = [
    "地場産業成長プランに位置付けられると、補助金の審査で何点上乗せされるんでしょうか",
    "重点支援企業に選ばれたら審査の点数はどれだけプラスになりますか",
    "EBPMメルクマールのステージゲートは計画開始から何年後に来るんですか",
    "ステージゲートを通過するための数値基準を教えてください",
]


@pytest.mark.parametrize("question", UNSTATED_RULE_FIGURES)
def test_a_rules_figure_the_sources_do_not_state_is_declined(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused, answer.text
    assert "示されていません" in answer.text
    assert not answer.citations


def test_a_threshold_asked_of_a_policy_term_is_not_another_entrys_figure(desk: Desk) -> None:
    answer = desk.ask("重点支援企業の候補になるには、年商が最低いくら以上ないといけないですか？")
    assert answer.refused, answer.text
    assert "10億円" not in answer.text  # 中小企業成長加速化補助金's 売上高 condition, another measure's


def test_an_entrys_own_threshold_is_still_answered_when_named(desk: Desk) -> None:
    answer = desk.ask("地域経済牽引事業の数値基準は？")
    assert not answer.refused, answer.text
    assert "万円超" in answer.text


def test_a_calendar_year_is_still_a_date_question(desk: Desk) -> None:
    answer = desk.ask("地域未来投資促進税制の適用期限は何年までですか")
    assert not answer.refused, answer.text
    assert "2028年" in answer.text


@pytest.mark.parametrize("question, defining", [
    ("地域産業クラスターって、そもそもどんな性格のクラスターのことなんですか", "知事等主導"),
    ("戦略産業クラスターは、どういった成り立ちのクラスターを指しているんでしょう", "大規模投資"),
    ("コネクター度は何を何で割った値ですか？重点支援企業の選び方を調べています。", "域外販売額"),
    ("ハブ度って分母は何？", "域内仕入額"),
])
def test_a_definition_asked_by_make_up_or_division_leads_with_the_defining_line(
    desk: Desk, question: str, defining: str
) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    first = answer.text.split("\n")[1]
    assert defining in first, answer.text


@pytest.mark.parametrize("question", [
    "市が地場産業成長プランを作ったら、国はどうするんですか",
    "地場産業成長プランを町が提出してから、国は何をするんですか",
    "うちの県で地域産業クラスター計画を出したら、その後国はどう扱うの？",
])
def test_what_the_state_does_with_a_handed_in_plan_quotes_the_framework(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert "副大臣" in answer.text and "公開" in answer.text


def test_a_usage_process_question_is_not_the_framework(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画を策定した後、支援メニューはどういう流れで使えるようになりますか")
    assert not answer.refused, answer.text
    assert "活用" in answer.text


@pytest.mark.parametrize("question", [
    "地域未来投資促進税制を使うには何が要るんですか",
    "ちいきみらいとうしそくしんぜいせい つかうのに なにが ひつよう？",
])
def test_what_one_needs_to_use_a_measure_quotes_its_conditions(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert "承認" in answer.text


@pytest.mark.parametrize("question", [
    "戦略産業クラスターって例えばどこのことですか",
    "せんりゃくさんぎょうくらすたー って たとえば どんなの？",
])
def test_a_terms_examples_come_from_its_defining_passage(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert "TSMC" in answer.text


@pytest.mark.parametrize("question", [
    "地域未来交付金の前の名前を教えて",
    "地域未来交付金って昔はなんて呼ばれてたの？",
])
def test_a_former_name_is_answered_with_the_line_tracing_the_names(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert "生活環境創生交付金" in answer.text.split("\n")[1]


def test_a_rate_question_is_not_led_by_the_name_line(desk: Desk) -> None:
    answer = desk.ask("地域未来交付金の補助率は？")
    assert "名称は" not in answer.text.split("\n")[1]


def test_a_condition_for_something_else_is_not_the_entrys_applicants(desk: Desk) -> None:
    answer = desk.ask("地域未来交付金の優先採択を受けるためには何が要りますか")
    assert "どの計画に資する" in answer.text, answer.text


@pytest.mark.parametrize("question", [
    "戦略産業クラスター計画って、地域の商工団体との協力は必須なの？",
    "戦略産業クラスター計画は地方の財界との連携がないと認められませんか",
])
def test_a_local_business_body_asked_of_a_plan_is_its_requirement(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert "地方経済界等との連携" in answer.text


def test_a_need_with_a_local_business_body_stays_a_situation_question(desk: Desk) -> None:
    answer = desk.ask("地元の経済団体と一緒に海外展示会に出たい。使える支援は？")
    assert not answer.refused
    assert "地方経済界等との連携" not in answer.text


def test_a_plan_types_support_examples_are_listed_whole(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画の支援メニューで、国の施策の例に出ているものは何がありますか")
    assert not answer.refused, answer.text
    assert "大規模成長投資補助金" in answer.text and "全" in answer.text


@pytest.mark.parametrize("question, expected", [
    ("레비캬리는 어떤 회사가 신청할 수 있어요?", "10億円未満"),
    ("各省厅审查补助时，会看企业有没有登载在哪个名单上？", "重点支援企業一覧"),
])
def test_korean_and_chinese_questions_reach_the_asked_line(desk: Desk, question: str, expected: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert expected in answer.text
