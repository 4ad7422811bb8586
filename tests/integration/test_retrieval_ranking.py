"""Ranking on the real index: the passage that answers comes first, in any language or phrasing."""

from __future__ import annotations

from bot.answering.language import read_question
from bot.desk import Desk


def first(desk: Desk, question: str) -> str:
    """The text of the first hit for a question, searched as the desk reads it (glossary, kana, dense as asked)."""
    reading = read_question(desk.holder.get(), question, desk.glossary)
    return desk.search(reading.query, k=5, dense_query=reading.asked)[0].chunk.text


def test_an_english_question_naming_a_requirement_finds_that_requirement_first(desk: Desk) -> None:
    text = first(desk, "Which projects meet the competitive advantage requirement of a strategic industry cluster plan?")
    assert "【競争優位性】" in text


def test_a_chinese_question_naming_a_requirement_finds_that_requirement_first(desk: Desk) -> None:
    text = first(desk, "地域产业集群计划里的“现地化”要件要求什么？")
    assert "【現地化】" in text


def test_a_korean_term_written_without_spaces_is_still_read(desk: Desk) -> None:
    text = first(desk, "전략산업클러스터 계획 제1탄은 언제 만들어져요?")
    assert "第1弾" in text


def test_asking_how_an_index_is_calculated_finds_the_line_defining_it(desk: Desk) -> None:
    text = first(desk, "ハブ度ってどういう計算で出すの？")
    assert "ハブ度:企業の域内仕入額" in text


def test_asking_what_a_heading_term_is_finds_the_passage_opening_that_heading(desk: Desk) -> None:
    text = first(desk, "地場産業支援とはどういうものですか？")
    assert text.startswith("3. 地場産業支援\n") and "地域資源" in text


def test_a_heading_term_inside_another_question_does_not_pull_its_opening_passage_first(desk: Desk) -> None:
    text = first(desk, "戦略産業クラスターの要件に経済界との連携はありますか？")
    assert "【経済界等との連携】" in text and not text.startswith("1. 戦略産業クラスター\n")


def test_asking_about_revision_finds_the_update_schedule(desk: Desk) -> None:
    hits = desk.search("戦略産業クラスターの素案の見直しはどのくらいの間隔ですか？", k=2)  # 見直し → 更新, 間隔 → 頻度
    assert any("半期に1回程度の頻度" in h.chunk.text for h in hits)


def test_a_numbered_enumeration_is_one_retrievable_unit(desk: Desk) -> None:
    text = first(desk, "地域産業クラスター計画は、どんな順番で中身を整理して書くことになっていますか？")
    assert all(mark in text for mark in "①②③")


def test_a_policy_passage_leads_the_catalog_entry_restating_it(desk: Desk) -> None:
    hit = desk.search("候補リストにない地元企業を重点支援企業として計画に書くことはできますか？", k=5)[0]
    assert hit.chunk.kind == "policy" and "証憑" in hit.chunk.text


def test_a_catalog_entry_named_with_an_asked_amount_still_leads(desk: Desk) -> None:
    hit = desk.search("ものづくり補助金の補助上限はいくらですか？", k=5)[0]
    assert hit.chunk.kind == "measure" and "ものづくり" in hit.chunk.title


def test_asking_who_makes_a_plan_finds_the_sentence_naming_the_maker(desk: Desk) -> None:
    hit = desk.search("地場産業成長プランって誰が作るものですか？", k=5)[0]
    assert hit.chunk.kind == "policy" and "都道府県又は市町村は" in hit.chunk.text  # not a catalog entry on a law


def test_naming_a_section_kind_finds_that_section_first(desk: Desk) -> None:
    hit = desk.search("地域産業クラスター計画の支援メニューを知りたい", k=5)[0]
    assert hit.chunk.section.endswith("(支援メニュー例)")
