"""The live layer's per-app parts, built once by :func:`her2poll.live.init_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..store.repository import SqlStore
from .broadcaster import Broadcaster
from .limiter import Limiter
from .presence import Presence
from .rooms import Registry
from .writer import VoteWriter


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


def live() -> Live:
    svc: Live = current_app.extensions["her2poll_live"]
    return svc
