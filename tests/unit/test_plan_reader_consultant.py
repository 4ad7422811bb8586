"""Plan reader, consultant's readings: a lesser degree, today's infrastructure, candidates, parts the plan says are still open."""

from __future__ import annotations

from plan_fixtures import desk, item  # noqa: F401  (pytest fixtures are used by name)

from bot.desk import Desk
from bot.plans.tense import topic_end
from bot.plans.terms import norm

STRATEGIC = """〇〇ブロック 蓄電池クラスター構想（案）
日本成長戦略本部の17の戦略分野のうち蓄電池分野に当たり、同分野の官民投資ロードマップに沿う。
株式会社みさき電池が総額900億円を投じて正極材の新工場を建設する。
{line}
"""


# --- 競争優位性: a lesser degree stands -------------------------------------------------------------------------


def test_domestic_lead_with_no_world_ambition_is_partial_not_missing(desk: Desk) -> None:
    """「国内トップクラス」 with 「海外市場での競争は想定していない」: the domestic lead stands; the world level is lacking."""
    plan = STRATEGIC.format(line="正極材の生産能力は国内トップクラスである。主な顧客は国内の電池メーカーで、海外市場での競争は当面想定していない。")
    got = item(desk.precheck(plan, "strategic_cluster"), "競争優位性")
    assert got.status == "partial", got.reason
    assert "国内での優位だけでは足りません" in got.reason
    assert any("国内トップクラス" in e for e in got.evidence)


def test_advantage_over_foreign_makers_is_a_world_level_claim(desk: Desk) -> None:
    """A comparison with foreign makers that shows an advantage, or a stated ability to compete in a foreign market, is 「世界で戦える」."""
    plan = STRATEGIC.format(line="正極材の焼成技術は、韓国・中国のメーカーと比べても製造コストで1割以上優位にあり、欧州市場で十分に戦える。")
    got = item(desk.precheck(plan, "strategic_cluster"), "競争優位性")
    assert got.status == "met", got.reason


# --- インフラ整備: existing infrastructure and a need the plan has found count ---------------------------------------


def test_an_identified_infrastructure_need_left_for_later_is_partial(desk: Desk) -> None:
    """「既存の案件も含め」: a shortage the plan has found is infrastructure it speaks to; its development left for later → partial."""
    plan = STRATEGIC.format(
        line="新工場の稼働で電力が約5万kW不足する見込みであることを把握している。"
        "ただし、変電所の増設については今後検討することとしており、工場整備と一体となった整備計画は示していない。"
    )
    got = item(desk.precheck(plan, "strategic_cluster"), "インフラ整備との整合性")
    assert got.status == "partial", got.reason
    assert "開発との一体性" in got.reason


# --- 経済界等との連携: a contact with no framework yet ----------------------------------------------------------------


def test_a_briefing_without_a_framework_of_cooperation_is_partial(desk: Desk) -> None:
    plan = STRATEGIC.format(line="県の商工会議所連合会に構想を一度説明したが、具体的な協力の枠組みはまだない。")
    working = STRATEGIC.format(line="県の商工会議所連合会と連携協定を結び、部材の地元調達の協議会を毎月開いている。")
    got = item(desk.precheck(plan, "strategic_cluster"), "経済界等との連携")
    assert got.status == "partial", got.reason
    assert "まだ済んでいない" in got.reason
    assert item(desk.precheck(working, "strategic_cluster"), "経済界等との連携").status == "met"


# --- 実現可能性: the core company ----------------------------------------------------------------------------------

LOCAL = """〇〇町 地場産業成長プラン（案）
町の特産の柚子を使った調味料を開発し、首都圏のスーパーに販売する。
{line}
"""


def test_a_named_company_made_the_core_is_the_core_company(desk: Desk) -> None:
    plan = """〇〇県 地域産業クラスター計画（案）
県内の株式会社あさひ精工（従業員300人）を核に、半導体製造装置向けの精密部品の量産ラインを整備する。
"""
    got = item(desk.precheck(plan, "regional_cluster"), "実現可能性")
    assert got.status == "met", got.reason
    assert "あさひ精工" in got.reason


