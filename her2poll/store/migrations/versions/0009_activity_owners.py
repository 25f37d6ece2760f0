"""Activities belong to an organiser and their organisation, as sessions do.

``owner_id`` is the organiser who made the activity (NULL when that account is
removed: the activity stays with its organisation); ``organisation_id`` decides
who sees it. Activities made before this have neither: they are shown to every
organiser only while the install has a single organisation (everyone who signs in
is then of it), and ``her2poll activities assign`` gives them to an organiser.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_activities_owner_id_users", "users", ["owner_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_foreign_key(
            "fk_activities_organisation_id_organisations", "organisations",
            ["organisation_id"], ["id"], ondelete="RESTRICT",
        )  # fmt: skip
        batch.create_index("ix_activities_owner_id", ["owner_id"])
        batch.create_index("ix_activities_organisation_id", ["organisation_id"])


def downgrade() -> None:
    with op.batch_alter_table("activities") as batch:
        batch.drop_index("ix_activities_organisation_id")
        batch.drop_index("ix_activities_owner_id")
        batch.drop_constraint("fk_activities_organisation_id_organisations", type_="foreignkey")
        batch.drop_constraint("fk_activities_owner_id_users", type_="foreignkey")
        batch.drop_column("organisation_id")
        batch.drop_column("owner_id")
