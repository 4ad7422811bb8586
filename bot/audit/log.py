"""The audit log: every answer, feedback and escalation, PII-masked, written without ever blocking an answer."""

from __future__ import annotations

import atexit
import json
import logging
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.audit.pii import build_masker
from bot.audit.store import AuditStore, Row, is_permanent, sqlite_url
from bot.audit.writer import QueueWriter
from bot.config import Settings
from bot.events import DeskEvent, request_id
from bot.metrics import llm_usage
from retrieval.errors import Code, DeskError

log = logging.getLogger("madoguchi.audit")
RATINGS = ("up", "down")
MAX_STORED_CHARS = 20_000  # a plan pasted into match/precheck is kept up to this length
MAX_COMMENT_CHARS = 2_000
KNOWN_IDS = 50_000  # recently written answer ids remembered for feedback checks without a query
EXIT_FLUSH_SECONDS = 5.0
LINGER_SECONDS = 0.1  # an answer waits this long for others to share its commit (one commit per answer cost ≈ 7 %)


def _clip(text: str | None, limit: int) -> str:
    text = (text or "").replace("\x00", "")
    return text if len(text) <= limit else text[:limit] + "…（以下省略）"


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _prompt_version(meta: dict[str, Any]) -> str | None:
    rewrite = meta.get("llm_rewrite")
    rewrite = rewrite if isinstance(rewrite, dict) else {}
    version = meta.get("prompt_version") or rewrite.get("prompt_version")
    return str(version)[:64] if version else None


@dataclass
class _Answered:
    """An answered request as its listener saw it; the writer thread turns it into its masked row."""

    event: DeskEvent
    citations: list[Any]
    meta: dict[str, Any]
    created_at: datetime
    request_id: str | None
    row: Row | None = None  # made on the writer thread
    failed: bool = False  # the row could not be made (a bug): dropped, never remembered as stored
    table: str = "answers"

    @property
    def answer_id(self) -> str:
        """The answer's id (what feedback refers to)."""
        return self.event.answer_id


Item = Row | _Answered


def _answer_id(item: Item) -> str:
    return item.answer_id if isinstance(item, _Answered) else str(item.values["answer_id"])


