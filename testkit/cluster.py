"""Several single-worker her2poll processes behind nginx, as one context manager.

``Cluster(2, "postgresql+psycopg://…/her2poll", 8200)`` starts two
``her2poll serve`` processes (gunicorn, one gevent worker each) on consecutive
ports from ``backend_port``, sharing PostgreSQL, Redis and one secret key, and
nginx on ``port`` in front of them; leaving the ``with`` block stops them all.
``proxy=False`` with one process serves it directly on ``port`` (the
one-process SQLite case). Tests and the benchmark (bench/) use this class; people use
``scripts/cluster.sh`` (``python -m testkit.cluster``), which runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from . import nginx, procs

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REDIS = "redis://127.0.0.1:6379"
_SERVE = "import sys; from her2poll.cli import main; sys.argv[0] = 'her2poll'; main()"


class Cluster:
    """N her2poll processes (and nginx in front of them), started and stopped together."""

    def __init__(
        self,
        workers: int,
        db_url: str,
        port: int = 8200,
        *,
        backend_port: int = 5201,
        message_queue: str | None = DEFAULT_REDIS,
        proxy: bool = True,
        secret_key: str | None = None,
        run_dir: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        if workers < 1 or (not proxy and workers != 1):
            raise ValueError("need at least one process, and exactly one without nginx")
        self.workers = workers
        self.db_url = db_url
        self.port = port
        self.proxy = proxy
        self.backend_ports = (
            [port] if not proxy else list(range(backend_port, backend_port + workers))
        )
        self.message_queue = message_queue
        self.secret_key = secret_key or secrets.token_urlsafe(32)
        self.extra_env = env or {}
        self._own_run_dir = run_dir is None
        self.run_dir = run_dir or Path(tempfile.mkdtemp(prefix="her2poll-cluster-"))
        #: where to copy the processes' and nginx's logs when stopping (benchmarks)
        self.keep_logs_in: Path | None = None
        self.backends: list[subprocess.Popen[bytes]] = []
        self.nginx: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The single entry point clients use."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def backend_urls(self) -> list[str]:
        """Each process directly, bypassing nginx (to pin a client to one process)."""
        return [f"http://127.0.0.1:{p}" for p in self.backend_ports]

    def server_pids(self) -> list[int]:
        """The gunicorn worker processes: where the connections and their memory live."""
        return [pid for proc in self.backends for pid in procs.children(proc.pid)]

    def _env(self) -> dict[str, str]:
        env = {**os.environ, **self.extra_env}
        env["HER2POLL_DB"] = self.db_url
        env["HER2POLL_SECRET_KEY"] = self.secret_key
        env["HER2POLL_INSTANCE"] = str(self.run_dir / "instance")
        env["HER2POLL_TRUSTED_PROXIES"] = "1"  # its nginx: the visitor's address is theirs
        env.pop("HER2POLL_MESSAGE_QUEUE", None)
        if self.message_queue:
            env["HER2POLL_MESSAGE_QUEUE"] = self.message_queue
        return env

    def _start_backend(self, port: int) -> subprocess.Popen[bytes]:
        log = open(self.run_dir / f"backend-{port}.log", "ab")
        # ``-c`` rather than ``-m her2poll.cli``: cli.py has no ``__main__`` guard.
        cmd = [sys.executable, "-c", _SERVE, "serve", "--port", str(port)]
        # cwd=ROOT puts this checkout's her2poll first on sys.path (python -m, gunicorn).
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self._env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.backends.append(proc)
        return proc

    def start(self) -> Cluster:
        """Start every process and wait until each (and nginx) answers ``/healthz``."""
        procs.raise_nofile()
        self.run_dir.mkdir(parents=True, exist_ok=True)
        # The first process migrates the database alone; the others then find it current.
        first = self._start_backend(self.backend_ports[0])
        procs.wait_http(f"{self.backend_urls[0]}/healthz", first)
        for port in self.backend_ports[1:]:
            self._start_backend(port)
        for url, proc in zip(self.backend_urls, self.backends, strict=True):
            procs.wait_http(f"{url}/healthz", proc)
        if self.proxy:
            self._start_nginx()
        return self

    def _start_nginx(self) -> None:
        binary = nginx.find_nginx()
        if binary is None:
            raise FileNotFoundError("nginx is not installed (Debian: apt-get install nginx-light)")
        (self.run_dir / "tmp").mkdir(exist_ok=True)
        conf = self.run_dir / "nginx.conf"
        nofile = procs.raise_nofile()
        conf.write_text(nginx.render(self.run_dir, self.port, self.backend_ports, nofile=nofile))
        log = open(self.run_dir / "nginx.out", "ab")
        self.nginx = subprocess.Popen(
            [
                binary,
                "-p",
                str(self.run_dir),
                "-e",
                str(self.run_dir / "nginx-error.log"),
                "-c",
                str(conf),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        procs.wait_http(f"{self.url}/healthz", self.nginx, timeout=20)

    def stop(self) -> None:
        """Stop nginx, then every process (TERM, then KILL after a grace period)."""
        if self.nginx is not None:
            procs.stop(self.nginx, signal.SIGQUIT, timeout=5)
        for proc in self.backends:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.backends:
            procs.stop(proc, signal.SIGTERM, timeout=15)
        if self.keep_logs_in is not None:
            self.keep_logs_in.mkdir(parents=True, exist_ok=True)
            for log in self.run_dir.glob("*.log"):
                shutil.copy(log, self.keep_logs_in / log.name)
        if self._own_run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _interrupt(*_args: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the cluster as cleanly as Ctrl-C


def main(argv: list[str] | None = None) -> None:
    """Serve a cluster until Ctrl-C or SIGTERM, then stop every process."""
    p = argparse.ArgumentParser(prog="scripts/cluster.sh", description=__doc__.split("\n")[0])
    p.add_argument("--workers", type=int, default=2, help="her2poll processes (default 2)")
    p.add_argument("--port", type=int, default=8200, help="nginx port (default 8200)")
    p.add_argument("--backend-port", type=int, default=5201, help="first process's port")
    p.add_argument(
        "--db",
        default=os.environ.get("HER2POLL_DB"),
        required=not os.environ.get("HER2POLL_DB"),
        help="PostgreSQL URL shared by all processes (env HER2POLL_DB)",
    )
    p.add_argument(
        "--redis", default=DEFAULT_REDIS, help=f"message queue (default {DEFAULT_REDIS})"
    )
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    cluster = Cluster(
        args.workers, args.db, args.port, backend_port=args.backend_port, message_queue=args.redis
    )
    with cluster:
        backends = ", ".join(cluster.backend_urls)
        print(f"her2poll on {cluster.url} (processes: {backends}; logs: {cluster.run_dir})")
        sys.stdout.flush()
        try:
            signal.pause()
        except KeyboardInterrupt:
            print("stopping", flush=True)


if __name__ == "__main__":
    main()
