"""Live workshop rooms: rooms, participants, votes and open-text answers.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rooms",
        sa.Column("code", sa.String(6), primary_key=True),
        sa.Column("lesson_id", sa.String(60), nullable=False),
        sa.Column("scenario_id", sa.String(60), nullable=False),
        sa.Column("step_id", sa.String(60), nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("open_question_id", sa.String(60), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("host_hash", sa.String(64), nullable=False),
    )
    op.create_table(
        "room_participants",
        sa.Column("room_code", sa.String(6), sa.ForeignKey("rooms.code", ondelete="CASCADE"), primary_key=True),
        sa.Column("participant_id", sa.String(36), primary_key=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "room_votes",
        sa.Column("room_code", sa.String(6), sa.ForeignKey("rooms.code", ondelete="CASCADE"), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("step_key", sa.String(130), nullable=False),
        sa.Column("choice_id", sa.String(60), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("room_code", "participant_id", "step_key", name="uq_one_vote_per_step"),
    )
    op.create_table(
        "room_answers",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("room_code", sa.String(6), sa.ForeignKey("rooms.code", ondelete="CASCADE"), nullable=False),
        sa.Column("participant_id", sa.String(36), nullable=False),
        sa.Column("question_id", sa.String(60), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("room_code", "participant_id", "question_id", name="uq_one_answer_per_question"),
    )


def downgrade() -> None:
    op.drop_table("room_answers")
    op.drop_table("room_votes")
    op.drop_table("room_participants")
    op.drop_table("rooms")
