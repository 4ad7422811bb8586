"""CLI for staff without Slack: ``madoguchi consultations list|show|answer|close|faq``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.table import Table

from bot.cli.kit import handle_errors, out_console, print_json, settings
from bot.cli.log import _guard

if TYPE_CHECKING:
    from bot.audit.consultations import ConsultationStore

consultations_app = typer.Typer(help="担当者への相談（引き継ぎ）の一覧・回答・終了", no_args_is_help=True)
STATUS_JA = {"open": "未回答", "answered": "回答済み", "closed": "終了"}


def _store() -> ConsultationStore:
    from bot.audit.consultations import consultation_store
    from bot.audit.log import open_audit_log

    return consultation_store(open_audit_log(settings()).store)


def _to_slack(row: dict[str, Any], text: str) -> None:
    """Tell the consultation's Slack thread what was done here (when Slack is configured); never raises."""
    s = settings()
    if not (s.slack_bot_token and row.get("slack_ts")):
        return
    try:
        from bot.slack.app import web_client
        from bot.slack.consultations import post_thread_note

        post_thread_note(web_client(s), row, text)
    except Exception as exc:  # the answer is stored; Slack is a courtesy here
        out_console.print(f"（Slack のスレッドには書き込めませんでした: {exc}）", highlight=False)


@consultations_app.command("list")
@handle_errors
def list_(
    status: str = typer.Option(None, "--status", help="open | answered | closed"),
    limit: int = typer.Option(50, "--limit", min=1, max=500),
    json_out: bool = typer.Option(False, "--json", help="JSON で出力（連絡先は伏せ字）"),
) -> None:
    """List consultations, newest first (contacts masked)."""
    from bot.audit.consultations import mask_contact

    rows = _guard(lambda: _store().listing(status, limit))
    if json_out:
        print_json([{"id": r["id"], "status": r["status"], "created_at": r["created_at"], "question": r["question"],
                     "contact": mask_contact(r), "origin": r["origin"], "assignee": r["assignee"]} for r in rows])
        return
    table = Table(title=f"担当者への相談（{len(rows)} 件）")
    for name in ("受付番号", "受付日時", "状態", "担当", "相談内容"):
        table.add_column(name, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["created_at"][:16], STATUS_JA.get(r["status"], r["status"]), r["assignee"] or "",
                      r["question"][:80])
    out_console.print(table)


@consultations_app.command("show")
@handle_errors
def show(
    consultation_id: str = typer.Argument(..., help="受付番号"),
    contact: bool = typer.Option(False, "--contact", help="連絡先を伏せずに表示する"),
    json_out: bool = typer.Option(False, "--json"),
) -> None:
    """One consultation: question, conversation, the desk's attempt, contact, replies."""
    from bot.audit.consultations import full_contact, mask_contact

    row = _guard(lambda: _store().require(consultation_id))
    row.pop("token_hash", None)
    shown = full_contact(row) if contact else mask_contact(row)
    if json_out:
        for key in ("contact_name", "contact_email", "contact_phone"):
            if not contact:
                row.pop(key, None)
        print_json({**row, "contact": shown})
        return
    out = out_console.print
    out(f"[bold]受付番号[/] {row['id']}  {STATUS_JA.get(row['status'], row['status'])}  {row['created_at'][:16]}")
    out(f"[bold]受付元[/] {row['origin']}  [bold]連絡先[/] {shown}", highlight=False)
    out("[bold]相談内容[/]")
    out(row["question"], markup=False, highlight=False)
    for turn in row["conversation"]:
        who = "相談者" if turn["role"] == "user" else "窓口"
        out(f"  {who}: {turn['content'][:200]}", markup=False, highlight=False)
    if row["attempt"].get("text"):
        out("[bold]窓口の回答[/]" + ("（辞退）" if row["attempt"].get("refused") else ""))
        out(str(row["attempt"]["text"])[:800], markup=False, highlight=False)
    for reply in row["replies"]:
        out(f"[bold]担当者の回答[/]（{reply['author']}, {reply['created_at'][:16]}, 返信ID {reply['id']}）")
        out(reply["text"], markup=False, highlight=False)


@consultations_app.command("answer")
@handle_errors
def answer(
    consultation_id: str = typer.Argument(..., help="受付番号"),
    text: str = typer.Argument(..., help="回答（- で標準入力から読む）"),
    author: str = typer.Option("staff", "--author", help="回答した職員の名前"),
    faq: bool = typer.Option(False, "--faq", help="FAQ 候補にする"),
) -> None:
    """Answer a consultation: the asker's widget shows it (and it is e-mailed when SMTP is configured)."""
    import sys

    from bot.audit.notify import deliver_reply

    if text == "-":
        text = sys.stdin.read(20_000)
    store = _store()
    reply = _guard(lambda: deliver_reply(store, settings(), consultation_id, text, author=author, via="cli",
                                         faq_candidate=faq))
    row = store.require(consultation_id)
    _to_slack(row, f"コマンドラインから回答しました（{author}）:\n{reply['text']}")
    mail = "（メールでもお知らせしました）" if reply.get("notified") else ""
    out_console.print(f"回答を記録しました{mail}。相談者の画面に表示されます。返信ID {reply['id']}", highlight=False)


@consultations_app.command("close")
@handle_errors
def close(
    consultation_id: str = typer.Argument(..., help="受付番号"),
    reason: str = typer.Option("対応不要", "--reason", help="終了の理由"),
) -> None:
    """Close a consultation without (further) answer."""
    store = _store()
    _guard(lambda: store.close(consultation_id, reason))
    _to_slack(store.require(consultation_id), f"コマンドラインから終了しました: {reason}")
    out_console.print(f"相談 {consultation_id} を終了しました。", highlight=False)


@consultations_app.command("faq")
@handle_errors
def faq(
    mark: str = typer.Option(None, "--mark", help="この返信IDを FAQ 候補にする"),
    out: Path = typer.Option(None, "--out", help="候補を YAML で書き出すファイル（既定: 標準出力）"),
) -> None:
    """Mark a reply as a FAQ candidate, or export the candidates as catalog entries for review (never indexed)."""
    from bot.audit.gaps import faq_yaml
    from retrieval.errors import Code, DeskError

    store = _store()
    if mark:
        if not _guard(lambda: store.mark_faq(mark)):
            raise DeskError(Code.NOT_FOUND, "指定された返信が見つかりません。返信IDを確認してください。")
        out_console.print(f"返信 {mark} を FAQ 候補にしました。")
        return
    text = faq_yaml(_guard(store.faq_candidates))
    if out is None:
        typer.echo(text, nl=False)
        return
    out.write_text(text, encoding="utf-8")
    out_console.print(f"FAQ 候補を書き出しました: {out}（コーパスへは自動では入りません。確認して support_measures.yaml へ）")


def register(app: typer.Typer) -> None:
    """Add ``consultations`` to the ``madoguchi`` command."""
    app.add_typer(consultations_app, name="consultations")
