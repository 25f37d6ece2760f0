"""Vote receipts survive a reset, voided, so a delayed retry cannot count again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vote_receipts") as batch:
        batch.add_column(sa.Column("voided", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("vote_receipts") as batch:
        batch.drop_column("voided")
