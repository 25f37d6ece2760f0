"""The attendee's pages: join by code, then the phone view of one session."""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from ..core.errors import NotFound
from ..core.learners import CONSENT_TEXT, IdentityMode
from ..core.session import normalize_code
from ..services import credit
from ..store.db import get_db
from ..store.repository import get_store
from . import i18n, links

bp = Blueprint("attendee", __name__)


@bp.get("/")
def home() -> str:
    """The front door: attendees type a code, moderators go to their panel."""
    return render_template("home.html", error=None, code="")


@bp.get("/join")
def join() -> BaseResponse | tuple[str, int]:
    """The join form's target: normalise what was typed and go to the session."""
    code = normalize_code(request.args.get("code", ""))[:12]
    if not code:
        error = _("Type the code shown on screen.")
        return render_template("home.html", error=error, code=""), 400
    typed = request.args.get("code", "")[:16]
    try:
        get_store().session(code)
    except NotFound:
        # The same page, what was typed still in the box, and why it did not work.
        error = _(
            "No session has the code %(code)s. Check the code on the screen and try again.",
            code=code,
        )
        return render_template("home.html", error=error, code=typed), 404
    return redirect(url_for("attendee.page", code=code))


@bp.get("/j/<code>")
def page(code: str) -> str | tuple[str, int]:
    """The phone page; everything after load happens over Socket.IO."""
    store = get_store()
    state = store.session(code[:12])  # NotFound becomes a 404 page
    i18n.use_room_language(store.room_language(state.code))
    identified = credit.credit_of(get_db(), state.code).mode is IdentityMode.IDENTIFIED
    return render_template(
        "attendee.html", code=state.code, title=state.title, identified=identified,
        consent_text=CONSENT_TEXT,
    )  # fmt: skip


@bp.get("/qr/<code>.svg")
def qr(code: str) -> Response:
    """The attendee link as a QR code, for the panel and the projector."""
    state = get_store().session(code[:12])
    svg = links.qr_svg(links.attendee_url(state.code))
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "max-age=3600"})
