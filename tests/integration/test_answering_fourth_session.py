"""Answers of the fourth session (blind10 diagnosed): the body asked with 「どこ」, a plan's handling after it is
submitted, who may use a measure and who runs it, one entry's rate and cap, foreign and romaji spellings of names,
hiragana fee questions, the policy's plan types as a whole, and a policy answer to every part asked — on the real
index."""

from __future__ import annotations

from conftest import CORPUS

from bot.answering.language import with_loanwords
from bot.desk import Desk
from retrieval.questions import load_glossary


def test_a_where_question_quotes_the_line_naming_the_body_not_any_line_naming_the_policy(desk: Desk) -> None:
    answer = desk.ask("戦略産業クラスター有識者検討会はどういう人たちの集まりで、どこが取りまとめ役なんですか")
    assert not answer.refused
    assert "有識者検討会" in answer.citations[0].quote and "各地方経済産業局" in answer.citations[0].quote


def test_how_a_submitted_plan_is_handled_is_the_plan_types_framework_whole(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランを県に提出した後、国の側ではどういう手順で処理されるのでしょうか。")
    assert not answer.refused
    assert answer.meta.get("section", "").endswith("(枠組み)")
    assert "副大臣会議" in answer.text


def test_who_may_use_a_measure_asked_after_the_verb_gets_its_requirement_lines(desk: Desk) -> None:
    answer = desk.ask("地域未来投資促進税制って、使えるのはどんな事業者？")
    assert not answer.refused
    assert "青色申告" in answer.text


def test_who_runs_a_measure_asked_as_who_carries_it_out_gets_its_agency_line(desk: Desk) -> None:
    answer = desk.ask("産業用地整備促進伴走支援事業を実施しているのはどこですか")
    assert not answer.refused
    assert "日本立地センター" in answer.text


def test_a_rate_asked_alone_comes_with_the_entrys_cap_and_no_other_entrys_rate(desk: Desk) -> None:
    answer = desk.ask("持続化補助金の補助率はどれくらい？")
    assert not answer.refused
    assert "2/3" in answer.text and "上限50万円" in answer.text
    measures = {c.chunk_id for c in answer.citations if c.chunk_id.startswith("measure:")}
    assert len(measures) == 1


def test_the_named_entrys_rate_keeps_only_its_own_rate_lines(desk: Desk) -> None:
    answer = desk.ask("中小企業成長加速化補助金の上限と補助率は？")
    assert not answer.refused
    assert "上限5億円" in answer.text
    assert {c.chunk_id for c in answer.citations} == {answer.citations[0].chunk_id}


def test_an_upper_case_word_in_a_romaji_question_stays_as_written(desk: Desk) -> None:
    answer = desk.ask("Chiiki sangyo cluster keikaku no 'EBPM merukumaaru' tte nan desu ka?")
    assert not answer.refused
    assert answer.meta.get("lang") == "romaji" and "EBPM" in str(answer.meta.get("query"))
    assert "KPI" in answer.text


def test_a_korean_question_quoting_a_catalog_name_is_read_through_the_glossary(desk: Desk) -> None:
    answer = desk.ask("'100억 선언' 기업을 위한 보조금의 상한은 얼마인가요?")
    assert not answer.refused
    assert "中小企業成長加速化補助金" in answer.text


def test_a_name_with_capitals_in_a_korean_question_is_searched_as_written(desk: Desk) -> None:
    answer = desk.ask("REVICareer 급부금 상한은 얼마예요?")
    assert not answer.refused
    assert "レビキャリ" in answer.text and "450万円" in answer.text


def test_an_english_loanword_in_a_romaji_question_keeps_it_romaji() -> None:
    glossary = load_glossary(CORPUS)
    assert with_loanwords("chiiki sangyo cluster keikaku", glossary.loanwords) == "chiiki sangyo kurasuta- keikaku"
    assert with_loanwords("地域産業クラスター", glossary.loanwords) == "地域産業クラスター"


def test_a_romaji_question_with_an_english_loanword_gets_the_requirement_list(desk: Desk) -> None:
    answer = desk.ask("chiiki sangyo cluster keikaku no youken wo zenbu oshiete kudasai")
    assert not answer.refused
    assert answer.meta.get("lang") == "romaji"
    assert "現地化" in answer.text and "費用対効果" in answer.text


def test_a_hiragana_fee_question_gets_the_free_of_charge_line(desk: Desk) -> None:
    answer = desk.ask("よろず しえん きょてん って そうだんすると おかね かかる？")
    assert not answer.refused
    assert "無料" in answer.citations[0].quote


def test_the_policys_plan_types_asked_as_a_whole_name_every_plan(desk: Desk) -> None:
    answer = desk.ask("地域未来戦略にはどんな計画の種類がありますか。名前も教えて")
    assert not answer.refused
    assert answer.meta.get("intent") == "overview"
    for name in ("戦略産業クラスター", "地域産業クラスター", "地場産業成長プラン"):
        assert name in answer.text
    assert all(c.quote for c in answer.citations)


def test_a_kind_of_support_is_not_the_policys_plan_types(desk: Desk) -> None:
    answer = desk.ask("地域未来戦略で使える支援の種類を教えて")
    assert answer.meta.get("intent") != "overview"


def test_every_part_of_a_policy_question_gets_a_line(desk: Desk) -> None:
    answer = desk.ask("戦略産業クラスター計画の素案はどこが中心になって作るのですか。そのあと誰に報告されますか。")
    assert not answer.refused
    assert "ブロック" in answer.text and "副大臣会議" in answer.text
