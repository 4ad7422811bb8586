"""Tenth round of the plan reader (fifth session, second round): mechanisms behind blind12's pre-check misreadings.

- a Q&A question's topic states nothing when the answer speaks to the aspect in its own words (the answer decides);
  candidates the answer names (「…と交渉中」) keep an undecided core firm partly met;
- a place the plan sells to (「全量を欧州・北米向けに輸出」) is its market, not a dependence on imports;
- 「県外から来てもらう会社」「よそから呼ぶ企業」 open the 現地化 gate like 「誘致」;
- targets set by 「目標を置く／設ける」 and a dated baseline carried by an arrow (2025年 800トン → 2030年 3,000トン) are KPIs;
- 「これから考える」 defers like 「これから決める」;
- an attributive future (「公表予定の…案」) modifies the later noun, not the present-state words before it;
- 知事等としての発表 is a present state: an announcement still to come is only partly met.

Each rule with paraphrases written for these tests (not the blind12 wording) and near misses where it must not apply.
"""

from __future__ import annotations

import pytest
from plan_fixtures import Verdict, desk, verdict  # noqa: F401  (pytest fixtures are used by name)

STRATEGIC = """Y県 蓄電池クラスター計画（素案）
分野は蓄電池とする。
B社が2027〜2030年度に総額1,500億円を投じて負極材の新工場を建設する。
{body}
"""

REGIONAL = """T県 地域産業クラスター計画（案）
{body}
KPIは域内取引額（2025年度 40億円 → 2030年度 80億円）とする。
"""

REGIONAL_FIRM = """T県 地域産業クラスター計画（案）
県内の株式会社北辰精工（従業員420人）が中核企業となり、半導体製造装置向けの精密部品を製造する。
{body}
"""

LOCAL = """m市 地場産業成長プラン（案）
市の梨でピューレとゼリーをつくり、首都圏の洋菓子店に売ります。
市役所の商工課に事業者向けの相談窓口を2026年4月に設置した。
{body}
"""

LOCAL_PLAIN = """m市 地場産業成長プラン（案）
市の梨でピューレとゼリーをつくり、首都圏の洋菓子店に売ります。
{body}
"""


# --- a question's topic: the answer's own words decide ----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "Q5. 地元経済界との連携は。\nA5. 主体はB社だけである。商工会議所とは来年度に協議の場を設ける予定である。",
        "問4 地方経済界は関わっているか。\n答 事業はB社単独で進める。経済団体には今後説明する予定で、時期は決まっていない。",
        "Q. 経済界との関係は。\nA. 現時点では県内企業の参加はない。地元の経済団体とは来春に意見交換会を開く予定。",
    ],
)
def test_a_question_topic_does_not_meet_what_the_answer_only_schedules(verdict: Verdict, body: str) -> None:
    item = verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携")
    assert item.status == "partial"


@pytest.mark.parametrize(
    ("body", "label"),
    [
        ("Q5. 地元経済界との連携は。\nA5. 県商工会議所と地方銀行2行が推進協議会に参加し、2025年から毎月会合を開いている。", "経済界等との連携"),
        ("Q3. 投資の規模は。\nA3. 総額1,500億円で、2028年度に稼働する。", "投資との整合性"),
    ],
)
def test_a_question_topic_the_answer_fills_in_still_counts(verdict: Verdict, body: str, label: str) -> None:
    item = verdict(STRATEGIC.format(body=body), "strategic_cluster", label)
    assert item.status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "Q. 核となる企業は。\nA. 県外の電池メーカーL社と誘致の交渉中で、立地はまだ確定していない。地元に核を担える会社はない。",
        "Q 中核企業はどこか。\nA 首都圏の素材メーカー2社と立地を協議中である。県内には中核を担える企業がない。",
        "問 計画の中心となる企業は。\n答 大手部品メーカーM社と進出に向けて交渉中であり、2026年度の決定を目指す。",
    ],
)
def test_an_answer_naming_candidates_in_talks_is_partly_met(verdict: Verdict, body: str) -> None:
    plan = "T県 地域産業クラスター計画（案）\n" + body + "\n"
    item = verdict(plan, "regional_cluster", "実現可能性")
    assert item.status == "partial"
    assert any("交渉中" in e or "協議中" in e for e in item.evidence)


def test_an_answer_naming_the_core_firm_is_met(verdict: Verdict) -> None:
    plan = "T県 地域産業クラスター計画（案）\nQ. 核となる企業は。\nA. 県内のN社（従業員500人）が中核企業として量産を担う。\n"
    assert verdict(plan, "regional_cluster", "実現可能性").status == "met"


# --- an export destination is not a dependence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "製品は全量を北米向けに輸出する。基幹部品の制御基板は県内の協力企業で製造する。",
        "生産した部品はすべて欧州へ輸出します。中核部品は国内メーカーから調達する。",
        "出荷分の全量を海外に販売する計画であり、主要な工程は県内で一貫して行う。",
    ],
)
def test_selling_everything_abroad_is_not_a_dependence(verdict: Verdict, body: str) -> None:
    item = verdict(REGIONAL_FIRM.format(body=body), "regional_cluster", "外部依存性")
    assert item.status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "主要部品は全量を欧州から輸入する。",
        "基幹部品は全量を海外から調達し、国内向けに販売する。",
    ],
)
def test_buying_everything_abroad_still_contradicts(verdict: Verdict, body: str) -> None:
    item = verdict(REGIONAL_FIRM.format(body=body), "regional_cluster", "外部依存性")
    assert item.status == "missing"


