"""CME credit: identity mode per session, learners' identities apart from answers, connections.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _fk(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "credit_settings",
        sa.Column("session_id", sa.Integer, _fk("sessions"), primary_key=True),
        sa.Column("identity_mode", sa.String(12), nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
    )
    op.create_table(
        "identities",
        sa.Column("participant_id", sa.Integer, _fk("participants"), primary_key=True),
        sa.Column("session_id", sa.Integer, _fk("sessions"), nullable=False),
        sa.Column("name", sa.String(120), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("profession", sa.String(12), nullable=False),
        sa.Column("licence", sa.String(60), nullable=True),
        sa.Column("consent_text", sa.Text, nullable=False),
        sa.Column("consented_at", TZ, nullable=False),
        sa.Column("purged_at", TZ, nullable=True),
    )
    op.create_index("ix_identities_session", "identities", ["session_id"])
    op.create_table(
        "connections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("session_id", sa.Integer, _fk("sessions"), nullable=False),
        sa.Column("participant_id", sa.Integer, _fk("participants"), nullable=False),
        sa.Column("connected_at", TZ, nullable=False),
        sa.Column("disconnected_at", TZ, nullable=True),
        sa.Column("seen_at", TZ, nullable=False),
    )
    op.create_index("ix_connections_session", "connections", ["session_id", "participant_id"])


def downgrade() -> None:
    op.drop_index("ix_connections_session", "connections")
    op.drop_table("connections")
    op.drop_index("ix_identities_session", "identities")
    op.drop_table("identities")
    op.drop_table("credit_settings")
