"""Activities: what a provider authors, run as sessions; sessions can be archived.

An activity holds its question set (items in order, settings, published
figures); each session made from it points back to it, so an activity can be
run again and its sessions listed together.

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("questions_json", sa.Text, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("activity_id", sa.Integer, nullable=True))
        batch.add_column(
            sa.Column("archived", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.create_foreign_key(
            "fk_sessions_activity_id_activities", "activities", ["activity_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch.create_index("ix_sessions_activity_id", ["activity_id"])


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_index("ix_sessions_activity_id")
        batch.drop_constraint("fk_sessions_activity_id_activities", type_="foreignkey")
        batch.drop_column("archived")
        batch.drop_column("activity_id")
    op.drop_table("activities")
