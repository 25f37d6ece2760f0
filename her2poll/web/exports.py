"""Export downloads: ``GET /api/sessions/<code>/export.<csv|xlsx|json|pdf>`` (moderator only).

Streamed: the body is generated while it is sent, from one read snapshot, so a
large session costs neither a long write lock nor its whole size in memory.
The first chunk is produced before the response starts, so a missing session
or an unreachable database is still a clean JSON error, not a cut download.
"""

from __future__ import annotations

from itertools import chain

from flask import Blueprint, Response, current_app

from ..core.errors import NotFound
from ..exports.formats import FORMATS, export_chunks, filename
from ..store import sessions
from .auth import require_moderator

bp = Blueprint("exports", __name__, url_prefix="/api")


@bp.get("/sessions/<code>/export.<fmt>")
def export(code: str, fmt: str) -> Response:
    """Download one session's export in ``fmt``, named her2poll-<code>-<date>.<ext>."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise NotFound(f"No export format {fmt!r}: use csv, xlsx, json or pdf.")
    require_moderator(code)
    db = current_app.extensions["her2poll_db"]
    state = sessions.get_session(db, code)
    chunks = export_chunks(db, state.code, spec)
    first = next(chunks, b"")
    response = Response(chain([first], chunks), mimetype=spec.mimetype)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{filename(state.code, state.created_at, spec)}"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response
