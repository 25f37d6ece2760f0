"""The moderator's controls: open, close, reopen, reveal, hide, reset, next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import views
from ..core.polls import Action
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
    state = store.apply_action(code, question_id, action)
    tallies = store.snapshot(state.id).tallies if views.shows_results(state) else {}
    return Controlled(state.id, views.attendee_state(state, tallies))
