"""Reading a plan as a consultant would: current state vs plan, plain language, figures anywhere, tables, plan type."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plan_fixtures import desk, item, score_in, sentence, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.desk import Desk
from bot.plans.needs import detect_applicants, detect_figures, detect_needs
from bot.plans.tense import clause_is_current, dated_target
from bot.plans.terms import find_terms, plan_terms, split_sentences

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO / "corpus"


LOCAL = """〇〇町 地場産業成長プラン（案）
町内の「株式会社しおさい」（従業員18名）が中心になり、町の海藻で佃煮をつくり、首都圏の百貨店に直接売ります。
{dependence}
町は産業課に相談窓口を置きます。
"""


# --- current state vs plan ---------------------------------------------------------------------------------


def test_todays_dependence_is_not_the_plan(desk: Desk) -> None:
    today = "現在は、製品のほぼ全てを大手商社1社に販売しているが、今後は直販と卸3社に分け、1社が売上の3割を超えないようにする。"
    report = desk.precheck(LOCAL.format(dependence=today), "local_industry")
    dependence = item(report, "外部依存性")
    assert dependence.status == "met", dependence.reason
    assert any("3割を超えない" in e for e in dependence.evidence)


def test_dependence_the_plan_proposes_is_missing(desk: Desk) -> None:
    proposed = "製品は全量を大手商社1社に販売し、価格も同社が決める。"
    report = desk.precheck(LOCAL.format(dependence=proposed), "local_industry")
    assert item(report, "外部依存性").status == "missing"


def test_a_dependence_the_plan_refuses_is_not_a_dependence(desk: Desk) -> None:
    refused = "販売は直販と卸3社で行い、特定の一社に頼る形にはいたしません。"
    report = desk.precheck(LOCAL.format(dependence=refused), "local_industry")
    assert item(report, "外部依存性").status == "met"


def test_clause_tense(vocab: dict[str, Any]) -> None:
    markers = vocab["markers"]
    s = sentence("部材は現在全量を輸入しているが、令和10年度に県内調達比率を50%とする。")
    assert clause_is_current(s, s.norm.index("輸入"), markers)
    assert not clause_is_current(s, s.norm.index("県内調達"), markers)


# --- plain language ----------------------------------------------------------------------------------------


def test_a_role_verb_in_any_inflection_makes_a_named_firm_the_actor(desk: Desk) -> None:
    report = desk.precheck(LOCAL.format(dependence=""), "local_industry")
    actor = item(report, "実現可能性")
    assert actor.status == "met"
    assert "しおさい" in actor.reason and "名前がありません" not in actor.reason


def test_dictionary_form_terms_find_inflected_words(vocab: dict[str, Any]) -> None:
    hits = find_terms(sentence("同社が中心になり、工場を運営いたします。"), ["中心になる", "運営する"])
    assert [h.term for h in hits] == ["中心になる", "運営する"]


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("来訪者を令和11年度に年5万人（現状2万人）にする。", True),
        ("2030年までに売上高を10億円とする。", True),
        ("令和5年に工場が閉鎖され、約1,200人の雇用が失われた。", False),
        ("来訪者を大きく増やす。", False),
    ],
)
def test_a_dated_figure_is_a_target(vocab: dict[str, Any], text: str, dated: bool) -> None:
    assert dated_target(sentence(text), vocab["markers"]) is dated


def test_a_dated_target_without_the_word_kpi_is_a_kpi(desk: Desk) -> None:
    plan = LOCAL.format(dependence="") + "佃煮の売上を令和11年度に年8,000万円（現状2,000万円）にする。\n"
    ebpm = item(desk.precheck(plan, "local_industry"), "EBPMメルクマール")
    assert ebpm.status == "partial"  # KPI met by the dated target; the stage gate is still missing
    assert "『KPIの設定』は確認できました" in ebpm.reason


def test_the_mayor_before_the_council_is_an_announcement(desk: Desk) -> None:
    plan = LOCAL.format(dependence="") + "本プランは、町長が町議会で説明し、町として公表いたします。\n"
    commitment = item(desk.precheck(plan, "local_industry"), "自治体のコミットメント")
    assert commitment.status == "met"


def test_a_mention_that_sets_no_target_is_missing(desk: Desk) -> None:
    plan = LOCAL.format(dependence="") + "しおさいはレシピの提供料として売上の3%を受け取る。\n"
    assert item(desk.precheck(plan, "local_industry"), "域内への波及").status == "missing"


# --- structure: headings and tables ------------------------------------------------------------------------


def test_short_marked_lines_are_headings_not_evidence() -> None:
    sentences = split_sentences("■核となる企業\n株式会社みなと精工が担う。\n3. 重点支援企業\n1. 新工場を建設する\n")
    assert [s.text for s in sentences] == ["株式会社みなと精工が担う。", "1. 新工場を建設する"]
    assert sentences[0].context == "核となる企業:"


def test_table_rows_read_with_their_column_names(desk: Desk) -> None:
    text = "| 案件 | 主体 | 投資額 |\n|---|---|---|\n| 前工程工場 | 外資系ファウンドリ | 約1兆2,000億円 |\n"
    rows = split_sentences(text)
    assert len(rows) == 1 and "投資額:約1兆2,000億円" in rows[0].norm
    assert rows[0].text == "| 前工程工場 | 外資系ファウンドリ | 約1兆2,000億円 |"


# --- figures anywhere, applicant kinds ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("新工場に総額30億円を投資する。", "investment_yen", 3.0e9),
        ("設備導入（約2億5千万円）を行う。", "investment_yen", 2.5e8),
        ("賃金を年4%以上引き上げる。", "wage_increase_pct", 4.0),
    ],
)
def test_figures_before_or_after_their_label(vocab: dict[str, Any], text: str, field: str, value: float) -> None:
    figures = detect_figures(split_sentences(text), vocab)
    assert [f.value for f in figures[field]] == [value]


def test_a_small_business_is_also_an_sme(vocab: dict[str, Any]) -> None:
    sentences = split_sentences("家族経営の工房（従業員5名）が、チラシを作って販路を広げる。")
    applicants = detect_applicants(sentences, vocab, detect_figures(sentences, vocab))
    assert "small_business" in applicants and "sme" in applicants


# --- match: who gets listed ----------------------------------------------------------------------------------


def _score(measure_id: str, text: str, vocab: dict[str, Any]) -> Any:
    return score_in(measure_id, text, vocab, "local_industry")


def test_a_measure_whose_floor_the_plan_misses_is_not_listed(vocab: dict[str, Any]) -> None:
    startup = "創業3年のスタートアップ（従業員30名）が、総額1億8千万円を投資して生産設備を導入する。賃金を年5%引き上げる。"
    large = _score("daikibo-seicho-toshi-hojokin", startup, vocab)
    assert not large.listable and any("1.8億円では" in c for c in large.caveats)
    assert _score("monodukuri-hojokin", startup, vocab).listable


def test_a_broad_framework_needs_what_it_mainly_gives(vocab: dict[str, Any]) -> None:
    one_word = _score("chiiki-mirai-toshi-sokushin-ho", "運転資金の融資を受けたい。", vocab)
    assert not one_word.listable


def test_a_need_resting_on_a_broad_word_is_not_a_need(vocab: dict[str, Any]) -> None:
    needs = detect_needs(split_sentences("唯一の食品スーパーが撤退を検討している。"), vocab)
    assert "地域資源" not in {n.tag for n in needs}


# --- plan type -------------------------------------------------------------------------------------------------


def test_no_cue_means_the_type_is_asked_for(desk: Desk) -> None:
    report = desk.precheck("新しい事業の計画\n株式会社あさひ工業が新しい機械を導入する。\n")
    data = report.to_json()
    assert report.low_confidence and data["plan_type_choices"]
    assert "判定できませんでした" in data["plan_type_note"] and "plan_type" in data["plan_type_note"]
    assert {c["id"] for c in data["plan_type_choices"]} == {"strategic_cluster", "regional_cluster", "local_industry"}


def test_a_count_in_man_and_sen_is_read_whole(vocab: dict[str, Any]) -> None:
    figures = detect_figures(split_sentences("欧州系企業（グループ従業員約1万2千人）の日本法人が進出する。"), vocab)
    assert [f.value for f in figures["employees"]] == [12000.0]


def test_a_malformed_plan_vocabulary_is_refused_with_the_key_named(tmp_path: Path) -> None:
    from retrieval.errors import DeskError

    text = (CORPUS / "plan_terms.yaml").read_text(encoding="utf-8")
    broken = text.replace("  jizokuka-hojokin: {primary: [販路開拓]}", "  jizokuka-hojokin: {primary: [販路かいたく]}")
    assert broken != text
    (tmp_path / "plan_terms.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DeskError) as caught:
        plan_terms(tmp_path)
    assert "match_focus.jizokuka-hojokin.primary" in str(caught.value.args[0]) + str(caught.value)


PLAIN_TEA = """〇〇村 お茶の仕事を守るプラン
村のお茶農家は35戸。いまは摘んだ茶葉を全部、県外の大きな問屋1社に売っているが、買い取り値はここ10年で3割下がった。
これからは村の製茶工場「合同会社みどりの丘」（従業員9名）が中心になって、紅茶とほうじ茶のティーバッグを作り、村のネットショップと東京の雑貨店10店で売る。雑貨店のうち6店はもう取引を約束してくれた。
問屋への売上は全体の半分までにおさえる。
令和10年度に紅茶とほうじ茶の売上を年3,000万円（今はゼロ）、農家からの茶葉の仕入れを年2,000万円にする。
村長は3月の村議会でこのプランを説明し、役場の産業課に相談窓口を置く。
毎年度末に数字を確かめ、令和9年度末にネットショップの売上が年500万円に届かなければ、雑貨店への卸に力を入れる。"""


def test_a_plan_in_plain_words_reads_like_one_with_the_policy_terms(desk: Desk) -> None:
    report = desk.precheck(PLAIN_TEA, "local_industry")
    got = {i.label: i.status for i in report.items if i.kind == "requirement"}
    assert got == {label: "met" for label in got}, got
    assert any("半分まで" in e for e in item(report, "外部依存性").evidence)
