"""The broadcaster: coalesced tallies per session, a retry after a fault, the 2 s refresh."""

from __future__ import annotations

from typing import Any

import pytest

from her2poll.core.errors import Unavailable
from her2poll.live.broadcaster import Broadcaster


class Stop(Exception):
    """Ends the broadcaster's loop from inside the fake sleep."""


class FakeSocketIO:
    def __init__(self, ticks: int = 0) -> None:
        self.sent: list[tuple[str, dict[str, Any], str]] = []
        self.tasks: list[Any] = []
        self.ticks_left = ticks

    def emit(self, event: str, data: dict[str, Any], to: str) -> None:
        self.sent.append((event, data, to))

    def start_background_task(self, target: Any) -> Any:
        self.tasks.append(target)
        return target

    def sleep(self, _seconds: float) -> None:
        if self.ticks_left == 0:
            raise Stop
        self.ticks_left -= 1


class Snapshots:
    """Each call is one snapshot read; ``fail`` makes the next reads raise."""

    def __init__(self) -> None:
        self.reads: list[int] = []
        self.fail = 0

    def __call__(self, session_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        self.reads.append(session_id)
        if self.fail:
            self.fail -= 1
            raise Unavailable("database away")
        return {"for": "moderator", "s": session_id}, {"for": "screen", "s": session_id}


def test_many_marks_make_one_snapshot_per_session_and_room() -> None:
    sio, snaps = FakeSocketIO(), Snapshots()
    b = Broadcaster(sio, snaps, members=set)
    for session_id in (2, 1, 2, 2, 1):
        b.mark_dirty(session_id)
    b.mark_dirty({1, 2})
    b.flush()
    assert snaps.reads == [1, 2]
    assert [(d["for"], d["s"], to) for _e, d, to in sio.sent] == [
        ("moderator", 1, "moderator:1"),
        ("screen", 1, "screen:1"),
        ("moderator", 2, "moderator:2"),
        ("screen", 2, "screen:2"),
    ]
    b.flush()
    assert snaps.reads == [1, 2], "nothing changed, nothing is read or sent"
    assert len(sio.tasks) == 1, "one background task however often it is marked"


def test_a_failed_snapshot_is_tried_again_at_the_next_tick() -> None:
    sio, snaps = FakeSocketIO(), Snapshots()
    b = Broadcaster(sio, snaps, members=set)
    snaps.fail = 1
    b.mark_dirty(5)
    b.flush()
    assert sio.sent == []
    b.flush()
    assert snaps.reads == [5, 5]
    assert [to for _e, _d, to in sio.sent] == ["moderator:5", "screen:5"]


@pytest.mark.parametrize(("ticks", "refreshed"), [(19, False), (20, True)])
def test_sessions_with_members_are_refreshed_every_two_seconds(ticks, refreshed) -> None:
    sio, snaps = FakeSocketIO(ticks=ticks), Snapshots()
    b = Broadcaster(sio, snaps, members=lambda: {9}, interval=0.1, refresh=2.0)
    with pytest.raises(Stop):
        b._run()
    assert snaps.reads == ([9] if refreshed else [])
