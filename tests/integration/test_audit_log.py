"""The audit log on SQLite: answers from a real Desk recorded, feedback joined, retries, purge, CLI rows kept."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.audit.log import AuditLog, open_audit_log
from bot.audit.models import answers
from bot.config import Settings
from bot.desk import Desk
from bot.events import DeskEvent, request_id
from bot.metrics import get_metrics
from retrieval.errors import Code, DeskError

ANSWERABLE = "コネクター度の定義は？"
OUT_OF_SCOPE = "おすすめのラーメン屋を教えて"
MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))


def wait_until(predicate, what: str, deadline: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Poll until ``predicate()`` holds (a generous deadline, not a timing assertion)."""
    end = time.monotonic() + deadline
    while not predicate():
        if time.monotonic() > end:
            pytest.fail(f"gave up waiting for: {what}")
        time.sleep(0.05)


@pytest.fixture()
def audit(tmp_path: Path) -> Iterator[AuditLog]:
    """A fresh SQLite audit log under a temp data dir."""
    log = open_audit_log(Settings(data_dir=tmp_path, _env_file=None))  # type: ignore[call-arg]
    yield log
    log.close()


@pytest.fixture()
def recorded(desk: Desk, audit: AuditLog) -> Iterator[Desk]:
    """The session desk with the audit log attached (detached afterwards)."""
    desk.listeners.append(audit.listener)
    yield desk
    desk.listeners.remove(audit.listener)


def _backdate(audit: AuditLog, answer_id: str, days: int) -> None:
    with audit.store.engine.begin() as conn:
        old = datetime.now(UTC) - timedelta(days=days)
        conn.execute(sa.update(answers).where(answers.c.answer_id == answer_id).values(created_at=old))


def test_every_answer_is_recorded_with_channel_citations_and_masked_question(recorded: Desk, audit: AuditLog) -> None:
    answered = recorded.ask(ANSWERABLE, channel="widget", audience="public")
    declined = recorded.ask(f"{OUT_OF_SCOPE}。連絡は taro@example.jp か 090-1234-5678 へ", channel="slack")
    assert audit.flush()
    assert audit.count_answers() == 2

    row = audit.answer(answered.answer_id)
    assert row is not None
    assert (row["kind"], row["channel"], row["audience"], row["refused"]) == ("ask", "widget", "public", False)
    assert row["answer_text"] == answered.text
    assert row["citations"] == [c.public() for c in answered.citations] and row["citations"]
    assert row["latency_ms"] == answered.meta["latency_ms"]
    assert row["mode"] == "extractive"

    refused = audit.answer(declined.answer_id)
    assert refused is not None and refused["refused"] is True and refused["channel"] == "slack"
    assert "090-1234-5678" not in refused["question"] and "taro@example.jp" not in refused["question"]
    assert "[電話番号]" in refused["question"] and "[メールアドレス]" in refused["question"]
    assert "090-1234-5678" not in str(refused["meta"])
    assert refused["meta"]["reason"] == declined.meta["reason"] and declined.refused  # why it was declined, as answered


def test_feedback_and_escalations_are_joined_by_answer_id(recorded: Desk, audit: AuditLog) -> None:
    answer = recorded.ask(ANSWERABLE, channel="slack")
    audit.record_feedback(answer.answer_id, "down", "電話 03-1234-5678 で聞いた話と違う", channel="slack")
    audit.record_feedback(answer.answer_id, "up")
    audit.record_escalation(answer.answer_id, channel="slack", target="#madoguchi-escalation", note="担当者確認")
    assert audit.flush()

    ratings = [(f["rating"], f["channel"], f["comment"]) for f in audit.feedback(answer.answer_id)]
    assert ratings == [("down", "slack", "電話 [電話番号] で聞いた話と違う"), ("up", "api", None)]
    row = audit.answer(answer.answer_id)
    assert row is not None
    assert [f["rating"] for f in row["feedback"]] == ["down", "up"]
    assert [(e["target"], e["note"]) for e in row["escalations"]] == [("#madoguchi-escalation", "担当者確認")]


def test_unknown_answer_id_and_bad_rating_are_rejected(recorded: Desk, audit: AuditLog) -> None:
    answer = recorded.ask(ANSWERABLE)
    with pytest.raises(DeskError) as unknown:
        audit.record_feedback("0" * 32, "up")
    assert unknown.value.code is Code.NOT_FOUND and unknown.value.code.caller_can_fix
    with pytest.raises(DeskError) as bad:
        audit.record_feedback(answer.answer_id, "great")
    assert bad.value.code is Code.INVALID_INPUT
    with pytest.raises(DeskError) as escalation:
        audit.record_escalation("no-such-answer", channel="slack", target="#x")
    assert escalation.value.code is Code.NOT_FOUND
    assert audit.flush() and audit.feedback(answer.answer_id) == []