def test_an_undecided_core_among_candidates_is_partial_and_without_candidates_missing(desk: Desk) -> None:
    """「2社と協議中で、どちらが担うかは決まっていない」 is under way (partial); 「決まっていない」 alone is missing."""
    candidates = LOCAL.format(line="中心となる事業者は、町内の食品加工会社2社と協議中で、どちらが担うかは決まっていない。")
    nobody = LOCAL.format(line="中心となる事業者は、現時点では決まっていない。")
    got = item(desk.precheck(candidates, "local_industry"), "実現可能性")
    assert got.status == "partial", got.reason
    assert "候補と協議中" in got.reason
    assert item(desk.precheck(nobody, "local_industry"), "実現可能性").status == "missing"


# --- 外部依存性 (local): not leaving sales to one party ---------------------------------------------------------------


def test_selling_directly_and_buying_from_several_suppliers_avoids_overdependence(desk: Desk) -> None:
    plan = LOCAL.format(line="販路は組合が直接開拓し、特定の商社に販売を委ねることはしない。原料の柚子も町内の複数の農家から仕入れる。")
    got = item(desk.precheck(plan, "local_industry"), "外部依存性")
    assert got.status == "met", got.reason


# --- 自治体のコミットメント: publishing results is not the announcement ---------------------------------------------------


def test_publishing_target_figures_is_not_the_heads_announcement(desk: Desk) -> None:
    """「目標値は組合が毎年度公表する」 reports results; 知事等としての発表 is the head of government announcing the plan."""
    plan = LOCAL.format(line="これらの目標値は、組合が毎年度取りまとめて公表する。町の役割は補助金の申請事務のみとする。")
    got = item(desk.precheck(plan, "local_industry"), "自治体のコミットメント")
    assert got.status == "missing", got.reason
    assert not any("公表" in e for e in got.evidence)


# --- 有望度: named customers asking / customers not yet known --------------------------------------------------------

REGIONAL = """〇〇県 地域産業クラスター計画（案）
県内の株式会社ひばり化成（従業員200人）が中心となり、国内で初めて量産する医療用の極細チューブを製造する。
独自の多層押出技術を用いる。{line}国内シェア1位を目指す。
"""


def test_makers_asking_for_the_product_identify_the_market_need(desk: Desk) -> None:
    plan = REGIONAL.format(line="国内の医療機器メーカー6社が国産品の調達を求めている。")
    got = item(desk.precheck(plan, "regional_cluster"), "有望度")
    assert got.status == "met", got.reason


def test_customers_not_yet_known_leave_the_market_need_open(desk: Desk) -> None:
    plan = """〇〇村 地場産業成長プラン（案）
村のキャンプ場で、星空観察と郷土料理を組み合わせた夜のツアーを販売する。既存の日帰り客向けプランと比べて単価を2倍にする。
観光協会：どんなお客さんがどれくらい来るのかはまだ分からない。予約はウェブで受け付ける。
"""
    got = item(desk.precheck(plan, "local_industry"), "有望度")
    assert got.status == "partial", got.reason
    assert "『市場ニーズの特定』について計画自身がまだ済んでいない" in got.reason
    assert "『市場ニーズの特定』』" not in got.reason and "市場ニーズの特定』は確認" not in got.reason
    assert any("まだ分からない" in e for e in got.evidence)


# --- EBPM: indicators still to be chosen, numeric targets still to be set -------------------------------------------

EBPM = """〇〇県 地域産業クラスター計画（案）
県内の株式会社こだま精機（従業員300人）が中心となり、ロボット用減速機を量産する。
域内取引額を現状30億円から2030年度に60億円とする。
{line}
"""


def test_stage_gate_with_indicators_still_to_be_chosen_is_partial(desk: Desk) -> None:
    """Dated targets and a stage gate, but 「評価に用いる指標は今後検討する」: the KPIs are not set yet → partial, quoting that line."""
    plan = EBPM.format(line="3年目にステージゲートを設け、継続・見直しを判断する。評価に用いる具体的な指標は今後検討する。")
    got = item(desk.precheck(plan, "regional_cluster"), "EBPMメルクマール")
    assert got.status == "partial", got.reason
    assert any("指標は今後検討" in e for e in got.evidence)
    assert "『ステージゲートの設定』は確認できましたが" in got.reason


