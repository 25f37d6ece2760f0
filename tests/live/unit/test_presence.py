"""Connected attendees summed over processes through expiring Redis keys.

A fake Redis with a hand-moved clock shows expiry; one test (marked
``redis``) checks the same against the real server at 127.0.0.1:6379.
"""

from __future__ import annotations

import fnmatch
import logging
import secrets
from collections.abc import Iterator

import pytest
import redis

from her2poll.live.presence import Presence
from testkit.ci import missing_service
from testkit.servers import free_port

REDIS_URL = "redis://127.0.0.1:6379/0"


class FakeRedis:
    """The three commands Presence uses, with ``ex`` expiry on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0
        self.data: dict[str, tuple[bytes, float | None]] = {}
        self.down = False

    def _live(self) -> dict[str, bytes]:
        if self.down:
            raise redis.ConnectionError("Connection refused")
        return {k: v for k, (v, until) in self.data.items() if until is None or until > self.now}

    def set(self, name: str, value: int, ex: int | None = None) -> bool:
        self._live()
        self.data[name] = (str(value).encode(), None if ex is None else self.now + ex)
        return True

    def scan_iter(self, match: str = "*", count: int | None = None) -> Iterator[bytes]:
        return iter([k.encode() for k in self._live() if fnmatch.fnmatchcase(k, match)])

    def mget(self, keys: list[bytes]) -> list[bytes | None]:
        live = self._live()
        return [live.get(k.decode()) for k in keys]


class Counts(dict[int, int]):
    """One process's own attendee counts per session (what the registry would say)."""

    def __call__(self, session_id: int) -> int:
        return self.get(session_id, 0)


@pytest.fixture
def fake() -> FakeRedis:
    return FakeRedis()


def test_without_a_message_queue_the_local_count_is_the_answer() -> None:
    presence = Presence(Counts({7: 3}))
    assert [presence.connected(7), presence.connected(8)] == [3, 0]


def test_counts_of_two_processes_add_up(fake: FakeRedis) -> None:
    a = Presence(Counts({7: 3}), client=fake)
    b = Presence(Counts({7: 4}), client=fake)
    assert a.connected(7) == 3  # b has not published yet
    assert b.connected(7) == 7
    assert a.connected(7) == 7


def test_a_process_replaces_its_own_count_instead_of_adding_to_it(fake: FakeRedis) -> None:
    mine = Counts({7: 3})
    a = Presence(mine, client=fake)
    b = Presence(Counts({7: 4}), client=fake)
    b.connected(7)
    a.connected(7)
    mine[7] = 1
    assert a.connected(7) == 5


def test_sessions_are_counted_apart(fake: FakeRedis) -> None:
    a = Presence(Counts({7: 3, 8: 1}), client=fake)
    b = Presence(Counts({7: 4, 8: 2}), client=fake)
    b.connected(7)
    b.connected(8)
    assert [a.connected(7), a.connected(8), a.connected(9)] == [7, 3, 0]


def test_a_dead_process_drops_out_of_the_sum_when_its_key_expires(fake: FakeRedis) -> None:
    a = Presence(Counts({7: 3}), client=fake, ttl=10)
    dead = Presence(Counts({7: 4}), client=fake, ttl=10)
    dead.connected(7)  # its last word before kill -9
    fake.now += 9
    assert a.connected(7) == 7
    fake.now += 2
    assert a.connected(7) == 3


def test_a_live_process_refreshes_its_key_each_time_it_counts(fake: FakeRedis) -> None:
    a = Presence(Counts({7: 3}), client=fake, ttl=10)
    b = Presence(Counts({7: 4}), client=fake, ttl=10)
    for _ in range(3):
        b.connected(7)
        fake.now += 6  # longer than the TTL in all, never between two counts
    assert a.connected(7) == 7


def test_when_redis_is_down_the_local_count_is_returned(
    fake: FakeRedis, caplog: pytest.LogCaptureFixture
) -> None:
    presence = Presence(Counts({7: 3}), client=fake)
    fake.down = True
    with caplog.at_level(logging.WARNING, logger="her2poll.live.presence"):
        assert presence.connected(7) == 3
    assert "presence unavailable" in caplog.text
    fake.down = False
    assert presence.connected(7) == 3


def test_an_unreachable_redis_url_falls_back_to_the_local_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    presence = Presence(Counts({7: 3}), f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="her2poll.live.presence"):
        assert presence.connected(7) == 3
    assert "presence unavailable" in caplog.text


def real_client() -> redis.Redis:
    return redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


@pytest.fixture
def real_redis() -> Iterator[redis.Redis]:
    client = real_client()
    try:
        client.ping()
    except redis.RedisError as e:
        client.close()
        missing_service(f"Redis is not reachable at {REDIS_URL}: {e}")
    yield client
    client.close()


@pytest.mark.redis
def test_two_processes_add_up_through_real_redis_with_expiring_keys(
    real_redis: redis.Redis,
) -> None:
    session_id = secrets.randbelow(10**12) + 10**12  # keys no other test or server uses
    prefix = f"her2poll:connected:{session_id}:"
    clients = [real_client(), real_client()]  # one connection per "process"
    a = Presence(Counts({session_id: 3}), client=clients[0], ttl=10)
    b = Presence(Counts({session_id: 4}), client=clients[1], ttl=10)
    try:
        assert a.connected(session_id) == 3
        assert b.connected(session_id) == 7
        keys = list(real_redis.scan_iter(match=prefix + "*"))
        assert len(keys) == 2
        assert all(0 < real_redis.ttl(k) <= 10 for k in keys)
    finally:
        for key in real_redis.scan_iter(match=prefix + "*"):
            real_redis.delete(key)
        for client in clients:
            client.close()
