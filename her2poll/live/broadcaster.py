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

#: A session id's messages, one per room of :data:`Rooms`, read from one snapshot.
Messages = Callable[[int], tuple[dict[str, Any], ...]]
#: The rooms a session's messages go to, in the order of its :data:`Messages`.
Rooms = Callable[[int], tuple[str, ...]]


def tally_rooms(session_id: int) -> tuple[str, ...]:
    return moderator_room(session_id), screen_room(session_id)


class Broadcaster:
    """Coalesces snapshots per session: tallies, and the Q&A messages.

    :param snapshots: a session's messages, one per room of ``rooms`` (for tallies
        :func:`her2poll.services.results.room_tallies`).
    :param members: the sessions this process has connections in; each gets a
        fresh snapshot every ``refresh`` seconds even without changes, so a
        moderator converges after a lost message (a Redis restart, a reconnect);
        ``None``: no refresh (a room of thousands of phones re-syncs on reconnect).
    :param event: the Socket.IO event the messages are sent as.
    """

    def __init__(
        self,
        socketio: Any,
        snapshots: Messages,
        members: Callable[[], set[int]],
        interval: float = 0.1,
        refresh: float | None = 2.0,
        event: str = "tally",
        rooms: Rooms = tally_rooms,
    ) -> None:
        self.socketio = socketio
        self.snapshots = snapshots
        self.event = event
        self.rooms = rooms
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
        ticks_per_refresh = max(1, round(self.refresh / self.interval)) if self.refresh else 0
        tick = 0
        while True:
            self.socketio.sleep(self.interval)
            tick += 1
            if ticks_per_refresh and tick % ticks_per_refresh == 0:
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
                messages = self.snapshots(session_id)
            except Her2pollError as e:
                log.warning("no %s for session %s: %s", self.event, session_id, e.message)
                self._dirty.add(session_id)  # try again at the next tick
                continue
            for room, message in zip(self.rooms(session_id), messages, strict=True):
                self.socketio.emit(self.event, message, to=room)
