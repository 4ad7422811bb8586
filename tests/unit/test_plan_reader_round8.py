"""Eighth round of the plan reader (fourth session): general readings — negation, tense, shares, tables, who speaks.

Each rule with a plan where it applies and a near miss where it must not. The plans are written for these tests.
"""

from __future__ import annotations

from plan_fixtures import Verdict, desk, sentence, verdict, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.plans.terms import actors, compile_term, split_sentences

LOCAL = """k村 地場産業成長プラン（案）
{core}
村の栗で渋皮煮をつくり、首都圏の百貨店と村の直売所、自社の通販で売ります。首都圏の百貨店からは試験販売の注文を受けています。
{body}
"""

REGIONAL = """S県 地域産業クラスター計画（案）
県内の株式会社三峰精機（従業員300人）が中核企業となり、食品工場向けの包装機械を製造する。
{body}
"""


# --- a single Latin initial names a firm (「G加工所」「漆器店F」) ------------------------------------------------------


def test_a_firm_named_by_its_initial_is_a_named_actor(vocab) -> None:  # type: ignore[no-untyped-def]
    names = actors(sentence("中心になるのは、村内で20年栗を加工してきたK加工所です。"), vocab["actor_patterns"], vocab["actor_names"])
    assert names == ["K加工所"]
    after = actors(sentence("老舗菓子店M（職人6人）が中心となる。"), vocab["actor_patterns"], vocab["actor_names"])
    assert after and after[0].endswith("菓子店M")


def test_a_grade_or_a_ray_is_no_firm(vocab) -> None:  # type: ignore[no-untyped-def]
    assert actors(sentence("Bランク店とX線検査装置を使う。"), vocab["actor_patterns"], vocab["actor_names"]) == []


def test_an_initial_named_carrier_meets_the_core_firm_rule(verdict: Verdict) -> None:
    plan = LOCAL.format(core="中心になるのは、村内で20年栗を加工してきたK加工所です。", body="")
    assert verdict(plan, "local_industry", "実現可能性").status == "met"


def test_a_table_row_labelled_as_the_core_carrier_names_it(verdict: Verdict) -> None:
    plan = LOCAL.format(core="| 区分 | 内容 |\n| 中心の事業者 | K栗加工（従業員14人） |", body="")
    assert verdict(plan, "local_industry", "実現可能性").status == "met"


# --- a table cell may hold two sentences: a term does not run from one into the next ----------------------------------


def test_a_term_stays_within_one_sentence_of_a_cell() -> None:
    pattern = compile_term("全量…社|卸")
    assert pattern.search("原料は地元から全量調達。販路は自社通販と卸3社") is None
    assert pattern.search("全量を大手1社に卸す") is not None


def test_spread_sales_beside_whole_local_sourcing_are_not_a_dependence(verdict: Verdict) -> None:
    body = "| 区分 | 内容 |\n| 原料・販路 | 原料は村の農家から全量調達。販路は自社通販、道の駅、卸2社に分散 |"
    assert verdict(LOCAL.format(core="株式会社くりの里（従業員10名）が中心となる。", body=body), "local_industry", "外部依存性").status == "met"


# --- what the plan says it will not do is no caution ------------------------------------------------------------------


def test_a_refused_import_is_no_caution(verdict: Verdict) -> None:
    body = "制御基板やセンサーなど性能を左右する部品は、県内と国内の協力会社から調達し、海外製に頼らない体制を続ける。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "met"


def test_an_import_kept_for_a_key_part_stays_a_caution(verdict: Verdict) -> None:
    body = "フレームは県内の協力会社から調達するが、制御基板は海外製を使い続ける。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "partial"


# --- a table whose column says where a part comes from ---------------------------------------------------------------


def test_a_sourcing_column_naming_the_region_states_local_sourcing(verdict: Verdict) -> None:
    body = "| 工程 | 調達先 |\n| 駆動部品 | 国内部品メーカー |\n| 組立・検査 | 県内の協力企業8社 |"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "met"


# --- selling to a named foreign market is export --------------------------------------------------------------------


def test_selling_to_factories_abroad_is_export(verdict: Verdict) -> None:
    body = "包装機械を、人手不足が深刻なベトナム・インドネシアの食品工場に売り込む。現地の展示会で約30社から引き合いがあった。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "有望度").status == "met"


def test_selling_at_home_only_is_no_export(verdict: Verdict) -> None:
    body = "包装機械を、県内の食品工場に売り込む。展示会で約30社から引き合いがあった。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "有望度").status == "partial"


