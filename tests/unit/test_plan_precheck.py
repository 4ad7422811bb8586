"""Pre-check verdicts: each status path, over-dependence, not_applicable, evidence, type detection, reports."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.desk import Desk
from bot.plans.plan import parse_plan
from bot.plans.precheck import PrecheckReport
from bot.plans.report import plan_markdown, precheck_html
from retrieval.errors import Code, DeskError
from retrieval.schema import validate_requirements

REPO = Path(__file__).resolve().parent.parent.parent
CORPUS = REPO / "corpus"
FIXTURES = REPO / "tests" / "fixtures" / "plans"


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    """A desk over the shipped corpus; pre-check needs the catalogs, not the search index."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=CORPUS, _env_file=None)  # type: ignore[call-arg]
    return Desk(settings)


def status(report: PrecheckReport, label: str, kind: str = "requirement") -> str:
    return next(i.status for i in report.items if i.label == label and i.kind == kind)


def item(report: PrecheckReport, label: str):  # type: ignore[no-untyped-def]
    return next(i for i in report.items if i.label == label and i.kind == "requirement")


REGIONAL_NO_INVITE = """M県 地域産業クラスター計画（医薬品包材）
1. 目標：注射剤用のガラス容器を製造する。国内の製薬会社からの需要が拡大しており、国内シェア3位から1位を目指す。
2. 核となる企業：地元のN硝子株式会社（従業員300名）。域外企業の誘致は予定していない。
3. 調達：原料と成形の工程は県内で行う。
4. 域内への波及：域内取引額を令和6年度10億円から令和11年度18億円に、売上額を90億円へ、新規雇用40名、賃上げ率年4%。
5. 支援体制：県産業政策課と地方銀行で伴走支援チームを作り、計画期間を通じて毎月企業を訪問する。
6. KPI：売上額と域内取引額を毎年度公表する。
"""


def test_strong_regional_plan_meets_every_requirement(desk: Desk) -> None:
    plan = parse_plan((FIXTURES / "regional_full.md").read_bytes(), "regional_full.md")
    report = desk.precheck(plan)
    assert report.plan_type == "regional_cluster" and not report.low_confidence
    labels = [i.label for i in report.items if i.kind == "requirement"]
    assert labels == ["有望度", "実現可能性", "外部依存性", "費用対効果", "現地化", "域内への波及", "自治体のコミットメント", "EBPMメルクマール"]
    assert {i.status for i in report.items if i.kind == "requirement"} == {"met"}
    assert report.summary().startswith("要件 8 件中: ✅ 8 ⚠️ 0 ❌ 0 ➖ 0")


def test_every_met_item_quotes_real_plan_sentences(desk: Desk) -> None:
    text = (FIXTURES / "regional_full.md").read_text(encoding="utf-8")
    report = desk.precheck(text)
    for i in report.items:
        if i.status == "met":
            assert i.evidence, i.label
        for quote in i.evidence:
            assert quote in text, (i.label, quote)


def test_labels_rules_and_sections_come_from_the_catalog(desk: Desk) -> None:
    catalog, problems = validate_requirements(CORPUS / "requirements.yaml")
    assert not problems
    local = next(p for p in catalog if p.id == "local_industry")
    report = desk.precheck((FIXTURES / "local_franchise.txt").read_text(encoding="utf-8"))
    got = [(i.label, i.rule, i.section) for i in report.items if i.kind == "requirement"]
    assert got == [(r.label, r.text, r.section) for r in local.requirements]
    assert [i.label for i in report.items if i.kind == "content_item"] == [c.label for c in local.content_items]


def test_not_applicable_when_no_outside_company_is_invited(desk: Desk) -> None:
    report = desk.precheck(REGIONAL_NO_INVITE)
    localisation = item(report, "現地化")
    assert localisation.status == "not_applicable"
    assert "誘致" in localisation.reason
    assert localisation.evidence == ["2. 核となる企業：地元のN硝子株式会社（従業員300名）。域外企業の誘致は予定していない。"] or any(
        "予定していない" in q for q in localisation.evidence
    )


