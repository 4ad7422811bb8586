"""Fifth round of the plan reader (blind7's misses): each rule with a plan where it applies and a near miss where it must not."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plan_fixtures import Verdict, desk, item, score_in, verdict, vocab  # noqa: F401  (pytest fixtures are used by name)

CORPUS = Path(__file__).resolve().parent.parent.parent / "corpus"

REGIONAL = """M県 地域産業クラスター計画（案）
県内の株式会社南部精機が中核企業となり、電動船舶向けのモーター部品を製造し、国内の造船会社3社から見積り依頼を受けている。
{body}
"""

LOCAL = """n町 地場産業成長プラン（案）
町内の株式会社はまかぜ（従業員12名）が中心になり、町の海藻で佃煮をつくり、首都圏の百貨店に直接売ります。
{body}
"""


# --- a dependence the plan proposes, in any word order ---------------------------------------------------------


def test_buying_everything_from_one_overseas_maker_from_now_on_is_a_dependence(verdict: Verdict) -> None:
    body = "主要部品の制御基板は、今後も海外メーカー1社からすべて買い入れる。代わりの調達先は探さない。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "missing"


def test_buying_everything_from_overseas_today_is_the_problem_not_the_plan(verdict: Verdict) -> None:
    body = "主要部品の制御基板は、現在は海外メーカーからすべて買っているが、令和10年度に全量を県内調達に切り替える。"
    dependence = verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性")
    assert dependence.status == "met", dependence.reason


# --- 現地化: an outside firm building a plant, and profits put back into the region -----------------------------


def test_an_outside_firm_building_a_plant_brings_localisation(verdict: Verdict) -> None:
    body = "県外から新たに工場を建てるB社は、働く人を県内で採用し、5年で管理職の半数を地元出身者とする工程表を示している。利益の2割を県内の研究開発に回す。"
    localisation = verdict(REGIONAL.format(body=body), "regional_cluster", "現地化")
    assert localisation.status == "met", localisation.reason


def test_buying_from_outside_the_prefecture_is_no_invitation(verdict: Verdict) -> None:
    body = "原料の一部は県外から仕入れる。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "現地化").status == "not_applicable"


def test_profits_whose_use_is_not_discussed_are_no_reinvestment(verdict: Verdict) -> None:
    body = "県外から進出するB社は、働く人を県内で採用し、5年で8割を地元採用とする工程表を示している。利益の使い道はまだ話し合っていない。"
    localisation = verdict(REGIONAL.format(body=body), "regional_cluster", "現地化")
    assert localisation.status == "partial"
    assert "収益の再投資方針" in localisation.reason


# --- a hedge after a finished aim is about the next predicate -----------------------------------------------------


def test_an_aim_stated_before_a_hedge_stays_clear(verdict: Verdict) -> None:
    body = "国内シェア上位を狙い、アジア向けの輸出も視野に入れる。"
    promise = verdict(REGIONAL.format(body=body), "regional_cluster", "有望度")
    assert promise.status == "met", promise.reason


def test_an_aim_inside_the_hedge_is_still_vague(verdict: Verdict) -> None:
    body = "将来は国内シェア上位も視野に入れる。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "有望度").status == "partial"


# --- a question heads its answer; a core firm whose entry is undecided -------------------------------------------

QA = """P市 地域産業クラスター計画（案）
Q1 何をつくるのか？
A 船舶用の燃料電池ユニットです。国内の造船会社2社が採用を決めています。
Q2 誰が中心になるのか？
A {answer}
"""


def test_a_core_firm_whose_entry_is_undecided_is_partial(verdict: Verdict) -> None:
    answer = "県外のE社の工場誘致を軸に考えています。ただしE社とは交渉中で、進出はまだ決まっていません。"
    feasible = verdict(QA.format(answer=answer), "regional_cluster", "実現可能性")
    assert feasible.status == "partial", feasible.reason


def test_a_named_core_firm_under_a_question_is_met(verdict: Verdict) -> None:
    answer = "市内の株式会社ひびき電機が中心となり、ユニットを製造します。"
    feasible = verdict(QA.format(answer=answer), "regional_cluster", "実現可能性")
    assert feasible.status == "met", feasible.reason
    assert "ひびき電機" in feasible.reason


# --- goal figures without the word KPI ----------------------------------------------------------------------------


def test_goal_figures_without_a_stage_gate_are_a_partial_kpi(verdict: Verdict) -> None:
    body = "市内企業との取引額を年20億円、雇用を150人創出することを目標にしています。"
    ebpm = verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール")
    assert ebpm.status == "partial", ebpm.reason


def test_a_goal_without_any_figure_is_no_kpi(verdict: Verdict) -> None:
    body = "地域経済の活性化を目標にしています。成果は毎年、関係者で振り返ります。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "missing"


# --- polite flat denials --------------------------------------------------------------------------------------------


def test_a_polite_denial_of_a_desk_and_an_announcement_is_missing(verdict: Verdict) -> None:
    body = "町役場としては、いまのところ特別な窓口などは考えていません。町長からの発表の予定も今はありません。"
    assert verdict(LOCAL.format(body=body), "local_industry", "自治体のコミットメント").status == "missing"


def test_a_desk_with_the_mayor_announcing_is_met(verdict: Verdict) -> None:
    body = "町役場に相談窓口を設置し、町長が町議会で本プランを説明します。"
    assert verdict(LOCAL.format(body=body), "local_industry", "自治体のコミットメント").status == "met"


# --- reducing one buyer's share "to" a level -------------------------------------------------------------------------


def test_reducing_one_buyers_share_to_half_is_a_direction(verdict: Verdict) -> None:
    body = "1年目は売上の9割が大手スーパーe社向けになるが、3年目からは直売所と自社通販にも力を入れ、e社向けを5割まで下げたいと考えている。"
    dependence = verdict(LOCAL.format(body=body), "local_industry", "外部依存性")
    assert dependence.status == "partial", dependence.reason


def test_selling_almost_all_to_one_chain_with_no_remedy_is_missing(verdict: Verdict) -> None:
    body = "売上の9割を大手スーパー1社に卸す。"
    assert verdict(LOCAL.format(body=body), "local_industry", "外部依存性").status == "missing"


# --- 域内への波及: an effect named with no figure, figures left for later -------------------------------------------


def test_an_effect_named_without_a_figure_is_a_target_left_unset(verdict: Verdict) -> None:
    body = "加工場で8人を雇用する。3年目に売上1.5億円を目指す。町内の漁師から多く買うので、町にお金が回るはずです。"
    spread = verdict(LOCAL.format(body=body), "local_industry", "域内への波及")
    assert spread.status == "partial", spread.reason


def test_an_effect_with_its_own_figure_meets_the_rule(verdict: Verdict) -> None:
    body = "加工場で8人を雇用する。3年目に売上1.5億円を目指す。町内の漁師からの仕入額を年4,000万円に増やす。"
    assert verdict(LOCAL.format(body=body), "local_industry", "域内への波及").status == "met"


def test_a_metric_named_for_a_kpi_is_not_an_unset_target(verdict: Verdict) -> None:
    body = "町内の漁師からの仕入額を3年で2,000万円増やし、雇用8人を創出する。KPIとして売上と雇用者数を設定する。"
    assert verdict(LOCAL.format(body=body), "local_industry", "域内への波及").status == "met"


def test_effects_with_figures_left_for_later_set_no_target(verdict: Verdict) -> None:
    body = "売れれば職人の仕事や地元の製材所との取引も増えることが期待される。具体的な数字は、販売が始まってから検討する。"
    assert verdict(LOCAL.format(body=body), "local_industry", "域内への波及").status == "missing"


def test_effects_without_figures_but_not_deferred_are_partial(verdict: Verdict) -> None:
    body = "売上を伸ばし、職人の仕事や地元の製材所との取引も増やす。"
    assert verdict(LOCAL.format(body=body), "local_industry", "域内への波及").status == "partial"


# --- match: what only one measure gives ------------------------------------------------------------------------------


def _score(measure_id: str, text: str, vocab: dict[str, Any]) -> Any:
    return score_in(measure_id, text, vocab, "regional_cluster")


def test_asking_for_a_grants_priority_selection_points_to_the_grant(vocab: dict[str, Any]) -> None:
    asked = _score("chiiki-mirai-kofukin", "県は共同の物流施設の整備を、交付金の優先採択を受けて進めたい。", vocab)
    plain = _score("chiiki-mirai-kofukin", "県は共同の物流施設の整備に交付金を活用したい。", vocab)
    assert any("優先採択" in r and "この施策が提供する" in r for r in asked.reasons)
    assert asked.score > plain.score


def test_executives_from_large_firms_point_to_the_matching_service(vocab: dict[str, Any]) -> None:
    asked = _score("revicareer", "部品メーカーでは経営幹部が不足しており、大企業出身の経営人材を採用して生産管理を任せたい。", vocab)
    supplier = _score("revicareer", "部品メーカーは大企業の下請けとして、経営幹部の育成に取り組んでいる。", vocab)
    assert any("この施策が提供する" in r for r in asked.reasons)
    assert not any("この施策が提供する" in r for r in supplier.reasons)


# --- a hiragana name ending in a particle-like kana, right before its overview ---------------------------------------


def test_a_name_before_its_overview_keeps_its_last_kana(verdict: Verdict) -> None:
    plan = "n町 地場産業成長プラン（案）\n町内の株式会社ゆずのさと（従業員9名）が中心になり、ゆずの焼き菓子を作って売ります。\n"
    feasible = verdict(plan, "local_industry", "実現可能性")
    assert "『株式会社ゆずのさと』" in feasible.reason


def test_a_name_followed_by_a_particle_still_ends_there(verdict: Verdict) -> None:
    plan = "n町 地場産業成長プラン（案）\n町内の株式会社はなが、ゆずの焼き菓子を作って売ります。\n"
    feasible = verdict(plan, "local_industry", "実現可能性")
    assert "『株式会社はな』" in feasible.reason