# --- 費用対効果 asks what the plan aims at: today's low value added is the problem, not the aim ------------------------


def test_todays_low_value_added_is_not_an_aim(verdict: Verdict) -> None:
    body = "県内の部品企業は大手の下請が中心で付加価値が低い。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "費用対効果").status == "missing"


def test_value_added_raised_from_today_is_an_aim(verdict: Verdict) -> None:
    body = "計画期間中に参画企業の付加価値額を現状比30億円増加させる。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "費用対効果").status == "partial"


# --- a share of a whole is a proportion, not a number of jobs or a KPI ------------------------------------------------


def test_a_share_of_the_staff_is_no_job_target(verdict: Verdict) -> None:
    body = (
        "首都圏のT社の開発拠点を誘致し、T社は5年以内に技術者の8割を県内採用とする。\n"
        "参画企業の売上高を2024年度の200億円から2030年度に320億円へ拡大する。"
    )
    item = verdict(REGIONAL.format(body=body), "regional_cluster", "域内への波及")
    assert item.status == "partial", item.reason


def test_a_count_of_new_jobs_is_a_job_target(verdict: Verdict) -> None:
    body = "参画企業の売上高を2024年度の200億円から2030年度に320億円へ拡大し、新規雇用150人を生む。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "域内への波及").status == "met"


# --- a dated figure is a KPI when the plan calls it a goal or checks it at a gate -------------------------------------


def test_a_dated_share_of_the_staff_is_no_kpi(verdict: Verdict) -> None:
    body = "欧州のE社の検査拠点を誘致し、E社は2028年までに検査員の9割を地元採用とする。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "missing"


def test_a_dated_rate_of_the_plans_own_is_a_kpi(verdict: Verdict) -> None:
    body = "2028年度までに包装機械の部品の県内調達比率を9割とする。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "partial"


def test_a_dated_goal_is_a_kpi(verdict: Verdict) -> None:
    body = "目標として、包装機械の海外販売台数を2030年度に500台とする。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "partial"


def test_kpis_pointing_at_the_figures_above_take_them(verdict: Verdict) -> None:
    body = "2030年度に海外販売台数を500台とする。\n上記の数値をKPIとし、2028年度末をステージゲートとして、250台に届かない場合は販路を見直す。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "met"


def test_kpi_figures_in_the_plans_clause_after_todays(verdict: Verdict) -> None:
    body = (
        "Q 地域にはどんな効果が？\nA 今は域内取引額が年々減っているが、これを2030年度に域内取引額70億円まで回復させる。\n"
        "Q 進捗はどう確認する？\nA KPIは域内取引額。2028年度末をステージゲートとし、未達なら支援対象を見直す。"
    )
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "met"


# --- an announcement by a firm is not the governor's ------------------------------------------------------------------


def test_a_customers_announcement_is_no_commitment(verdict: Verdict) -> None:
    body = "国内の食品メーカー2社が2028年からの採用を表明している。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "自治体のコミットメント").status == "missing"


def test_the_plans_own_announcement_is_a_partial_commitment(verdict: Verdict) -> None:
    body = "本計画は2026年度に公表する。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "自治体のコミットメント").status == "partial"


# --- today's dependence that the plan only hopes to change ------------------------------------------------------------


def test_a_hoped_for_new_channel_beside_todays_dependence_is_partial(verdict: Verdict) -> None:
    plan = """k村 地場産業成長プラン（案）
株式会社くりの里（従業員10名）が中心となり、村の栗で渋皮煮をつくります。
いまは渋皮煮の9割を、県外の大手スーパー1社に卸しています。ほかの売り先も、そのうち探したいと思っています。"""
    item = verdict(plan, "local_industry", "外部依存性")
    assert item.status == "partial"
    assert "今の姿" in item.reason


def test_todays_dependence_without_any_remedy_is_missing(verdict: Verdict) -> None:
    plan = """k村 地場産業成長プラン（案）
株式会社くりの里（従業員10名）が中心となり、村の栗で渋皮煮をつくります。
いまは渋皮煮の9割を、県外の大手スーパー1社に卸しています。"""
    assert verdict(plan, "local_industry", "外部依存性").status == "missing"


def test_a_table_sentence_has_no_mixed_up_shown_form() -> None:
    row = split_sentences("| 区分 | 内容 |\n| 中心の事業者 | H水産（従業員5人） |")[0]
    assert row.shown == row.norm
