"""Answers that carry the asked facts (issue #15 items 1, 4, 6, 7): a term described in plain words, several defined
terms at once, a term asked by comparison, foreign definition questions, the asked catalog line for each part, a
plan's making asked as a flow, hiragana list and who questions — on the real index."""

from __future__ import annotations

import re

from conftest import CORPUS

from bot.desk import Desk
from retrieval.questions import Glossary, load_glossary


def _glossary() -> Glossary:
    return load_glossary(CORPUS)


def test_a_term_described_in_plain_words_is_read_as_the_term_only_when_a_term_is_asked() -> None:
    glossary = _glossary()
    assert glossary.plain_terms("県外のお客さんにどれだけ売っているかを測るものさしがあると聞きました") == ["コネクター度"]
    assert glossary.plain_terms("地元の業者からの調達が多い企業を評価する指標の名前は？") == ["ハブ度"]
    assert glossary.plain_terms("県外への販売を増やしたいので補助金を探しています") == []  # no term asked: a need


def test_an_indicator_described_in_plain_words_is_answered_with_its_formula(desk: Desk) -> None:
    answer = desk.ask("よその県の客への売上がどれくらいかを測る指標があるそうですが、どう計算するのでしょうか。")
    assert not answer.refused
    assert answer.citations[0].quote.endswith("企業の域外販売額/企業が所在する都道府県の域外販売額")


def test_two_defined_terms_asked_in_english_get_both_formula_lines(desk: Desk) -> None:
    answer = desk.ask("How are the hub degree and the connector degree each calculated?")
    assert not answer.refused
    quotes = [c.quote for c in answer.citations[:2]]
    assert any("域内仕入額" in q for q in quotes) and any("域外販売額" in q for q in quotes)


def test_a_term_asked_by_comparison_is_defined_first(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスターは戦略産業クラスターとどう違うのですか。誰が主導するのでしょう。")
    assert not answer.refused
    assert answer.citations[0].quote.startswith("知事等主導で形成されるクラスター")


def test_a_korean_definition_question_gets_the_defining_sentence(desk: Desk) -> None:
    answer = desk.ask("전략산업 클러스터란 무엇인가요?")
    assert not answer.refused
    assert "TSMC" in answer.citations[0].quote


def test_a_chinese_question_on_the_local_plans_requirement_is_read(desk: Desk) -> None:
    answer = desk.ask("“地场产业成长计划”的“外部依存性”是什么意思？")
    assert not answer.refused
    assert "フランチャイザー" in answer.text


def test_each_part_of_a_catalog_question_gets_its_line(desk: Desk) -> None:
    answer = desk.ask("よろず支援拠点は、どこが全国の本部をしているんですか。それと相談は有料ですか。")
    assert not answer.refused
    assert "中小企業基盤整備機構" in answer.text and "無料" in answer.text
    sized = desk.ask("中小企業成長加速化補助金は、どのくらいの売上規模の会社が対象ですか。")
    assert "売上高10億円以上" in sized.text
    applicants = desk.ask("産業用地整備促進伴走支援事業には、どんな団体が申し込めますか。")
    assert "土地開発公社" in applicants.text


def test_a_plans_making_asked_as_a_flow_is_the_whole_framework(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランは、策定から公表までどんな手順で進むのですか。")
    assert not answer.refused and answer.meta.get("section", "").endswith("(枠組み)")
    assert "記載例" in answer.text and "副大臣会議" in answer.text
    after = desk.ask("地域産業クラスター計画を県が出したあと、国はどういう手続を進めるのですか。")
    assert after.meta.get("section", "").endswith("(枠組み)") and "副大臣会議" in after.text
    other = desk.ask("地場産業の支援で、特区制度を使って規制緩和を提案するにはどういう流れになりますか。")
    assert not other.meta.get("section", "").endswith("(枠組み)")  # another process than the plan's making


def test_a_hiragana_question_asking_all_requirements_gets_all(desk: Desk) -> None:
    answer = desk.ask("ちいきさんぎょうくらすたーけいかく の ようけん を ぜんぶ しりたい")
    assert not answer.refused
    assert len(re.findall(r"【([^】]+)】", answer.text)) >= 6


def test_a_hiragana_who_question_is_answered_by_the_actor_sentence(desk: Desk) -> None:
    answer = desk.ask("せんりゃくさんぎょうくらすたー の けいかく は だれが つくるんですか")
    assert not answer.refused
    assert "地方経済産業局" in answer.citations[0].quote


def test_a_city_may_draw_up_a_regional_cluster_plan(desk: Desk) -> None:
    answer = desk.ask("県ではなく市が、地域産業クラスター計画をつくることはできますか。")
    assert not answer.refused
    assert "市町村首長" in answer.text


def test_a_register_named_in_the_question_does_not_ask_for_a_list(desk: Desk) -> None:
    answer = desk.ask("重点支援企業にはどんな企業がなれますか。国が一覧を用意するのですか。")
    assert not answer.refused and answer.meta.get("intent") != "list"
    assert "候補リスト" in answer.text
