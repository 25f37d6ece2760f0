"""The per-connection token bucket, on a clock the test moves by hand."""

from __future__ import annotations

import pytest

from her2poll.live.limiter import Limiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def takes(limiter: Limiter, key: str, n: int) -> list[bool]:
    return [limiter.allow(key) for _ in range(n)]


def test_a_burst_is_allowed_and_the_next_request_refused(clock: FakeClock) -> None:
    limiter = Limiter(rate=1.0, burst=3, clock=clock)
    assert takes(limiter, "sid-a", 4) == [True, True, True, False]


def test_tokens_come_back_at_the_rate(clock: FakeClock) -> None:
    limiter = Limiter(rate=4.0, burst=3, clock=clock)
    takes(limiter, "sid-a", 3)
    clock.now += 0.5  # 4 per second: two tokens
    assert takes(limiter, "sid-a", 3) == [True, True, False]


def test_refused_requests_do_not_reset_the_refill(clock: FakeClock) -> None:
    limiter = Limiter(rate=1.0, burst=1, clock=clock)
    assert limiter.allow("sid-a")
    clock.now += 0.5
    assert not limiter.allow("sid-a")  # half a token so far
    clock.now += 0.5
    assert limiter.allow("sid-a")  # the two halves make one


def test_asking_often_does_not_make_tokens_come_back_faster(clock: FakeClock) -> None:
    limiter = Limiter(rate=1.0, burst=2, clock=clock)
    start = clock.now
    takes(limiter, "sid-a", 2)
    refused = []
    for t in (0.5, 0.9, 0.99):
        clock.now = start + t
        refused.append(limiter.allow("sid-a"))
    assert refused == [False, False, False]
    clock.now = start + 1.0
    assert takes(limiter, "sid-a", 2) == [True, False]


def test_an_idle_connection_saves_up_no_more_than_the_burst(clock: FakeClock) -> None:
    limiter = Limiter(rate=10.0, burst=3, clock=clock)
    takes(limiter, "sid-a", 3)
    clock.now += 3600
    assert takes(limiter, "sid-a", 4) == [True, True, True, False]


def test_each_connection_has_a_bucket_of_its_own(clock: FakeClock) -> None:
    limiter = Limiter(rate=1.0, burst=2, clock=clock)
    assert takes(limiter, "sid-a", 3) == [True, True, False]
    assert takes(limiter, "sid-b", 3) == [True, True, False]
    assert not limiter.allow("sid-a")


def test_a_forgotten_connection_starts_again_with_a_full_burst(clock: FakeClock) -> None:
    limiter = Limiter(rate=1.0, burst=2, clock=clock)
    takes(limiter, "sid-a", 2)
    limiter.forget("sid-a")
    limiter.forget("sid-never-seen")  # harmless
    assert takes(limiter, "sid-a", 3) == [True, True, False]
