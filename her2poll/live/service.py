"""The live layer's per-app services, built once by :func:`her2poll.live.init_app`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..core.session import SessionState
from ..store.db import Database
from ..store.votes import tallies
from .broadcaster import Broadcaster
from .limiter import Limiter
from .protocol import state_message
from .rooms import Registry
from .writer import VoteWriter


@dataclass
class Live:
    db: Database
    socketio: Any
    registry: Registry
    writer: VoteWriter
    broadcaster: Broadcaster
    limiter: Limiter

    def state_message(self, state: SessionState) -> dict[str, object]:
        """The ``state`` message, with results when the current question is revealed."""
        qid = state.current_question_id
        poll = state.poll(qid) if qid else None
        results = None
        if poll is not None and poll.revealed:
            results = tallies(self.db, state.id).by_question.get(poll.question_id)
        return state_message(state, results)


def live() -> Live:
    return current_app.extensions["her2poll_live"]
