"""Database tables (SQLAlchemy Core). Alembic migrations in course/migrations create them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

learners = Table(
    "learners",
    metadata,
    Column("id", String(36), primary_key=True),
    # Only a hash of the resume key is stored, so a database leak cannot be turned into resume links.
    Column("key_hash", String(64), unique=True, nullable=True),
    Column("subject_hash", String(64), unique=True, nullable=True),
    Column("display_name", String(80), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

statements = Table(
    "statements",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("learner_id", String(36), ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("verb", String(20), nullable=False),
    Column("object_type", String(30), nullable=False),
    Column("object_id", String(300), nullable=False),
    Column("lesson_id", String(60), nullable=False),
    Column("timestamp", DateTime(timezone=True), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Column("score", Float, nullable=True),
    Column("success", Boolean, nullable=True),
    Column("response", Text, nullable=True),
    Column("extra", Text, nullable=False, default="{}"),
    Index("ix_statements_learner_time", "learner_id", "timestamp"),
)

journal = Table(
    "journal",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("learner_id", String(36), ForeignKey("learners.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # reflection | plan
    Column("lesson_id", String(60), nullable=False),
    Column("prompt_id", String(60), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_journal_learner", "learner_id", "created_at"),
)

rooms = Table(
    "rooms",
    metadata,
    Column("code", String(6), primary_key=True),
    Column("lesson_id", String(60), nullable=False),
    Column("scenario_id", String(60), nullable=False),
    Column("step_id", String(60), nullable=False),
    # lobby | opening | points | voting | revealed | ending | open-text | ended
    Column("phase", String(20), nullable=False),
    Column("revision", Integer, nullable=False, default=0),
    Column("open_question_id", String(60), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("host_hash", String(64), nullable=False),
    # Added in 0003: JSON lists of the path taken ([[scenario, step, choice], ...]) and the revealed choice ids.
    Column("path", Text, nullable=False, server_default="[]"),
    Column("revealed", Text, nullable=False, server_default="[]"),
    Index("ix_rooms_expires_at", "expires_at"),
)

room_participants = Table(
    "room_participants",
    metadata,
    Column("room_code", String(6), ForeignKey("rooms.code", ondelete="CASCADE"), primary_key=True),
    Column("participant_id", String(36), primary_key=True),
    Column("joined_at", DateTime(timezone=True), nullable=False),
)

room_votes = Table(
    "room_votes",
    metadata,
    Column("room_code", String(6), ForeignKey("rooms.code", ondelete="CASCADE"), nullable=False),
    Column("participant_id", String(36), nullable=False),
    Column("step_key", String(130), nullable=False),  # scenario_id/step_id
    Column("choice_id", String(60), nullable=False),
    Column("voted_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("room_code", "participant_id", "step_key", name="uq_one_vote_per_step"),
)

room_answers = Table(
    "room_answers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("room_code", String(6), ForeignKey("rooms.code", ondelete="CASCADE"), nullable=False),
    Column("participant_id", String(36), nullable=False),
    Column("question_id", String(60), nullable=False),
    Column("text", String(200), nullable=False),
    Column("approved", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("room_code", "participant_id", "question_id", name="uq_one_answer_per_question"),
)
