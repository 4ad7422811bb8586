"""Consultations on PostgreSQL: migration 0002, create, answer, FAQ mark and purge on a fresh database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.audit.consultations import Contact, consultation_store
from bot.audit.log import AuditLog
from bot.config import Settings

pytestmark = pytest.mark.services
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture()
def pg_url() -> Iterator[str]:
    """A fresh database on the local PostgreSQL (skipped when there is none)."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5)
    except Exception as exc:
        pytest.skip(f"PostgreSQL is not reachable on 127.0.0.1:5432 ({exc})")
    name = f"consult_{uuid.uuid4().hex[:12]}"
    admin.execute(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.close()


def test_consultations_live_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, database_url=pg_url, _env_file=None)  # type: ignore[call-arg]
    audit = AuditLog(settings)
    store = consultation_store(audit.store)
    row, token = store.create(question="PostgreSQL での相談", conversation=[{"role": "user", "content": "前の質問"}],
                              attempt={"text": "辞退", "refused": True, "citations": []}, answer_id=None,
                              contact=Contact(name="山田", phone="03-1234-5678"), consent=True, origin="http://x",
                              page_url=None, channel="widget", staff_channel="C1")
    store.set_slack(row["id"], "C1", "1700000000.000100")
    assert store.by_thread("C1", "1700000000.000100")["id"] == row["id"]  # type: ignore[index]
    reply = store.reply(row["id"], "回答です", author="U1", via="slack")
    assert store.mark_faq(reply["id"]) and store.faq_candidates()[0]["question"] == "PostgreSQL での相談"
    seen = store.for_asker(row["id"], token)
    assert seen is not None and seen["status"] == "answered" and seen["replies"][0]["text"] == "回答です"
    counts = audit.purge(datetime.now(UTC) + timedelta(seconds=5))
    assert counts["consultations"] == 1 and counts["consultation_replies"] == 1
    audit.close()
