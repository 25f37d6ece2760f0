"""The exports' pseudonyms (P0001, …), worked out from the tables by the documented rule.

P-numbers follow the participants' public ids sorted as bytes, not the order they
joined (docs/api.md), so attendance sheets and answer sheets cannot be lined up row by
row. Tests that know who joined first ask here which pseudonym that person got.
"""

from __future__ import annotations

from sqlalchemy import select

from her2poll.store.db import Database
from her2poll.store.models import ParticipantRow, SessionRow


def pseudonym_ranks(db: Database, session_id: int) -> dict[int, int]:
    """Participant id -> the number of its pseudonym."""
    with db.begin() as conn:
        rows = conn.execute(
            select(ParticipantRow.id, ParticipantRow.public_id).where(
                ParticipantRow.session_id == session_id
            )
        ).all()
    ordered = sorted(rows, key=lambda r: r.public_id.encode())
    return {r.id: i for i, r in enumerate(ordered, start=1)}


def by_join(db: Database, session_id: int) -> list[str]:
    """Each participant's pseudonym, in the order they joined (the first joiner first)."""
    ranks = pseudonym_ranks(db, session_id)
    return [f"P{ranks[pid]:04d}" for pid in sorted(ranks)]


def by_join_of(db_url: str, code: str) -> list[str]:
    """:func:`by_join` for the session with join code ``code`` in the database at ``db_url``."""
    db = Database(db_url)
    try:
        with db.begin() as conn:
            session_id = conn.execute(
                select(SessionRow.id).where(SessionRow.code == code)
            ).scalar_one()
        return by_join(db, session_id)
    finally:
        db.dispose()
