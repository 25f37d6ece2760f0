"""Who is calling the API: the moderator secret as a Bearer token."""

from __future__ import annotations

from flask import current_app, request

from ..core.errors import Forbidden
from ..store import sessions


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_moderator(code: str) -> None:
    """Raise 403 unless the request carries this session's moderator secret."""
    db = current_app.extensions["her2poll_db"]
    secret = bearer()
    if secret is None:
        raise Forbidden("Send the moderator key as 'Authorization: Bearer <key>'.")
    sessions.check_moderator(db, code, secret)
