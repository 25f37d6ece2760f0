"""A session's snapshot for the live views: state, tallies and head count in one read.

One read-only transaction (:meth:`~.db.Database.snapshot`) per snapshot, so the
tallies always belong to the ``vote_seq`` they are sent with, even on PostgreSQL
under concurrent writers in other processes.

The broadcaster reads one up to ten times a second per session: the session's
state comes from the per-process cache (:class:`~.rows.SessionStates`) while its
version holds, and the counts while its ``vote_seq`` holds, so a tick reads one
small row and the head count, and the counts only after a vote.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Executable

from ..core.session import Snapshot, normalize_code
from . import blocks, participants, votes
from .db import Database
from .rows import STAMPS_BY_CODE, STAMPS_BY_ID, session_not_found


def read_snapshot(db: Database, session_id: int) -> Snapshot:
    """The session with this id as of one moment, or :class:`NotFound`."""
    return _read(db, STAMPS_BY_ID, {"id": session_id}, str(session_id))


def read_snapshot_by_code(db: Database, code: str) -> Snapshot:
    """The session with this join code as of one moment, or :class:`NotFound`."""
    return _read(db, STAMPS_BY_CODE, {"code": normalize_code(code)}, code)


def _read(db: Database, stamps: Executable, params: dict[str, Any], label: str) -> Snapshot:
    with db.snapshot() as conn:
        found = db.states.current(conn, stamps, params)
        if not found:
            raise session_not_found(label)
        ((state, _polls, _qa_seq, stamp, vote_seq),) = found.values()
        # Every change to the answers bumps vote_seq in its transaction: while phones
        # join (the head count changes, the counts do not) a tick reuses the counts.
        tallies = db.states.memo(("tallies", stamp, vote_seq), lambda: votes.tallies(conn, state))
        return Snapshot(
            state=state,
            vote_seq=vote_seq,
            tallies=tallies,
            participants=participants.count(conn, state.id),
            # Submissions bump vote_seq too, so the block counts are reused with the tallies.
            blocks=db.states.memo(
                ("blocks", stamp, vote_seq), lambda: blocks.block_counts(conn, state)
            ),
        )