def test_invited_company_without_localisation_is_missing(desk: Desk) -> None:
    text = REGIONAL_NO_INVITE.replace("域外企業の誘致は予定していない。", "県外から誘致するP社（令和8年に立地協定を締結）も加わる。")
    assert status(desk.precheck(text), "現地化") == "missing"


def test_partial_when_one_of_two_parts_is_shown(desk: Desk) -> None:
    report = desk.precheck(REGIONAL_NO_INVITE)
    ebpm = item(report, "EBPMメルクマール")
    assert ebpm.status == "partial"
    assert "ステージゲート" in ebpm.reason and "ステージゲート" in ebpm.suggestion
    commitment = item(report, "自治体のコミットメント")
    assert commitment.status == "partial" and "知事等" in commitment.reason


def test_stage_gate_written_as_a_condition_counts(desk: Desk) -> None:
    text = REGIONAL_NO_INVITE + "令和9年度末に売上額が60億円に満たない場合は、第2期投資を見直す。\n"
    assert status(desk.precheck(text), "EBPMメルクマール") == "met"


def test_target_without_numbers_is_partial(desk: Desk) -> None:
    text = REGIONAL_NO_INVITE.replace(
        "域内取引額を令和6年度10億円から令和11年度18億円に、売上額を90億円へ、新規雇用40名、賃上げ率年4%。",
        "域内取引の拡大、売上の増加、雇用の創出を目指す。",
    )
    ripple = item(desk.precheck(text), "域内への波及")
    assert ripple.status == "partial" and "数値" in ripple.reason


def test_missing_when_nothing_is_said(desk: Desk) -> None:
    report = desk.precheck(REGIONAL_NO_INVITE)
    cost = item(report, "費用対効果")
    assert cost.status == "missing" and cost.evidence == [] and cost.suggestion


def test_over_dependence_on_a_franchisor_fails(desk: Desk) -> None:
    report = desk.precheck((FIXTURES / "local_franchise.txt").read_text(encoding="utf-8"))
    dependence = item(report, "外部依存性")
    assert dependence.status == "missing"
    assert any("フランチャイズ本部" in q for q in dependence.evidence)
    assert "依存" in dependence.reason


def test_entrusting_all_sales_to_one_trading_house_fails(desk: Desk) -> None:
    text = (FIXTURES / "local_franchise.txt").read_text(encoding="utf-8").replace(
        "3. 運営：商品の企画、価格設定、販売のすべてをフランチャイズ本部X社の仕組みに従う。X社が撤退した場合の代替策は定めていない。",
        "3. 販売：加工品は全量を大手総合商社Z社に委託し、価格設定もZ社に一任する。",
    )
    assert status(desk.precheck(text), "外部依存性") == "missing"


def test_spread_sales_channels_pass_dependence(desk: Desk) -> None:
    text = (FIXTURES / "local_franchise.txt").read_text(encoding="utf-8").replace(
        "3. 運営：商品の企画、価格設定、販売のすべてをフランチャイズ本部X社の仕組みに従う。X社が撤退した場合の代替策は定めていない。",
        "3. 販路：道の駅、自社ECサイト、県内のスーパー5社に分散し、1社への売上依存度を30%以下に保つ。",
    )
    assert status(desk.precheck(text), "外部依存性") == "met"


def test_deferred_items_are_missing_not_partial(desk: Desk) -> None:
    report = desk.precheck((FIXTURES / "local_vague.txt").read_text(encoding="utf-8"))
    assert status(report, "実現可能性") == "missing"
    assert status(report, "EBPMメルクマール") == "missing"


def test_strategic_yaml_plan_uses_its_declared_type(desk: Desk) -> None:
    plan = parse_plan((FIXTURES / "strategic.yaml").read_bytes(), "strategic.yaml")
    report = desk.precheck(plan)
    assert report.plan_type == "strategic_cluster" and report.guess.overridden
    assert status(report, "投資との整合性") == "met"
    assert status(report, "目標となる KPI の設定", kind="content_item") == "met"


