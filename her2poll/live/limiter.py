"""A per-connection token bucket, so one script cannot flood the server.

A tally cannot be inflated by spamming anyway (one answer per participant is
a database constraint); the limit protects everyone else's latency.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Limiter:
    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        """Take one token for ``key`` if there is one."""
        now = self.clock()
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
