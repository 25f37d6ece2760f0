"""How many attendees are connected to a session, summed over server processes.

Each process knows only its own sockets. With several processes it writes its
count to Redis under a key of its own that expires, so a process that dies
(even by kill -9) drops out of the sum within ``ttl`` seconds; without Redis
the local count is the whole truth.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class Presence:
    """Connected attendees per session, summed over processes through Redis.

    :param client: a Redis client to use instead of connecting to ``redis_url``
        (tests pass a fake).
    """

    def __init__(
        self,
        local: Callable[[int], int],
        redis_url: str | None = None,
        ttl: int = 10,
        client: Any = None,
    ) -> None:
        self.local = local
        self.ttl = ttl
        self.process = f"{os.getpid()}-{secrets.token_hex(3)}"
        self._redis: Any = client
        if client is None and redis_url:
            import redis

            self._redis = redis.Redis.from_url(
                redis_url, socket_timeout=1, socket_connect_timeout=1
            )

    def connected(self, session_id: int) -> int:
        """Publish this process's count, then return the sum over live processes."""
        mine = self.local(session_id)
        if self._redis is None:
            return mine
        prefix = f"her2poll:connected:{session_id}:"
        try:
            self._redis.set(prefix + self.process, mine, ex=self.ttl)
            keys = list(self._redis.scan_iter(match=prefix + "*", count=1000))
            values = self._redis.mget(keys) if keys else []
        except Exception as e:  # Redis down: our own count is better than nothing
            log.warning("presence unavailable: %s", e)
            return mine
        return sum(int(v) for v in values if v is not None)
