"""The audit log on PostgreSQL: same behaviour as SQLite, and no row lost when the server restarts."""

from __future__ import annotations

import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.audit.log import AuditLog, open_audit_log
from bot.config import Settings
from bot.desk import Desk
from bot.events import DeskEvent

pytestmark = pytest.mark.services

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
ANSWERABLE = "コネクター度の定義は？"


def _cluster() -> list[str]:
    version = sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def _ctl(action: str) -> None:
    subprocess.run([*_cluster(), action], check=True, capture_output=True, timeout=120)


def _connect():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5)


def _wait_up(deadline: float = 60.0) -> None:
    end = time.monotonic() + deadline
    while True:
        try:
            _connect().close()
            return
        except Exception:
            if time.monotonic() > end:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def pg_server() -> None:
    """PostgreSQL on 127.0.0.1:5432 (started with pg_ctlcluster when down; skipped if it cannot be)."""
    try:
        _connect().close()
        return
    except Exception as first:
        reason = str(first)
    try:
        _ctl("start")
        _wait_up(30)
    except Exception as exc:
        pytest.skip(f"PostgreSQL at {ADMIN_DSN} is not reachable and could not be started: {reason} / {exc}")


@pytest.fixture()
def pg_url(pg_server: None) -> Iterator[str]:
    """A SQLAlchemy URL whose search_path is a fresh schema (dropped afterwards)."""
    schema = f"audit_test_{uuid.uuid4().hex[:12]}"
    with _connect() as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}"
    _wait_up()
    with _connect() as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture()
def pg_audit(pg_url: str, tmp_path: Path) -> Iterator[AuditLog]:
    """An audit log on PostgreSQL."""
    audit = open_audit_log(Settings(data_dir=tmp_path, database_url=pg_url, _env_file=None))  # type: ignore[call-arg]
    yield audit
    audit.close()


def _event(answer_id: str, question: str = "地域未来交付金とは") -> DeskEvent:
    return DeskEvent(kind="ask", channel="api", audience="staff", question=question, answer_id=answer_id,
                     text="回答", refused=False, latency_ms=12.5, meta={"mode": "extractive"})


def test_answers_and_feedback_on_postgresql(desk: Desk, pg_audit: AuditLog, pg_url: str) -> None:
    desk.listeners.append(pg_audit.listener)
    try:
        answer = desk.ask(f"{ANSWERABLE} 連絡先 090-1234-5678", channel="widget")
        declined = desk.ask("おすすめのラーメン屋を教えて", channel="slack")
    finally:
        desk.listeners.remove(pg_audit.listener)
    pg_audit.record_feedback(declined.answer_id, "down", "info@example.jp に連絡して")
    assert pg_audit.flush()
    assert pg_audit.count_answers() == 2
    row = pg_audit.answer(declined.answer_id)
    assert row is not None and row["refused"] is True and row["channel"] == "slack"
    assert [(f["rating"], f["comment"]) for f in row["feedback"]] == [("down", "[メールアドレス] に連絡して")]
    stored = pg_audit.answer(answer.answer_id)
    assert stored is not None and "090-1234-5678" not in stored["question"]
    assert stored["citations"] == [c.public() for c in answer.citations]
    with _connect() as conn:  # the schema came from the migrations, in this run's schema only
        schema = pg_url.rsplit("%3D", 1)[1]
        tables = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,))}
        version = conn.execute(f'SELECT version_num FROM "{schema}".alembic_version').fetchone()
    assert tables == {"alembic_version", "answers", "feedback", "escalations", "consultations", "consultation_replies"}
    assert version == ("0003",)  # the newest revision: every migration ran, in order


@pytest.mark.slow
def test_no_row_is_lost_when_postgresql_restarts(desk: Desk, pg_audit: AuditLog) -> None:
    pg_audit.listener(_event("warm-up"))
    assert pg_audit.flush()

    # 1. A stream of answers while the server restarts.
    stop = threading.Event()
    sent: list[str] = []

    def produce() -> None:
        while not stop.is_set():
            answer_id = uuid.uuid4().hex
            pg_audit.listener(_event(answer_id))
            sent.append(answer_id)
            time.sleep(0.01)

    producer = threading.Thread(target=produce)
    producer.start()
    try:
        _ctl("restart")
    finally:
        stop.set()
        producer.join()

    # 2. Answers (from the real desk) while the server is down stay queued; feedback on them is accepted.
    _ctl("stop")
    try:
        desk.listeners.append(pg_audit.listener)
        try:
            down_answers = [desk.ask(ANSWERABLE, channel="api") for _ in range(3)]
        finally:
            desk.listeners.remove(pg_audit.listener)
        failures = pg_audit._writer.failures
        end = time.monotonic() + 60
        while pg_audit._writer.failures == failures and time.monotonic() < end:
            time.sleep(0.05)
        assert pg_audit._writer.failures > failures, "writes should fail while the server is down"
        assert pg_audit.pending() >= 3
        pg_audit.record_feedback(down_answers[0].answer_id, "up")
    finally:
        _ctl("start")
        _wait_up()

    assert pg_audit.flush(120)
    expected = 1 + len(sent) + len(down_answers)
    assert pg_audit.count_answers() == expected
    assert all(pg_audit.answer(a.answer_id) is not None for a in down_answers)
    assert [f["rating"] for f in pg_audit.feedback(down_answers[0].answer_id)] == ["up"]
