"""The projector view: read-only, large type; its token travels in the URL fragment."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..store.repository import get_store
from . import links

bp = Blueprint("screen", __name__)


@bp.get("/s/<code>")
def page(code: str) -> str:
    state = get_store().session(code[:12])
    return render_template(
        "screen.html",
        code=state.code,
        title=state.title,
        attendee_url=links.attendee_url(state.code),
    )
