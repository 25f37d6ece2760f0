"""Audience Q&A: questions, upvotes, and per-session Q&A settings.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("qa_open", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(
            sa.Column("qa_premoderate", sa.Boolean, nullable=False, server_default=sa.true())
        )
        batch.add_column(
            sa.Column("qa_names", sa.Boolean, nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("qa_filter", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("qa_seq", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "qa_questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("text", sa.String(300), nullable=False),
        sa.Column("name", sa.String(40), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("edited", sa.Boolean, nullable=False),
        sa.Column("filtered", sa.Boolean, nullable=False),
        sa.Column(
            "merged_into",
            sa.Integer,
            sa.ForeignKey("qa_questions.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("participant_id", "client_id", name="uq_qa_ask_once"),
    )
    op.create_index("ix_qa_questions_session", "qa_questions", ["session_id", "status"])
    op.create_table(
        "qa_upvotes",
        sa.Column(
            "question_id",
            sa.Integer,
            sa.ForeignKey("qa_questions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_qa_upvotes_session", "qa_upvotes", ["session_id", "question_id"])


def downgrade() -> None:
    op.drop_table("qa_upvotes")
    op.drop_table("qa_questions")
    with op.batch_alter_table("sessions") as batch:
        for column in ("qa_seq", "qa_filter", "qa_names", "qa_premoderate", "qa_open"):
            batch.drop_column(column)
