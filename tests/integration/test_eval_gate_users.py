"""The regression gate of the blind user suites: precision, coverage and refusals stay at or above the floors
in evals/users/thresholds.toml (ask cases only, one run over both suites)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals import compare, runner
from evals.cli import failing_text
from evals.dataset import load
from evals.targets import DeskTarget

USERS = Path(__file__).resolve().parents[2] / "evals" / "users"


def test_user_suites_meet_their_floors(desk: Any, tmp_path: Path) -> None:
    suite = load([USERS / "qa_staff.jsonl", USERS / "qa_public.jsonl"])
    report = runner.run(DeskTarget(desk), suite)
    (tmp_path / "users.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    limits = compare.load_thresholds(USERS / "thresholds.toml")
    assert {key for key, _ in limits} >= {"ask.answer.precision", "ask.answer.coverage", "ask.answer.refusal_accuracy"}
    failures = compare.check_limits(report, limits)
    assert not failures, (
        "metrics below their floor (never lower a floor to make a change pass):\n"
        + "\n".join(map(str, failures)) + "\n" + failing_text(report, 30)
    )
