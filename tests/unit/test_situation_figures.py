"""The asker's figures in a situation question: bare amounts (売上30億) and the amount floors they meet."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.answering.situation import meets_amount_floor
from bot.plans.needs import Figure, bare_amounts, detect_figures, detect_needs
from bot.plans.terms import split_sentences
from retrieval.schema import Criterion, Measure

VOCAB = yaml.safe_load((Path(__file__).resolve().parents[2] / "corpus" / "plan_terms.yaml").read_text(encoding="utf-8"))


def test_bare_amounts_are_read_but_not_counts() -> None:
    assert [q.value for q in bare_amounts("売上30億くらい、5億かけて", ("億", "万"))] == [3e9, 5e8]
    assert bare_amounts("来場者12万人、3000万円", ("億", "万")) == []  # a count, and an amount in 円 (read elsewhere)


def test_a_situation_states_its_investment_and_sales_without_yen() -> None:
    figures = detect_figures(split_sentences("売上30億くらいの部品メーカーです。5億くらいかけて新しい工場を建てたい。"), VOCAB)
    assert [f.value for f in figures["sales_yen"]] == [3e9]
    assert [f.value for f in figures["investment_yen"]] == [5e8]


def _measure(*criteria: Criterion) -> Measure:
    return Measure.model_construct(id="m", name="補助金", criteria=list(criteria))  # only its criteria are read


def test_an_amount_floor_met_by_the_askers_figure_fits_and_a_failed_criterion_does_not() -> None:
    floor = Criterion(field="investment_yen", op=">=", value=2e9, label="投資額20億円以上")
    staff = Criterion(field="employees", op="<=", value=2000, label="従業員2,000人以下")
    stated = {"investment_yen": [Figure("investment_yen", 2.5e9, "25億円", "")], "employees": [Figure("employees", 250, "250人", "")]}
    assert meets_amount_floor(_measure(floor, staff), stated)
    assert not meets_amount_floor(_measure(staff), stated)  # no amount floor: fits any size
    small = {"investment_yen": [Figure("investment_yen", 5e8, "5億円", "")]}
    assert not meets_amount_floor(_measure(floor), small)


def test_the_provided_line_sharing_the_questions_wording_is_chosen() -> None:
    from bot.answering.situation import asked_line

    lines = ["支援内容: 事業承継促進枠:5年以内に親族や従業員へ事業を引き継ぐ予定の事業者が対象", "支援内容: 廃業・再チャレンジ枠がある",
             "金額等: 事業承継促進枠:100万〜800万円"]
    assert asked_line(lines, "5年以内に家業を継ぐ予定です。使える制度は？").startswith("支援内容: 事業承継促進枠")
    assert asked_line(lines, "中小企業向けの補助金はありますか") == ""  # 企業・向け alone are not enough


def test_ranks_close_up_over_measures_left_out() -> None:
    from bot.answering.situation import SIZE_FIT_RANK, closed_ranks

    ranks = {"fit": SIZE_FIT_RANK, "sme_only": SIZE_FIT_RANK, "tax": 3, "people": 4}
    assert closed_ranks(ranks, {"sme_only"}) == {"fit": SIZE_FIT_RANK, "tax": 2, "people": 3}
    assert closed_ranks({"a": 1, "b": 2, "c": 3}, {"a"}) == {"b": 1, "c": 2}


def test_the_conditions_on_the_askers_figures_are_quoted() -> None:
    from bot.answering.situation import stated_conditions

    conditions = ["要件: 常時使用する従業員が2,000人以下の企業", "要件: 5次公募は投資額20億円以上", "要件: 複数社での申請も可"]
    assert stated_conditions(conditions, "新工場に25億くらい投資したい") == ["要件: 5次公募は投資額20億円以上"]
    assert stated_conditions(conditions, "工場を建てたい") == []


def test_a_heading_of_the_support_menu_is_not_offered() -> None:
    from bot.answering.situation import is_heading
    from bot.desk import Desk

    measures = {m.id: m for m in Desk().corpus.measures}
    assert is_heading(measures["senryaku-17bunya-seicho-toshi"])  # no applicant, eligibility or amount
    assert not is_heading(measures["chiiki-mirai-toshi-sokushin-zeisei"])


def test_a_figure_before_its_word_is_not_taken_from_the_next_clause() -> None:
    text = "売上30億円くらいの会社です。5億円かけて新工場を建てて、将来は売上100億円を目指したい。"
    assert [f.value for f in detect_figures(split_sentences(text), VOCAB)["investment_yen"]] == [5e8]
    assert [f.value for f in detect_figures(split_sentences("40億円規模で工場を自動化したい。"), VOCAB)["investment_yen"]] == [4e9]
    assert [f.value for f in detect_figures(split_sentences("1000万くらいの設備。"), VOCAB)["investment_yen"]] == [1e7]
    # a company's sales before 「の機械部品メーカー」 is not an investment
    assert "investment_yen" not in detect_figures(split_sentences("売上25億円の機械部品メーカーです。"), VOCAB)


def test_a_labour_shortage_alone_is_not_a_hiring_need() -> None:
    tags = {n.tag for n in detect_needs(split_sentences("人手不足なので工場を自動化したい。"), VOCAB)}
    assert "省力化" in tags and "人材" not in tags
    assert "人材" in {n.tag for n in detect_needs(split_sentences("技術者が足りない。"), VOCAB)}


def test_a_sales_goal_is_not_the_firms_sales() -> None:
    figures = detect_figures(split_sentences("売上5億円の食品会社です。2億円かけて工場を建て、3年後に売上20億円を目指したい。"), VOCAB)
    assert [f.value for f in figures["sales_yen"]] == [5e8]
    figures = detect_figures(split_sentences("売上を10億円に伸ばしたい。"), VOCAB)
    assert "sales_yen" not in figures
