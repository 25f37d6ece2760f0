"""The moderator's pages: create or pick a session, then the control panel."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..store import sessions
from . import links

bp = Blueprint("moderator", __name__)


@bp.get("/moderator")
def home() -> str:
    """Create a session from the default question set, or open an existing one."""
    db = current_app.extensions["her2poll_db"]
    return render_template("moderator_home.html", sessions=sessions.list_sessions(db))


@bp.get("/m/<code>")
def panel(code: str) -> str:
    """The control panel; the secret comes from the URL fragment, read by the page."""
    db = current_app.extensions["her2poll_db"]
    state = sessions.get_session(db, code[:12])
    return render_template(
        "moderator.html",
        code=state.code,
        title=state.title,
        attendee_url=links.attendee_url(state.code),
    )
