"""The regression gate of the held-out set evals/holdout3 (no longer blind after round two): precision, coverage
and refusals stay at or above the floors in evals/holdout3/thresholds.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evals import compare, runner
from evals.cli import failing_text
from evals.dataset import load
from evals.targets import DeskTarget

HOLDOUT = Path(__file__).resolve().parents[2] / "evals" / "holdout3"


def test_holdout3_meets_its_floors(desk: Any) -> None:
    report = runner.run(DeskTarget(desk), load([HOLDOUT / "qa.jsonl"]))
    limits = compare.load_thresholds(HOLDOUT / "thresholds.toml")
    assert {key for key, _ in limits} >= {"ask.answer.precision", "ask.answer.coverage", "ask.answer.refusal_accuracy"}
    failures = compare.check_limits(report, limits)
    assert not failures, (
        "metrics below their floor (never lower a floor to make a change pass):\n"
        + "\n".join(map(str, failures)) + "\n" + failing_text(report, 30)
    )
