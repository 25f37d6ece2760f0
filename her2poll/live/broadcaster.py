"""The coalescing broadcaster: tallies to moderator and screen rooms, at most 10 Hz.

Votes only mark their session dirty. A background task wakes every
``interval`` seconds and, for each dirty session, reads one tally snapshot
from the database and sends it to the moderator and screen rooms. The
snapshot carries the session's ``vote_seq``, so when several processes each
send one, the client keeps the newest and duplicates are harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..core.errors import Her2pollError
from .rooms import moderator_room, screen_room

log = logging.getLogger(__name__)

#: A session id's moderator and screen ``tally`` messages, read from one snapshot.
RoomTallies = Callable[[int], tuple[dict[str, Any], dict[str, Any]]]


class Broadcaster:
    """Coalesces tally snapshots per session.

    :param snapshots: the moderator's and screen's messages of a session
        (:func:`her2poll.services.results.room_tallies`).
    :param members: the sessions this process has connections in; each gets a
        fresh snapshot every ``refresh`` seconds even without votes, so a
        moderator converges after a lost message (a Redis restart, a reconnect).
    """

    def __init__(
        self,
        socketio: Any,
        snapshots: RoomTallies,
        members: Callable[[], set[int]],
        interval: float = 0.1,
        refresh: float = 2.0,
    ) -> None:
        self.socketio = socketio
        self.snapshots = snapshots
        self.members = members
        self.interval = interval
        self.refresh = refresh
        self._dirty: set[int] = set()
        self._task: Any = None

    def start(self) -> None:
        if self._task is None:
            self._task = self.socketio.start_background_task(self._run)

    def mark_dirty(self, session_ids: set[int] | int) -> None:
        self.start()
        self._dirty.update({session_ids} if isinstance(session_ids, int) else session_ids)

    def _run(self) -> None:
        ticks_per_refresh = max(1, round(self.refresh / self.interval))
        tick = 0
        while True:
            self.socketio.sleep(self.interval)
            tick += 1
            if tick % ticks_per_refresh == 0:
                self._dirty.update(self.members())
            try:
                self.flush()
            except Exception:  # keep broadcasting after a passing fault
                log.exception("tally broadcast failed")

    def flush(self) -> None:
        """Send one snapshot per dirty session now."""
        dirty, self._dirty = self._dirty, set()
        for session_id in sorted(dirty):
            try:
                moderator, screen = self.snapshots(session_id)
            except Her2pollError as e:
                log.warning("no tally for session %s: %s", session_id, e.message)
                self._dirty.add(session_id)  # try again at the next tick
                continue
            self.socketio.emit("tally", moderator, to=moderator_room(session_id))
            self.socketio.emit("tally", screen, to=screen_room(session_id))
