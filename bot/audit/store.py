"""The audit-log database: engine, Alembic migration in code, batched writes, reads and purge."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.audit.models import answers, consultation_replies, consultations, escalations, feedback, metadata

log = logging.getLogger("madoguchi.audit")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_FILE = "audit.sqlite3"
# Errors that retrying can never fix (a constraint or a bad value): such a row is dropped, not retried forever.
def is_permanent(exc: BaseException) -> bool:
    """True for an error that retrying cannot fix: a constraint, a bad value, an unbindable parameter."""
    if isinstance(exc, sa.exc.IntegrityError | sa.exc.DataError):
        return not exc.connection_invalidated
    return isinstance(exc, sa.exc.StatementError) and not isinstance(exc, sa.exc.DBAPIError)


@dataclass
class Row:
    """One row waiting to be written: table name and column values."""

    table: str  # "answers" | "feedback" | "escalations"
    values: dict[str, Any]


def sqlite_url(data_dir: Path) -> str:
    """The default audit-log URL: a SQLite file under the data dir."""
    return f"sqlite:///{(data_dir / SQLITE_FILE).resolve()}"


def make_engine(url: str) -> sa.Engine:
    """An engine tuned for the log: WAL + busy timeout on SQLite; pre-ping + short connect timeout elsewhere."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, hide_parameters=True, connect_args={"check_same_thread": False, "timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = 5
    return sa.create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def migrate(engine: sa.Engine) -> None:
    """Upgrade the schema to the newest revision shipped in ``bot/audit/migrations`` (no alembic.ini)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _as_dict(row: sa.Row[Any]) -> dict[str, Any]:
    return {key: _iso(value) for key, value in row._mapping.items()}


class AuditStore:
    """Reads and writes the audit tables; the schema is migrated once, on first use."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._engine: sa.Engine | None = None
        self._migrated = False

    @property
    def engine(self) -> sa.Engine:
        """The engine, created on first use."""
        with self._lock:
            if self._engine is None:
                self._engine = make_engine(self.url)
            return self._engine

    @property
    def dialect(self) -> str:
        """``sqlite``, ``postgresql``, …"""
        return sa.make_url(self.url).get_backend_name()

    def ensure_schema(self) -> bool:
        """Migrate the schema if not done yet in this process; True when this call did it."""
        engine = self.engine
        with self._lock:
            if self._migrated:
                return False
            if self.dialect == "sqlite" and engine.url.database not in (None, "", ":memory:"):
                from filelock import FileLock

                with FileLock(f"{engine.url.database}.lock", timeout=60):
                    migrate(engine)
            else:
                migrate(engine)
            self._migrated = True
            return True

    # --- writes ------------------------------------------------------------------------------
    def _insert(self, table: sa.Table) -> Any:
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing()
        if self.dialect == "sqlite":
            return sqlite.insert(table).on_conflict_do_nothing()
        return sa.insert(table)

    def write(self, rows: Sequence[Row]) -> None:
        """Insert a batch in one transaction (answers first); re-running it is harmless (no duplicates)."""
        self.ensure_schema()
        with self.engine.begin() as conn:
            for table in (answers, feedback, escalations):
                values = [r.values for r in rows if r.table == table.name]
                if table is feedback:
                    self._replace_ratings(conn, values)
                if values:
                    conn.execute(self._insert(table), values)

    @staticmethod
    def _replace_ratings(conn: sa.Connection, values: list[dict[str, Any]]) -> None:
        """One rating per answer and rater: a new rating replaces the rater's earlier one (in the same batch too)."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for value in values:
            if value.get("rater"):
                latest[(value["answer_id"], value["rater"])] = value
        for answer_id, rater in latest:
            conn.execute(sa.delete(feedback).where(feedback.c.answer_id == answer_id, feedback.c.rater == rater))
        keep = [v for v in values if not v.get("rater") or latest[(v["answer_id"], v["rater"])] is v]
        values[:] = keep

    def write_each(self, rows: Iterable[Row]) -> list[Row]:
        """Insert rows one by one; return the rows rejected for good (constraint or bad value)."""
        rejected: list[Row] = []
        for row in sorted(rows, key=lambda r: r.table != "answers"):
            try:
                self.write([row])
            except Exception as exc:
                if not is_permanent(exc):
                    raise
                log.error("audit row rejected by the database, dropped: %s %s", row.table, exc)
                rejected.append(row)
        return rejected

    # --- reads --------------------------------------------------------------------------------
    def exists(self, answer_id: str) -> bool:
        """True when an answer with this id is stored."""
        self.ensure_schema()
        with self.engine.connect() as conn:
            query = sa.select(answers.c.answer_id).where(answers.c.answer_id == answer_id)
            return conn.execute(query).first() is not None

    def answer(self, answer_id: str) -> dict[str, Any] | None:
        """One stored answer with its feedback and escalations, or None."""
        self.ensure_schema()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(answers).where(answers.c.answer_id == answer_id)).first()
            if row is None:
                return None
            result = _as_dict(row)
            result["feedback"] = self._children(conn, feedback, answer_id)
            result["escalations"] = self._children(conn, escalations, answer_id)
            return result

    def _children(self, conn: sa.Connection, table: sa.Table, answer_id: str) -> list[dict[str, Any]]:
        query = sa.select(table).where(table.c.answer_id == answer_id).order_by(table.c.created_at)
        return [_as_dict(r) for r in conn.execute(query)]

    def children(self, table_name: str, answer_id: str) -> list[dict[str, Any]]:
        """Feedback or escalation rows of one answer, oldest first."""
        self.ensure_schema()
        with self.engine.connect() as conn:
            return self._children(conn, metadata.tables[table_name], answer_id)

    def count(self, table_name: str = "answers") -> int:
        """Number of stored rows in a table."""
        self.ensure_schema()
        with self.engine.connect() as conn:
            table = metadata.tables[table_name]
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    def load_usage(self, since: datetime, until: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
        """Answers created in [since, until) with the feedback and escalations on them (for the report)."""
        self.ensure_schema()
        window = answers.c.created_at >= since
        if until is not None:
            window = sa.and_(window, answers.c.created_at < until)
        cols = [answers.c[name] for name in ("answer_id", "created_at", "kind", "channel", "audience", "question", "refused", "mode", "latency_ms")]
        in_window = sa.select(answers.c.answer_id).where(window)
        with self.engine.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(sa.select(*cols).where(window).order_by(answers.c.created_at))]
            fb = [dict(r._mapping) for r in conn.execute(
                sa.select(feedback.c.id, feedback.c.answer_id, feedback.c.rating, feedback.c.channel, feedback.c.created_at,
                          feedback.c.rater)
                .where(feedback.c.answer_id.in_(in_window))
            )]
            esc = [dict(r._mapping) for r in conn.execute(
                sa.select(escalations.c.answer_id, escalations.c.channel, escalations.c.created_at)
                .where(escalations.c.answer_id.in_(in_window))
            )]
        return {"answers": rows, "feedback": fb, "escalations": esc}

    def purge(self, before: datetime) -> dict[str, int]:
        """Delete answers (with feedback and escalations) and consultations (with replies) created before ``before``."""
        self.ensure_schema()
        old = sa.select(answers.c.answer_id).where(answers.c.created_at < before)
        counts: dict[str, int] = {}
        with self.engine.begin() as conn:
            for table in (feedback, escalations):
                counts[table.name] = conn.execute(sa.delete(table).where(table.c.answer_id.in_(old))).rowcount
            counts["answers"] = conn.execute(sa.delete(answers).where(answers.c.created_at < before)).rowcount
            old_consultations = sa.select(consultations.c.id).where(consultations.c.created_at < before)
            counts["consultation_replies"] = conn.execute(
                sa.delete(consultation_replies).where(consultation_replies.c.consultation_id.in_(old_consultations))
            ).rowcount
            counts["consultations"] = conn.execute(sa.delete(consultations).where(consultations.c.created_at < before)).rowcount
        return counts

    def dispose(self) -> None:
        """Close the pooled connections."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
