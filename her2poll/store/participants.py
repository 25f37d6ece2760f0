"""Participants: one row per device that joined a session, found again by public id.

The public id travels inside the attendee's signed token; the database id never
leaves the server.
"""

from __future__ import annotations

import secrets

from sqlalchemy import Connection, bindparam, func, insert, select

from ..core.session import Participant
from .db import Database
from .models import ParticipantRow, utcnow


def join(db: Database, session_id: int, public_id: str | None) -> Participant:
    """Return the participant with ``public_id`` in this session, or a new one.

    An unknown or foreign ``public_id`` yields a new participant rather than an
    error: the caller has already checked the token's signature, so this only
    happens after a database reset, and the attendee should simply carry on.
    """
    with db.begin() as conn:
        return find_or_add(conn, session_id, public_id)[0]


#: Built once (the join is the hot path; building a statement costs more than running it).
_FIND = select(ParticipantRow.id).where(
    ParticipantRow.public_id == bindparam("public_id"),
    ParticipantRow.session_id == bindparam("session_id"),
)
_ADD = insert(ParticipantRow).returning(ParticipantRow.id)


def find_or_add(
    conn: Connection, session_id: int, public_id: str | None
) -> tuple[Participant, bool]:
    """:func:`join` in the caller's transaction; also whether the participant was known."""
    if public_id:
        row = conn.execute(
            _FIND, {"public_id": public_id, "session_id": session_id}
        ).scalar_one_or_none()
        if row is not None:
            return Participant(row, session_id, public_id), True
    new_public = secrets.token_urlsafe(12)
    pid = conn.execute(
        _ADD, {"session_id": session_id, "public_id": new_public, "created_at": utcnow()}
    ).scalar_one()
    return Participant(pid, session_id, new_public), False


_COUNT = select(func.count(ParticipantRow.id)).where(
    ParticipantRow.session_id == bindparam("session_id")
)


def count(conn: Connection, session_id: int) -> int:
    """Everyone who ever joined the session, in the caller's transaction."""
    return conn.execute(_COUNT, {"session_id": session_id}).scalar_one()