def test_domestic_only_competitiveness_is_partial(desk: Desk) -> None:
    text = (FIXTURES / "strategic.yaml").read_text(encoding="utf-8").replace(
        "全固体電池の量産技術で世界に先行し、世界シェア15%を目指して海外の電池メーカーと競合する。", "国内トップクラスの生産能力を持つ。"
    )
    assert status(desk.precheck(parse_plan(text, "s.yaml")), "競争優位性") == "partial"


def test_plan_type_override_and_unknown_type(desk: Desk) -> None:
    text = (FIXTURES / "local_vague.txt").read_text(encoding="utf-8")
    report = desk.precheck(text, plan_type="regional_cluster")
    assert report.plan_type == "regional_cluster" and report.confidence == 1.0
    assert len([i for i in report.items if i.kind == "requirement"]) == 8
    with pytest.raises(DeskError) as caught:
        desk.precheck(text, plan_type="tourism_plan")
    assert caught.value.code == Code.UNKNOWN_PLAN_TYPE


def test_plan_type_names_are_accepted_as_override(desk: Desk) -> None:
    assert desk.precheck(REGIONAL_NO_INVITE, plan_type="地場産業成長プラン").plan_type == "local_industry"


def test_low_confidence_guess_is_flagged(desk: Desk) -> None:
    report = desk.precheck("計画案\n市内の製造業の振興を図る。核となる企業はA工業株式会社（従業員50名）である。")
    assert report.low_confidence
    assert "確度が低い" in plan_markdown(report)


def test_no_recognisable_content_is_refused(desk: Desk) -> None:
    with pytest.raises(DeskError) as caught:
        desk.precheck("きょうはとてもいいてんきですね。あしたもはれるでしょう。")
    assert caught.value.code == Code.NO_TEXT


def test_degrees_are_computed_from_the_plan(desk: Desk) -> None:
    report = desk.precheck((FIXTURES / "regional_full.md").read_text(encoding="utf-8"))
    (degree,) = report.degrees
    assert degree.firm == "T精機"
    assert degree.connector == pytest.approx(150e8 / 3e12)
    assert degree.hub == pytest.approx(45e8 / 1.5e12)
    data = report.to_json()
    assert data["degrees"][0]["section"] == "2. 地域産業クラスター"


def test_json_shape(desk: Desk) -> None:
    data = json.loads(json.dumps(desk.precheck(REGIONAL_NO_INVITE).to_json(), ensure_ascii=False))
    assert {"plan_type", "confidence", "items", "answer_id", "low_confidence"} <= set(data)
    first = data["items"][0]
    assert {"label", "status", "evidence", "rule", "section", "suggestion", "kind"} <= set(first)
    assert first["kind"] == "requirement" and data["items"][-1]["kind"] == "content_item"
    assert "degrees" not in data


def test_markdown_report(desk: Desk) -> None:
    md = plan_markdown(desk.precheck(REGIONAL_NO_INVITE))
    assert "地域産業クラスター計画" in md and "確度" in md
    assert re.search(r"要件 8 件中: ✅ \d+ ⚠️ \d+ ❌ \d+ ➖ 1", md)
    assert "### ➖ 現地化" in md and "政策文書の基準:" in md and "追記の提案:" in md


def test_html_report_is_self_contained_and_escaped(desk: Desk) -> None:
    text = REGIONAL_NO_INVITE.replace("地元のN硝子株式会社", "地元のN硝子株式会社<script>alert(1)</script>")
    html = precheck_html(desk.precheck(text))
    assert html.startswith("<!DOCTYPE html>") and "<style>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "src=" not in html and "<link" not in html
    for icon in ("✅", "⚠️", "❌", "➖"):
        assert icon in html


def test_desk_precheck_tells_the_listeners(desk: Desk) -> None:
    events = []
    desk.listeners.append(events.append)
    try:
        report = desk.precheck(REGIONAL_NO_INVITE, channel="test")
    finally:
        desk.listeners.remove(events.append)
    assert events and events[0].kind == "precheck" and events[0].answer_id == report.answer_id
