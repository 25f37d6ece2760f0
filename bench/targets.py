"""The servers a benchmark runs against, each started fresh and stopped after.

- ``single``: one her2poll process (gunicorn, one gevent worker) on a new SQLite file.
- ``cluster``: N her2poll processes behind nginx, on a new PostgreSQL database, with Redis.
- ``floor``: the bare python-socketio ``Server`` under gunicorn's gevent worker, no Flask,
  votes in memory (:mod:`bench.floor`): the stack's own floor.
- ``peer``: the Node.js reference server in ``bench/peer`` (npm socket.io, in memory).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from testkit import procs
from testkit.cluster import Cluster

PEER = Path(__file__).resolve().parent / "peer"
ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class Target:
    name: str
    url: str
    pids: Callable[[], list[int]]  # the processes whose memory per connection counts
    cluster: Cluster | None = None
    db_url: str | None = None  # the server's database, to check what it committed (None: peer)


@contextmanager
def single(port: int, env: dict[str, str] | None = None) -> Iterator[Target]:
    """One process on SQLite, served directly (no nginx): the default deployment."""
    tmp = Path(tempfile.mkdtemp(prefix="her2poll-bench-"))
    db = f"sqlite:///{tmp / 'bench.db'}"
    try:
        with Cluster(1, db, port, proxy=False, message_queue=None, env=env) as c:
            yield Target("her2poll single (SQLite)", c.url, c.server_pids, c, db)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def fresh_pg_database(admin_url: str = PG_ADMIN) -> Iterator[str]:
    """A new, empty PostgreSQL database for one run, dropped afterwards."""
    name = f"her2poll_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def cluster(
    workers: int,
    port: int,
    backend_port: int,
    db_url: str | None,
    env: dict[str, str] | None = None,
) -> Iterator[Target]:
    """N processes + nginx + Redis on a fresh PostgreSQL database (or ``db_url``)."""
    with fresh_pg_database() if db_url is None else _given(db_url) as url:
        with Cluster(workers, url, port, backend_port=backend_port, env=env) as c:
            name = f"her2poll cluster ({workers} processes, nginx, PostgreSQL)"
            yield Target(name, c.url, c.server_pids, c, url)


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


@contextmanager
def peer(port: int) -> Iterator[Target]:
    """The Node.js reference server; installs its locked dependencies on first use."""
    if not (PEER / "node_modules" / "socket.io").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEER, check=True
        )
    procs.raise_nofile()
    proc = subprocess.Popen(["node", "server.js", str(port)], cwd=PEER, start_new_session=True)
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/healthz", proc, timeout=20)
        yield Target(
            "Node.js socket.io peer (in memory)", f"http://127.0.0.1:{port}", lambda: [proc.pid]
        )
    finally:
        procs.stop(proc)


@contextmanager
def floor(port: int) -> Iterator[Target]:
    """The bare python-socketio server (:mod:`bench.floor`), served as her2poll is."""
    procs.raise_nofile()
    cmd = [sys.executable, "-m", "gunicorn", "-k", "gevent", "-w", "1",
           "--worker-connections", "10000", "-b", f"127.0.0.1:{port}", "--graceful-timeout", "5",
           "--no-control-socket", "--timeout", "120", "bench.floor:app"]  # fmt: skip
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True)
    try:
        procs.wait_http(f"http://127.0.0.1:{port}/healthz", proc, timeout=30)
        yield Target(
            "python-socketio floor (gevent, no Flask, in memory)",
            f"http://127.0.0.1:{port}",
            lambda: procs.children(proc.pid),
        )
    finally:
        procs.stop(proc)
