"""Whole units, section kinds, definitions and asked kinds on the real index: what a municipal officer sees."""

from __future__ import annotations

import re

from bot.desk import Desk

LOCAL_REQUIREMENTS = ["有望度", "実現可能性", "外部依存性", "域内への波及", "自治体のコミットメント", "EBPMメルクマール"]


def _labels(text: str) -> list[str]:
    return re.findall(r"【([^】]+)】", text)


def test_a_plan_types_requirements_asked_plainly_are_quoted_whole_and_in_order(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランの要件には何がありますか。")
    assert not answer.refused
    assert _labels(answer.text) == LOCAL_REQUIREMENTS  # every requirement, once, in the document's order
    assert "全6項目" in answer.text


def test_the_asked_section_kind_wins_over_a_heading_sharing_a_word(desk: Desk) -> None:
    answer = desk.ask("戦略産業クラスター計画の要件を全部挙げてもらえますか。チェックリストにしたいので項目名だけで結構です。")
    assert not answer.refused and answer.meta.get("section", "").endswith("(要件)")
    labels = _labels(answer.text)
    assert labels[:2] == ["成長戦略本部での検討との整合性", "競争優位性"] and len(labels) == 7
    assert "核となる投資案件" not in answer.text  # the (記載項目) list is not what was asked


def test_a_chinese_requirements_question_gets_the_same_whole_list(desk: Desk) -> None:
    answer = desk.ask("地场产业成长计划（地場産業成長プラン）有哪些要件？请列出名称。")
    assert not answer.refused
    assert _labels(answer.text) == LOCAL_REQUIREMENTS


def test_examples_inside_a_support_menu_are_quoted_with_the_whole_menu(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランの支援メニューのうち、関係省庁による支援策の例として挙がっているものを教えてください。")
    assert not answer.refused and answer.meta.get("section", "").endswith("(支援メニュー)")
    assert "レビキャリ" in answer.text and "専門家派遣支援" in answer.text
    assert answer.text.index("関係省庁による支援策") < answer.text.index("専門家派遣支援")


def test_a_numbered_enumeration_asked_by_its_count_is_quoted_whole_in_order(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画を策定するにあたって整理・記載を求められる3つの事項は何ですか。")
    assert not answer.refused
    text = answer.text
    assert text.index("【目標】") < text.index("【道筋】") < text.index("【政策手段】")
    assert "優先採択" not in text  # nothing interleaved between the items


def test_a_long_polite_definition_question_comparing_two_terms_defines_the_asked_one(desk: Desk) -> None:
    answer = desk.ask(
        "県の産業振興課の者です。今回の基本的な考え方(案)でいう「戦略産業クラスター」とは、どのようなクラスターを指すの"
        "でしょうか。地域産業クラスターとの違いを庁内で説明する必要があり、定義の部分を確認させてください。"
    )
    assert not answer.refused
    first = answer.text.splitlines()[1]
    assert "17の戦略分野" in first and "大規模投資" in first


def test_a_policy_terms_definition_leads_with_the_policys_own_sentence(desk: Desk) -> None:
    answer = desk.ask("「地場産業支援」は何を目指す取組と位置付けられていますか。政策文書上の定義をそのまま教えてください。")
    assert not answer.refused
    first = answer.text.splitlines()[1]
    assert "付加価値の創出と地産外商の推進を図り" in first and answer.citations[0].section == "3. 地場産業支援"


def test_an_english_rate_and_cap_question_is_answered_with_the_rate_and_the_cap(desk: Desk) -> None:
    answer = desk.ask(
        "I run a small shop with four employees. What is the subsidy rate of the Small Business Sustainability "
        "Subsidy (持続化補助金), and what is the basic cap?"
    )
    assert not answer.refused and answer.text.startswith("Answer from the Japanese sources")
    assert "2/3" in answer.text and "50万円" in answer.text
    assert {c.chunk_id for c in answer.citations} == {"measure:jizokuka-hojokin"}  # no other subsidy's rate


def test_each_asked_part_of_a_catalog_question_is_answered(desk: Desk) -> None:
    answer = desk.ask("地域産業構造転換インフラ整備推進交付金は、どんなインフラが対象で、選定はどういう観点で行われていますか。")
    assert not answer.refused
    quotes = [c.quote for c in answer.citations]
    assert "工業用水道" in quotes[0] and "国策的意義" in quotes[1]


def test_a_term_only_compared_with_is_not_the_one_defined(desk: Desk) -> None:
    answer = desk.ask("地場産業支援ってどういうもの？地域産業クラスターとは別のものですよね？")
    assert not answer.refused
    assert "地産外商" in answer.citations[0].quote and answer.citations[0].section == "3. 地場産業支援"
    # what follows the definition is about the defined term, not a neighbouring passage
    assert all(c.section == "3. 地場産業支援" or "地場産業支援" in c.quote for c in answer.citations)


def test_where_the_head_office_is_and_how_many_places_are_both_answered(desk: Desk) -> None:
    answer = desk.ask("よろず支援拠点って本部はどこですか。あと、全国で何か所くらいありますか。")
    assert not answer.refused
    quotes = [c.quote for c in answer.citations]
    assert "中小企業基盤整備機構" in quotes[0] and "47都道府県" in quotes[1]


def test_a_measure_named_by_its_short_alias_is_answered_from_its_entry_only(desk: Desk) -> None:
    # the entry's agency has parentheses inside parentheses: 「中小企業庁(商工会・商工会議所を通じて申請)」
    answer = desk.ask("What is the subsidy rate of the 持続化補助金?")
    assert not answer.refused and "2/3" in answer.text
    assert {c.chunk_id for c in answer.citations} == {"measure:jizokuka-hojokin"}, answer.text


def test_the_plan_type_asked_about_wins_over_one_named_for_comparison(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランでの「自治体のコミットメント」は何をすればよいですか。地域産業クラスター計画と同じく"
                      "金融機関を巻き込んだ伴走支援体制が必要ですか。")
    assert not answer.refused
    assert "相談窓口の設置" in answer.text.split("\n出典")[0]
    first = answer.text.split("\n")[1]
    assert "地域金融機関等を巻き込んだ" not in first  # the compared plan type's requirement does not lead


def test_requests_to_ministries_are_listed_whole_from_the_asked_sub_heading(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画について、各府省庁に依頼されている事項を全部教えてください。")
    assert not answer.refused and "【各府省庁向け】" in answer.meta.get("section", "")
    assert "新規施策の検討" in answer.text and "計画策定に関連した相談対応" in answer.text
    assert "全2項目" in answer.text
    assert "地域産業クラスター計画の検討・策定" not in answer.text  # the prefectures' request was not asked


def test_how_the_support_menu_becomes_usable_is_the_usage_process_section_whole(desk: Desk) -> None:
    answer = desk.ask("地域産業クラスター計画を作ったあと、支援メニューはどういう流れで使えるようになるんですか。全部挙げて。")
    assert not answer.refused and answer.meta.get("section", "").endswith("活用プロセス")
    assert "重点支援企業一覧" in answer.text and "地域未来投資促進税制" in answer.text


def test_external_bodies_are_listed_from_the_policy_not_from_the_catalog_paraphrase(desk: Desk) -> None:
    answer = desk.ask("地場の企業向けに国が連絡窓口をつくるって話で、例として挙がってる外部機関はどこですか？全部で。")
    assert not answer.refused
    assert "JETRO" in answer.text and "よろず支援拠点" in answer.text
    assert answer.citations[0].section.endswith("(地場企業・事業主向け支援)")


def test_an_english_question_about_the_body_helping_companies_overseas_names_jetro(desk: Desk) -> None:
    answer = desk.ask("Which national body is named in the policy as helping local companies expand overseas?")
    assert not answer.refused and "JETRO" in answer.text


def test_a_passage_that_points_at_another_section_is_quoted_with_that_section(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランを作るとき、国からの策定支援は地域産業クラスター計画のときと何か違いますか？")
    assert not answer.refused
    body = answer.text.split("\n出典")[0]
    assert "2. (4)と同じ" in body and "ワンストップの相談窓口" in body  # what 「2. (4)」 says, not only the pointer
    assert body.index("2. (4)と同じ") < body.index("ワンストップ")