class AuditLog:
    """Records answers, feedback and escalations; ``listener`` attaches to ``desk.listeners``."""

    def __init__(self, settings: Settings, url: str | None = None) -> None:
        self.settings = settings
        self.store = AuditStore(url or settings.database_url or sqlite_url(settings.data_dir))
        self.masker = build_masker(tuple(settings.pii_patterns), settings.mask_pii)
        self.dropped = 0  # rows refused (queue full) or rejected by the database for good
        self._lock = threading.Lock()
        self._pending: dict[str, int] = {}  # answer id → answer rows queued, not yet written
        self._known: OrderedDict[str, None] = OrderedDict()
        self._opened = False
        self._writer: QueueWriter[Item] = QueueWriter(
            self._write,
            max_items=settings.audit_queue_max,
            on_written=self._written,
            on_failure=self._failed,
            on_tick=self._maybe_purge,
            tick_seconds=3600.0,
            linger=LINGER_SECONDS,
        )
        self._last_purge: datetime | None = None

    # --- the doors call these -------------------------------------------------------------------
    def listener(self, event: DeskEvent) -> None:
        """Queue one answered request for storage; returns at once and never raises.

        Only the event is queued here (its id becomes known to feedback at once): masking PII, normalizing and
        encoding happen on the writer thread, before anything is stored (``_row``)."""
        try:
            item = _Answered(event, list(event.citations or []), dict(event.meta or {}), datetime.now(UTC),
                             event.request_id or request_id.get() or None)
            with self._lock:
                self._pending[event.answer_id] = self._pending.get(event.answer_id, 0) + 1
            self._enqueue(item)
        except Exception:
            log.exception("audit listener failed; answer %s not recorded", getattr(event, "answer_id", "?"))

    def _row(self, item: _Answered) -> Row:
        """The stored form of an answered request: question, answer and meta PII-masked, clipped, JSON-safe."""
        event, mask = item.event, self.masker.mask
        meta = _json_safe(item.meta)
        return Row(
            "answers",
            {
                "answer_id": event.answer_id[:64],
                "created_at": item.created_at,
                "kind": event.kind[:16],
                "channel": (event.channel or "unknown")[:32],
                "audience": (event.audience or "")[:16],
                "question": mask(_clip(event.question, MAX_STORED_CHARS)) or "",
                "answer_text": mask(_clip(event.text, MAX_STORED_CHARS)) or "",
                "refused": bool(event.refused),
                "citations": _json_safe(item.citations),
                "latency_ms": float(event.latency_ms or 0.0),
                "mode": str(meta.get("mode") or "")[:32] or None,
                "prompt_version": _prompt_version(meta),
                "llm_usage": llm_usage(meta),
                "meta": self.masker.mask_obj(meta),
                "request_id": item.request_id,
            },
        )

    def _rows(self, batch: list[Item]) -> list[Row]:
        """The batch's rows, answers masked now (an answer that cannot be made into a row is logged and dropped)."""
        rows = []
        for item in batch:
            if isinstance(item, Row):
                rows.append(item)
                continue
            if item.failed:
                continue
            try:
                if item.row is None:  # masked once: a retried batch writes the same rows again
                    item.row = self._row(item)
                rows.append(item.row)
            except Exception:
                item.failed = True
                self.dropped += 1
                log.exception("audit row failed; answer %s not recorded", item.answer_id)
        return rows

    def record_feedback(
        self, answer_id: str, rating: str, comment: str | None = None, channel: str = "api", rater: str | None = None
    ) -> None:
        """Record 👍 (``up``) or 👎 (``down``) on an answer (a rater's new rating replaces their earlier one)."""
        if rating not in RATINGS:
            raise DeskError(Code.INVALID_INPUT, "評価は up（役に立った）か down（役に立たなかった）で指定してください。")
        if comment is not None and len(comment) > MAX_COMMENT_CHARS:
            raise DeskError(Code.TOO_LONG, f"コメントが長すぎます（{MAX_COMMENT_CHARS}文字まで）。")
        self._require_answer(answer_id)
        text = self.masker.mask(_clip(comment, MAX_COMMENT_CHARS)) if comment else None
        values = {"id": uuid.uuid4().hex, "answer_id": answer_id, "created_at": datetime.now(UTC),
                  "rating": rating, "comment": text, "channel": (channel or "api")[:32],
                  "rater": rater[:64] if rater else None}
        self._enqueue(Row("feedback", values))

    def record_escalation(self, answer_id: str, channel: str, target: str, note: str = "") -> None:
        """Record that an answer was handed to a person (``target``: a Slack channel, a window, …)."""
        self._require_answer(answer_id)
        values = {"id": uuid.uuid4().hex, "answer_id": answer_id, "created_at": datetime.now(UTC),
                  "channel": (channel or "api")[:32], "target": _clip(target, 200)[:200],
                  "note": self.masker.mask(_clip(note, MAX_COMMENT_CHARS)) or ""}
        self._enqueue(Row("escalations", values))

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued is written; False when ``timeout`` passed first."""
        return self._writer.flush(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Flush (up to ``timeout``), stop the writer and release the database connections."""
        self._writer.close(timeout)
        self.store.dispose()
        with _CACHE_LOCK:
            for key, value in list(_CACHE.items()):
                if value is self:
                    del _CACHE[key]

    def pending(self) -> int:
        """Rows queued and not yet written (e.g. while the database restarts)."""
        return self._writer.pending()

    # --- reads (stored rows only; call ``flush`` first to read your own writes) -------------
    def count_answers(self) -> int:
        """Number of stored answers."""
        self._open()
        return self.store.count("answers")

    def answer(self, answer_id: str) -> dict[str, Any] | None:
        """A stored answer with its ``feedback`` and ``escalations`` lists, or None."""
        self._open()
        return self.store.answer(answer_id)

    def feedback(self, answer_id: str) -> list[dict[str, Any]]:
        """Feedback rows stored for an answer, oldest first."""
        self._open()
        return self.store.children("feedback", answer_id)

    def escalations(self, answer_id: str) -> list[dict[str, Any]]:
        """Escalation rows stored for an answer, oldest first."""
        self._open()
        return self.store.children("escalations", answer_id)

    def purge(self, before: datetime) -> dict[str, int]:
        """Delete answers (with their feedback and escalations) created before ``before``."""
        self._open()
        counts = self.store.purge(before)
        with self._lock:
            self._known.clear()
        return counts

    def purge_expired(self) -> dict[str, int]:
        """Delete what is older than ``log_retention_days``."""
        self._last_purge = datetime.now(UTC)
        return self.purge(self._last_purge - timedelta(days=self.settings.log_retention_days))

    # --- internals ----------------------------------------------------------------------------------
    def _open(self) -> None:
        """Migrate on first use, then purge expired rows once (the log "opens")."""
        if self.store.ensure_schema() or not self._opened:
            self._opened = True
            try:
                self.purge_expired()
            except Exception as exc:
                log.warning("audit retention purge failed: %s", exc)

    def _maybe_purge(self) -> None:
        if self._last_purge is None or datetime.now(UTC) - self._last_purge >= timedelta(days=1):
            self.purge_expired()

    def _enqueue(self, item: Item) -> None:
        if self._writer.put(item):
            _metrics_call("set_log_queue", self._writer.pending())
            return
        self.dropped += 1
        if item.table == "answers":
            self._forget_pending([item])
        log.error("audit queue full (%d rows); %s row dropped", self.settings.audit_queue_max, item.table)
        _metrics_call("log_write_failed")

    def _write(self, batch: list[Item]) -> None:
        if not self._opened:
            self._open()
        rows = self._rows(batch)
        if not rows:
            return
        try:
            self.store.write(rows)
        except Exception as exc:
            if not is_permanent(exc):
                raise
            rejected = self.store.write_each(rows)
            self.dropped += len(rejected)

    def _written(self, batch: list[Item]) -> None:
        self._forget_pending(batch, remember=True)
        _metrics_call("set_log_queue", self._writer.pending())

    def _failed(self, exc: BaseException, queued: int) -> None:
        _metrics_call("log_write_failed")
        _metrics_call("set_log_queue", queued)

    def _forget_pending(self, items: list[Item], remember: bool = False) -> None:
        with self._lock:
            for item in items:
                if item.table != "answers":
                    continue
                answer_id = _answer_id(item)
                left = self._pending.get(answer_id, 0) - 1
                if left > 0:
                    self._pending[answer_id] = left
                else:
                    self._pending.pop(answer_id, None)
                if remember and not (isinstance(item, _Answered) and item.failed):
                    self._known[answer_id] = None
                    self._known.move_to_end(answer_id)
                    while len(self._known) > KNOWN_IDS:
                        self._known.popitem(last=False)

    def _require_answer(self, answer_id: str) -> None:
        """Raise NOT_FOUND unless the answer is queued, recently written, or stored."""
        if not isinstance(answer_id, str) or not answer_id or len(answer_id) > 64:
            raise DeskError(Code.NOT_FOUND, "指定された回答が見つかりません。")
        with self._lock:
            if answer_id in self._pending or answer_id in self._known:
                return
        try:
            self._open()
            found = self.store.exists(answer_id)
        except Exception as exc:
            log.warning("audit lookup of answer %s failed: %s", answer_id, exc)
            raise DeskError(
                Code.STORE_UNAVAILABLE, "記録用データベースに接続できません。", "しばらくしてからもう一度お試しください。"
            ) from None
        if not found:
            raise DeskError(Code.NOT_FOUND, "指定された回答が見つかりません。回答IDを確認してください。")
        with self._lock:
            self._known[answer_id] = None


