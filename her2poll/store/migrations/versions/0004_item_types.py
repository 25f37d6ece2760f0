"""Item types: answers that are not one option, confidence, hidden texts, countdowns.

An answer is kept as an option id (single choice, rating: counted by the
database) or as a JSON ``value`` (several options, a number, a text, an order),
so ``option_id`` may now be empty; receipts keep the same pair. ``polls.ends_at``
is when a running countdown ends.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.alter_column("option_id", existing_type=sa.String(40), nullable=True)
        batch.add_column(sa.Column("value", sa.Text, nullable=True))
        batch.add_column(sa.Column("confidence", sa.Integer, nullable=True))
        batch.add_column(sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()))
    with op.batch_alter_table("vote_receipts") as batch:
        batch.alter_column("option_id", existing_type=sa.String(40), nullable=True)
        batch.add_column(sa.Column("value", sa.Text, nullable=True))
    with op.batch_alter_table("polls") as batch:
        batch.add_column(sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls") as batch:
        batch.drop_column("ends_at")
    with op.batch_alter_table("vote_receipts") as batch:
        batch.drop_column("value")
        batch.alter_column("option_id", existing_type=sa.String(40), nullable=False)
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("hidden")
        batch.drop_column("confidence")
        batch.drop_column("value")
        batch.alter_column("option_id", existing_type=sa.String(40), nullable=False)
