"""Would declining low-confidence answers buy precision? The trade-off curve of one confidence signal over eval reports.

    .venv/bin/python bench/abstention.py REPORT.json [REPORT.json ...] [--signal coverage]

Reads the answered ask cases of ``madoguchi eval --json`` reports (in-process runs keep each answer's ``meta``), and
for each threshold on the signal prints how many right and wrong answers would be declined and the precision and
coverage that would result. A signal that separates right from wrong answers declines many wrong answers per right
one; a ratio near the base rate means abstaining on it only trades coverage for nothing. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def _answered(report: dict[str, Any], signal: str) -> tuple[list[tuple[float, bool]], int]:
    """(signal value, right) of each answered case that records the signal, and the answerable count."""
    rows: list[tuple[float, bool]] = []
    answerable = 0
    for case in report.get("cases", []):
        details = case.get("details", {})
        if case.get("task") != "ask" or details.get("error"):
            continue
        answerable += not details.get("refuse")
        value = (details.get("meta") or {}).get(signal)
        if not details.get("refused") and isinstance(value, int | float):
            rows.append((float(value), bool(details.get("right"))))
    return rows, answerable


def main() -> None:
    """Print the abstention curve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="+", type=Path)
    parser.add_argument("--signal", default="coverage", help="a numeric field of the answer's meta (default coverage)")
    args = parser.parse_args()
    rows: list[tuple[float, bool]] = []
    answerable = 0
    for path in args.reports:
        found, n = _answered(json.loads(path.read_text(encoding="utf-8")), args.signal)
        rows += found
        answerable += n
    right = sum(ok for _, ok in rows)
    wrong = len(rows) - right
    print(f"answered with {args.signal}: {len(rows)} (right {right}, wrong {wrong}); answerable {answerable}")
    print("| decline below | right declined | wrong declined | wrong per right | precision | coverage (of answered-right) |")
    print("|---|---|---|---|---|---|")
    for cut in [0.0, *sorted({v for v, _ in rows})[len(rows) // 10::len(rows) // 10 or 1]]:
        lost = sum(1 for v, ok in rows if v < cut and ok)
        caught = sum(1 for v, ok in rows if v < cut and not ok)
        kept = len(rows) - lost - caught
        precision = (right - lost) / kept if kept else float("nan")
        ratio = f"{caught / lost:.2f}" if lost else "—"
        print(f"| {cut:.2f} | {lost} | {caught} | {ratio} | {precision:.3f} | {(right - lost) / right:.3f} |")


if __name__ == "__main__":
    main()
