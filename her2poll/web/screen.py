"""The projector view: read-only, large type; its token travels in the URL fragment."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..store.repository import get_store
from . import i18n, links

bp = Blueprint("screen", __name__)


@bp.get("/s/<code>")
def page(code: str) -> str:
    store = get_store()
    state = store.session(code[:12])
    i18n.use_room_language(store.room_language(state.code))
    return render_template(
        "screen.html",
        code=state.code,
        title=state.title,
        attendee_url=links.attendee_url(state.code),
    )
