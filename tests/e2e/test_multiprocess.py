"""Two her2poll processes behind nginx, sharing PostgreSQL and Redis.

The moderator is connected to process 1; half the audience to process 2. Every
vote cast on process 2 must reach the moderator through Redis, and the
moderator's final tally must equal what the database holds, exactly. Nothing
here is timed: each wait has a generous deadline, then equality is asserted.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import socketio
from sqlalchemy import create_engine, text

from testkit.accounts import organiser_http
from testkit.ci import missing_service
from testkit.cluster import Cluster
from testkit.nginx import find_nginx
from testkit.procs import free_ports
from testkit.servers import fresh_pg_database
from testkit.wait import wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

REDIS_URL = "redis://127.0.0.1:6379"
QUESTION = "PQ1"
OPTIONS = ["HER2CLIMB", "DESTINY_BREAST01", "NEOADJUVANT", "OTHER"]
PER_PROCESS = 100
DEADLINE = 60.0


def _require_redis_and_nginx() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as e:  # noqa: BLE001 - any failure means "not available"
        missing_service(f"Redis is not reachable at {REDIS_URL}: {e}")
    if find_nginx() is None:
        missing_service("nginx is not installed")


@pytest.fixture
def cluster(pg_server: str) -> Iterator[Cluster]:
    """Two processes and nginx on a fresh PostgreSQL database."""
    _require_redis_and_nginx()
    url, drop = fresh_pg_database(pg_server)
    (entry,) = free_ports(1, 8250, 8299)
    backends = free_ports(2, 5250, 5299)
    try:
        with Cluster(2, url, entry, backend_port=backends[0], message_queue=REDIS_URL) as c:
            yield c
    finally:
        drop()  # type: ignore[operator]


class Moderator:
    """The moderator's client: keeps the newest tally (highest ``vote_seq``) it received."""

    def __init__(self, url: str) -> None:
        self.client = socketio.Client(reconnection=False)
        self.lock = threading.Lock()
        self.newest: dict[str, Any] = {"vote_seq": -1}
        self.client.on("tally", self._on_tally)
        self.client.connect(url, transports=["websocket"], wait_timeout=30)

    def _on_tally(self, data: dict[str, Any]) -> None:
        with self.lock:
            if data["vote_seq"] >= self.newest["vote_seq"]:
                self.newest = data

    def counts(self) -> dict[str, int]:
        with self.lock:
            tally = self.newest.get("tallies", {}).get(QUESTION, {})
        return {k: v for k, v in tally.get("counts", {}).items() if v}

    def wait_for(self, expected: dict[str, int]) -> dict[str, int]:
        """The tally once it equals ``expected``, or the last one seen at the deadline."""
        wait_until(lambda: self.counts() == expected, DEADLINE)
        return self.counts()


def _create_session(url: str, db_url: str) -> dict[str, Any]:
    """As a signed-in organiser, through nginx (the sign-in cookie and CSRF token too)."""
    r = organiser_http(url, db_url).post(f"{url}/api/sessions", json={}, timeout=30)
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


def _attendees(url: str, code: str, count: int) -> list[socketio.Client]:
    clients = []
    for _ in range(count):
        client = socketio.Client(reconnection=False)
        client.connect(url, transports=["websocket"], wait_timeout=30)
        ack = client.call("join", {"code": code}, timeout=DEADLINE)
        assert ack["ok"], ack
        clients.append(client)
    return clients


def _vote_all(clients: list[socketio.Client], first: int) -> Counter[str]:
    """Every client votes at once; returns the options whose acks said ok."""
    acks: list[dict[str, Any]] = []
    done = threading.Semaphore(0)
    chosen = [OPTIONS[(first + i) % len(OPTIONS)] for i in range(len(clients))]

    def collect(ack: dict[str, Any]) -> None:
        acks.append(ack)
        done.release()

    for client, option in zip(clients, chosen, strict=True):
        vote = {"question_id": QUESTION, "option_id": option, "vote_id": uuid.uuid4().hex}
        client.emit("vote", vote, callback=collect)
    for _ in clients:
        assert done.acquire(timeout=DEADLINE), "a vote was never acknowledged"
    assert all(a == {"ok": True, "dup": False} for a in acks), acks
    return Counter(chosen)


def _db_counts(db_url: str, code: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT a.option_id, count(*) FROM answers a JOIN sessions s"
                " ON s.id = a.session_id WHERE s.code = :code AND a.question_id = :q"
                " GROUP BY a.option_id"
            ),
            {"code": code, "q": QUESTION},
        ).all()
    engine.dispose()
    return {option: n for option, n in rows}


def test_moderator_on_one_process_sees_every_vote_cast_on_the_other(cluster: Cluster) -> None:
    session = _create_session(cluster.url, cluster.db_url)  # HTTP through nginx
    code = session["code"]
    first, second = cluster.backend_urls
    moderator = Moderator(first)
    clients: list[socketio.Client] = [moderator.client]
    try:
        ack = moderator.client.call(
            "join", {"code": code, "role": "moderator", "secret": session["moderator_secret"]}
        )
        assert ack["ok"], ack
        on_second = _attendees(second, code, PER_PROCESS)
        on_first = _attendees(first, code, PER_PROCESS)
        via_nginx = _attendees(cluster.url, code, 1)  # the WebSocket upgrade through nginx
        clients += on_second + on_first + via_nginx
        opened = moderator.client.call("control", {"action": "open", "question_id": QUESTION})
        assert opened["ok"], opened

        expected = _vote_all(on_second, 0)
        assert moderator.wait_for(dict(expected)) == dict(expected)

        expected += _vote_all(on_first + via_nginx, 1)
        assert moderator.wait_for(dict(expected)) == dict(expected)
        assert _db_counts(cluster.db_url, code) == dict(expected)
        assert sum(expected.values()) == 2 * PER_PROCESS + 1
    finally:
        for client in clients:
            client.disconnect()
