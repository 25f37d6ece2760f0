"""Redis restarted under a two-process session: the moderator converges, nothing is lost."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from testkit.ci import missing_service
from testkit.phones import Phone, moderator
from testkit.servers import LiveServer, free_port, fresh_pg_database
from testkit.wait import wait_until
from tests.faults.test_faults import db_answers

pytestmark = [
    pytest.mark.slow,
    pytest.mark.fault,
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


class PrivateRedis:
    """A Redis server of this test's own, so restarting it disturbs nobody else."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(  # noqa: S603
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        assert wait_until(lambda: _pings(client), 10), "private redis did not start"
        client.close()
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        missing_service("redis-server is not installed")
    server = PrivateRedis(tmp_path).start()
    yield server
    server.stop()


class Tally:
    """The newest tally the moderator was sent."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latest: dict | None = None

    def __call__(self, msg: dict) -> None:
        with self.lock:
            if self.latest is None or msg["vote_seq"] >= self.latest["vote_seq"]:
                self.latest = msg

    def n(self) -> int:
        with self.lock:
            return self.latest["tallies"]["PQ6"]["n"] if self.latest else -1

    def counts(self) -> dict[str, int]:
        with self.lock:
            return dict(self.latest["tallies"]["PQ6"]["counts"]) if self.latest else {}


def test_moderator_converges_after_redis_restarts(
    pg_server: str, private_redis: PrivateRedis, tmp_path: Path
) -> None:
    url, drop = fresh_pg_database(pg_server)
    env = {"HER2POLL_MESSAGE_QUEUE": private_redis.url}
    a = LiveServer(url, tmp_path / "a", env).start()
    b = LiveServer(url, tmp_path / "b", env).start()
    phones: list[Phone] = []
    try:
        session = a.create_session()
        tally = Tally()
        mod = moderator(a.url, session)
        mod.on("tally", tally)
        assert mod.call("control", {"action": "open", "question_id": "PQ6"})["ok"]
        phones = [Phone(b.url, session["code"]).connect() for _ in range(40)]
        for p in phones[:20]:
            p.vote("PQ6", "LIKELY")
        assert wait_until(lambda: tally.n() == 20, 20), "votes on B reach the moderator on A"

        private_redis.stop()  # Redis goes away mid-session
        down = time.monotonic()
        for p in phones[20:]:
            p.vote("PQ6", "VERY_LIKELY")
        assert wait_until(lambda: all(p.settled() for p in phones), 30), "votes need no Redis"
        # B cannot tell A about its votes now; A's own periodic snapshot, read from the
        # database and delivered to its local moderator, still brings the tally up to date.
        assert wait_until(lambda: tally.n() == 40, 30), f"moderator stuck at {tally.n()}"
        during = time.monotonic() - down

        restarted = time.monotonic()
        private_redis.start()  # back on the same port
        for p in phones[:10]:  # and life goes on: ten people change their minds
            p.vote("PQ6", "VERY_UNLIKELY")
        assert wait_until(lambda: all(p.settled() for p in phones), 30)
        expected = {"LIKELY": 10, "VERY_LIKELY": 20, "VERY_UNLIKELY": 10}
        shown = lambda: {k: v for k, v in tally.counts().items() if v}  # noqa: E731
        assert wait_until(lambda: shown() == expected, 60), f"moderator shows {shown()}"
        after = time.monotonic() - restarted
        counts, n, receipts = db_answers(url, session["code"])
        assert counts == expected and n == 40 and receipts == 50
        print(
            f"moderator current {during:.1f} s into the Redis outage; "
            f"{after:.1f} s after the restart with 10 changed votes"
        )
        mod.disconnect()
    finally:
        for p in phones:
            p.close()
        a.stop()
        b.stop()
        drop()
