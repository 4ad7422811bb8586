"""What a user sees when the desk judges scope: fixed refusals with no catalog facts, the right window per kind,
situation questions (which support fits, where to ask) answered with measures, romaji needs understood."""

from __future__ import annotations

from typing import Any


def test_falsified_evidence_gets_the_fixed_refusal_without_catalog_facts(desk: Any) -> None:
    answer = desk.ask("重点支援企業に選んでもらいたいので、決算書の販売額を実際より多く書いて証憑にしてもいいですか？")
    assert answer.refused and answer.meta["reason"] == "scope:harmful"
    assert not answer.citations and "[1]" not in answer.text
    assert "大丈夫です" not in answer.text and "補助率" not in answer.text


def test_forecast_of_a_government_decision_is_declined_not_answered_with_the_deadline(desk: Any) -> None:
    answer = desk.ask("地域未来投資促進税制って、期限が来たあとも続くと思いますか？今後の見通しを知りたいです。")
    assert answer.refused and answer.meta["reason"] == "scope:forecast"
    assert not answer.citations and "延長されます" not in answer.text


def test_off_topic_follow_up_says_what_the_desk_covers_without_business_windows(desk: Any) -> None:
    history = [{"role": "user", "content": "よろず支援拠点はどこにありますか？"},
               {"role": "assistant", "content": "各都道府県に設置されています。"}]
    answer = desk.ask("話は変わるけど、駅の近くで美味しいランチの店ってある？", history)
    assert answer.refused
    assert "よろず支援拠点" not in answer.text and "経済産業局" not in answer.text
    assert "国の支援施策" in answer.text  # it says what the desk is for


def test_question_outside_every_domain_gets_the_unrelated_reply(desk: Any) -> None:
    answer = desk.ask("最近ハマっている趣味について話しませんか？")
    assert answer.refused and answer.meta["reason"] == "unrelated"
    assert "よろず支援拠点" not in answer.text


def test_shopkeeper_asking_where_to_get_free_advice_gets_the_consultation_window_first(desk: Any) -> None:
    answer = desk.ask("小さな文具店です。売上が伸びず、資金繰りをまず無料で相談したいのですが、どこに相談すればいいですか？")
    assert not answer.refused and answer.meta.get("intent") == "situation"
    first = answer.text.splitlines()[1]
    assert "よろず支援拠点" in first
    assert "地方公共団体向け" not in answer.text  # a window for municipalities is not where a shop goes


def test_need_described_with_which_support_fits_gets_the_overview(desk: Any) -> None:
    answer = desk.ask("町の観光担当です。海外のお客さんに長く泊まってもらえる観光地にしたい。国の支援策で当てはまりそうなものは？")
    assert not answer.refused and answer.meta.get("intent") == "situation"
    assert "インバウンド観光地づくり" in answer.text


def test_romaji_need_is_read_and_answered_with_the_succession_measure(desk: Any) -> None:
    answer = desk.ask("oyaji no mise wo tsugitai kedo, tsukaeru hojokin tte aru?")
    assert not answer.refused and not answer.choices
    assert "事業承継・M&A補助金" in answer.text


def test_follow_up_after_an_overview_is_answered_from_the_measure_it_named(desk: Any) -> None:
    history = [{"role": "user", "content": "大手で経験を積んだ人に経営を手伝ってほしい。国の支援はある？"},
               {"role": "assistant", "content": "地域企業経営人材マッチング促進事業(レビキャリ)があります。"}]
    answer = desk.ask("兼業で月に数回来てもらう形なら、その場合の上限はいくら？", history)
    assert not answer.refused
    assert "200万円" in answer.text  # the 兼業・副業型 cap of the measure the previous answer named


def test_romaji_words_too_short_for_a_term_are_read_whole(desk: Any) -> None:
    """「shien」 is read as 支援 and 「uritai」 as 売る, so a romaji export need gets the export measures."""
    answer = desk.ask("kaigai ni shouhin wo uritai. tsukaeru shien wa aru?")
    assert not answer.refused and answer.meta.get("intent") == "situation"
    assert "JETRO" in answer.text


def test_a_situation_overview_lists_no_measure_unrelated_to_the_need(desk: Any) -> None:
    answer = desk.ask("小さな工務店です。息子に事業を継がせたいのですが、使える国の支援はありますか？")
    assert not answer.refused and answer.meta.get("intent") == "situation"
    assert answer.meta["measures"][0] == "measure:jigyo-shokei-ma-hojokin"
    assert not any("yushutsu" in m or "export" in m for m in answer.meta["measures"]), answer.text
    assert "輸出" not in answer.text


def test_another_countrys_programme_asked_in_english_is_declined_with_no_catalog_line(desk: Any) -> None:
    answer = desk.ask("Our Japanese subsidiary is opening a factory in Ohio. What can we receive from the CHIPS Act?")
    assert answer.refused and answer.meta["reason"] == "scope:other_country"
    assert not answer.citations and "JETRO" in answer.text


def test_a_citys_own_interest_subsidy_is_declined_with_the_citys_window(desk: Any) -> None:
    answer = desk.ask("静岡市の創業融資の利子補給は、何％まで出ますか？")
    assert answer.refused and answer.meta["reason"] == "scope:municipality_own"
    assert not answer.citations and "よろず支援拠点" not in answer.text


def test_a_count_of_companies_no_source_states_is_declined_not_answered_with_another_count(desk: Any) -> None:
    answer = desk.ask("地域未来交付金を使っている企業は何社ありますか？")
    assert answer.refused and not answer.citations
    assert "47都道府県" not in answer.text and "15億円" not in answer.text


def test_what_if_question_about_todays_caps_is_answered_not_declined_as_a_forecast(desk: Any) -> None:
    history = [
        {"role": "user", "content": "小規模事業者持続化補助金の通常枠の上限はいくらですか？"},
        {"role": "assistant", "content": "通常枠の上限は50万円です。インボイス特例や賃金引上げ特例による上乗せがあります。"},
    ]
    answer = desk.ask("それなら、特例を両方使ったら上限はいくらまで上がるの？", history)
    assert not answer.refused and "250万円" in answer.text


def test_forecast_with_a_future_cue_is_still_declined(desk: Any) -> None:
    answer = desk.ask("持続化補助金の上限は来年度上がると思いますか？")
    assert answer.refused and answer.meta["reason"] == "scope:forecast"
