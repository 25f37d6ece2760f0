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
from ..core.polls import PollState
from ..core.results import comparison
from ..core.session import SessionState
from ..store.db import Database
from ..store.sessions import count_participants, get_session_by_id
from ..store.votes import Tallies, tallies
from .rooms import moderator_room, screen_room

log = logging.getLogger(__name__)


class Broadcaster:
    """Coalesces tally snapshots per session.

    :param members: the sessions this process has connections in; each gets a
        fresh snapshot every ``refresh`` seconds even without votes, so a
        moderator converges after a lost message (a Redis restart, a reconnect).
    """

    def __init__(
        self,
        db: Database,
        socketio: Any,
        connected: Callable[[int], int],
        members: Callable[[], set[int]],
        interval: float = 0.1,
        refresh: float = 2.0,
    ) -> None:
        self.db = db
        self.socketio = socketio
        self.connected = connected
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

    def snapshots(self, session_id: int) -> tuple[dict[str, object], dict[str, object]]:
        """The moderator's tally message and the screen's (revealed questions only)."""
        state = get_session_by_id(self.db, session_id)
        snap: Tallies = tallies(self.db, session_id)
        base = {
            "vote_seq": snap.vote_seq,
            "participants": count_participants(self.db, session_id),
            "connected": self.connected(session_id),
        }
        tallies_ = {q: t.to_dict() for q, t in snap.by_question.items()}
        compared = {
            q: comparison(state.questions, q, t)
            for q, t in snap.by_question.items()
            if self._worth_comparing(state, q)
        }
        moderator = {**base, "tallies": tallies_, "comparison": compared}
        revealed = {p.question_id for p in state.polls if p.revealed}
        screen = {
            **base,
            "tallies": {q: t for q, t in tallies_.items() if q in revealed},
            "comparison": {q: c for q, c in compared.items() if q in revealed},
        }
        return moderator, screen

    @staticmethod
    def _worth_comparing(state: SessionState, question_id: str) -> bool:
        """Compare only questions that have been asked: pending ones have no answers."""
        poll = state.poll(question_id)
        return poll is not None and poll.state is not PollState.PENDING
