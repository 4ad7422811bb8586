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


def _listed(answer: Any) -> list[str]:
    """The measure chunk ids the overview lists, in order."""
    return [str(m).removeprefix("measure:") for m in answer.meta.get("measures", [])]


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("町の産業振興課の者です。工業団地に大きな工場が来ることになり、道路と工業用水の整備が必要です。国の支援で整備費をまかなえるものはありますか。",
         "地域未来交付金"),
        ("離島で唯一のガソリンスタンドが廃業しそうです。島の暮らしに欠かせない店を国が支援する仕組みはありますか。", "エッセンシャル"),
    ],
)
def test_a_need_asked_as_what_the_state_supports_gets_the_overview(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)  # 「国の支援で…できるものは」「国が支援する仕組みは」 (clarify.yaml situation.asks)
    assert not answer.refused and answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text


def test_measures_whose_amount_floor_the_askers_figures_meet_lead(desk: Any) -> None:
    answer = desk.ask("従業員250人、売上40億円の金型メーカーです。25億円かけて自動化した新工場を建て、賃金も上げたい。"
                      "売上100億円を目指すと公表しています。大型の設備投資に使える補助金を教えてください。")
    listed = _listed(answer)
    assert listed[:2] == ["daikibo-seicho-toshi-hojokin", "seicho-kasokuka-hojokin"] or \
        listed[:2] == ["seicho-kasokuka-hojokin", "daikibo-seicho-toshi-hojokin"]
    assert "monodukuri-hojokin" not in listed[:2]  # measures for any size come after


def test_amounts_written_without_yen_are_the_askers_figures(desk: Any) -> None:
    answer = desk.ask("売上15億くらいの食品加工会社です。2億くらいかけて工場を建て替えたい。使えそうな国の制度は？")
    listed = _listed(answer)
    assert listed and listed[0] == "seicho-kasokuka-hojokin"  # 売上15億 ≥ 10億円, 2億 ≥ 1億円
    assert "daikibo-seicho-toshi-hojokin" in answer.meta["ruled_out"]  # 2億 < 20億円
    assert "yushutsu-jigyo-keikaku" not in listed  # found by the search only, serving no need the asker states


def test_a_food_maker_selling_abroad_gets_the_food_export_measures_beside_jetro(desk: Any) -> None:
    answer = desk.ask("醤油を造っている小さな蔵です。ヨーロッパで売りたいのですが、どこに相談すればいいですか。")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "JETRO" in answer.text and "農林水産物・食品" in answer.text


@pytest.mark.parametrize(
    "question",
    ["中小企業庁のものづくりの補助金で、機械の導入に使える補助の上限と補助率は？",
     "観光庁の高付加価値化の事業で、宿の改修に使える補助の上限と補助率は？"],
)
def test_an_amount_or_rate_asked_of_a_designated_support_is_answered_from_it(desk: Any, question: str) -> None:
    answer = desk.ask(question)
    assert not answer.text.startswith(OVERVIEW_LEAD) and answer.meta.get("intent") != "situation"
    assert "1/2" in answer.text


def test_an_entry_adds_the_provided_line_the_askers_words_ask_for(desk: Any) -> None:
    answer = desk.ask("親父が70歳になり、5年以内に自分が家業の町工場を継ぐ予定です。継ぐ前に古い機械を入れ替えたいのですが、使える制度はありますか。")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "事業承継促進枠" in answer.text  # 「5年以内に…継ぐ予定」 is what this 支援内容 line is about
    assert any("事業承継促進枠" in c.quote for c in answer.citations)


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("部品メーカーで社員400人。新工場に30億くらい投資して給料も上げたい。国の支援は？", "大規模成長投資補助金"),
        ("町の担当です。候補地が農地で開発の規制が壁。何か手はある？", "特区"),
        ("県の立地担当です。大きな工場が来るが、周りの道路と工業用水が足りない", "インフラ整備推進交付金"),
        ("社員60人の樹脂成形です。大手で経験を積んだ経営幹部が欲しい", "レビキャリ"),
        ("従業員25人の工場。1500万くらいの機械を入れて新しい製品を作りたい", "ものづくり"),
    ],
)
def test_a_need_stated_without_a_question_word_gets_the_overview(desk: Any, question: str, measure: str) -> None:
    answer = desk.ask(question)
    assert not answer.refused and not answer.choices
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert measure in answer.text


def test_an_overview_entry_states_the_measures_cap_and_rate(desk: Any) -> None:
    answer = desk.ask("従業員3人の花屋です。チラシを作ってお客さんを増やしたい。使える補助ある？")
    assert answer.text.startswith(OVERVIEW_LEAD)
    assert "上限50万円" in answer.text and "補助率2/3" in answer.text
