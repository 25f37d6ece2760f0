"""Alembic environment: migrations run on the connection the app hands over."""

from __future__ import annotations

from alembic import context

from her2poll.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - we always pass one from Database.upgrade
    raise RuntimeError("Run migrations through her2poll.store.db.Database.upgrade().")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
