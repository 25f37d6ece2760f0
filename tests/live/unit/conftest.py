"""Unit fixtures for live/: a real gevent Socket.IO server's primitives, no network."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gevent
import pytest
import socketio


class GeventServer:
    """A ``socketio.Server(async_mode="gevent")`` that remembers the tasks it starts.

    The writer's loop never returns, so each test kills the tasks it started
    instead of leaving greenlets blocked on a queue for the rest of the run.
    """

    def __init__(self) -> None:
        self._server = socketio.Server(async_mode="gevent")
        self.eio = self._server.eio
        self.tasks: list[gevent.Greenlet] = []

    def start_background_task(self, target: Callable[..., Any], *args: Any) -> Any:
        task = self._server.start_background_task(target, *args)
        self.tasks.append(task)
        return task


@pytest.fixture
def server() -> Iterator[GeventServer]:
    s = GeventServer()
    yield s
    crashed = [t for t in s.tasks if t.dead and t.exception is not None]
    gevent.killall(s.tasks, timeout=5)
    assert all(t.dead for t in s.tasks)
    assert not crashed, [t.exception for t in crashed]
