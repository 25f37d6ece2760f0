"""Who is calling the API: the moderator secret as a Bearer token."""

from __future__ import annotations

from flask import request

from ..core.errors import Forbidden
from ..services import sessions
from ..store.repository import get_store


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def moderator_key() -> str:
    """The Bearer token, or 403 saying how to send it."""
    secret = bearer()
    if secret is None:
        raise Forbidden("Send the moderator key as 'Authorization: Bearer <key>'.")
    return secret


def require_moderator(code: str) -> str:
    """Raise 403 unless the request carries this session's moderator secret; return it."""
    secret = moderator_key()
    sessions.require_moderator(get_store(), code, secret)
    return secret
