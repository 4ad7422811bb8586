"""The audit-log tables (SQLAlchemy Core); the schema itself is created by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (same on SQLite and PostgreSQL), returned as an aware UTC datetime."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Aware → naive UTC before storage."""
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Naive UTC → aware UTC after loading."""
        return value.replace(tzinfo=UTC) if value is not None else None


answers = sa.Table(
    "answers",
    metadata,
    sa.Column("answer_id", sa.String(64), primary_key=True),
    sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),  # ask | match | precheck
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("audience", sa.String(16), nullable=False),
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("answer_text", sa.Text(), nullable=False),
    sa.Column("refused", sa.Boolean(), nullable=False),
    sa.Column("citations", sa.JSON(), nullable=False),
    sa.Column("latency_ms", sa.Float(), nullable=False),
    sa.Column("mode", sa.String(32), nullable=True),  # extractive | llm | extractive_fallback
    sa.Column("prompt_version", sa.String(64), nullable=True),
    sa.Column("llm_usage", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("meta", sa.JSON(), nullable=False),
    sa.Column("request_id", sa.String(64), nullable=True),
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("answer_id", sa.String(64), sa.ForeignKey("answers.answer_id"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("rating", sa.String(8), nullable=False),  # up | down
    sa.Column("comment", sa.Text(), nullable=True),
    sa.Column("channel", sa.String(32), nullable=False),
    # who rated (a keyed hash of the client, never the address); one rating per answer and rater (migration 0003)
    sa.Column("rater", sa.String(64), nullable=True, index=True),
)

escalations = sa.Table(
    "escalations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("answer_id", sa.String(64), sa.ForeignKey("answers.answer_id"), nullable=False, index=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("target", sa.String(200), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
)

TABLES = {"answers": answers, "feedback": feedback, "escalations": escalations}

# --- consultations: a question handed to a person (issue 18) -------------------------------------------------
consultations = sa.Table(
    "consultations",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("token_hash", sa.String(64), nullable=False),  # sha256 of the asker's token; the token is never stored
    sa.Column("created_at", UTCDateTime(), nullable=False, index=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # open | answered | closed
    sa.Column("question", sa.Text(), nullable=False),
    sa.Column("conversation", sa.JSON(), nullable=False),  # [{role, content}], oldest first
    sa.Column("answer_id", sa.String(64), nullable=True),  # the desk's attempt, when there was one
    sa.Column("attempt", sa.JSON(), nullable=False),  # {text, refused, citations}
    sa.Column("contact_name", sa.String(100), nullable=True),
    sa.Column("contact_email", sa.String(254), nullable=True),
    sa.Column("contact_phone", sa.String(40), nullable=True),
    sa.Column("consent", sa.Boolean(), nullable=False),
    sa.Column("origin", sa.String(200), nullable=False),
    sa.Column("page_url", sa.String(500), nullable=True),
    sa.Column("channel", sa.String(32), nullable=False),  # widget | api
    sa.Column("staff_channel", sa.String(64), nullable=True),  # the Slack channel it was routed to
    sa.Column("slack_ts", sa.String(32), nullable=True, index=True),  # the staff-channel message (thread parent)
    sa.Column("assignee", sa.String(100), nullable=True),
    sa.Column("closed_reason", sa.Text(), nullable=True),
    sa.Column("notified_at", UTCDateTime(), nullable=True),  # e-mail notification sent
)

consultation_replies = sa.Table(
    "consultation_replies",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column(
        "consultation_id", sa.String(32), sa.ForeignKey("consultations.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("via", sa.String(16), nullable=False),  # slack | cli | api
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("faq_candidate", sa.Boolean(), nullable=False),
)

TABLES.update({"consultations": consultations, "consultation_replies": consultation_replies})
