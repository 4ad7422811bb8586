"""The regression gate: the shipped eval suites must stay at or above the floors in evals/thresholds.toml."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals import compare, runner
from evals.cli import failing_text
from evals.dataset import load
from evals.targets import DeskTarget

EVALS = Path(__file__).resolve().parents[2] / "evals"
UNGATED = {"ask.latency_ms.p50", "ask.latency_ms.p95"}  # tests never assert on timing


def test_thresholds_cover_every_metric() -> None:
    gated = {key for key, _ in compare.load_thresholds(EVALS / "thresholds.toml")}
    assert gated == set(compare.METRIC_KEYS) - UNGATED


def test_shipped_suites_meet_their_floors(desk: Any, tmp_path: Path) -> None:
    suite = load(sorted((EVALS / "datasets").glob("*.jsonl")))
    report = runner.run(DeskTarget(desk), suite)
    (tmp_path / "gate.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    failures = compare.check_limits(report, compare.load_thresholds(EVALS / "thresholds.toml"))
    measured = {k: v for k, v in compare.flat_metrics(report).items() if k not in UNGATED}
    assert not failures, (
        "metrics below their floor (never lower a floor to make a change pass):\n"
        + "\n".join(map(str, failures)) + f"\nall metrics: {measured}\n" + failing_text(report, 30)
    )
