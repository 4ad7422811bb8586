"""How far two labellings of the same pre-check plans agree (a writer vs a second annotator, or the desk vs either)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STATUSES = ("met", "partial", "missing")
Labels = dict[str, dict[str, str]]  # plan id → requirement label → status


class LabelsError(ValueError):
    """A labels file that cannot be read; the message says which line and why."""


@dataclass(frozen=True)
class Agreement:
    """Agreement over the (plan, requirement) pairs both labellings judged."""

    n: int
    agreed: int
    kappa: float | None
    confusion: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def rate(self) -> float | None:
        """Share of pairs with the same status."""
        return self.agreed / self.n if self.n else None


def read_labels(path: Path) -> Labels:
    """``{"id", "expected_status"}`` per line (a pre-check case or an annotator's line; ``status`` also accepted)."""
    labels: Labels = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise LabelsError(f"{path}:{number}: JSON として読めません（{exc.msg}）") from exc
        status = data.get("expected_status", data.get("status")) if isinstance(data, dict) else None
        if not isinstance(status, dict) or "id" not in data:
            raise LabelsError(f"{path}:{number}: id と expected_status（要件 → met/partial/missing）が必要です")
        bad = sorted({str(v) for v in status.values()} - set(STATUSES))
        if bad:
            raise LabelsError(f"{path}:{number}: 判定は met / partial / missing のいずれかです（{', '.join(bad)}）")
        labels[str(data["id"])] = {str(k): str(v) for k, v in status.items()}
    return labels


def desk_labels(report: Mapping[str, Any]) -> Labels:
    """The desk's verdicts from an eval report (``madoguchi eval --json``)."""
    return {str(c["id"]): dict(c["details"].get("actual") or {})
            for c in report.get("cases", []) if c.get("task") == "precheck" and "actual" in c.get("details", {})}


def agreement(first: Labels, second: Labels) -> Agreement:
    """Raw agreement and Cohen's kappa over the pairs both labelled."""
    pairs = [(a, second[plan][label]) for plan, row in first.items() if plan in second
             for label, a in row.items() if label in second[plan]]
    confusion = Counter(pairs)
    n = len(pairs)
    agreed = sum(1 for a, b in pairs if a == b)
    if not n:
        return Agreement(0, 0, None, {})
    left, right = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(left[s] * right[s] for s in STATUSES) / (n * n)
    kappa = None if chance == 1 else (agreed / n - chance) / (1 - chance)
    return Agreement(n, agreed, kappa, dict(confusion))


def on_agreed(desk: Labels, first: Labels, second: Labels) -> Agreement:
    """The desk's agreement on the pairs where both human labellings give the same status (the unambiguous labels)."""
    agreed = {plan: {label: status for label, status in row.items() if second.get(plan, {}).get(label) == status}
              for plan, row in first.items()}
    return agreement(desk, agreed)
