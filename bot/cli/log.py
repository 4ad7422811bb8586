"""CLI for the audit log: ``madoguchi log purge|migrate`` and ``madoguchi report``; records CLI answers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.table import Table

from bot.cli.kit import handle_errors, out_console, settings
from retrieval.errors import Code, DeskError

if TYPE_CHECKING:
    from bot.audit.log import AuditLog
    from bot.audit.usage_report import UsageReport
    from bot.desk import Desk

T = TypeVar("T")
log_app = typer.Typer(help="監査ログ（質問・回答・評価の記録）の操作", no_args_is_help=True)


def attach_cli_listeners(desk: Desk) -> AuditLog:
    """Record the desk's CLI answers in the audit log (rows are flushed when the command exits)."""
    from bot.audit.log import open_audit_log

    audit = open_audit_log(desk.settings)
    if audit.listener not in desk.listeners:
        desk.listeners.append(audit.listener)
    return audit


def parse_date(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date; a polite error otherwise."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise DeskError(Code.INVALID_INPUT, f"{option} の日付は YYYY-MM-DD の形で指定してください（例: 2026-04-01）。") from None


@log_app.command("purge")
@handle_errors
def purge(before: str = typer.Option(..., "--before", help="この日付（日本時間 0時）より前の記録を削除（YYYY-MM-DD）")) -> None:
    """Delete answers (with their feedback and escalations) recorded before a date."""
    from bot.audit.log import open_audit_log
    from bot.audit.usage_report import report_tz

    day = parse_date(before, "--before")
    assert day is not None
    cutoff = datetime.combine(day, time.min, report_tz()).astimezone(UTC)
    audit = open_audit_log(settings())
    counts = _guard(lambda: audit.purge(cutoff))
    out_console.print(
        f"{day} より前の記録を削除しました: 回答 {counts.get('answers', 0)} 件, "
        f"評価 {counts.get('feedback', 0)} 件, 引き継ぎ {counts.get('escalations', 0)} 件, "
        f"担当者への相談 {counts.get('consultations', 0)} 件。"
    )


@log_app.command("migrate")
@handle_errors
def migrate() -> None:
    """Create or upgrade the audit-log schema now (it is otherwise done on first use)."""
    from bot.audit.log import open_audit_log

    audit = open_audit_log(settings())
    count = _guard(audit.count_answers)
    out_console.print(f"監査ログのスキーマは最新です（回答 {count} 件）。")


def _guard(call: Callable[[], T]) -> T:
    """Run a database call; an unreachable database becomes one polite error."""
    import sqlalchemy as sa

    try:
        return call()
    except sa.exc.OperationalError:
        raise DeskError(
            Code.STORE_UNAVAILABLE, "監査ログのデータベースに接続できません。", "MADOGUCHI_DATABASE_URL を確認してください。"
        ) from None


def print_summary(report: UsageReport) -> None:
    """The report as rich tables on the terminal."""
    from bot.audit.usage_report_html import _pct

    r = report
    out_console.print(f"[bold]madoguchi 利用状況[/]  {r.since} 〜 {r.until}（日本時間）")
    summary = Table(show_header=False, box=None)
    summary.add_row("回答数", f"{r.total}（" + ", ".join(f"{k} {n}" for k, n in r.by_kind.items()) + "）")
    summary.add_row("回答辞退率", f"{_pct(r.refusal_rate)}（{r.refused} / {r.asks}）")
    summary.add_row("高評価の割合", f"{_pct(r.feedback_ratio)}（高評価 {r.feedback_up} / 低評価 {r.feedback_down}）")
    summary.add_row("担当者への引き継ぎ", str(r.escalations))
    out_console.print(summary)
    days = Table(title="日別・チャネル別")
    days.add_column("日付")
    for channel in r.channels:
        days.add_column(channel, justify="right")
    days.add_column("計", justify="right")
    for day, counts in r.per_day.items():
        if any(counts.values()):
            days.add_row(str(day), *(str(counts[c]) for c in r.channels), str(sum(counts.values())))
    out_console.print(days)
    top = Table(title="よくある質問")
    top.add_column("件数", justify="right")
    top.add_column("質問", overflow="fold")
    for question, n in r.top_questions:
        top.add_row(str(n), question)
    out_console.print(top)
    gaps = Table(title="資料の穴（辞退・低評価）")
    for name in ("質問", "件数", "辞退", "低評価", "最終"):
        gaps.add_column(name, overflow="fold", justify="left" if name in ("質問", "最終") else "right")
    for g in r.gaps[:20]:
        gaps.add_row(g.question, str(g.asked), str(g.refused), str(g.down), str(g.last_seen))
    out_console.print(gaps)
    print_gap_groups(r)


def print_gap_groups(report: UsageReport) -> None:
    """The gap section: declined, 👎 and consultations grouped by topic, with the closest existing source."""
    table = Table(title="資料の穴（話題別: 辞退・低評価・担当者への相談）")
    for name in ("話題", "計", "辞退", "低評価", "相談", "日別", "いちばん近い資料", "例"):
        table.add_column(name, overflow="fold")
    for g in report.gap_groups[:30]:
        days = ", ".join(f"{d:%m-%d}:{n}" for d, n in g.by_day.items())
        table.add_row(g.label, str(g.total), str(g.by_kind.get("declined", 0)), str(g.by_kind.get("down", 0)),
                      str(g.by_kind.get("consultation", 0)), days, g.closest or "—", g.items[0].question[:60])
    out_console.print(table)


def _gap_search() -> object:
    """The desk's own BM25 retrieval for naming each gap's closest source; None without an index."""
    from bot.desk import Desk

    desk = Desk(settings())
    try:
        desk.search("支援", k=1, mode="bm25")
    except Exception:
        return None
    return lambda q, k=1: desk.search(q, k=k, mode="bm25")


def report(
    since: str = typer.Option(None, "--since", help="集計の開始日（YYYY-MM-DD、既定: 30日前）"),
    until: str = typer.Option(None, "--until", help="集計の終了日（YYYY-MM-DD、既定: 今日）"),
    html: Path = typer.Option(None, "--html", help="HTML レポートの出力先（グラフ入り、1ファイルで完結）"),
    top: int = typer.Option(10, "--top", min=1, max=100, help="よくある質問の件数"),
) -> None:
    """Usage report: questions per day and channel, refusal rate, feedback, top questions, corpus gaps."""
    from bot.audit.log import open_audit_log
    from bot.audit.usage_report import build_report

    audit = open_audit_log(settings())
    search = _gap_search()
    result = _guard(lambda: build_report(audit, parse_date(since, "--since"), parse_date(until, "--until"), top, search))
    if html is None:
        print_summary(result)
        return
    from bot.audit.usage_report_html import write_html

    path = write_html(result, html)
    out_console.print(f"レポートを書き出しました: {path}（回答 {result.total} 件）")


def register(app: typer.Typer) -> None:
    """Add ``log`` and ``report`` to the ``madoguchi`` command."""
    app.add_typer(log_app, name="log")
    app.command("report")(handle_errors(report))
