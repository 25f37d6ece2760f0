"""Shared fixtures: fresh databases (SQLite and PostgreSQL), apps and clients.

With ``CI=true`` a missing service is a failure, never a skip: CI must prove
the PostgreSQL path, not quietly leave it out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import settings
from sqlalchemy import create_engine, text

from her2poll import create_app
from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.store.db import Database, get_db
from testkit.ci import missing_service
from testkit.servers import PG_ADMIN_URL, ROOT, LiveServer, fresh_pg_database

# Speed is measured in bench/, never asserted: no hypothesis deadline either.
settings.register_profile("her2poll", deadline=None)
settings.load_profile("her2poll")


@pytest.fixture(scope="session")
def questions() -> QuestionSet:
    return load_question_set(ROOT / "questions.json")


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The admin URL of a reachable PostgreSQL, or skip/fail."""
    try:
        engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as e:  # noqa: BLE001 - any failure means "not available"
        missing_service(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {e}")
    return PG_ADMIN_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    url, drop = fresh_pg_database(request.getfixturevalue("pg_server"))
    try:
        yield url
    finally:
        drop()  # type: ignore[operator]


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    database.upgrade()
    yield database
    database.dispose()


def make_app(tmp_path: Path, **config: object) -> Flask:
    """An app on a fresh SQLite file, with tallies broadcast only when flushed by hand;
    ``config`` adds settings (``questions_path=…``: the question set new sessions ask)."""
    flask_app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'app.db'}",
            "secret_key": "test-secret-key",
            "rate_per_second": 1000.0,
            "rate_burst": 1000,
            # The writer commits each vote at once: a test's votes then never wait long
            # enough for the tally broadcaster's own tick (tests/live/unit cover the linger).
            "commit_linger": 0.0,
            **config,
        }
    )
    flask_app.testing = True
    return flask_app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = make_app(tmp_path)
    yield flask_app
    get_db(flask_app).dispose()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real server on a fresh SQLite file, stopped after the test."""
    server = LiveServer(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "instance").start()
    yield server
    server.stop()