def test_moving_outsourced_steps_into_the_region_meets_local_supply(verdict: Verdict) -> None:
    body = "付加価値の高い熱処理工程は、いまは海外に外注しているが、2029年までに県内の協力企業で賄う。"
    assert verdict(REGIONAL_FIRM.format(body=body), "regional_cluster", "外部依存性").status == "met"


# --- the 現地化 gate: a firm that comes from outside ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "県外から来てもらう会社：冷凍物流のP社に倉庫を建ててもらう。P社には従業員の半分を地元から採用してもらう。",
        "よそから来てくれる会社として、物流のP社が港に倉庫を建てる。従業員の6割を地元から採用する約束をした。",
        "他県から呼ぶ企業はQ社で、2027年に工場を建てる。社員の半数を県内で採用する。",
    ],
)
def test_a_firm_brought_in_from_outside_opens_localisation(verdict: Verdict, body: str) -> None:
    item = verdict(REGIONAL_FIRM.format(body=body), "regional_cluster", "現地化")
    assert item.status != "not_applicable"


def test_visitors_from_outside_are_no_firm_brought_in(verdict: Verdict) -> None:
    body = "県外から来る観光客にも工場見学で製品を紹介する。"
    assert verdict(REGIONAL_FIRM.format(body=body), "regional_cluster", "現地化").status == "not_applicable"


# --- KPIs set in other words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "進み具合：毎年、出荷量（2025年 500トン → 2030年 1,200トン）を確認する。途中で見直す時期は決めていない。",
        "売上高と雇用者数の目標を設け、毎年度末に達成度を点検する。中間での見直しは特に決めていない。",
        "輸出額の目標を置いて（2024年 3億円 ⇒ 2030年 9億円）、年1回確かめる。続けるかどうかの判断時期は未定。",
    ],
)
def test_targets_set_in_other_words_are_kpis(verdict: Verdict, body: str) -> None:
    item = verdict(LOCAL_PLAIN.format(body=body), "local_industry", "EBPMメルクマール")
    assert item.status == "partial"
    assert "KPIの設定』は確認" in item.reason


@pytest.mark.parametrize(
    "body",
    [
        "数値の目標は、これから考えます。進み具合を数字で確かめることは考えていません。",
        "KPIはこれから考える。見直しの時期も決めていない。",
        "目標を置くかどうかは今後検討する。",
    ],
)
def test_targets_still_to_be_thought_of_are_missing(verdict: Verdict, body: str) -> None:
    assert verdict(LOCAL_PLAIN.format(body=body), "local_industry", "EBPMメルクマール").status == "missing"


def test_a_kpi_with_a_stage_gate_is_met(verdict: Verdict) -> None:
    body = "KPIは売上高（2025年度 1億円 → 2030年度 3億円）とし、2028年度末に1.8億円に届かない場合は販路を見直す。"
    assert verdict(LOCAL_PLAIN.format(body=body), "local_industry", "EBPMメルクマール").status == "met"


# --- an attributive future modifies the later noun -----------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "日本成長戦略本部の17分野のうち蓄電池の検討内容、特に公表予定の官民投資ロードマップ案に沿って計画を組んだ。",
        "成長戦略本部で議論されている17分野の蓄電池に当たり、年内に改定予定のロードマップの方向性と整合させている。",
        "日本成長戦略本部の17分野の検討に沿っており、策定予定の分野別ロードマップとも整合している。",
    ],
)
def test_a_future_that_modifies_a_later_noun_leaves_alignment_met(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "地元経済界とは、来年度に設立予定の推進協議会で連携する。",
        "商工会議所と連携協定を締結予定の段階にある。",
        "経済団体とは、秋に発足予定の協議会を通じて協力する。",
    ],
)
def test_a_link_through_something_still_to_come_is_partial(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "partial"


def test_a_link_through_a_council_already_set_up_is_met(verdict: Verdict) -> None:
    body = "商工会議所と地銀3行で2024年に設立した推進協議会で連携している。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "日本成長戦略本部の17分野との整合は、ロードマップの公表後に確認する予定。",
        "成長戦略本部の17分野の検討との整合性は、今後確認する予定である。",
    ],
)
def test_alignment_still_to_be_checked_is_partial(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "partial"


# --- an announcement still to come ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "市長による本プランの発表は、来月の議会で行う予定です。",
        "市長が年明けの記者会見でこの計画を公表する予定。",
        "市長がこのプランを表明するのは、計画の確定後になる見込み。",
    ],
)
def test_an_announcement_still_to_come_is_partly_met(verdict: Verdict, body: str) -> None:
    item = verdict(LOCAL.format(body=body), "local_industry", "自治体のコミットメント")
    assert item.status == "partial"


@pytest.mark.parametrize(
    "body",
    [
        "市長が2026年2月の記者会見でこのプランを発表した。",
        "市長は3月の市議会でこの計画を市の重点事業として表明済みである。",
    ],
)
def test_an_announcement_made_is_met(verdict: Verdict, body: str) -> None:
    assert verdict(LOCAL.format(body=body), "local_industry", "自治体のコミットメント").status == "met"
