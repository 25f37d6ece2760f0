"""The projector view: read-only, large type; its token travels in the URL fragment."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from ..store import sessions
from . import links

bp = Blueprint("screen", __name__)


@bp.get("/s/<code>")
def page(code: str) -> str:
    db = current_app.extensions["her2poll_db"]
    state = sessions.get_session(db, code[:12])
    return render_template(
        "screen.html",
        code=state.code,
        title=state.title,
        attendee_url=links.attendee_url(state.code),
    )
