"""Pre-check reader, seventh session: general readings behind the misread verdicts of probes7 and blind16, in wordings
written for these tests (not the suites' sentences).

- a firm headquartered elsewhere that builds its plant here is an attracted firm (現地化 applies);
- a core firm the plan will only look for later (「今後探す」「候補未定」) does not exist yet, whatever else names a role;
- a value-chain step completed in or moved to the region is local provision;
- a mayor or governor who tells the council (話した・述べた) has announced the plan;
- a consultation desk in any wording is part of a support structure (partial, not missing);
- not leaving sales to one party, with several named kinds of counterparty, spreads the dependence;
- the plan's author naming itself (「当社（株式会社…）」) carries the plan;
- today's import answered by a dated switch is decided, not a caution; a wished switch stays a caution;
- a share of local hires within N years is a localisation roadmap;
- a number of hires with an approximator (「40人程度を採用」) is employment.
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
    settings = Settings(data_dir=tmp_path_factory.mktemp("pre7"), corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]
    return Desk(settings)


def verdict(reader: Desk, plan: str, plan_type: str, label: str) -> Any:
    """The requirement item with ``label`` of the plan pre-checked as ``plan_type``."""
    report = reader.precheck(plan, plan_type)
    return next(i for i in report.items if i.label == label and i.kind == "requirement")


REGIONAL = """J県 半導体製造装置部品クラスター計画（案）
県内の株式会社白峰精工（従業員450人）が中核企業となり、真空ポンプ用の精密部品を製造する。
{body}
"""

LOCAL = """t町 地場産業成長プラン（案）
{body}
"""


@pytest.mark.parametrize(
    "body",
    [
        "装置メーカーの株式会社オルト（本社・神奈川県）が県内に組立工場を新設することが決まった。",
        "計測器メーカーのR社（本社：大阪府）が当市に開発拠点を設ける。",
    ],
)
def test_firm_headquartered_elsewhere_building_here_is_attracted(reader: Desk, body: str) -> None:
    item = verdict(reader, REGIONAL.format(body=body), "regional_cluster", "現地化")
    assert item.status != "not_applicable"


def test_no_outside_firm_keeps_localisation_not_applicable(reader: Desk) -> None:
    item = verdict(reader, REGIONAL.format(body="白峰精工は市内の第2工場で増産する。"), "regional_cluster", "現地化")
    assert item.status == "not_applicable"


@pytest.mark.parametrize(
    "body",
    [
        "・県内に完成品をつくる企業はない\n・県外の大手メーカーに誘致を働きかけ、核となる企業を今後探す（候補未定）\n・誘致企業には地元の高校生の採用を求める",
        "核となる企業は、これから探していく。誘致企業には県内の部品会社との取引を求める。",
    ],
)
def test_core_firm_still_to_be_found_is_missing(reader: Desk, body: str) -> None:
    plan = "L県 航空機部品クラスター計画（メモ）\n" + body
    assert verdict(reader, plan, "regional_cluster", "実現可能性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "性能を左右する熱処理の工程は、県内で完結させることを目指す。",
        "いま海外に出している表面処理の工程は、2029年度までに県内企業の大森化工へ移管する。",
    ],
)
def test_step_completed_or_moved_in_region_is_local_provision(reader: Desk, body: str) -> None:
    item = verdict(reader, REGIONAL.format(body=body), "regional_cluster", "外部依存性")
    assert item.status == "met"


@pytest.mark.parametrize(
    "speech",
    ["町長は9月の町議会で、このプランを町として後押しすると話しました。", "町長が12月議会の冒頭で、この計画を進めると述べた。"],
)
def test_mayor_telling_the_council_is_an_announcement(reader: Desk, speech: str) -> None:
    plan = LOCAL.format(body=f"町の商工観光課が事業者の相談を受け付けています。{speech}")
    assert verdict(reader, plan, "local_industry", "自治体のコミットメント").status == "met"


def test_mayor_without_council_or_statement_is_not_announcement(reader: Desk) -> None:
    plan = LOCAL.format(body="町の商工観光課が事業者の相談を受け付けています。町長も試食会に参加しました。")
    assert verdict(reader, plan, "local_industry", "自治体のコミットメント").status == "partial"


def test_consultation_desk_in_plain_words_is_partial_support(reader: Desk) -> None:
    plan = REGIONAL.format(body="市では、産業課の職員が同社の相談を受ける窓口になっている。")
    assert verdict(reader, plan, "regional_cluster", "自治体のコミットメント").status == "partial"


@pytest.mark.parametrize(
    "body",
    [
        "販売は一つの問屋に任せることはせず、東京と大阪の3つの卸売業者とそれぞれ直接取引します。",
        "2社の代理店と別々に契約して海外に売り、町内の土産店への販売も続けます。",
    ],
)
def test_several_counterparties_spread_the_dependence(reader: Desk, body: str) -> None:
    plan = LOCAL.format(body="株式会社みさと工芸が木の器をつくります。" + body)
    assert verdict(reader, plan, "local_industry", "外部依存性").status == "met"


def test_one_party_for_everything_stays_missing(reader: Desk) -> None:
    plan = LOCAL.format(body="株式会社みさと工芸が木の器をつくります。販売はすべて東京の商社1社に任せます。")
    assert verdict(reader, plan, "local_industry", "外部依存性").status == "missing"


@pytest.mark.parametrize(
    "body",
    [
        "当社（株式会社青葉製茶、t町）は、煎茶を茶葉のまま農協に出しています。これからは粉末茶をつくり、海外の飲料会社に売ります。",
        "弊社（有限会社ときわ農園）は、いちごを生で出荷してきました。今後はジャムに加工して売ります。",
    ],
)
def test_author_naming_itself_carries_the_plan(reader: Desk, body: str) -> None:
    assert verdict(reader, LOCAL.format(body=body), "local_industry", "実現可能性").status == "met"


@pytest.mark.parametrize(
    ("switch", "expected"),
    [
        ("これを2028年度までに県内の素材メーカーと共同開発した国産材に切り替え、加工の要となる研削工程は自社で行う。", "met"),
        ("将来的には国産材への切り替えも検討したい。", "partial"),
    ],
)
def test_dated_switch_answers_todays_import(reader: Desk, switch: str, expected: str) -> None:
    body = f"主要な素材であるセラミック粉末は、現在すべて米国のメーカーから買っている。{switch}"
    assert verdict(reader, REGIONAL.format(body=body), "regional_cluster", "外部依存性").status == expected


def test_share_within_years_is_a_localisation_roadmap(reader: Desk) -> None:
    body = (
        "あわせて、県外の部品メーカーS社の新工場を誘致する。S社とは、稼働から4年のうちに技術者の7割を地元採用とし、"
        "利益の一部を県内工場に再投資することを合意している。"
    )
    assert verdict(reader, REGIONAL.format(body=body), "regional_cluster", "現地化").status == "met"


def test_hires_with_an_approximator_are_employment(reader: Desk) -> None:
    plan = "W県 データセンター集積構想（メモ）\n・運用の要員として、地元から40人程度を採用してもらう。\n"
    assert verdict(reader, plan, "strategic_cluster", "地域における良質な雇用の創出・維持").status == "partial"


# --- today's section, past dates, comparison baselines, clause-level steps -------------------------------------------


def test_figures_of_a_current_state_section_are_no_targets(reader: Desk) -> None:
    plan = LOCAL.format(
        body=(
            "1 現状\n町の和紙の出荷額は昭和60年の約20億円から減り、令和6年は約3億円となった。工房は12軒ある。\n\n"
            "2 これから\n和紙の照明器具を開発し、海外のホテルに売る。"
        )
    )
    assert verdict(reader, plan, "local_industry", "域内への波及").status == "missing"


def test_a_target_section_after_the_current_one_still_counts(reader: Desk) -> None:
    plan = LOCAL.format(
        body=(
            "1 現状\n和紙の出荷額は令和6年に約3億円となった。\n\n"
            "2 目標\n2030年度に出荷額を5億円に増やし、町内で職人を8人雇用する。"
        )
    )
    assert verdict(reader, plan, "local_industry", "域内への波及").status == "met"


def test_a_past_era_date_is_not_a_dated_target(reader: Desk) -> None:
    plan = LOCAL.format(body="平成30年度に組合が後継者塾を始め、これまで11人が修了した。今後は和紙の照明器具を売る。")
    assert verdict(reader, plan, "local_industry", "EBPMメルクマール").status == "missing"


@pytest.mark.parametrize(
    "comparison",
    ["現在の原木出荷と比べ、1立方メートル当たりの販売単価は約3倍となる。", "今の乾しいたけの業務用袋に比べて、単価は2倍になる。"],
)
def test_todays_product_as_a_comparison_baseline_is_added_value(reader: Desk, comparison: str) -> None:
    plan = LOCAL.format(
        body=(
            "株式会社もりの恵みが、町内の原木しいたけでスープの素をつくる。首都圏の生協から取り扱いたいとの声がある。"
            f"{comparison}大手1社へのOEM供給は行わない。"
        )
    )
    assert verdict(reader, plan, "local_industry", "有望度").status == "met"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("運営会社を令和10年度に設立する予定であり、中心となる事業者は設立後に公募で選ぶ。", "partial"),
        ("中心となる事業者は、計画の採択後に公募で選ぶ予定である。", "missing"),
    ],
)
def test_a_dated_step_before_a_put_off_is_a_step(reader: Desk, body: str, expected: str) -> None:
    plan = LOCAL.format(body="町の温泉と森を生かした滞在型の体験ツアーをつくります。" + body)
    assert verdict(reader, plan, "local_industry", "実現可能性").status == expected


@pytest.mark.parametrize(
    ("talks", "expected"),
    [
        ("M社とは現在、進出の条件について交渉中である。", "partial"),
        ("M社とは昨年、立地協定を締結した。", "met"),
    ],
)
def test_a_carrier_still_in_talks_in_the_next_sentence_is_a_candidate(reader: Desk, talks: str, expected: str) -> None:
    plan = (
        "P県 水素関連部材 地域産業クラスター計画（素案）\n"
        f"ドイツの燃料電池メーカーM社の部材工場を誘致し、これを核にクラスターを形成する。{talks}"
    )
    assert verdict(reader, plan, "regional_cluster", "実現可能性").status == expected


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ("■ 目標\n| 指標 | 2025年 | 2030年 |\n| 体験ツアー参加者数 | 1,200人 | 6,000人 |\n", "partial"),
        ("", "missing"),
        ("■ 目標\n| 指標 | 2025年 | 2030年 |\n| 体験ツアー参加者数 | 1,200人 | 6,000人 |\n具体的な数値は、事業が始まってから検討する。\n", "missing"),
    ],
)
def test_targets_set_only_for_other_indicators_leave_the_effect_partial(reader: Desk, extra: str, expected: str) -> None:
    plan = LOCAL.format(
        body="株式会社やまびこ観光が、棚田の農泊と体験ツアーをつくります。\n・宿の食事の野菜は町内の農家から仕入れ、案内は地元の保存会に頼む。\n" + extra
    )
    assert verdict(reader, plan, "local_industry", "域内への波及").status == expected
