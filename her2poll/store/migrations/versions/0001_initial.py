"""Initial schema: sessions, polls, participants, answers, vote receipts.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(12), nullable=False, unique=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("questions_json", sa.Text, nullable=False),
        sa.Column("moderator_secret_hash", sa.String(64), nullable=False),
        sa.Column("screen_token_hash", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("vote_seq", sa.Integer, nullable=False),
        sa.Column("current_question_id", sa.String(40), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "polls",
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("question_id", sa.String(40), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("revealed", sa.Boolean, nullable=False),
        sa.Column("opened_at", TZ, nullable=True),
        sa.Column("closed_at", TZ, nullable=True),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("public_id", sa.String(32), nullable=False, unique=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_participants_session", "participants", ["session_id"])
    op.create_table(
        "answers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("option_id", sa.String(40), nullable=False),
        sa.Column("answered_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("changed_count", sa.Integer, nullable=False),
        sa.UniqueConstraint("session_id", "question_id", "participant_id", name="uq_answer_once"),
    )
    op.create_index("ix_answers_tally", "answers", ["session_id", "question_id", "option_id"])
    op.create_table(
        "vote_receipts",
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("vote_id", sa.String(64), primary_key=True),
        sa.Column(
            "session_id",
            sa.Integer,
            sa.ForeignKey("sessions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("question_id", sa.String(40), nullable=False),
        sa.Column("option_id", sa.String(40), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
    )
    op.create_index("ix_receipts_session", "vote_receipts", ["session_id"])


def downgrade() -> None:
    op.drop_table("vote_receipts")
    op.drop_table("answers")
    op.drop_table("participants")
    op.drop_table("polls")
    op.drop_table("sessions")
