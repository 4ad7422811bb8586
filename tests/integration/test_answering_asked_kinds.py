"""Answers carrying the asked kind of fact (issue #15 items 1, 4, 6, 7, blind9 round): 採択率, the rate of 「いくら
もらえる」, who may apply, a term's definition asked as a second part, a fact held only as unconfirmed, the asker
named as a public body, comparisons of two defined terms, spaced kana and plain romaji, a plan's national steps and
schedule asked as a whole — on the real index."""

from __future__ import annotations

from bot.answering.romaji import romaji_key
from bot.desk import Desk


def _quotes(answer) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.quote for c in answer.citations]


def test_an_adoption_rate_is_answered_by_the_entrys_own_adoption_line(desk: Desk) -> None:
    answer = desk.ask("大規模成長投資補助金の採択率はどのくらいでしたか")
    assert not answer.refused
    assert "50.7%" in answer.text and "48.6%" in answer.text
    assert "16.6%" not in answer.text  # another subsidy's 採択率


def test_how_much_a_subsidy_gives_brings_its_rate_too(desk: Desk) -> None:
    answer = desk.ask("持続化補助金はいくらもらえますか")
    assert "50万円" in answer.text and "2/3" in answer.text


def test_who_may_apply_is_answered_by_the_entrys_applicant_line(desk: Desk) -> None:
    answer = desk.ask("産業用地整備促進伴走支援事業に申請できるのはどこですか")
    assert "土地開発公社" in answer.text


def test_a_definition_asked_as_a_second_part_is_quoted(desk: Desk) -> None:
    answer = desk.ask("高付加価値なインバウンド観光地づくりのモデル観光地は何地域？高付加価値旅行者の定義も")
    assert "14地域" in answer.text and "100万円" in answer.text


def test_a_rate_held_only_as_unconfirmed_is_said_to_be_unconfirmed(desk: Desk) -> None:
    answer = desk.ask("地域産業構造転換インフラ整備推進交付金の補助率を教えてください")
    assert answer.refused
    assert "補助率" in answer.text and "要確認" in answer.text
    assert "未確認の事項" not in answer.text


def test_what_an_application_must_state_is_answered_in_chinese(desk: Desk) -> None:
    answer = desk.ask("地方政府申请“地域未来交付金”时，怎样才能被优先采纳？申请书里要写什么？")
    assert "優先採択" in _quotes(answer)[0]


def test_two_defined_terms_compared_in_spaced_kana_get_both_formulas(desk: Desk) -> None:
    answer = desk.ask("はぶど と こねくたーど は なにが ちがうの")
    quotes = _quotes(answer)[:2]
    assert any("域内仕入額" in q for q in quotes) and any("域外販売額" in q for q in quotes)


def test_plain_romaji_without_long_vowels_reads_the_terms() -> None:
    assert romaji_key("モノヅクリ") == romaji_key("モノズクリ")
    assert romaji_key("チュウショウ") == romaji_key("チュショ")
    assert romaji_key("ショウキボ") == romaji_key("ショキボ")


def test_a_romaji_rate_question_is_answered(desk: Desk) -> None:
    answer = desk.ask("monozukuri hojokin no hojoritsu wa?")
    assert not answer.refused
    assert "1/2" in answer.text and "2/3" in answer.text


def test_the_national_steps_after_a_plan_is_handed_in_are_the_framework_whole(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画を提出した後、国では何が行われるのですか")
    assert "副大臣会議" in answer.text and "重点支援企業のリスト" in answer.text


def test_a_schedule_asked_as_how_it_runs_is_the_schedule_whole(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランはどういうスケジュールで進みますか")
    assert "第2回副大臣等会議" in answer.text and "今夏" in answer.text


def test_who_can_receive_asked_in_kana_gets_the_applicant_line(desk: Desk) -> None:
    answer = desk.ask("ちいきみらいこうふきん は だれが もらえるの")
    assert "地方公共団体" in answer.text


def test_what_makes_a_firm_qualify_is_answered_by_the_standard_line(desk: Desk) -> None:
    answer = desk.ask("重点支援企業にはどんな企業が選ばれるの？基準は？")
    assert "候補リスト" in answer.text and "一定規模以上" in answer.text


def test_a_place_the_policy_names_is_read_in_a_chinese_question(desk: Desk) -> None:
    answer = desk.ask("战略产业集群有哪些例子？比如北海道的？")
    assert "ラピダス" in answer.text
