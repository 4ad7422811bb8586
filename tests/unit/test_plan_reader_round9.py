"""Ninth round of the plan reader (fifth session): degree rules that hold across writers.

- a part the plan leaves open but with its own scheduled or begun next step is partly met, not missing;
  a step put off until an event (採択後・策定後), a refusal (予定はない) or a bare 未定 stays missing;
- an aspect the requirement asks to be in place now (整合している, 連携がなされている) is only partly met when scheduled;
- the ず-forms of a refusal (設けず, 定めず) and 「…の判断に委ね」 deny; 「検討している」 hedges;
- a core firm given as a role label (「核企業：」「| 核企業 |」「…を中心に置く」); jobs kept to a minimum contradict 良質な雇用.

Each rule with paraphrases of the plans where it applies and a near miss where it must not. The plans are written for
these tests.
"""

from __future__ import annotations

import pytest
from plan_fixtures import Verdict, desk, verdict  # noqa: F401  (pytest fixtures are used by name)

STRATEGIC = """X県 蓄電池クラスター計画（素案）
分野は蓄電池。日本成長戦略本部の17分野のうち蓄電池に当たり、官民投資ロードマップとの対応を確認済み。
A社が2027〜2030年度に総額1,200億円を投じて正極材の新工場を建設する。
{body}
"""

LOCAL = """k町 地場産業成長プラン（案）
町の柚子で果汁とジャムをつくり、首都圏の百貨店と自社の通販で売ります。
{body}
"""

REGIONAL = """S県 地域産業クラスター計画（案）
県内の株式会社三峰精機（従業員300人）が中核企業となり、食品工場向けの包装機械を製造する。
{body}
"""


# --- a scheduled or begun next step: partly met, not missing ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "国の予算：必要な国費については、今後、経済産業省と相談を始める予定（まだ具体的なやり取りはない）。",
        "予算措置は、来月から国土交通省と協議を始める予定で、現時点では具体的な調整はしていない。",
        "国費の確保に向けて、2026年4月に経済産業省との相談を開始する予定である。まだ協議はしていない。",
        "国の予算については、年明けに経済産業省と相談を始めることになっている。まだ協議はしていない。",
        "予算措置は、来年度早々に国土交通省と調整に入る見込みで、現時点では未着手。",
    ],
)
def test_a_scheduled_talk_with_ministries_is_partly_met(verdict: Verdict, body: str) -> None:
    item = verdict(STRATEGIC.format(body=body), "strategic_cluster", "実現可能性")
    assert item.status == "partial"
    assert any("省" in e for e in item.evidence)  # the plan's own words on the talks are quoted


@pytest.mark.parametrize(
    "body",
    [
        "予算措置については、計画が採択された後に関係省庁と相談を始める予定である。",
        "国の予算：本計画が国に認められた段階で、経済産業省に相談を始める予定。",
        "予算措置について関係省庁と相談する予定はない。",
        "予算措置については関係省庁と相談したいと考えているが、まだ接触していない。",
    ],
)
def test_a_talk_put_off_until_approval_or_refused_stays_missing(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "実現可能性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "| 項目 | 内容 |\n|---|---|\n| 加工・販売の中心事業者 | 未定。2026年度に町内事業者から公募して選ぶ予定 |",
        "中心となる事業者はまだ決まっていないが、来年度に町内の加工業者から公募で選ぶ予定です。",
        "推進の核となる事業者は、町内の食品会社2社と協議中で、どちらが担うかは決まっていない。",
        "中心となる事業者は未定だが、来春に町内の食品会社から選定する手はずになっている。",
    ],
)
def test_an_undecided_carrier_with_a_set_next_step_is_partly_met(verdict: Verdict, body: str) -> None:
    assert verdict(LOCAL.format(body=body), "local_industry", "実現可能性").status == "partial"


