"""The moderator's pages: create or pick a session, then the control panel."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Blueprint, render_template, request
from flask_login import login_required

from ..services import sessions
from ..store.repository import get_store
from . import links
from .auth import require_organiser

bp = Blueprint("moderator", __name__)


def render_home(
    errors: Mapping[str, str] | None = None, form: Mapping[str, str] | None = None
) -> str:
    """The start page; a refused form comes back with its errors and what was typed."""
    from .authoring import templates

    store, viewer = get_store(), require_organiser()
    activities = store.list_activities(viewer)
    in_activities = {s.code for a in activities for s in a.sessions}
    return render_template(
        "moderator_home.html",
        sessions=[s for s in sessions.summaries(store, viewer) if s.code not in in_activities],
        activities=activities,
        templates={name: label for name, (label, _path) in templates().items()},
        errors=errors or {},
        form=form or {},
        notice=request.args.get("notice"),
    )


@bp.get("/moderator")
@login_required  # type: ignore[untyped-decorator]
def home() -> str:
    """Author or run an activity, or open an existing session."""
    return render_home()


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
