"""The plan-analysis assist rule: the LLM may phrase, but `met` needs evidence found verbatim in the plan."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel

from bot.plans.llm_assist import apply_precheck_proposal, parse_json_object

PLAN = """地場産業成長プラン（案）
本市は、市長が記者会見で本計画を発表し、産業振興課に相談窓口を設置する。
ＫＰＩとして、域内取引額を３年で１０％増やす。"""


class Item(BaseModel):
    label: str
    status: str
    evidence: list[str] = []
    suggestion: str = ""


@dataclass
class DataItem:
    label: str
    status: str
    evidence: list[str] = field(default_factory=list)
    suggestion: str = ""


def test_met_with_verbatim_evidence_stays_met() -> None:
    item = Item(label="自治体のコミットメント", status="partial", suggestion="発表の予定を書いてください。")
    proposal = {"status": "met", "evidence": ["市長が記者会見で本計画を発表し、産業振興課に相談窓口を設置する。"], "suggestion": ""}
    out = apply_precheck_proposal(item, proposal, PLAN)
    assert out.status == "met"
    assert out.evidence == ["市長が記者会見で本計画を発表し、産業振興課に相談窓口を設置する。"]
    assert out.suggestion == "発表の予定を書いてください。"  # an empty LLM suggestion keeps the item's
    assert item.status == "partial"  # the input is not modified


def test_evidence_matches_across_spacing_and_width() -> None:
    proposal = {"status": "met", "evidence": ["KPIとして、域内取引額を3年で10%増やす。"]}
    assert apply_precheck_proposal(Item(label="EBPM", status="missing"), proposal, PLAN).status == "met"


def test_met_with_paraphrased_evidence_is_downgraded_to_partial() -> None:
    proposal = {"status": "met", "evidence": ["市長が計画を公表し、相談窓口を置く。"], "suggestion": "発表の時期を明記してください。"}
    out = apply_precheck_proposal(Item(label="自治体のコミットメント", status="missing"), proposal, PLAN)
    assert out.status == "partial"
    assert out.evidence == []  # the paraphrase is not shown as a quote from the plan
    assert out.suggestion == "発表の時期を明記してください。"


def test_met_without_evidence_is_downgraded_to_partial() -> None:
    out = apply_precheck_proposal(DataItem(label="有望度", status="missing"), {"status": "met", "evidence": []}, PLAN)
    assert out.status == "partial"


def test_partial_and_missing_are_taken_as_proposed() -> None:
    item = Item(label="外部依存性", status="met", evidence=["相談窓口を設置する"])
    assert apply_precheck_proposal(item, {"status": "missing"}, PLAN).status == "missing"
    assert apply_precheck_proposal(item, {"status": "partial"}, PLAN).evidence == ["相談窓口を設置する"]


def test_unknown_status_leaves_the_item_unchanged() -> None:
    item = {"label": "有望度", "status": "missing", "evidence": [], "suggestion": "s"}
    assert apply_precheck_proposal(item, {"status": "excellent", "evidence": ["本市は"]}, PLAN) == item


def test_json_is_found_inside_a_fenced_reply() -> None:
    reply = '説明です。\n```json\n{"status": "partial", "evidence": [], "suggestion": "x"}\n```'
    assert parse_json_object(reply) == {"status": "partial", "evidence": [], "suggestion": "x"}
    assert parse_json_object("JSON ではありません") is None
