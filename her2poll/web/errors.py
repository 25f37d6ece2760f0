"""Errors as people and programs expect them: a page for browsers, JSON for the API.

No stack trace ever reaches a client; an unexpected error is logged with a
short reference the user can quote.
"""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template, request
from flask.typing import ResponseValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from ..core.errors import Conflict, Forbidden, Her2pollError, NotFound, Unavailable

log = logging.getLogger(__name__)

_STATUS = {NotFound: 404, Forbidden: 403, Conflict: 409, Unavailable: 503}


def status_of(error: Her2pollError) -> int:
    return next((s for cls, s in _STATUS.items() if isinstance(error, cls)), 400)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def _page_message(code: str, message: str) -> str:
    """What a person reads on the error page, in the page's language where we know it."""
    if code == "session_not_found":
        return str(_("No session has this code. Check the code shown on the screen."))
    if code == "activity_not_found":
        return str(_("No activity with this number is yours or your organisation's."))
    if code == "not_found":
        return str(_("This page does not exist."))
    return message


def _respond(status: int, code: str, message: str) -> tuple[ResponseValue, int]:
    if _wants_json():
        return {"ok": False, "code": code, "message": message}, status
    page = render_template("error.html", status=status, message=_page_message(code, message))
    return page, status


def init_app(app: Flask) -> None:
    @app.errorhandler(Her2pollError)
    def domain_error(e: Her2pollError) -> tuple[ResponseValue, int]:
        return _respond(status_of(e), e.code, e.message)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException) -> tuple[ResponseValue, int]:
        code = (e.name or "error").lower().replace(" ", "_")
        return _respond(e.code or 500, code, e.description or e.name)

    @app.errorhandler(Exception)
    def unexpected(e: Exception) -> tuple[ResponseValue, int]:
        ref = secrets.token_hex(4)
        log.exception("unhandled error on %s (ref %s)", request.path, ref)
        return _respond(500, "internal_error", f"Something went wrong (ref {ref}).")
