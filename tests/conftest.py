"""Shared fixtures: fresh databases (SQLite and PostgreSQL), apps and clients.

With ``CI=true`` a missing service is a failure, never a skip: CI must prove
the PostgreSQL path, not quietly leave it out.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from her2poll import create_app
from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.store.db import Database, get_db

# Speed is measured in bench/, never asserted: no hypothesis deadline either.
settings.register_profile("her2poll", deadline=None)
settings.load_profile("her2poll")

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_ADMIN_URL = os.environ.get(
    "HER2POLL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def missing_service(reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


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


def fresh_pg_database(admin_url: str) -> tuple[str, object]:
    """Create an empty database; return its URL and a function that drops it."""
    name = f"her2poll_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


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


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh SQLite file, with tallies broadcast only when flushed by hand."""
    flask_app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'app.db'}",
            "secret_key": "test-secret-key",
            "rate_per_second": 1000.0,
            "rate_burst": 1000,
        }
    )
    flask_app.testing = True
    yield flask_app
    get_db(flask_app).dispose()


def _port_range() -> range | None:
    """``HER2POLL_TEST_PORTS=5100-5199`` confines test servers to a range (shared hosts)."""
    spec = os.environ.get("HER2POLL_TEST_PORTS", "")
    if not spec:
        return None
    low, _, high = spec.partition("-")
    return range(int(low), int(high or low) + 1)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now: from HER2POLL_TEST_PORTS, else any the OS offers."""
    import socket

    for port in _port_range() or [0]:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError(f"no free port in {os.environ.get('HER2POLL_TEST_PORTS')}")


class LiveServer:
    """A real her2poll server process (gunicorn + gevent) on 127.0.0.1."""

    def __init__(self, db_url: str, instance: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = db_url
        self.env = {
            **os.environ,
            # The code of this checkout, even where another copy is installed.
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "HER2POLL_SECRET_KEY": "live-test-secret",
            "HER2POLL_INSTANCE": str(instance),
            **(env or {}),
        }
        self.log = instance / f"server-{self.port}.log"
        self.proc: object = None

    def start(self) -> LiveServer:
        import subprocess
        import sys
        import time

        import requests

        instance = Path(self.env["HER2POLL_INSTANCE"])
        instance.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "her2poll.cli",
            "serve",
            "--port",
            str(self.port),
            "--db",
            self.db_url,
        ]
        with self.log.open("a") as out:
            # A session of its own, so kill() can take gunicorn's master and worker at once.
            self.proc = subprocess.Popen(  # noqa: S603 - our own CLI
                cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90  # a loaded 2-core box imports scipy slowly
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        import signal
        import subprocess

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)

    def kill(self) -> None:
        """kill -9 the whole server (gunicorn master and worker): a crash, not a shutdown."""
        import signal

        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def create_session(self) -> dict[str, str]:
        import requests

        r = requests.post(f"{self.url}/api/sessions", json={}, timeout=10)
        r.raise_for_status()
        return r.json()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A real server on a fresh SQLite file, stopped after the test."""
    server = LiveServer(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "instance").start()
    yield server
    server.stop()
