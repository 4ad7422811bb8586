"""CLI commands for plan analysis: ``match``, ``precheck`` and ``degree``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from bot.cli.kit import err_console, handle_errors, print_json, print_text, read_input, settings
from bot.plans.plan import Plan
from bot.plans.report import plan_markdown, precheck_html
from retrieval.errors import Code, DeskError

FORMATS = ("md", "html", "json")


def _read_plan(source: str) -> Plan:
    """Read FILE or ``-`` into a Plan (size cap from the settings)."""
    from bot.plans.plan import parse_plan

    limit = settings().max_upload_bytes
    data = read_input(source, limit)
    return parse_plan(data, None if source == "-" else source, max_bytes=limit)


@handle_errors
def match(
    file: str = typer.Argument(..., help="計画案のファイル（.md .txt .docx .pdf .yaml .json）。 - で標準入力"),
    json_out: bool = typer.Option(False, "--json", help="JSON で出力"),
    n: int = typer.Option(5, "-n", min=1, max=36, help="提案する支援施策の数"),
    plan_type: str = typer.Option(None, "--plan-type", help="strategic_cluster | regional_cluster | local_industry（省略時は推定）"),
    width: int = typer.Option(None, "--width", min=20, help="この桁数で折り返して表示（省略時: 端末の幅。パイプでは折り返さない）"),
) -> None:
    """計画書（案）に合う支援施策を、理由と出典つきで提案する。"""
    from bot.cli.log import attach_cli_listeners
    from bot.desk import Desk

    plan = _read_plan(file)
    desk = Desk()
    attach_cli_listeners(desk)
    result = desk.match(plan, n=n, plan_type=plan_type or None, channel="cli")
    if json_out:
        print_json(result.to_json())
    else:
        print_text(plan_markdown(result), width=width)


@handle_errors
def precheck(
    file: str = typer.Argument(..., help="計画案のファイル（.md .txt .docx .pdf .yaml .json）。 - で標準入力"),
    plan_type: str = typer.Option(None, "--plan-type", help="strategic_cluster | regional_cluster | local_industry（省略時は推定）"),
    fmt: str = typer.Option(None, "--format", help="md | html | json（省略時は -o の拡張子、なければ md）"),
    out: Path = typer.Option(None, "-o", "--output", help="結果を書き出すファイル"),
    width: int = typer.Option(None, "--width", min=20, help="この桁数で折り返して表示（省略時: 端末の幅。パイプでは折り返さない）"),
) -> None:
    """計画書（案）を類型の要件・記載項目に照らして確かめる: ✅ 充足 / ⚠️ 一部 / ❌ 不足 / ➖ 対象外。"""
    from bot.desk import Desk

    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out else ""
        fmt = {"html": "html", "htm": "html", "json": "json"}.get(suffix, "md")
    if fmt not in FORMATS:
        raise DeskError(Code.INVALID_INPUT, f"--format は {' / '.join(FORMATS)} のいずれかです。")
    plan = _read_plan(file)
    from bot.cli.log import attach_cli_listeners

    desk = Desk()
    attach_cli_listeners(desk)
    report = desk.precheck(plan, plan_type=plan_type, channel="cli")
    if fmt == "json":
        import json

        text = json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n"
    else:
        text = precheck_html(report) if fmt == "html" else plan_markdown(report)
    if out:
        try:
            out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise DeskError(Code.INVALID_INPUT, f"{out} に書き込めません: {exc.strerror}") from exc
        err_console.print(f"{report.summary()} → {out} に保存しました。", highlight=False)
    elif fmt == "md":
        print_text(text, width=width)
    else:
        sys.stdout.write(text)


@handle_errors
def degree(
    firm_outside_sales: str = typer.Option(None, "--firm-outside-sales", help="企業の域外販売額（例: 120億円）"),
    pref_outside_sales: str = typer.Option(None, "--pref-outside-sales", help="企業が所在する都道府県の域外販売額（例: 1.2兆円）"),
    firm_inside_purchases: str = typer.Option(None, "--firm-inside-purchases", help="企業の域内仕入額"),
    pref_inside_purchases: str = typer.Option(None, "--pref-inside-purchases", help="企業が所在する都道府県の域内仕入額"),
    firm: str = typer.Option("企業", "--firm", help="企業名（表示用）"),
    json_out: bool = typer.Option(False, "--json", help="JSON で出力"),
) -> None:
    """コネクター度・ハブ度を基本的な考え方の式で計算する（「120億円」のような金額も可）。"""
    from bot.plans.degree import CONNECTOR_RULE, HUB_RULE, SECTION, compute
    from bot.plans.report import POLICY_TITLE

    result = compute(firm_outside_sales, pref_outside_sales, firm_inside_purchases, pref_inside_purchases, firm=firm)
    if json_out:
        print_json(result.to_json())
        return
    lines = [f"{result.firm}:", *(f"  {line}" for line in result.lines()), *(f"  ⚠️ {n}" for n in result.notes)]
    lines.append(f"式: {CONNECTOR_RULE} ／ {HUB_RULE}")
    lines.append(f"出典: {POLICY_TITLE} {SECTION}")
    sys.stdout.write("\n".join(lines) + "\n")


def register(app: typer.Typer) -> None:
    """Add ``match``, ``precheck`` and ``degree`` to the madoguchi CLI."""
    app.command("match", short_help="計画書（案）に合う支援施策を提案する")(match)
    app.command("precheck", short_help="計画書（案）を要件に照らして確かめる")(precheck)
    app.command("degree", short_help="コネクター度・ハブ度を計算する")(degree)
