"""The moderator's controls: open, close, reopen, reveal, hide, reset, next, the countdown,
hiding an open-text answer from the room, and showing the room the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core import views
from ..core.polls import Action
from ..core.session import SessionState
from .ports import Store


@dataclass(frozen=True)
class Controlled:
    """The session after an action: its id and the ``state`` message everyone gets."""

    session_id: int
    state: dict[str, Any]


def control(
    store: Store, code: str, action: Action | str, question_id: str | None = None
) -> Controlled:
    """Apply the action (one transaction); the tallies are read only for a reveal."""
    return _announced(store, store.apply_action(code, question_id, action))


def hide_answer(store: Store, code: str, answer_id: int, hidden: bool) -> Controlled:
    """Hide an open-text answer from the room (``hidden=False`` shows it again).

    It stays in the moderator's list and in every export, marked hidden.
    """
    return _announced(store, store.set_hidden(code, answer_id, hidden))


def room_statistics(store: Store, code: str, shown: bool) -> Controlled:
    """Show the room (projector and phones) the statistics too, or keep them on the panel.

    Who then sees what is :mod:`her2poll.core.views`'s rule; the new state tells
    every page the switch, and the next tally gives the projector its statistics.
    """
    return _announced(store, store.set_room_statistics(code, shown))


def _announced(store: Store, state: SessionState) -> Controlled:
    tallies = store.snapshot(state.id).tallies if views.shows_results(state) else {}
    return Controlled(state.id, views.attendee_state(state, tallies, now=datetime.now(UTC)))
