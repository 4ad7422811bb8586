"""Pre-check reader, sixth session: mechanisms behind blind13's misread verdicts, in wordings written for these tests.

- 未確認・未決定・未合意 … deny a word like 未定; a wish or hedge after 「ため、」 belongs to the next predicate;
- an amount the plan leaves undecided (「金額は未確定」) keeps the investment open;
- a word that means the aspect only beside its companion (``with_group``) leaves it open only there too;
- 「検討段階」 is a hedge (no remedy decided); a wish that ends before 「が、」 is a wish;
- a scheduled step must say when or with whom; 「今後…選ぶ予定」 alone defers the whole element;
- the core role put as the topic or capacity of talks (「核となる企業として…の誘致を交渉中」) is a candidate;
- a dependence the plan says it keeps, with nothing localised, goes against the requirement;
- a heading for the whole requirement over a bare 「未設定」 (評価方法) declares it not set;
- agreed trade terms and a trial export are a market need.

Each rule has paraphrases (not the blind13 wording) and near misses where it must not apply.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import CORPUS

from bot.config import Settings
from bot.desk import Desk


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """A desk over the shipped corpus; pre-check reads the catalogs, not the search index."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("pre6"), corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]
    return Desk(settings)


def verdict(reader: Desk, plan: str, plan_type: str, label: str) -> Any:
    """The requirement item with ``label`` of the plan pre-checked as ``plan_type``."""
    report = reader.precheck(plan, plan_type)
    return next(i for i in report.items if i.label == label and i.kind == "requirement")


STRATEGIC = """Z県 水素サプライチェーン・クラスター計画（素案）
{body}
"""

REGIONAL = """K県 産業用ロボット部品クラスター計画（案）
県内の株式会社北斗精機（従業員510人）が中核企業となり、協働ロボット用の減速機を製造する。
{body}
"""

LOCAL = """s町 地場産業成長プラン（案）
町のゆずで果汁とジャムをつくり、首都圏の百貨店に売ります。
{body}
"""


# --- 未確認 and its kin deny; a hedge before 「ため、」 --------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "分野は水素とする。日本成長戦略本部の17分野との対応は未確認である。",
        "分野は水素とする。官民投資ロードマップとの整合性は未決定。",
        "分野は水素である。成長戦略本部での検討内容との突き合わせは未確認のままだ。",
    ],
)
def test_an_unconfirmed_alignment_is_not_stated(reader: Desk, body: str) -> None:
    item = verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性")
    assert item.status == "partial"


def test_a_confirmed_alignment_stays_met(reader: Desk) -> None:
    body = "日本成長戦略本部の17分野のうち水素に当たり、官民投資ロードマップと整合している。工場用地の地盤調査の結果は未確認。"
    assert verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "水素は国の成長分野に当たると考えられるため、クラスター計画の策定を検討したい。",
        "国の重点分野に含まれると思われるので、計画づくりを進めたい。",
        "国の戦略分野にも関わると考えられるため、県として計画化したいと考えている。",
    ],
)
def test_a_wish_after_a_because_clause_is_about_the_next_predicate(reader: Desk, body: str) -> None:
    item = verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性")
    assert item.status == "partial"  # a hedged mention, not a wish that erases it


def test_a_wish_on_the_word_itself_still_erases_a_weak_word(reader: Desk) -> None:
    body = "水素を国の成長分野として位置づけたい。"
    assert verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "成長戦略本部での検討との整合性").status == "missing"


# --- an amount left undecided keeps the investment open ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "県外の2社が液化水素タンク工場の新設を検討しており、投資規模は100億円程度と見込むが、金額は未確定である。",
        "新工場の総投資額は200億円前後と想定しているが、投資額は今後の詳細設計で決める。",
        "第2工場に約300億円を投じる構想である。最終的な投資規模はまだ決めていない。",
    ],
)
def test_an_investment_whose_amount_is_undecided_is_partly_met(reader: Desk, body: str) -> None:
    assert verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "投資との整合性").status == "partial"


@pytest.mark.parametrize(
    "body",
    [
        "A社が2027〜2029年度に総投資額1,200億円で新工場を建設する。稼働後の採用計画は未定。",
        "B社が水電解装置の新工場に450億円を投資する。投資額は取締役会で決定済みで、操業開始時期は未定。",
        "C社が液化設備の新工場を建設し、投資額は450億円、操業開始の時期は未定。",
    ],
)
def test_a_decided_amount_stays_met_beside_another_open_matter(reader: Desk, body: str) -> None:
    assert verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "投資との整合性").status == "met"


