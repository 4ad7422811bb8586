"""Consultations: a question handed from the desk to staff, the staff's replies, and the asker's token.

Writes go straight to the database (not through the queued writer): a consultation the asker was told is
received must be stored, so a database fault becomes an error the asker sees, never a silent loss.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.audit.models import consultation_replies, consultations
from bot.audit.store import AuditStore
from retrieval.errors import Code, DeskError

STATUSES = ("open", "answered", "closed")
MAX_QUESTION = 4000
MAX_TURNS = 20
MAX_TURN_CHARS = 4000
MAX_REPLY = 4000
MAX_NAME = 100
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_PHONE_CHARS = re.compile(r"^[0-9０-９+＋()（）\-‐－ー \u3000]{6,30}$")
_ID = re.compile(r"^[0-9a-f]{32}$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # controls and lone surrogates
STORE_DOWN = DeskError(Code.STORE_UNAVAILABLE, "相談を記録するデータベースに接続できません。", "しばらくしてからもう一度お試しください。")


@dataclass(frozen=True)
class Contact:
    """How staff may reach the asker (all optional; shared only with consent)."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None

    @property
    def given(self) -> bool:
        """True when any contact detail was given."""
        return bool(self.name or self.email or self.phone)


def token_hash(token: str) -> str:
    """The stored form of an asker's token (sha256 hex); the token itself is never stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def _clean(text: str | None) -> str:
    return _CONTROL.sub("", text or "").strip()


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def check_contact(contact: Contact, consent: bool) -> Contact:
    """Validate the contact fields; a clear Japanese error for each problem."""
    name = _clean(contact.name) or None
    email = _clean(contact.email) or None
    phone = _clean(contact.phone) or None
    if name and len(name) > MAX_NAME:
        raise DeskError(Code.TOO_LONG, f"お名前が長すぎます（{MAX_NAME}文字まで）。")
    if email and (len(email) > 254 or not _EMAIL.match(email)):
        raise DeskError(Code.INVALID_INPUT, "メールアドレスの形式が正しくありません（例: taro@example.jp）。")
    if phone and (not _PHONE_CHARS.match(phone) or not 10 <= len(_digits(phone)) <= 11):
        raise DeskError(Code.INVALID_INPUT, "電話番号の形式が正しくありません（例: 0123-45-6789）。")
    checked = Contact(name, email, phone)
    if checked.given and not consent:
        raise DeskError(
            Code.INVALID_INPUT,
            "お名前・連絡先を担当者に伝えることへの同意がありません。",
            "同意の欄にチェックを入れるか、連絡先を空欄にしてください。",
        )
    return checked


def check_question(question: str) -> str:
    """The question, cleaned; empty or too long is refused in Japanese."""
    if "\x00" in (question or ""):
        raise DeskError(Code.BINARY_INPUT, "相談内容に読み取れない文字が含まれています。")
    text = _clean(question)
    if not text:
        raise DeskError(Code.EMPTY_INPUT, "相談内容を入力してください。")
    if len(text) > MAX_QUESTION:
        raise DeskError(Code.TOO_LONG, f"相談内容が長すぎます（{MAX_QUESTION}文字まで）。")
    return text


def check_conversation(turns: list[dict[str, str]]) -> list[dict[str, str]]:
    """Earlier turns as ``[{role, content}]``; at most ``MAX_TURNS``, each clipped."""
    if len(turns) > MAX_TURNS * 2:
        raise DeskError(Code.TOO_LONG, f"会話の履歴が長すぎます（{MAX_TURNS * 2}件まで）。")
    out = []
    for turn in turns:
        role = "user" if turn.get("role") == "user" else "assistant"
        content = _clean(str(turn.get("content") or ""))[:MAX_TURN_CHARS]
        if content:
            out.append({"role": role, "content": content})
    return out


def check_reply(text: str) -> str:
    """A staff reply, cleaned; empty or too long is refused."""
    body = _clean(text)
    if not body:
        raise DeskError(Code.EMPTY_INPUT, "回答を入力してください。")
    if len(body) > MAX_REPLY:
        raise DeskError(Code.TOO_LONG, f"回答が長すぎます（{MAX_REPLY}文字まで）。")
    return body


def mask_contact(row: dict[str, Any]) -> str:
    """The contact as staff see it before opening it: name initial, e-mail domain, last four phone digits."""
    parts = []
    if row.get("contact_name"):
        parts.append(str(row["contact_name"])[:1] + "＊＊ 様")
    if row.get("contact_email"):
        parts.append("＊＊＊@" + str(row["contact_email"]).rpartition("@")[2])
    if row.get("contact_phone"):
        parts.append("＊＊＊-" + _digits(str(row["contact_phone"]))[-4:])
    return " / ".join(parts) or "（連絡先なし）"


def full_contact(row: dict[str, Any]) -> str:
    """The contact in full (for the staff member who opens it)."""
    parts = [str(row[k]) for k in ("contact_name", "contact_email", "contact_phone") if row.get(k)]
    return " / ".join(parts) or "（連絡先なし）"


class ConsultationStore:
    """Reads and writes consultations and replies in the audit database."""

    def __init__(self, store: AuditStore) -> None:
        self.store = store

    @contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        """A transaction; an unreachable database becomes one Japanese STORE_UNAVAILABLE error."""
        try:
            self.store.ensure_schema()
            with self.store.engine.begin() as conn:
                yield conn
        except sa.exc.OperationalError:
            raise STORE_DOWN from None

    @contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        """A connection for reads; an unreachable database becomes STORE_UNAVAILABLE."""
        try:
            self.store.ensure_schema()
            with self.store.engine.connect() as conn:
                yield conn
        except sa.exc.OperationalError:
            raise STORE_DOWN from None

    # --- writes ----------------------------------------------------------------------------------
    def create(
        self,
        *,
        question: str,
        conversation: list[dict[str, str]],
        attempt: dict[str, Any],
        answer_id: str | None,
        contact: Contact,
        consent: bool,
        origin: str,
        page_url: str | None,
        channel: str,
        staff_channel: str | None,
    ) -> tuple[dict[str, Any], str]:
        """Store a new open consultation; returns the row and the asker's token (shown once)."""
        question = check_question(question)
        conversation = check_conversation(conversation)
        contact = check_contact(contact, consent)
        token = secrets.token_urlsafe(32)
        now = _now()
        values = {
            "id": uuid.uuid4().hex, "token_hash": token_hash(token), "created_at": now, "updated_at": now,
            "status": "open", "question": question, "conversation": conversation,
            "answer_id": _clean(answer_id)[:64] or None, "attempt": attempt,
            "contact_name": contact.name, "contact_email": contact.email, "contact_phone": contact.phone,
            "consent": bool(consent and contact.given), "origin": _clean(origin)[:200],
            "page_url": _clean(page_url)[:500] or None, "channel": channel[:32],
            "staff_channel": staff_channel, "slack_ts": None, "assignee": None, "closed_reason": None,
            "notified_at": None,
        }
        with self._begin() as conn:
            conn.execute(sa.insert(consultations), values)
        found = self.get(str(values["id"]))
        assert found is not None
        return found, token

    def _update(self, consultation_id: str, **values: Any) -> None:
        with self._begin() as conn:
            conn.execute(
                sa.update(consultations).where(consultations.c.id == consultation_id).values(updated_at=_now(), **values)
            )

    def set_slack(self, consultation_id: str, channel: str, ts: str) -> None:
        """Remember the staff-channel message the consultation was posted as."""
        self._update(consultation_id, staff_channel=channel[:64], slack_ts=ts[:32])

    def reply(self, consultation_id: str, text: str, *, author: str, via: str, faq_candidate: bool = False) -> dict[str, Any]:
        """Store a staff reply; the consultation becomes ``answered`` (a closed one is reopened as answered)."""
        body = check_reply(text)
        self.require(consultation_id)
        row = {"id": uuid.uuid4().hex, "consultation_id": consultation_id, "created_at": _now(),
               "author": _clean(author)[:100] or "staff", "via": via[:16], "text": body, "faq_candidate": faq_candidate}
        with self._begin() as conn:
            conn.execute(sa.insert(consultation_replies), row)
            conn.execute(
                sa.update(consultations).where(consultations.c.id == consultation_id)
                .values(status="answered", updated_at=row["created_at"], closed_reason=None)
            )
        return {k: _iso(v) for k, v in row.items()}

    def assign(self, consultation_id: str, assignee: str) -> None:
        """Record who handles it."""
        self.require(consultation_id)
        self._update(consultation_id, assignee=_clean(assignee)[:100] or None)

    def close(self, consultation_id: str, reason: str = "") -> None:
        """Close without (further) answer."""
        self.require(consultation_id)
        self._update(consultation_id, status="closed", closed_reason=_clean(reason)[:1000] or "対応不要")

    def mark_faq(self, reply_id: str, value: bool = True) -> bool:
        """Mark (or unmark) a staff reply as a FAQ candidate; False for an unknown reply."""
        with self._begin() as conn:
            done = conn.execute(
                sa.update(consultation_replies).where(consultation_replies.c.id == reply_id).values(faq_candidate=value)
            ).rowcount
        return bool(done)

    def mark_notified(self, consultation_id: str) -> None:
        """Record that the asker was e-mailed."""
        self._update(consultation_id, notified_at=_now())

    # --- reads -------------------------------------------------------------------------------------
    def get(self, consultation_id: str) -> dict[str, Any] | None:
        """One consultation with its replies (contact included: staff use only), or None."""
        if not isinstance(consultation_id, str) or not _ID.match(consultation_id):
            return None
        with self._connect() as conn:
            row = conn.execute(sa.select(consultations).where(consultations.c.id == consultation_id)).first()
            if row is None:
                return None
            result = {k: _iso(v) for k, v in row._mapping.items()}
            replies = conn.execute(
                sa.select(consultation_replies)
                .where(consultation_replies.c.consultation_id == consultation_id)
                .order_by(consultation_replies.c.created_at)
            )
            result["replies"] = [{k: _iso(v) for k, v in r._mapping.items()} for r in replies]
        return result

    def require(self, consultation_id: str) -> dict[str, Any]:
        """The consultation, or NOT_FOUND in Japanese."""
        found = self.get(consultation_id)
        if found is None:
            raise DeskError(Code.NOT_FOUND, "指定された相談が見つかりません。受付番号を確認してください。")
        return found

    def for_asker(self, consultation_id: str, token: str) -> dict[str, Any] | None:
        """What the asker may see (status, question, replies) when the token matches; None otherwise."""
        found = self.get(consultation_id)
        if found is None or not token or not hmac.compare_digest(found["token_hash"], token_hash(token)):
            return None
        return {
            "id": found["id"], "status": found["status"], "created_at": found["created_at"],
            "question": found["question"],
            "replies": [{"id": r["id"], "text": r["text"], "created_at": r["created_at"]} for r in found["replies"]],
        }

    def listing(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """Consultations, newest first (optionally one status), without replies or the token hash."""
        if status is not None and status not in STATUSES:
            raise DeskError(Code.INVALID_INPUT, f"状態は {' / '.join(STATUSES)} のいずれかで指定してください。")
        query = sa.select(consultations).order_by(consultations.c.created_at.desc()).limit(max(1, min(limit, 500)))
        if status:
            query = query.where(consultations.c.status == status)
        with self._connect() as conn:
            return [{k: _iso(v) for k, v in r._mapping.items() if k != "token_hash"} for r in conn.execute(query)]

    def by_thread(self, channel: str, ts: str) -> dict[str, Any] | None:
        """The consultation posted as the staff-channel message ``ts`` in ``channel``."""
        with self._connect() as conn:
            row = conn.execute(
                sa.select(consultations.c.id).where(consultations.c.slack_ts == ts, consultations.c.staff_channel == channel)
            ).first()
        return self.get(row[0]) if row else None

    def in_period(self, since: datetime, until: datetime) -> list[dict[str, Any]]:
        """Consultations created in [since, until) (for the gap report), with their replies."""
        with self._connect() as conn:
            ids = [r[0] for r in conn.execute(
                sa.select(consultations.c.id)
                .where(consultations.c.created_at >= since, consultations.c.created_at < until)
                .order_by(consultations.c.created_at)
            )]
        return [c for c in (self.get(i) for i in ids) if c is not None]

    def faq_candidates(self) -> list[dict[str, Any]]:
        """Replies marked as FAQ candidates, each with its consultation's question."""
        query = (
            sa.select(consultation_replies, consultations.c.question)
            .join(consultations, consultations.c.id == consultation_replies.c.consultation_id)
            .where(consultation_replies.c.faq_candidate.is_(True))
            .order_by(consultation_replies.c.created_at)
        )
        with self._connect() as conn:
            return [{k: _iso(v) for k, v in r._mapping.items()} for r in conn.execute(query)]


_CACHE: dict[str, ConsultationStore] = {}
_LOCK = threading.Lock()


def consultation_store(store: AuditStore) -> ConsultationStore:
    """The consultation store over an audit store (one per database URL)."""
    with _LOCK:
        found = _CACHE.get(store.url)
        if found is None or found.store is not store:
            found = _CACHE[store.url] = ConsultationStore(store)
        return found
