"""``GET /healthz``: is the app up, and can it reach its database?"""

from __future__ import annotations

from flask import Blueprint

from ..core.errors import Unavailable
from ..store.db import get_db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, object], int]:
    """Report the database in use; 503 when it does not answer, for load balancers."""
    db = get_db()
    body: dict[str, object] = {"status": "ok", "database": db.backend, "url": db.describe()}
    try:
        db.ping()
    except Unavailable as e:
        return {**body, "status": "unavailable", "message": e.message}, 503
    return body, 200