@pytest.mark.parametrize(
    "body",
    [
        "中心となる事業者は決まっていない。",
        "推進の核となる事業者は未定。",
        "中心となる事業者については、プラン策定後に公募して決める予定であり、現時点では決まっていない。",
    ],
)
def test_an_undecided_carrier_without_a_step_stays_missing(verdict: Verdict, body: str) -> None:
    assert verdict(LOCAL.format(body=body), "local_industry", "実現可能性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "部品の調達：センサーの国産化について、国内メーカー2社と可能性を検討し始めた段階で、切替えの時期や範囲は決まっていない。",
        "制御基板の国産化は、国内メーカーと検討を始めたところで、時期はまだ決めていない。",
    ],
)
def test_sourcing_only_being_explored_is_partly_met(verdict: Verdict, body: str) -> None:
    plan = REGIONAL.format(body="中核部品のセンサーは現在すべて海外から輸入している。\n" + body)
    assert verdict(plan, "regional_cluster", "外部依存性").status == "partial"


def test_sourcing_planned_abroad_with_no_domestic_plan_stays_missing(verdict: Verdict) -> None:
    body = "鋼材と大型部品は海外メーカーから一括購入する予定で、県内や国内で調達する計画はない。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "missing"


# --- a state the requirement asks for now, only scheduled: partly met -------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "地元経済界とは、県経済団体連合会や地元金融機関を交えた推進協議会を来年度に立ち上げる予定である。",
        "商工会議所・地方銀行との連携協議会は2026年度に設立する予定です。",
        "地元の経済団体とは、これから推進協議会をつくる予定。",
    ],
)
def test_a_business_council_only_scheduled_is_partly_met(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "partial"


def test_a_business_council_already_set_up_is_met(verdict: Verdict) -> None:
    body = "2024年に県商工会議所連合会、地元の銀行3行と推進協議会を設立し、サプライヤー誘致を分担している。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "経済界等との連携").status == "met"


@pytest.mark.parametrize(
    "text",
    [
        "分野はバイオ医薬品。日本成長戦略本部の17分野の検討結果がまとまった段階で、どの分野の議論に沿うかを整理する予定。",
        "分野はバイオ医薬品で、官民投資ロードマップとの整合は、国の検討結果が出てから確認する予定です。",
    ],
)
def test_alignment_with_the_growth_strategy_left_for_later_is_partly_met(verdict: Verdict, text: str) -> None:
    plan = f"Y県 創薬クラスター計画（素案）\n{text}\nB社が総額500億円を投じて新工場を建設する。\n"
    assert verdict(plan, "strategic_cluster", "成長戦略本部での検討との整合性").status == "partial"


def test_alignment_already_checked_is_met(verdict: Verdict) -> None:
    assert verdict(STRATEGIC.format(body=""), "strategic_cluster", "成長戦略本部での検討との整合性").status == "met"


# --- the ず-form of a refusal denies; 「検討している」 hedges ---------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "| 成果指標 | 数値目標やその見直し時点は設けず、状況に応じて柔軟に判断する |",
        "数値目標や見直しの時期は定めず、その都度判断します。",
        "KPIやステージゲートは設定せず、状況を見ながら進める。",
    ],
)
def test_targets_the_plan_refuses_to_set_are_missing(verdict: Verdict, body: str) -> None:
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "EBPMメルクマール").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "現在、販売の約6割を大手ECモール1社に頼っている。自社サイトと海外の卸への分散を検討しているが、具体的な時期や比率はまだ決めていない。",
        "売上の7割を大手通販1社に頼っている。ほかの販路への分散を検討中だが、時期は未定。",
    ],
)
def test_diversification_only_under_consideration_is_partly_met(verdict: Verdict, body: str) -> None:
    plan = f"k町 地場産業成長プラン（案）\n町の柚子で果汁とジャムをつくります。\n{body}\n"
    assert verdict(plan, "local_industry", "外部依存性").status == "partial"


