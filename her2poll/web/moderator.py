"""The moderator's pages: create or pick a session, then the control panel."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, render_template
from flask_login import login_required

from ..services import sessions
from ..store.repository import get_store
from . import links
from .auth import require_organiser

bp = Blueprint("moderator", __name__)


@bp.get("/moderator")
@login_required
def home() -> str:
    """A signed-in organiser's sessions (and their organisation's), and a new one."""
    viewer = require_organiser()
    return render_template("moderator_home.html", sessions=sessions.summaries(get_store(), viewer))


@bp.get("/m/<code>")
def panel(code: str) -> str:
    """The control panel; the secret comes from the URL fragment, read by the page."""
    store = get_store()
    state = store.session(code[:12])
    attendee_url = links.attendee_url(state.code)
    return render_template(
        "moderator.html",
        code=state.code,
        title=state.title,
        attendee_url=attendee_url,
        # Opened on the laptop itself, the panel would hand phones a link they cannot open.
        loopback_host=links.is_loopback(attendee_url) and urlsplit(attendee_url).hostname,
        room_language=store.room_language(state.code),
    )
