"""Consultations: questions handed to staff, and the staff's replies.

Revision ID: 0002
Revises: 0001_audit_log
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.audit.models import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001_audit_log"  # the revision id of 0001_audit_log.py
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Create ``consultations`` and ``consultation_replies``."""
    op.create_table(
        "consultations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("conversation", sa.JSON(), nullable=False),
        sa.Column("answer_id", sa.String(64), nullable=True),
        sa.Column("attempt", sa.JSON(), nullable=False),
        sa.Column("contact_name", sa.String(100), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("contact_phone", sa.String(40), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(200), nullable=False),
        sa.Column("page_url", sa.String(500), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("staff_channel", sa.String(64), nullable=True),
        sa.Column("slack_ts", sa.String(32), nullable=True),
        sa.Column("assignee", sa.String(100), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=True),
        sa.Column("notified_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_consultations"),
    )
    op.create_index("ix_consultations_created_at", "consultations", ["created_at"])
    op.create_index("ix_consultations_status", "consultations", ["status"])
    op.create_index("ix_consultations_slack_ts", "consultations", ["slack_ts"])
    op.create_table(
        "consultation_replies",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("consultation_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("faq_candidate", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consultation_id"], ["consultations.id"], name="fk_consultation_replies_consultation_id_consultations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consultation_replies"),
    )
    op.create_index("ix_consultation_replies_consultation_id", "consultation_replies", ["consultation_id"])


def downgrade() -> None:
    """Drop the consultation tables."""
    op.drop_table("consultation_replies")
    op.drop_index("ix_consultations_slack_ts", table_name="consultations")
    op.drop_index("ix_consultations_status", table_name="consultations")
    op.drop_index("ix_consultations_created_at", table_name="consultations")
    op.drop_table("consultations")
