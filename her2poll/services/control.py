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
    """Apply the action (one transaction), then read the new state for everyone's screen."""
    session_id = store.apply_action(code, question_id, action)
    snap = store.snapshot(session_id)
    return Controlled(session_id, views.attendee_state(snap.state, snap.tallies))