def test_numeric_targets_deferred_outweigh_dated_figures_elsewhere(desk: Desk) -> None:
    """「数値目標の設定は、計画がまとまった段階で改めて検討する」 with no stage gate: no KPI is set → missing."""
    plan = EBPM.format(line="なお、数値目標の設定は、計画がまとまった段階で改めて検討する。")
    got = item(desk.precheck(plan, "regional_cluster"), "EBPMメルクマール")
    assert got.status == "missing", got.reason


# --- 域内への波及 (local): how effects are measured is left for later ----------------------------------------------------


def test_effects_hoped_for_with_their_measure_deferred_set_no_target(desk: Desk) -> None:
    plan = LOCAL.format(
        line="柚子農家の収入が増え、町の雇用の場が広がるきっかけにしたい。効果の測り方や事業の見直し方は、事業を始めてから考える。"
    )
    got = item(desk.precheck(plan, "local_industry"), "域内への波及")
    assert got.status == "missing", got.reason
    assert "目標値" in got.reason


# --- the topic of a not-yet --------------------------------------------------------------------------------------------


def test_topic_end_counts_from_the_topic_particle() -> None:
    text = norm("数値目標の設定は、計画がまとまった段階で改めて検討する")
    assert text[topic_end(text, len("数値目標"), 12) :].startswith("、計画")
    far = norm("送電網の増強に関わる予算措置について、調整はまだ始めていない")
    assert topic_end(far, len("送電網"), 12) == len("送電網")  # 「について、」: no topic particle before the clause break


# --- more readings: a concentration brought down, a topic of its own, the workforce of a new plant --------------------


def test_a_concentration_brought_down_to_a_set_level_is_partial_not_missing(desk: Desk) -> None:
    """「最初の2年間は9割を1社に納めるが、3年目からは5割まで下げる」: still heavy for a while (partial), not an overdependent plan."""
    reduced = LOCAL.format(line="最初の2年間は売上の9割を大手スーパー1社に納めるが、3年目からは5割まで下げる。")
    kept = LOCAL.format(line="売上の9割を大手スーパー1社に納める。")
    got = item(desk.precheck(reduced, "local_industry"), "外部依存性")
    assert got.status == "partial", got.reason
    assert item(desk.precheck(kept, "local_industry"), "外部依存性").status == "missing"


def test_a_negation_of_another_topic_does_not_deny_the_kpis(desk: Desk) -> None:
    """「KPIは売上額と仕入額とし、進み具合の確認時期は特に決めていない」: KPIs set, no stage gate → partial."""
    plan = LOCAL.format(line="売上額を2030年度に3億円とする。KPIは売上額と仕入額とし、進み具合の確認時期は特に決めていない。")
    got = item(desk.precheck(plan, "local_industry"), "EBPMメルクマール")
    assert got.status == "partial", got.reason
    assert "ステージゲート" in got.reason


def test_kpis_and_stage_gate_left_until_after_the_start_are_missing(desk: Desk) -> None:
    plan = LOCAL.format(line="売上額を3年後に5,000万円にする。KPIとステージゲートは事業開始後に検討する。")
    assert item(desk.precheck(plan, "local_industry"), "EBPMメルクマール").status == "missing"


def test_only_a_few_makers_in_the_world_is_a_world_level_claim(desk: Desk) -> None:
    plan = STRATEGIC.format(line="この正極材は世界で同社を含め3社しか製造できない。")
    assert item(desk.precheck(plan, "strategic_cluster"), "競争優位性").status == "met"


def test_the_workforce_of_the_new_plant_with_raises_is_good_employment(desk: Desk) -> None:
    plan = STRATEGIC.format(line="新工場の従業員は300人で、初任給を県内平均より1割高く設定し、毎年3%の賃上げを行う。")
    assert item(desk.precheck(plan, "strategic_cluster"), "地域における良質な雇用の創出・維持").status == "met"


