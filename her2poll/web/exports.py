"""Export downloads: ``GET /api/sessions/<code>/export.<csv|xlsx|json|pdf>`` (moderator only).

Streamed: the body is generated while it is sent, from one read snapshot, so a
large session costs neither a long write lock nor its whole size in memory.
The first chunk is produced before the response starts, so a missing session
or an unreachable database is still a clean JSON error, not a cut download.
"""

from __future__ import annotations

from itertools import chain

from flask import Blueprint, Response

from ..services import exports
from ..store.db import get_db
from .auth import require_moderator

bp = Blueprint("exports", __name__, url_prefix="/api")


@bp.get("/sessions/<code>/export.<fmt>")
def export(code: str, fmt: str) -> Response:
    """Download one session's export in ``fmt``, named her2poll-<code>-<date>.<ext>."""
    exports.check_format(fmt)
    require_moderator(code)
    download = exports.export(get_db(), code, fmt)
    first = next(download.chunks, b"")
    response = Response(chain([first], download.chunks), mimetype=download.format.mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