def test_feedback_on_an_answer_still_queued_is_accepted(recorded: Desk, audit: AuditLog) -> None:
    recorded.ask(ANSWERABLE)
    assert audit.flush()  # schema exists; now hold the database's write lock from another connection
    db = sqlite3.connect(audit.store.engine.url.database, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    try:
        answer = recorded.ask(ANSWERABLE, channel="widget")
        wait_until(lambda: audit.pending() >= 1, "the answer to wait in the queue")
        audit.record_feedback(answer.answer_id, "up", channel="widget")  # known although not yet written
        assert audit.pending() >= 1
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert audit.flush(60)
    assert [f["rating"] for f in audit.feedback(answer.answer_id)] == ["up"]


def test_a_failing_listener_never_fails_the_answer_and_the_log_still_records(desk: Desk, audit: AuditLog) -> None:
    def broken(event: DeskEvent) -> None:
        raise RuntimeError("listener bug")

    desk.listeners[:0] = [broken]
    desk.listeners.append(audit.listener)
    try:
        answer = desk.ask(ANSWERABLE)
    finally:
        desk.listeners.remove(broken)
        desk.listeners.remove(audit.listener)
    assert not answer.refused
    assert audit.flush() and audit.answer(answer.answer_id) is not None


def test_the_request_id_follows_the_answer_into_the_log(recorded: Desk, audit: AuditLog) -> None:
    token = request_id.set("req-from-door-42")
    try:
        answer = recorded.ask(ANSWERABLE, channel="api")
    finally:
        request_id.reset(token)
    assert audit.flush()
    row = audit.answer(answer.answer_id)
    assert row is not None and row["request_id"] == "req-from-door-42"


def test_failed_writes_are_retried_counted_and_nothing_is_lost(tmp_path: Path, desk: Desk) -> None:
    blocker = tmp_path / "db"
    blocker.write_text("not a directory")  # the database's directory cannot be created yet
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{blocker}/audit.sqlite3", _env_file=None)  # type: ignore[call-arg]
    audit = open_audit_log(settings)
    failures_before = get_metrics().log_write_failures._value.get()
    desk.listeners.append(audit.listener)
    try:
        ids = [desk.ask(ANSWERABLE, channel="api").answer_id for _ in range(3)]
        wait_until(lambda: audit._writer.failures >= 2, "two failed write attempts")
        assert audit.pending() == 3
        assert get_metrics().log_write_failures._value.get() >= failures_before + 2
        blocker.unlink()  # the "database" comes back
        ids.append(desk.ask(OUT_OF_SCOPE, channel="api").answer_id)
        assert audit.flush(60)
    finally:
        desk.listeners.remove(audit.listener)
    assert audit.count_answers() == 4
    assert all(audit.answer(i) is not None for i in ids)
    audit.close()


def test_purge_removes_old_answers_with_their_feedback(recorded: Desk, audit: AuditLog) -> None:
    old = recorded.ask(ANSWERABLE)
    new = recorded.ask(OUT_OF_SCOPE)
    audit.record_feedback(old.answer_id, "down")
    assert audit.flush()
    _backdate(audit, old.answer_id, days=10)
    counts = audit.purge(datetime.now(UTC) - timedelta(days=5))
    assert counts == {"answers": 1, "feedback": 1, "escalations": 0, "consultations": 0, "consultation_replies": 0}
    assert audit.answer(old.answer_id) is None and audit.answer(new.answer_id) is not None


def test_cli_log_purge_before_a_date(recorded: Desk, audit: AuditLog, tmp_path: Path) -> None:
    old, new = recorded.ask(ANSWERABLE), recorded.ask(ANSWERABLE)
    audit.record_feedback(old.answer_id, "up")
    assert audit.flush()
    _backdate(audit, old.answer_id, days=100)  # older than the cutoff, within the 365-day retention
    cutoff = (datetime.now(UTC) - timedelta(days=30)).date().isoformat()
    env = {"MADOGUCHI_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([MADOGUCHI, "log", "purge", "--before", cutoff], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "回答 1 件" in done.stdout and "評価 1 件" in done.stdout
    assert audit.answer(old.answer_id) is None and audit.answer(new.answer_id) is not None
    bad = subprocess.run([MADOGUCHI, "log", "purge", "--before", "昨日"], env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "YYYY-MM-DD" in bad.stderr and "Traceback" not in bad.stderr


def test_rows_past_retention_are_purged_when_the_log_opens(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, log_retention_days=30, _env_file=None)  # type: ignore[call-arg]
    first = open_audit_log(settings)
    for answer_id in ("old", "recent"):
        first.listener(DeskEvent(kind="ask", channel="api", audience="staff", question="q", answer_id=answer_id,
                                 text="a", refused=False))
    assert first.flush()
    _backdate(first, "old", days=31)
    first.close()
    reopened = open_audit_log(settings)
    assert reopened is not first
    assert reopened.count_answers() == 1 and reopened.answer("recent") is not None
    reopened.close()


def test_a_cli_run_keeps_its_rows_when_the_process_exits(cli_env: dict[str, str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli-audit.sqlite3'}"
    script = (
        "from bot.desk import Desk\n"
        "from bot.cli.log import attach_cli_listeners\n"
        "desk = Desk()\n"
        "attach_cli_listeners(desk)\n"
        f"print(desk.ask({ANSWERABLE!r}, channel='cli').answer_id)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], env={**cli_env, "MADOGUCHI_DATABASE_URL": url},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    audit = open_audit_log(Settings(data_dir=tmp_path, database_url=url, _env_file=None))  # type: ignore[call-arg]
    row = audit.answer(done.stdout.strip())
    assert row is not None and row["channel"] == "cli"
    audit.close()


def test_listener_returns_while_the_database_is_busy(recorded: Desk, audit: AuditLog) -> None:
    recorded.ask(ANSWERABLE)
    assert audit.flush()
    db = sqlite3.connect(audit.store.engine.url.database, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    answered = threading.Event()
    try:
        worker = threading.Thread(target=lambda: (recorded.ask(ANSWERABLE), answered.set()))
        worker.start()
        worker.join(120)
        assert answered.is_set()  # the answer came back although its row cannot be written yet
        assert audit.pending() >= 1
    finally:
        db.execute("ROLLBACK")
        db.close()
    assert audit.flush(60) and audit.count_answers() == 2
