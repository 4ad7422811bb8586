"""Graded evidence: a part the plan flatly denies, a part it only intends, a condition that brings a part with it,
a dependence it keeps, hiring in plain words, and KPI figures stated elsewhere in the plan."""

from __future__ import annotations

from plan_fixtures import Verdict, desk, verdict  # noqa: F401  (pytest fixtures are used by name)

STRATEGIC = "戦略産業クラスター 候補プロジェクト（水素）\n"
REGIONAL = "〇〇県 地域産業クラスター計画\n"


def test_a_flat_denial_outweighs_a_passing_weak_word(verdict: Verdict) -> None:
    plan = STRATEGIC + "県内の大学と連携した研修を行う。本事業は県とA社だけで進め、地元の経済団体との協力の枠組みはつくらず、県外からの投資の呼び込みも想定していない。"
    ties = verdict(plan, "strategic_cluster", "経済界等との連携")
    assert ties.status == "missing", ties.reason


def test_an_intended_talk_with_ministries_is_partial_and_one_after_adoption_is_missing(verdict: Verdict) -> None:
    intended = STRATEGIC + "必要な国の予算措置については、今後、経済産業省と事前調整を行う予定である。"
    assert verdict(intended, "strategic_cluster", "実現可能性").status == "partial"
    after = STRATEGIC + "必要な国の予算措置については、計画が採択された後に経済産業省と事前調整を行う予定である。"
    assert verdict(after, "strategic_cluster", "実現可能性").status == "missing"


def test_a_schedule_agreed_with_a_contractor_is_not_talks_with_ministries(verdict: Verdict) -> None:
    plan = STRATEGIC + "岸壁の改修と工場の建設は工程を調整済みである。"
    assert verdict(plan, "strategic_cluster", "実現可能性").status == "missing"


def test_only_three_firms_in_the_world_is_not_a_negation(verdict: Verdict) -> None:
    plan = STRATEGIC + "B社の電解装置は世界で2社しか量産していない方式であり、2030年に世界シェア2割を目指す。"
    assert verdict(plan, "strategic_cluster", "競争優位性").status == "met"


def test_first_in_japan_needs_the_technology_that_makes_it_so(verdict: Verdict) -> None:
    base = REGIONAL + "株式会社〇〇化成（従業員300名）が中心となり、国内初となるバイオ由来樹脂の量産に取り組む。"
    bare = verdict(base, "regional_cluster", "実現可能性")
    assert bare.status == "partial" and "国内初" in bare.reason, bare.reason
    stated = verdict(base + "独自の発酵技術を用いて原料コストを半減する。", "regional_cluster", "実現可能性")
    assert stated.status == "met", stated.reason


def test_a_dependence_the_plan_keeps_is_the_plans_own(verdict: Verdict) -> None:
    plan = REGIONAL + "町内の農家から買う野菜を年2億円から3億円に増やす。\n\n香辛料と容器は、ほとんど海外から輸入している。これからも同じように輸入を続ける。"
    assert verdict(plan, "regional_cluster", "外部依存性").status == "missing"


def test_hiring_local_people_in_plain_words_is_localisation_in_part(verdict: Verdict) -> None:
    plan = REGIONAL + "県外の物流会社を市に呼んでくる。その会社には地元の若者をたくさんやとってもらう。"
    assert verdict(plan, "regional_cluster", "現地化").status == "partial"


def test_kpi_names_take_a_target_the_plan_sets_elsewhere(verdict: Verdict) -> None:
    plan = (
        REGIONAL + "第1 取組\n新たに200人の雇用を生む。\n\n第2 KPI\nKPI:出荷額、雇用者数。"
        "2028年度末に試作の評価を行い、基準を満たさない場合は量産投資を見送る。"
    )
    assert verdict(plan, "regional_cluster", "EBPMメルクマール").status == "met"
    pending = plan + "目標値は今後設定する。"
    assert verdict(pending, "regional_cluster", "EBPMメルクマール").status == "partial"


def test_a_denied_core_firm_is_missing_despite_support_for_focus_firms(verdict: Verdict) -> None:
    plan = REGIONAL + "計画推進の核となる企業は、現時点では決まっていない。県と地方銀行で重点支援企業に伴走支援を行う。"
    assert verdict(plan, "regional_cluster", "実現可能性").status == "missing"


def test_a_hedge_after_a_continuing_clause_speaks_of_the_next_predicate(verdict: Verdict) -> None:
    plan = REGIONAL + "ドローン用モーターを量産し、国内シェア上位を目指す。物流事業者の需要は国内で拡大しており、海外への輸出も視野に入れる。"
    assert verdict(plan, "regional_cluster", "有望度").status == "met"
    hedged = REGIONAL + "ドローン用モーターを量産し、国内シェア上位を目指す。物流事業者の需要が拡大することも視野に入れる。"
    assert verdict(hedged, "regional_cluster", "有望度").status == "partial"


def test_todays_gap_with_its_remedy_is_not_a_denial(verdict: Verdict) -> None:
    remedy = REGIONAL + "現在、主要部品は県内では生産していない。今後は県内の協力工場5社で主要部品を製造する。"
    assert verdict(remedy, "regional_cluster", "外部依存性").status == "met"
