"""Results: for the API, and each room's tally message for the broadcaster."""

from __future__ import annotations

from typing import Any

from ..core import views
from ..core.errors import BadRequest
from . import sessions
from .ports import Store

View = dict[str, Any]


def results(store: Store, code: str, secret: str | None, max_n: int | None = None) -> View:
    """The moderator's results (``docs/api.md``): every question, published and compared.

    :param max_n: the largest published n to reconstruct (default: the set's footnote).
    """
    sessions.require_moderator(store, code, secret)
    if max_n is not None and not 1 <= max_n <= 1000:
        raise BadRequest("max_n must be between 1 and 1000.")
    return views.results(store.snapshot_by_code(code), max_n)


def room_tallies(store: Store, session_id: int, connected: int) -> tuple[View, View]:
    """The moderator's and the projector's ``tally`` messages, from one snapshot."""
    snap = store.snapshot(session_id)
    moderator = views.moderator_tally(snap, connected)
    return moderator, views.screen_tally(snap, connected, moderator)
