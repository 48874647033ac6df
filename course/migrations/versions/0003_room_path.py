"""Live rooms remember the path the room took and which consequences are revealed.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        # JSON lists: [[scenario_id, step_id, choice_id], ...] and [choice_id, ...].
        batch.add_column(sa.Column("path", sa.Text, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("revealed", sa.Text, nullable=False, server_default="[]"))
    op.create_index("ix_rooms_expires_at", "rooms", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rooms_expires_at", table_name="rooms")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("revealed")
        batch.drop_column("path")
