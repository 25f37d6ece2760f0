"""The moderator's controls: open, close, reopen, reveal, hide, reset, next, the countdown,
a phase's block (open_phase, close_phase), hiding an open-text answer from the room, and
showing the room the statistics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core import views
from ..core.items import Phase
from ..core.phases import Command, Pacing, PhaseAction
from ..core.polls import Action
from ..core.session import SessionState
from .ports import Store


@dataclass(frozen=True)
class Controlled:
    """The session after an action: its id and the ``state`` message everyone gets."""

    session_id: int
    state: dict[str, Any]


def control(
    store: Store,
    code: str,
    action: Action | PhaseAction | str,
    question_id: str | None = None,
    phase: Phase | None = None,
    pacing: Pacing | None = None,
) -> Controlled:
    """Apply the action (one transaction); the tallies are read only for a reveal.

    ``open_phase``/``close_phase`` run a whole phase as a block (``phase``, and for
    opening a ``pacing``): :mod:`her2poll.core.phases` plans its per-item steps.
    """
    command = Command(action, question_id, phase, pacing)
    return _announced(store, store.apply_command(code, command))


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
