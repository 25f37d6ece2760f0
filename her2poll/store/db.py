"""The database's lifecycle: engine, connection settings, migrations, transactions.

SQLite is the zero-set-up default (one process; WAL so readers never block the
writer, foreign keys on because SQLite leaves them off). PostgreSQL is reached
with a ``postgresql+psycopg://`` URL and is what several processes share.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import StaticPool

from ..core.errors import Her2pollError, Unavailable

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
DEFAULT_URL = "sqlite:///instance/her2poll.db"


class DatabaseConfigError(Her2pollError):
    code = "database_config"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode is durable against a process crash (kill -9), which
    # is the fault we promise to survive; FULL would add an fsync per commit.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    """Create an engine with the settings each backend needs."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseConfigError(f"Not a database URL: {url!r}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        kwargs: dict[str, Any] = {}
        if database in ("", ":memory:"):
            kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
        else:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs = {"connect_args": {"check_same_thread": False, "timeout": 10}}
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    raise DatabaseConfigError(
        f"Unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql."
    )


@contextmanager
def _retryable_failures() -> Iterator[None]:
    """Turn a database that cannot answer now into :class:`Unavailable` (retryable)."""
    try:
        yield
    except (OperationalError, InterfaceError) as e:
        # The connection, not the statement: the vote writer then fails its batch once
        # instead of splitting it item by item (live/writer.py).
        log.warning("database unavailable: %s", e.orig)
        raise Unavailable("The database is unavailable; try again shortly.") from e
    except PoolTimeout as e:
        # Every pooled connection is busy: a surge, not a bug; the client retries.
        raise Unavailable("The server is busy; try again shortly.") from e
    except DBAPIError as e:
        if e.connection_invalidated:
            raise Unavailable("The database connection was lost; try again.") from e
        raise


class Database:
    """An engine plus the one way to run a transaction on it."""

    def __init__(self, url: str) -> None:
        from .rows import SessionStates

        self.url = url
        self.engine = make_engine(url)
        #: each session's state, kept while its version holds (votes and joins read it)
        self.states = SessionStates()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def describe(self) -> str:
        """The URL with any password hidden, for health checks and logs."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A transaction that commits on success; a lost database becomes retryable."""
        with _retryable_failures(), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """A read-only transaction that sees one state of the database throughout.

        Exports read a session in several queries and must not mix two states.
        PostgreSQL: REPEATABLE READ, READ ONLY; the snapshot is taken at the first
        query and takes no lock that blocks a writer. SQLite: the driver starts no
        transaction for a SELECT, so ``BEGIN`` is sent by hand; in WAL mode a read
        transaction keeps one snapshot and never blocks the writer.
        """
        with _retryable_failures(), self.engine.connect() as conn:
            if self.backend == "postgresql":
                conn = conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            with conn.begin():
                if self.backend == "sqlite":
                    conn.exec_driver_sql("BEGIN")
                yield conn

    def ping(self) -> None:
        """Raise :class:`Unavailable` unless the database answers."""
        with self.begin() as conn:
            conn.execute(text("SELECT 1"))

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (idempotent).

        A database already at the newest migration is left alone without starting
        alembic, which loads every migration script to find that out: a third of a
        second of every ``her2poll`` command. Anything else (no version table, an
        older or unknown version, scripts whose head is unclear) runs alembic.
        """
        if self._at_head():
            return
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as e:
            first_line = str(e.orig).strip().splitlines()[0] if str(e.orig).strip() else "no answer"
            raise Unavailable(f"Cannot reach the database {self.describe()}: {first_line}") from e

    def _at_head(self) -> bool:
        """Whether the database's one recorded version is the scripts' single head."""
        head = script_head()
        if head is None:
            return False
        try:
            with self.engine.connect() as conn:
                versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
        except DBAPIError:
            return False  # no version table yet, or no database: alembic says which
        return [v for (v,) in versions] == [head]

    def dispose(self) -> None:
        self.engine.dispose()


_REVISION = re.compile(r'^revision\s*=\s*"([^"]+)"\s*$', re.M)
_DOWN = re.compile(r'^down_revision\s*=\s*(?:"([^"]+)"|None)\s*$', re.M)


def script_head() -> str | None:
    """The newest migration's id, read from the scripts' text without alembic.

    The one revision no other script names as its ``down_revision``; None when a
    script does not read as expected or there is not exactly one head, and then
    :meth:`Database.upgrade` leaves the answer to alembic.
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


_EXTENSION = "her2poll_db"


def init_app(app: Flask, db: Database) -> None:
    """Attach the app's database (migrated by the factory) for :func:`get_db`."""
    app.extensions[_EXTENSION] = db


def get_db(app: Flask | None = None) -> Database:
    """The current app's database: the one accessor routes, handlers and the CLI use."""
    from flask import current_app  # here: the CLI's exports use the store without Flask

    db: Database = (app or current_app).extensions[_EXTENSION]
    return db
