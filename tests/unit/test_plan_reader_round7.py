"""Seventh round of the plan reader (blind9's misses): each rule with a plan where it applies and a near miss where it must not."""

from __future__ import annotations

from plan_fixtures import Verdict, desk, verdict, vocab  # noqa: F401  (pytest fixtures are used by name)

from bot.plans.qa import fold_questions, topic_of
from bot.plans.terms import split_sentences

STRATEGIC = """P県 戦略産業クラスター 候補プロジェクト（案）
県内に本社を置くQ社が総額900億円を投じて新工場を建設し、2029年度に稼働させる。
{body}
"""

REGIONAL = """M県 地域産業クラスター計画（案）
県内の株式会社南部精機が中核企業となり、電動船舶向けのモーター部品を製造し、国内の造船会社3社から見積り依頼を受けている。
{body}
"""

LOCAL = """n町 地場産業成長プラン（案）
町内の株式会社はまかぜ（従業員12名）が中心になり、町の海藻で佃煮をつくり、首都圏の百貨店に直接売ります。
{body}
"""


# --- a Q&A's question states nothing: it is the topic its answer speaks about ------------------------------------


def test_a_question_is_folded_into_its_answer_as_the_topic() -> None:
    folded = fold_questions(split_sentences("Q3．地元の経済団体との関わりは。\nA．特にありません。"))
    assert [s.norm for s in folded] == ["地元の経済団体との関わりは特にありません。"]
    assert topic_of("核になる会社はあるか?") == "核になる会社は"


def test_an_answer_label_never_eats_the_year() -> None:
    folded = fold_questions(split_sentences("Q いつから始めるのか？\nA 2027年度に販売を始める。"))
    assert "2027年度" in folded[0].norm


def test_an_answer_that_denies_the_question_denies_the_topic(verdict: Verdict) -> None:
    body = "Q3．地元の経済団体との関わりは。\nA．特にありません。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "missing"


def test_an_answer_that_names_the_partners_states_the_topic(verdict: Verdict) -> None:
    body = "Q3．地元の経済団体との関わりは。\nA．商工会議所と地方銀行で推進協議会を設置済み。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "met"


# --- a topic left undecided at the end of its sentence, past a clause break ----------------------------------------


def test_a_core_firm_still_under_negotiation_is_not_there_yet(verdict: Verdict) -> None:
    plan = """M県 地域産業クラスター計画（案）
電動船舶向けのモーター部品を製造し、国内の造船会社3社から見積り依頼を受けている。
核となる企業は、県外のP社と進出の交渉を続けているが、まだ決まっていない。"""
    core = verdict(plan, "regional_cluster", "実現可能性")
    assert core.status == "partial", core.reason
    assert "協議中" in core.reason


# --- a topic of nouns joined by 「や」 is one topic for its not-yet -----------------------------------------------


def test_figures_and_review_timing_both_left_undecided_set_no_kpi(verdict: Verdict) -> None:
    body = "5年以内に職人を10人にします。\n売上の数字の目標や、途中で見直すタイミングは、まだ決めていません。"
    assert verdict(LOCAL.format(body=body), "local_industry", "EBPMメルクマール").status == "missing"


# --- a dated baseline → target figure is a target, wherever the KPI section names it -------------------------------


KPI = "評価：出荷額と雇用者数をKPIとして毎年度検証し、中間評価で目標に届かない場合は計画を見直す。"


def test_a_kpi_whose_target_stands_elsewhere_as_a_from_to_figure_is_set(verdict: Verdict) -> None:
    body = "効果：出荷額を年40億円（2025年）から70億円（2030年）へ。\n\n" + KPI
    ebpm = verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール")
    assert ebpm.status == "met", ebpm.reason


def test_a_kpi_with_no_figure_anywhere_lacks_its_target(verdict: Verdict) -> None:
    ebpm = verdict(REGIONAL.format(body=KPI), "regional_cluster", "EBPMメルクマール")
    assert ebpm.status == "partial"


# --- a figure the plan has found is no target ---------------------------------------------------------------------------


def test_a_test_sale_result_is_no_wage_target(verdict: Verdict) -> None:
    body = "試験販売で、漁業者の手取りが2倍になることを確認した。\n佃煮の売上額を1億円（2025年度）から2億円（2030年度）へ。"
    spill = verdict(LOCAL.format(body=body), "local_industry", "域内への波及")
    assert spill.status == "partial", spill.reason
    assert "確かめた結果" in spill.reason


def test_a_wage_target_counts(verdict: Verdict) -> None:
    body = "漁業者の手取りを2030年度に2倍にする。\n佃煮の売上額を1億円（2025年度）から2億円（2030年度）へ。"
    assert verdict(LOCAL.format(body=body), "local_industry", "域内への波及").status == "met"


# --- a periodic review of progress with no KPI ------------------------------------------------------------------------


def test_a_yearly_look_back_at_progress_is_a_weak_review(verdict: Verdict) -> None:
    body = "進み具合は、毎年、組合の総会で振り返って確認します。"
    assert verdict(LOCAL.format(body=body), "local_industry", "EBPMメルクマール").status == "partial"


# --- the project's own site is not infrastructure; a plan naming its field weakly aligns ------------------------------


def test_buying_the_site_in_a_schedule_is_no_infrastructure(verdict: Verdict) -> None:
    body = "スケジュール：2027年度に用地取得、2028年度着工。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "インフラ整備との整合性").status == "missing"


def test_developing_an_industrial_site_is_infrastructure(verdict: Verdict) -> None:
    body = "県が新工場の隣接地で用地を造成し、工場の建設にあわせて工業用水を日量1万トン増強する。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "インフラ整備との整合性").status == "met"


def test_a_plan_that_names_its_field_weakly_aligns(verdict: Verdict) -> None:
    body = "分野としてはロボットに当たる。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "partial"


def test_a_plan_that_only_mentions_an_industry_does_not_align(verdict: Verdict) -> None:
    body = "工場ではロボットを多数導入する。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "missing"
