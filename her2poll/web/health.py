"""``GET /healthz``: is the app up, and can it reach its database?"""

from __future__ import annotations

from flask import Blueprint

from ..core.errors import Unavailable
from ..store.db import get_db

bp = Blueprint("health", __name__)

#: Said instead of a message that would name the database (a failed migration's does).
UNAVAILABLE = "The database is unavailable; try again shortly."


@bp.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """Ok or unavailable (503, for load balancers); never the database's kind or location."""
    db = get_db()
    try:
        db.ping()
    except Unavailable as e:
        names_db = db.url in e.message or db.describe() in e.message
        return {"status": "unavailable", "message": UNAVAILABLE if names_db else e.message}, 503
    return {"status": "ok"}, 200
