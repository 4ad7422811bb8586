"""Metric keys, the --fail-under gate, thresholds files and the baseline diff."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals import compare


def report(recall5: float | None = 0.9, match5: float | None = None, false_refusal: float = 0.1,
           cases: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "ask": {"n": 3, "retrieval": {"recall@1": 0.5, "recall@5": recall5, "recall@10": 1.0, "mrr@10": 0.7},
                "answer": {"fact_recall": 0.8, "citation_validity": 1.0, "refusal_accuracy": 1.0, "false_refusal_rate": false_refusal},
                "latency_ms": {"p50": 10.0, "p95": 20.0}},
        "match": {"n": 0 if match5 is None else 2, "recall@5": match5, "mrr": match5},
        "precheck": {"n": 0, "accuracy": None},
        "cases": cases or [],
    }


def test_keys_resolve_bare_dotted_and_partial() -> None:
    r = report()
    assert compare.resolve_key("ask.retrieval.recall@5", r) == "ask.retrieval.recall@5"
    assert compare.resolve_key("retrieval.recall@5", r) == "ask.retrieval.recall@5"
    assert compare.resolve_key("fact_recall", r) == "ask.answer.fact_recall"
    assert compare.resolve_key("accuracy", r) == "precheck.accuracy"
    # recall@5 names two metrics; only the ask one is measured here, so it is meant
    assert compare.resolve_key("recall@5", r) == "ask.retrieval.recall@5"


def test_ambiguous_and_unknown_keys_are_errors() -> None:
    with pytest.raises(ValueError, match="曖昧"):
        compare.resolve_key("recall@5", report(match5=0.5))
    with pytest.raises(ValueError, match="不明な指標"):
        compare.resolve_key("bleu", report())
    with pytest.raises(ValueError, match="不明な指標"):
        compare.check_known("recall@3")
    with pytest.raises(ValueError, match="KEY=VALUE"):
        compare.parse_fail_under(["recall@5"])
    with pytest.raises(ValueError, match="数値"):
        compare.parse_fail_under(["recall@5=high"])


def test_check_limits_floors_ceilings_and_unmeasured() -> None:
    r = report(recall5=0.9, false_refusal=0.2)
    assert compare.check_limits(r, compare.parse_fail_under(["recall@5=0.9"])) == []  # equal is not below
    failures = compare.check_limits(r, [("recall@5", 0.95), ("false_refusal_rate", 0.1), ("match.recall@5", 0.5)])
    assert [(f.key, f.value) for f in failures] == [
        ("ask.retrieval.recall@5", 0.9), ("ask.answer.false_refusal_rate", 0.2), ("match.recall@5", None)]
    assert str(failures[0]) == "ask.retrieval.recall@5 = 0.9000 < 下限 0.9500"
    assert str(failures[1]) == "ask.answer.false_refusal_rate = 0.2000 > 上限 0.1000"
    assert "測定されていません" in str(failures[2])


def test_thresholds_file(tmp_path: Path) -> None:
    path = tmp_path / "t.toml"
    path.write_text('[floors]\n"ask.retrieval.recall@5" = 0.93\n[ceilings]\n"ask.answer.false_refusal_rate" = 0.15\n', encoding="utf-8")
    assert compare.load_thresholds(path) == [("ask.retrieval.recall@5", 0.93), ("ask.answer.false_refusal_rate", 0.15)]
    path.write_text('[floors]\n"ask.answer.false_refusal_rate" = 0.1\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[ceilings\]"):
        compare.load_thresholds(path)
    path.write_text('[floors]\n"recall@5" = 0.9\n', encoding="utf-8")
    with pytest.raises(ValueError, match="曖昧"):
        compare.load_thresholds(path)


def test_diff_reports_deltas_and_flipped_cases() -> None:
    before = report(recall5=0.9, false_refusal=0.2, cases=[
        {"id": "q1", "task": "ask", "passed": True}, {"id": "q2", "task": "ask", "passed": False},
        {"id": "q3", "task": "ask", "passed": True}, {"id": "m1", "task": "match", "passed": None}])
    after = report(recall5=0.8, false_refusal=0.1, cases=[
        {"id": "q1", "task": "ask", "passed": False}, {"id": "q2", "task": "ask", "passed": True},
        {"id": "q4", "task": "ask", "passed": True}, {"id": "m1", "task": "match", "passed": True}])
    d = compare.diff(before, after)
    rows = {r["metric"]: r for r in d["metrics"]}
    assert rows["ask.retrieval.recall@5"]["delta"] == pytest.approx(-0.1) and rows["ask.retrieval.recall@5"]["better"] is False
    assert rows["ask.answer.false_refusal_rate"]["better"] is True  # lower is better
    assert rows["ask.retrieval.recall@1"]["delta"] == 0 and rows["ask.retrieval.recall@1"]["better"] is None
    assert "match.recall@5" not in rows  # measured in neither
    assert d["flipped"] == [{"id": "q1", "task": "ask", "baseline": True, "current": False},
                            {"id": "q2", "task": "ask", "baseline": False, "current": True}]
    assert d["new_cases"] == ["q4"] and d["removed_cases"] == ["q3"]


def test_load_report_rejects_other_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"a": 1}', encoding="utf-8")
    with pytest.raises(ValueError, match="レポートではありません"):
        compare.load_report(path)
    with pytest.raises(ValueError, match="見つかりません"):
        compare.load_report(tmp_path / "none.json")
