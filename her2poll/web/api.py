"""The JSON API (``docs/api.md``): create a session, its links, its results."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from ..core.access import derive_screen_token
from ..core.errors import BadRequest, Forbidden
from ..core.questions import load_question_set
from ..services import results as results_service
from ..services import sessions
from ..store.repository import get_store
from . import links
from .auth import moderator_key, require_moderator, require_organiser

bp = Blueprint("api", __name__, url_prefix="/api")


def _same_origin() -> None:
    """Refuse cross-site writes: a form on another site cannot send JSON here."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != request.host_url.rstrip("/"):
        raise Forbidden("Cross-origin requests may not change state.", code="bad_origin")
    if not request.is_json:
        raise BadRequest("Send a JSON body (Content-Type: application/json).")


@bp.post("/sessions")
def create_session() -> tuple[dict[str, object], int]:
    """An organiser creates a session from the server's question set; the secret is shown once."""
    owner = require_organiser()
    _same_origin()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    title = body.get("title")
    if title is not None and (not isinstance(title, str) or not 0 < len(title) <= 300):
        raise BadRequest("title must be a string of 1 to 300 characters.")
    questions = load_question_set(current_app.config["HER2POLL"].questions_path)
    new = sessions.create(get_store(), questions, title, owner)
    return _links(new.state.code, new.moderator_secret) | {"title": new.state.title}, 201


def _links(code: str, secret: str) -> dict[str, object]:
    return {
        "code": code,
        "moderator_secret": secret,
        "attendee_url": links.attendee_url(code),
        "moderator_url": links.moderator_url(code, secret),
        "screen_url": links.screen_url(code, derive_screen_token(secret)),
        "qr_url": f"/qr/{code}.svg",
    }


@bp.get("/sessions/<code>/links")
def session_links(code: str) -> dict[str, object]:
    """Every link of a session, for a moderator who reopens the panel."""
    secret = require_moderator(code)
    return _links(get_store().session(code).code, secret)


@bp.get("/sessions/<code>/results")
def results(code: str) -> dict[str, object]:
    """Per question: state, live counts, the published block and the comparison."""
    max_n = request.args.get("max_n", type=int)
    return results_service.results(get_store(), code, moderator_key(), max_n)