def _metrics_call(name: str, *args: Any) -> None:
    """Update the Prometheus metrics if available (never raises)."""
    try:
        from bot.metrics import get_metrics

        getattr(get_metrics(), name)(*args)
    except Exception:
        log.debug("metrics update %s failed", name, exc_info=True)


_CACHE: dict[str, AuditLog] = {}
_CACHE_LOCK = threading.Lock()
_EXIT_HOOK = False


def open_audit_log(settings: Settings) -> AuditLog:
    """The audit log of these settings (one per database URL / data dir); the schema is made on first use."""
    global _EXIT_HOOK
    key = settings.database_url or sqlite_url(settings.data_dir)
    with _CACHE_LOCK:
        audit = _CACHE.get(key)
        if audit is None:
            audit = _CACHE[key] = AuditLog(settings, key)
            if not _EXIT_HOOK:
                atexit.register(close_all)
                _EXIT_HOOK = True
        return audit


def close_all(timeout: float = EXIT_FLUSH_SECONDS) -> None:
    """Flush and close every open audit log (registered at exit so a CLI run keeps its rows)."""
    with _CACHE_LOCK:
        logs = list(_CACHE.values())
    for audit in logs:
        try:
            audit.close(timeout)
        except Exception:
            log.exception("closing the audit log failed")
