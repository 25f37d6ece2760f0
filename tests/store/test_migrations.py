"""The alembic migrations and the SQLAlchemy models describe the same schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from her2poll.store.db import Database
from her2poll.store.models import Base


def test_migrations_create_every_table_the_models_declare(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"sessions", "polls", "participants", "answers", "vote_receipts", "activities"} <= tables
    assert "alembic_version" in tables


def test_autogenerate_finds_nothing_missing(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'wal.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_an_exhausted_pool_is_a_retryable_busy_error(pg_server: str) -> None:
    import pytest
    from sqlalchemy import create_engine

    from her2poll.core.errors import Unavailable

    db = Database(pg_server)
    db.engine = create_engine(pg_server, pool_size=1, max_overflow=0, pool_timeout=0.2)
    with db.engine.connect():  # the only connection is taken
        with pytest.raises(Unavailable) as e:
            with db.begin():
                pass
    assert e.value.retryable and "busy" in e.value.message
    db.dispose()


def _downgrade(db: Database, to: str) -> None:
    """alembic's downgrade to revision ``to`` ("base", "-1", …) in one transaction."""
    from alembic import command
    from alembic.config import Config

    from her2poll.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, to)


def test_every_migration_downgrades_and_upgrades_again(db: Database) -> None:
    """Down to the start and up again: each downgrade undoes its upgrade exactly."""
    _downgrade(db, "base")
    assert "activities" not in set(inspect(db.engine).get_table_names())
    db.upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_the_head_read_from_the_scripts_is_alembics() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from her2poll.store.db import MIGRATIONS, script_head

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert script_head() == ScriptDirectory.from_config(config).get_current_head()


def test_a_database_at_head_is_not_handed_to_alembic_again(db: Database, monkeypatch) -> None:
    from alembic import command

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("alembic ran on a database already at head")

    monkeypatch.setattr(command, "upgrade", refuse)
    db.upgrade()  # at head: nothing to do, alembic not started


def test_a_database_one_migration_behind_is_still_upgraded(db: Database) -> None:
    from her2poll.store.db import script_head

    _downgrade(db, "-1")
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) != []
    db.upgrade()
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version == script_head()