def test_decided_diversification_is_met(verdict: Verdict) -> None:
    body = "販路は自社通販、百貨店、道の駅の3つに分散し、1社への依存度を3割以下に抑える。"
    assert verdict(LOCAL.format(body=body), "local_industry", "外部依存性").status == "met"


# --- a core firm given as a role label ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "core",
    [
        "2. 核企業：白浜メディカルを計画の中心に置く。",
        "| 区分 | 内容 |\n|---|---|\n| 核企業 | 大峰化学（県内、従業員1,100人、前駆体の量産実績あり） |",
        "株式会社川浦精工を計画の中核に据える。",
    ],
)
def test_a_core_firm_given_as_a_role_label_is_met(verdict: Verdict, core: str) -> None:
    plan = f"T県 地域産業クラスター計画（案）\n在宅医療機器を製造し、国内シェア1位を目指す。\n{core}\n"
    assert verdict(plan, "regional_cluster", "実現可能性").status == "met"


# --- a plan that keeps jobs to a minimum contradicts 良質な雇用 ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "新工場は無人化・自動化を徹底する設計で、新たな雇用は最小限とする方針。賃金や働き方は各社の判断に委ね、計画としての取組は設けない。",
        "自動化により雇用は最小限に抑える。賃上げは各社の判断に任せる。",
        "工場の人員は最小限とし、賃金は各社の判断に委ねる。",
    ],
)
def test_jobs_kept_to_a_minimum_contradict_good_jobs(verdict: Verdict, body: str) -> None:
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "地域における良質な雇用の創出・維持").status == "missing"


def test_jobs_with_a_wage_target_are_good_jobs(verdict: Verdict) -> None:
    body = "新工場で新規雇用300人を生み、参画企業の賃上げを年3%以上とする。"
    assert verdict(STRATEGIC.format(body=body), "strategic_cluster", "地域における良質な雇用の創出・維持").status == "met"


# --- counting metrics every year sets KPIs; hiring locals first is labour localisation -------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "毎年、宿泊者数・1人あたりの消費額・町内仕入額を数えます。3年目に中間評価をして、数字が目標の半分に届かなければやり方を変えます。",
        "年度ごとに来場者数と売上額を集計し、3年目に目標の5割に届かなければ事業を見直す。",
    ],
)
def test_yearly_counted_metrics_with_a_stage_gate_are_met(verdict: Verdict, body: str) -> None:
    body = "町への効果（目標）\n・町内の売上：2024年度 24億円 → 2029年度 32億円\n" + body
    assert verdict(LOCAL.format(body=body), "local_industry", "EBPMメルクマール").status == "met"


def test_local_hiring_agreed_without_the_rest_is_partly_localised(verdict: Verdict) -> None:
    body = (
        "県外の大手食品メーカーの冷凍工場を誘致します。市内から優先して採用することは合意していますが、"
        "技術者の育成や、工場の利益を地元に回す方針については、まだ話し合っていません。"
    )
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "現地化").status == "partial"


# --- a dependence kept for the essential part is not offset by a local raw input -----------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "主要な製造ラインと味付けの配合技術は、海外の提携先から導入したものを使っており、今後も当面はこの提携先に頼る形を続けます。原料の魚は地元漁港から仕入れます。",
        "中核部品の制御ユニットは、これからも当面は海外メーカーからの輸入に依存する。筐体の素材は県内企業から調達する。",
        "製造技術は引き続き海外の提携先に依存し続ける。原材料は県内の農家から仕入れる。",
    ],
)
def test_an_essential_part_kept_abroad_is_not_offset_by_local_raw_inputs(verdict: Verdict, body: str) -> None:
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "missing"


def test_localising_the_essential_part_while_importing_raw_material_is_partly_met(verdict: Verdict) -> None:
    body = "中核部品の制御ユニットは2028年度までに県内企業で製造する。原料の特殊鋼は当面輸入に依存する。"
    assert verdict(REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "partial"
