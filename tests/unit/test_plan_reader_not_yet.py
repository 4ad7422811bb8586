"""Plan reader, second round: parts the plan leaves for later, dependences that stay, and who a measure is for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plan_fixtures import desk, item, score_in, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.desk import Desk
from bot.plans.needs import detect_figures
from bot.plans.tense import dated_target
from bot.plans.terms import Sentence, actors, norm, split_sentences

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO / "corpus"


REGIONAL = """〇〇県 地域産業クラスター計画（産業用ポンプ）
中核の株式会社みなと精機（従業員300人）は、海外の化学プラント向けにポンプを輸出している。
知事が定例会見で本計画を公表した。
県産業振興課と商工会議所で支援チームをつくり、計画期間の5年間、四半期ごとに各社を訪問する。
{bank}
"""


# --- a part the plan itself leaves for later -------------------------------------------------------------------


def test_a_part_left_undecided_caps_the_requirement_at_partial(desk: Desk) -> None:
    joined = item(desk.precheck(REGIONAL.format(bank="地元の信用金庫も支援チームに参加する。"), "regional_cluster"), "自治体のコミットメント")
    undecided = item(desk.precheck(REGIONAL.format(bank="金融機関の参加は未定である。"), "regional_cluster"), "自治体のコミットメント")
    assert joined.status == "met", joined.reason
    assert undecided.status == "partial", undecided.reason
    assert "まだ済んでいない" in undecided.reason
    assert any("未定" in e for e in undecided.evidence)


def test_an_undecided_product_is_not_a_clear_product(desk: Desk) -> None:
    base = """〇〇市 竹細工 成長プラン
産地の工房5社が、ホテル向けの竹のアメニティ用品を製造し、首都圏のホテルに直接販売する。
ホテル30社への聞き取りで、プラスチック製品の代わりを求める声を確認した。
{later}
"""
    decided = item(desk.precheck(base.format(later="商品は歯ブラシとくしの2品とする。"), "local_industry"), "有望度")
    open_ = item(desk.precheck(base.format(later="具体的にどのような商品をつくるかは、来年度にホテルと協議して決める。"), "local_industry"), "有望度")
    assert decided.status == "met", decided.reason
    assert open_.status == "partial", open_.reason


def test_a_not_yet_far_from_the_word_speaks_of_something_else(desk: Desk) -> None:
    plan = REGIONAL.format(bank="地元の信用金庫も支援チームに参加する。なお、国の支援制度への申請は今後検討する。")
    assert item(desk.precheck(plan, "regional_cluster"), "自治体のコミットメント").status == "met"


# --- a dependence that stays ------------------------------------------------------------------------------------

DEPENDENCE = """〇〇県 地域産業クラスター計画（医療用チューブ）
重点支援企業は株式会社あおば化成ほか2社で、押出成形と検査の工程は県内で行う。
2032年までに国内シェア1位（現状3位）を目指す。
{material}
"""


def test_a_dependence_that_the_plan_says_will_stay_keeps_its_caution(desk: Desk) -> None:
    stays = "基材の樹脂は海外からの輸入に全量を頼っており、当面この状況は変わらない見込み。"
    ends = "基材の樹脂は海外からの輸入に頼っているが、2030年までに県内メーカーとの共同開発品に切り替える。"
    kept = item(desk.precheck(DEPENDENCE.format(material=stays), "regional_cluster"), "外部依存性")
    remedied = item(desk.precheck(DEPENDENCE.format(material=ends), "regional_cluster"), "外部依存性")
    assert kept.status == "partial", kept.reason
    assert remedied.status == "met", remedied.reason


# --- targets, names, figures -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dated"),
    [
        ("投資額は約1,100億円で、2028年の稼働を予定している。", False),  # what the plan spends is not a target
        ("2030年度に売上高を10億円とする。", True),
    ],
)
def test_an_investment_with_a_year_is_not_a_target(vocab: dict[str, Any], text: str, dated: bool) -> None:
    assert dated_target(Sentence(text=text, norm=norm(text), index=0), vocab["markers"]) is dated


def test_an_industry_word_is_not_a_firm_name(vocab: dict[str, Any]) -> None:
    def names(text: str) -> list[str]:
        return actors(Sentence(text=text, norm=norm(text), index=0), vocab.get("actor_patterns", []), vocab.get("actor_names"))

    assert names("平均賃金を市内水産加工業平均の1.1倍とする。") == []
    assert names("かもめ水産が加工を担う。") == ["かもめ水産"]


def test_a_line_label_names_the_figures_of_the_line(vocab: dict[str, Any]) -> None:
    sentences = split_sentences("・投資計画：第2工場を建設する。建物2.0億円、機械装置2.5億円、計4.8億円。\n")
    figures = detect_figures(sentences, vocab)
    assert [f.value for f in figures["investment_yen"]] == [480_000_000]


# --- match: sector and applicant kind ------------------------------------------------------------------------------


def _score(measure_id: str, text: str, vocab: dict[str, Any]) -> Any:
    return score_in(measure_id, text, vocab, "local_industry")


def test_a_food_only_measure_is_not_listed_for_knives(vocab: dict[str, Any]) -> None:
    knives = "刃物メーカー8社が、欧州・北米の料理人に包丁を輸出する。海外の展示会への出展を支援してほしい。"
    persimmons = "柿農家と加工6社が、台湾に干し柿を輸出する。海外の展示会への出展を支援してほしい。"
    out = _score("nourin-yushutsu-shien-platform", knives, vocab)
    assert not out.listable and any("農林水産物・食品" in c for c in out.caveats)
    assert _score("nourin-yushutsu-shien-platform", persimmons, vocab).listable


def test_a_large_investment_subsidy_is_not_for_small_businesses_only(vocab: dict[str, Any]) -> None:
    family = "家族経営の工房（従業員5人）が、引継ぎ後の設備更新に国の補助を活用したい。"
    mid = "中小企業のH社（従業員190人）が、第2工場の設備投資に国の補助を活用したい。"
    small = _score("daikibo-seicho-toshi-hojokin", family, vocab)
    assert not small.listable and any("小規模事業者" in c for c in small.caveats)
    larger = _score("daikibo-seicho-toshi-hojokin", mid, vocab)
    assert not any("担い手は" in c for c in larger.caveats)


def test_an_sme_only_subsidy_is_not_for_mid_sized_firms_only(vocab: dict[str, Any]) -> None:
    mid = "中堅企業3社（従業員800〜1,500人）が、新工場の設備投資に国の補助を活用したい。"
    sme = "中小企業のK社（従業員120人）が、新しい機械の設備投資に国の補助を活用したい。"
    out = _score("monodukuri-hojokin", mid, vocab)
    assert not out.listable and any("中堅企業" in c for c in out.caveats)
    assert _score("monodukuri-hojokin", sme, vocab).listable


def test_a_size_guessed_from_the_staff_count_does_not_rule_out_a_measure_whose_sales_criterion_is_met(
    vocab: dict[str, Any],
) -> None:
    counted = "部品メーカーのM社（従業員400人、売上高50億円）が、新工場に5億円を投資する。"
    named = "中堅企業のM社（従業員400人）が、新工場に5億円を投資する。"
    assert _score("seicho-kasokuka-hojokin", counted, vocab).listable
    assert not _score("seicho-kasokuka-hojokin", named, vocab).listable
