"""``madoguchi agreement``: how far two labellings of the same pre-check plans agree, and the desk against both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.kit import handle_errors
from evals.agreement import Agreement, LabelsError, agreement, desk_labels, on_agreed, read_labels
from retrieval.errors import Code, DeskError


def _line(name: str, result: Agreement) -> str:
    rate = "—" if result.rate is None else f"{result.rate:.3f}"
    kappa = "—" if result.kappa is None else f"{result.kappa:.3f}"
    return f"| {name} | {result.n} | {result.agreed} | {rate} | {kappa} |"


def agreement_command(
    first: Annotated[Path, typer.Argument(help="1 人目のラベル（precheck.jsonl など）")],
    second: Annotated[Path, typer.Argument(help="2 人目のラベル（同じ計画を独立にラベル付けしたもの）")],
    report: Annotated[Path | None, typer.Option("--report", help="窓口の判定も比べる eval の JSON レポート")] = None,
) -> None:
    """Agreement of two labellings (and the desk's, from an eval report) over the pairs both judged."""
    try:
        a, b = read_labels(first), read_labels(second)
        desk = desk_labels(json.loads(report.read_text(encoding="utf-8"))) if report else None
    except (LabelsError, OSError, json.JSONDecodeError) as exc:
        raise DeskError(Code.INVALID_INPUT, str(exc)) from exc
    lines = ["| 比較 | 件数 | 一致 | 一致率 | κ |", "|---|---|---|---|---|", _line(f"{first.name} ↔ {second.name}", agreement(a, b))]
    if desk is not None:
        lines += [_line(f"窓口 ↔ {first.name}", agreement(desk, a)), _line(f"窓口 ↔ {second.name}", agreement(desk, b)),
                  _line("窓口（2 人が一致したラベルのみ）", on_agreed(desk, a, b))]
    typer.echo("\n".join(lines))


def register(app: typer.Typer) -> None:
    """Add the ``agreement`` command to the madoguchi CLI."""
    app.command("agreement", short_help="2 人のラベルの一致率（と窓口の一致率）")(handle_errors(agreement_command))
