"""The regression gate of the blind sets that were read and tuned on (evals/blind7 to blind13, blind16): each one's
qa, precheck and match stay at or above the floors in its own thresholds.toml. These floors guard against
regressions; they do not measure generalisation (a set's first, unread runs in its README do)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals import compare, runner
from evals.cli import failing_text
from evals.dataset import load
from evals.targets import DeskTarget

EVALS = Path(__file__).resolve().parents[2] / "evals"
GATED = sorted(p.parent.name for p in EVALS.glob("blind*/thresholds.toml"))


def test_the_tuned_blind_sets_are_gated() -> None:
    assert {"blind8", "blind9", "blind10", "blind11", "blind12", "blind13", "blind16"} <= set(GATED)
    assert not {"blind14", "blind15"} & set(GATED)  # the unread test sets are never tuned on


@pytest.mark.parametrize("name", GATED)
def test_a_tuned_blind_set_meets_its_floors(desk: Any, name: str) -> None:
    folder = EVALS / name
    report = runner.run(DeskTarget(desk), load([folder / f"{part}.jsonl" for part in ("qa", "precheck", "match")]))
    limits = compare.load_thresholds(folder / "thresholds.toml")
    assert {key for key, _ in limits} >= {"ask.answer.precision", "ask.answer.coverage", "precheck.accuracy"}
    failures = compare.check_limits(report, limits)
    assert not failures, (
        f"{name}: metrics below their floor (never lower a floor to make a change pass):\n"
        + "\n".join(map(str, failures)) + "\n" + failing_text(report, 30)
    )