# --- a with_group word leaves its aspect open only beside its companion -------------------------------------------


LOCALISED = (
    "県外のC社を誘致し、3年以内に技術者の7割を県内採用とする工程表と、利益の4割を県内工場に再投資する方針をC社と結んだ。\n"
)


@pytest.mark.parametrize(
    "body",
    [
        "段階的な見直しの判断基準は今後設定する。",
        "事業全体のスケジュールの細部は今後詰める。",
        "工程表に沿った進捗確認の方法は、これから決める。",
    ],
)
def test_an_open_schedule_of_something_else_leaves_localisation_met(reader: Desk, body: str) -> None:
    assert verdict(reader, REGIONAL.format(body=LOCALISED + body), "regional_cluster", "現地化").status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "県外のC社を誘致する。現地化のロードマップは今後策定する。利益の4割を県内工場に再投資する方針をC社と結んだ。",
        "県外のC社を誘致する。地元採用を段階的に増やす時期は、今後C社と協議して決める。再投資の方針はC社と合意した。",
    ],
)
def test_an_open_localisation_roadmap_is_partly_met(reader: Desk, body: str) -> None:
    assert verdict(reader, REGIONAL.format(body=body), "regional_cluster", "現地化").status == "partial"


# --- 検討段階 is a hedge; a wish before 「が、」 --------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "主要部品のうち制御基板は海外製に頼っており、国内調達への切り替えは検討段階にある。筐体は県内企業から調達する。",
        "センサーは海外製を使っており、国産品への切り替えはまだ検討の段階だ。板金部品は県内企業から調達する。",
        "軸受は海外製で、国内メーカー品への切り替えを検討段階にとどめている。鋳物は県内企業から調達する。",
    ],
)
def test_a_switch_only_under_consideration_leaves_the_dependence(reader: Desk, body: str) -> None:
    assert verdict(reader, REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "partial"


def test_a_decided_switch_remedies_the_dependence(reader: Desk) -> None:
    body = "制御基板は海外製だが、2028年度までに国内調達へ切り替える。筐体は県内企業から調達する。"
    assert verdict(reader, REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == "met"


@pytest.mark.parametrize(
    "body",
    [
        "売上の6割は大手食品メーカー向けの受託製造。今後、自社ブランドの割合を増やしたいが、目標は決めていない。",
        "販売は卸1社経由が中心。直販を広げたいものの、具体策はまだない。",
        "自社ECでの販売比率を高めたいが、時期は未定である。",
    ],
)
def test_a_wish_before_a_clause_break_is_no_diversification(reader: Desk, body: str) -> None:
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "外部依存性").status == "partial"


def test_a_set_limit_on_one_buyer_meets_independence(reader: Desk) -> None:
    body = "自社ECと道の駅でも販売し、1社への売上比率は3割以下に抑える。"
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "外部依存性").status == "met"


# --- a scheduled step must say when or with whom -------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "推進の中心となる事業者は今後募集して選ぶ予定で、現時点では未定。",
        "核となる事業者は、これから選定する予定であり、まだ決まっていない。",
        "中心となる事業者は未定で、今後決める予定である。",
    ],
)
def test_an_undated_step_defers_the_carrier(reader: Desk, body: str) -> None:
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "実現可能性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "推進の中心となる事業者は未定で、2027年度に町内事業者から公募で選ぶ予定。",
        "核となる事業者はまだ決まっていないが、来年度に選定する予定である。",
    ],
)
def test_a_dated_step_is_partly_met(reader: Desk, body: str) -> None:
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "実現可能性").status == "partial"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("分野は水素。予算措置は関係省庁と今後相談する予定で、まだ調整は始めていない。", "missing"),
        ("分野は水素。予算措置は国土交通省と今後相談する予定で、まだ調整は始めていない。", "partial"),
        ("分野は水素。予算措置は来月から関係省庁と相談する予定で、まだ調整は始めていない。", "partial"),
    ],
)
def test_talks_with_ministries_need_a_time_or_a_named_ministry(reader: Desk, body: str, status: str) -> None:
    assert verdict(reader, STRATEGIC.format(body=body), "strategic_cluster", "実現可能性").status == status


# --- the core role under negotiation is a candidate ----------------------------------------------------------------


