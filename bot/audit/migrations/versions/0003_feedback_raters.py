"""Feedback raters: who rated (a keyed hash of the client), so each client has one, changeable, rating per answer.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"  # after the consultations tables (both were written side by side)
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Add ``feedback.rater`` (nullable: older rows and Slack clicks have none) and its index."""
    op.add_column("feedback", sa.Column("rater", sa.String(64), nullable=True))
    op.create_index("ix_feedback_rater", "feedback", ["rater"])


def downgrade() -> None:
    """Drop the column and its index."""
    op.drop_index("ix_feedback_rater", table_name="feedback")
    with op.batch_alter_table("feedback") as batch:
        batch.drop_column("rater")
