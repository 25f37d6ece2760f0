"""A session's snapshot for the live views: state, tallies and head count in one read.

One read-only transaction (:meth:`~.db.Database.snapshot`) per snapshot, so the
tallies always belong to the ``vote_seq`` they are sent with, even on PostgreSQL
under concurrent writers in other processes.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement

from ..core.session import Snapshot, normalize_code
from . import blocks, participants, votes
from .db import Database
from .models import SessionRow
from .rows import find_session


def read_snapshot(db: Database, session_id: int) -> Snapshot:
    """The session with this id as of one moment, or :class:`NotFound`."""
    return _read(db, SessionRow.id == session_id, str(session_id))


def read_snapshot_by_code(db: Database, code: str) -> Snapshot:
    """The session with this join code as of one moment, or :class:`NotFound`."""
    return _read(db, SessionRow.code == normalize_code(code), code)


def _read(db: Database, where: ColumnElement[bool], label: str) -> Snapshot:
    with db.snapshot() as conn:
        row, state = find_session(conn, where, label)
        return Snapshot(
            state=state,
            vote_seq=row.vote_seq,
            tallies=votes.tallies(conn, state),
            participants=participants.count(conn, row.id),
            blocks=blocks.block_counts(conn, state),
        )
