"""Real servers for tests and benchmarks: a her2poll process, free ports, fresh databases."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

#: The checkout: LiveServer runs its code, whatever else is installed.
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get(
    "HER2POLL_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


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
        self._http: object = None

    @classmethod
    def on_sqlite(cls, workdir: Path, env: dict[str, str] | None = None) -> LiveServer:
        """A server (not started yet) on a fresh SQLite file in ``workdir``; ``with`` it."""
        return cls(f"sqlite:///{workdir / 'her2poll.db'}", workdir, env)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> LiveServer:
        import subprocess
        import sys
        import time

        import requests

        instance = Path(self.env["HER2POLL_INSTANCE"])
        instance.mkdir(parents=True, exist_ok=True)
        self._add_organiser()
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

    def _add_organiser(self) -> None:
        """The test organiser (testkit.accounts), once per database, before the server runs."""
        from .accounts import ensure_organiser

        ensure_organiser(self.db_url)

    def organiser_http(self) -> Any:
        """A ``requests.Session`` signed in as the test organiser (with its CSRF token)."""
        import requests

        from .accounts import sign_in_http

        if self._http is None:
            http = requests.Session()
            sign_in_http(http, self.url)
            self._http = http
        return self._http

    def create_session(self) -> dict[str, str]:
        r = self.organiser_http().post(f"{self.url}/api/sessions", json={}, timeout=10)
        r.raise_for_status()
        return r.json()  # type: ignore[no-any-return]
