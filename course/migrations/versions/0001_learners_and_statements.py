"""Learners, the append-only statements table, and the journal.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("key_hash", sa.String(64), unique=True, nullable=True),
        sa.Column("subject_hash", sa.String(64), unique=True, nullable=True),
        sa.Column("display_name", sa.String(80), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "statements",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(36), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("verb", sa.String(20), nullable=False),
        sa.Column("object_type", sa.String(30), nullable=False),
        sa.Column("object_id", sa.String(300), nullable=False),
        sa.Column("lesson_id", sa.String(60), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("success", sa.Boolean, nullable=True),
        sa.Column("response", sa.Text, nullable=True),
        sa.Column("extra", sa.Text, nullable=False),
    )
    op.create_index("ix_statements_learner_time", "statements", ["learner_id", "timestamp"])
    op.create_table(
        "journal",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("learner_id", sa.String(36), sa.ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("lesson_id", sa.String(60), nullable=False),
        sa.Column("prompt_id", sa.String(60), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_journal_learner", "journal", ["learner_id", "created_at"])


def downgrade() -> None:
    op.drop_table("journal")
    op.drop_table("statements")
    op.drop_table("learners")
