"""Answers of the seventh session (probes7 written blind, blind16 read as the learning set): kana spellings of the
sources' acronyms and short words, questions written in kana read word by word, figures and contacts asked of a
firm or office the sources do not describe, a named body's plan contents and list membership, foreign programmes
named in their own language, guarantees of a permit, plans the policy introduces in 「」, and what an entry gives —
on the real index, in wordings of this file's own."""

from __future__ import annotations

import pytest

from bot.desk import Desk


@pytest.mark.parametrize("question, fact", [
    ("けーぴーあい って どの けいかくの ようけんに でてくるの", "KPI"),
    ("いーびーぴーえむ の めるくまーる には なにを きめるんですか", "ステージゲート"),
])
def test_an_acronym_spelled_in_kana_is_read_as_the_acronym(desk: Desk, question: str, fact: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.text


@pytest.mark.parametrize("question, fact", [
    ("とっくの ていあんで さきに けんとう されるのは どういう ものですか", "特例措置"),
    ("じぞくかほじょきん の ひようの ほじょりつ を おしえて", "2/3"),
])
def test_a_short_kana_word_written_as_a_word_is_read_as_the_sources_word(desk: Desk, question: str, fact: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.text


def test_a_question_written_in_kana_is_read_word_by_word(desk: Desk) -> None:
    answer = desk.ask("しょうこうかいが まちと いっしょに ちいさな おみせの けいえいを てつだう けいかくは ありますか")
    assert not answer.refused, answer.text
    assert "経営発達支援計画" in answer.text


@pytest.mark.parametrize("question", [
    "ラピダスの千歳工場では何人くらいが働いているんですか？",
    "TSMCが熊本に投資した金額はいくらですか？",
])
def test_a_figure_asked_of_a_firm_the_sources_only_name_is_declined(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused, answer.text
    assert "2,000人" not in answer.text and "従業員" not in answer.text


def test_a_figure_asked_of_a_named_catalog_body_is_still_answered(desk: Desk) -> None:
    answer = desk.ask("JETROの海外の拠点はいくつありますか？")
    assert not answer.refused, answer.text
    assert "70" in answer.text


@pytest.mark.parametrize("question", [
    "よろず支援拠点の本部の住所を教えてください。",
    "JETROのロサンゼルス事務所の電話番号は？",
])
def test_an_address_or_phone_number_no_source_states_is_declined(desk: Desk, question: str) -> None:
    answer = desk.ask(question)
    assert answer.refused, answer.text
    assert not answer.citations


def test_a_window_asked_without_an_address_is_still_answered(desk: Desk) -> None:
    answer = desk.ask("JETROにはどこで相談できますか？")
    assert not answer.refused, answer.text


@pytest.mark.parametrize("question", [
    "福岡県の地域産業クラスター計画では、どの企業が重点支援企業として載っていますか？",
    "重点支援企業の候補リストに、弊社は入っているでしょうか？",
    "フィンランドのビジネス振興機関（Business Finland）の研究開発資金はいくら受けられますか？",
    "補助金の交付が決まったら、農地転用の許可は確実に下りるという理解でいいですか？",
])
def test_a_named_bodys_plan_contents_list_membership_foreign_programme_or_guarantee_is_declined(
    desk: Desk, question: str
) -> None:
    answer = desk.ask(question)
    assert answer.refused, answer.text


@pytest.mark.parametrize("question, fact", [
    ("重点支援企業はどうやって選ばれるんですか？", "候補リスト"),
    ("熊本県の会社ですが、地場産業成長プランの要件を教えてください。", "有望度"),
])
def test_near_misses_of_the_new_declines_are_still_answered(desk: Desk, question: str, fact: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.text


def test_a_plan_the_policy_introduces_in_brackets_is_defined_by_that_sentence(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランというのはなんですか？")
    assert not answer.refused, answer.text
    first = answer.text.split("\n")[1]
    assert "地域資源を最大限活用" in first, answer.text


@pytest.mark.parametrize("question, fact", [
    ("中堅・中小グループ化税制はどういう仕組みなんですか", "最大100%"),
    ("輸出事業計画の認定をとると、どんなメリットがありますか", "日本政策金融公庫"),
])
def test_what_a_named_entry_gives_is_quoted_from_its_offer_lines(desk: Desk, question: str, fact: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused, answer.text
    assert fact in answer.text


def test_a_former_name_asked_with_te_iu_is_answered(desk: Desk) -> None:
    answer = desk.ask("地域未来交付金は、その前はなんていう名前だったんですか", [
        {"role": "user", "content": "地域未来交付金について知りたい"},
    ])
    assert not answer.refused, answer.text
    assert "新しい地方経済" in answer.text


def test_what_the_state_does_with_a_plan_handed_in_asked_politely_is_the_framework_whole(desk: Desk) -> None:
    answer = desk.ask("地場産業成長プランを市が出したら、国のほうではどんな流れになりますか？")
    assert not answer.refused, answer.text
    assert "副大臣会議" in answer.text and "公開" in answer.text