def test_a_named_company_with_its_particulars_at_the_centre_is_the_core(desk: Desk) -> None:
    plan = """〇〇県 地域産業クラスター計画（案）
県内の株式会社しろがね医工（従業員180人）を中心に、内視鏡用の部材をつくる。県外の株式会社とうこうメディカルの工場を誘致する。
"""
    got = item(desk.precheck(plan, "regional_cluster"), "実現可能性")
    assert got.status == "met", got.reason


def test_a_request_reported_from_a_buyer_is_market_need_and_sales_split_avoid_dependence(desk: Desk) -> None:
    plan = LOCAL.format(
        line="台湾の輸入業者から、年2,000本を扱いたいとの打診を受けている。既存の瓶詰めより単価を2倍にする。販売先は1社に頼らず、直売所とネット販売に分ける。"
    )
    report = desk.precheck(plan, "local_industry")
    assert item(report, "有望度").status == "met", item(report, "有望度").reason
    assert item(report, "外部依存性").status == "met", item(report, "外部依存性").reason


def test_a_general_reference_to_national_growth_fields_is_partial(desk: Desk) -> None:
    """「国が重点を置く成長分野の考え方に沿って」 without 日本成長戦略本部 / 17分野 / ロードマップ → partial (not missing)."""
    plan = """〇〇ブロック 先端素材クラスター構想（案）
本構想は、国が重点を置く成長分野の考え方に沿って策定した。
株式会社こしじ素材が炭素繊維の工場に800億円を投資する。
"""
    got = item(desk.precheck(plan, "strategic_cluster"), "成長戦略本部での検討との整合性")
    assert got.status == "partial", got.reason


def test_coordination_started_with_one_ministry_and_not_yet_with_another_is_partial(desk: Desk) -> None:
    plan = STRATEGIC.format(line="経済産業省とは工場建設の補助について協議を始めたが、港湾の改修に必要な予算について国土交通省への相談はまだである。")
    got = item(desk.precheck(plan, "strategic_cluster"), "実現可能性")
    assert got.status == "partial", got.reason


def test_a_buyer_asking_for_an_evaluation_is_market_need(desk: Desk) -> None:
    plan = REGIONAL.format(line="国内の医療機器メーカー4社から、試作品の評価を依頼されている。")
    assert item(desk.precheck(plan, "regional_cluster"), "有望度").status == "met"


def test_undecided_candidates_are_not_candidates_in_negotiation(desk: Desk) -> None:
    """「核となる事業者の候補は、まだ決まっていない」: no one to negotiate with yet → missing."""
    plan = LOCAL.format(line="中心となる事業者の候補は、まだ決まっていない。")
    assert item(desk.precheck(plan, "local_industry"), "実現可能性").status == "missing"


QA = """Q1 どんな製品ですか。
A 県内の株式会社あおい電子（従業員400人）が中心となって、車載用の検査装置をつくります。国内の自動車部品メーカー5社から導入したいとの声があり、国内シェア上位を目指します。
Q2 部品の調達は。
A 心臓部の光学部品はすべてドイツのメーカー1社から買っています。今後も変える予定はありません。
Q3 県外からの誘致はありますか。
A {answer}
"""


def test_a_question_does_not_state_an_invitation(desk: Desk) -> None:
    """「Q3 県外からの誘致はありますか。」 asks; 「A ありません。」 → 現地化 does not apply. An answer naming the firm applies it."""
    none = desk.precheck(QA.format(answer="ありません。"), "regional_cluster")
    some = desk.precheck(QA.format(answer="大阪府の株式会社なにわ光学の工場を誘致します。"), "regional_cluster")
    assert item(none, "現地化").status == "not_applicable", item(none, "現地化").reason
    assert item(some, "現地化").status != "not_applicable"


def test_a_foreign_single_supplier_kept_on_and_buyers_asking(desk: Desk) -> None:
    """「すべてドイツのメーカー1社から買っています。今後も変える予定はありません。」 → missing; 「導入したいとの声」 is market need."""
    report = desk.precheck(QA.format(answer="ありません。"), "regional_cluster")
    assert item(report, "外部依存性").status == "missing", item(report, "外部依存性").reason
    assert item(report, "有望度").status == "met", item(report, "有望度").reason
