"""The live layer's per-app parts, built once by :func:`her2poll.live.init_app`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..services import joining
from ..store.repository import SqlStore
from .broadcaster import Broadcaster
from .limiter import Limiter
from .presence import Presence
from .rooms import Registry, moderator_room, screen_room, session_room
from .writer import VoteWriter

log = logging.getLogger(__name__)


@dataclass
class Live:
    store: SqlStore
    socketio: Any
    registry: Registry
    presence: Presence
    writer: VoteWriter
    broadcaster: Broadcaster
    limiter: Limiter
    #: The key attendee tokens are signed with (the app's secret key).
    signing_key: str
    #: The moderator's and the room's ``qa`` coalescers.
    qa_broadcasters: tuple[Broadcaster, Broadcaster]
    #: The group-commit writer for Q&A upvotes.
    upvotes: VoteWriter
    #: Per connection, for moderator actions: a panel clicks in bursts.
    control_limiter: Limiter
    #: Per participant: questions asked, upvotes sent.
    ask_limiter: Limiter
    upvote_limiter: Limiter
    #: Closes attendance intervals in batches (a room's disconnects come all at once).
    disconnects: VoteWriter | None = None

    def qa_changed(self, session_id: int) -> None:
        """Q&A changed: both Q&A rooms get a fresh message at their next tick."""
        for broadcaster in self.qa_broadcasters:
            broadcaster.mark_dirty(session_id)

    def state_changed(self, session_id: int, state: dict[str, Any]) -> None:
        """Everyone in the session gets the new ``state``; the tallies follow at the next tick."""
        self.socketio.emit("state", state, to=session_room(session_id))
        self.broadcaster.mark_dirty(session_id)

    def questions_changed(self, session_id: int) -> None:
        """An edit of the session's items was saved: everyone joined sees it now.

        Everyone gets the new ``state`` (the current item's wording); the panel and the
        projector each get a ``questions`` message in their own view (the panel redraws
        its cards, the projector takes the published figures); the tallies follow at
        the next tick.
        Sent through the message queue, so every process's connections hear it. The
        edit is saved already: if this fails, clients catch up at their next join.
        """
        try:
            news = joining.refreshed(self.store, session_id, self.presence.connected(session_id))
        except Exception:
            log.exception("session %d was edited; its clients were not told", session_id)
            return
        self.state_changed(session_id, news.state)
        self.socketio.emit("questions", news.moderator, to=moderator_room(session_id))
        self.socketio.emit("questions", news.screen, to=screen_room(session_id))


def live() -> Live:
    svc: Live = current_app.extensions["her2poll_live"]
    return svc