REGIONAL_OPEN = """K県 産業用ロボット部品クラスター計画（案）
{body}
"""


@pytest.mark.parametrize(
    "body",
    [
        "中核企業として県外の部品大手M社の誘致を協議中だが、進出の時期は決まっていない。",
        "計画の核となる企業は、大手素材メーカーN社と立地を交渉中である。",
        "核となる企業として国内大手P社に工場進出を打診中。",
    ],
)
def test_a_core_firm_still_in_talks_is_a_candidate(reader: Desk, body: str) -> None:
    item = verdict(reader, REGIONAL_OPEN.format(body=body), "regional_cluster", "実現可能性")
    assert item.status == "partial"
    assert "候補と協議中" in item.reason


@pytest.mark.parametrize(
    "body",
    [
        "中核企業はQ精工で、R社と販売提携を交渉中である。",
        "株式会社S工業が中核となり、T社の工場誘致を協議中。",
    ],
)
def test_a_named_core_firm_negotiating_something_else_stays_met(reader: Desk, body: str) -> None:
    assert verdict(reader, REGIONAL_OPEN.format(body=body), "regional_cluster", "実現可能性").status == "met"


# --- a dependence the plan keeps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "減速機の歯車素材と熱処理工程は海外から調達しており、当面この調達先を変える予定はない。",
        "基幹部品の軸受は外国から購入している。今後も同じ調達先から買う。",
        "制御チップは海外調達で、引き続き海外から調達する。",
    ],
)
def test_a_dependence_kept_with_nothing_localised_is_missing(reader: Desk, body: str) -> None:
    plan = (
        "K県 産業用ロボット部品クラスター計画（案）\nU社が中核企業となり、協働ロボット用の減速機を製造する。\n"
        f"いずれは県内で部品の生産も増やしたい。\n{body}\n"
    )
    assert verdict(reader, plan, "regional_cluster", "外部依存性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "軸受は外国から購入しており、当面この状況は変わらない。一方、歯車は2029年度に県内調達率を60%とする。",
        "制御チップは海外から調達しているが、国産化を検討している。",
    ],
)
def test_a_dependence_beside_a_local_target_or_a_hedge_is_partly_met(reader: Desk, body: str) -> None:
    plan = "K県 産業用ロボット部品クラスター計画（案）\nU社が中核企業となり、協働ロボット用の減速機を製造する。\n" + body + "\n"
    assert verdict(reader, plan, "regional_cluster", "外部依存性").status == "partial"


# --- a heading for the whole requirement over a bare not-yet ------------------------------------------------------


EFFECTS = "2030年度までに町内取引額+2億円、売上+5億円、雇用+12人を目標値とする。\n"


@pytest.mark.parametrize(
    "tail",
    [
        "【評価方法】\n未定。",
        "【評価の仕組み】\n今後検討する。",
        "効果検証の方法：未設定。",
    ],
)
def test_an_evaluation_declared_not_set_is_missing(reader: Desk, tail: str) -> None:
    item = verdict(reader, LOCAL.format(body=EFFECTS + "\n" + tail), "local_industry", "EBPMメルクマール")
    assert item.status == "missing"


@pytest.mark.parametrize(
    "tail",
    [
        "【評価方法】\n上記をKPIとし、毎年度末に確認する。見直しの判断時期は未定。",
        "【評価方法】\nKPIは売上額（2030年度 5億円）とし、評価方法の細部は未定。",
    ],
)
def test_an_evaluation_section_that_states_a_kpi_is_partly_met(reader: Desk, tail: str) -> None:
    item = verdict(reader, LOCAL.format(body=EFFECTS + "\n" + tail), "local_industry", "EBPMメルクマール")
    assert item.status == "partial"


# --- agreed trade terms and a trial export are a market need -------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "シンガポールの商社1社と試験輸出を行い、価格と数量で取引条件がまとまった。",
        "香港の輸入業者と販売条件を合意済みで、2026年度から年2万本を出荷する。",
        "大阪の百貨店バイヤーとの商談が成立し、秋から常設販売する。",
    ],
)
def test_buyers_agreeing_terms_identify_the_market(reader: Desk, body: str) -> None:
    item = verdict(reader, LOCAL.format(body=body), "local_industry", "有望度")
    assert item.status == "met"


def test_a_trial_export_only_wished_for_is_no_market_need(reader: Desk) -> None:
    body = "いずれ台湾に試験輸出をしたい。"
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "有望度").status == "partial"
