"""Rows to domain values: the one place a session or a poll row becomes a core type.

Every module that reads sessions or polls maps them here, so a new column or a
new poll field is read in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple, TypeVar

from cachetools import LRUCache
from sqlalchemy import ColumnElement, Connection, Executable, Row, bindparam, select

from ..core.errors import NotFound
from ..core.items import Phase
from ..core.phases import PHASE_ORDER, Pacing, PhaseRun, RunState
from ..core.polls import Poll, PollState
from ..core.questions import QuestionSet
from ..core.session import SessionState
from .models import PhaseRunRow, PollRow, SessionRow, utc

T = TypeVar("T")

#: The columns :func:`poll_of` reads, in its order.
POLL_COLUMNS = (PollRow.question_id, PollRow.state, PollRow.revealed, PollRow.ends_at)


@lru_cache(maxsize=256)
def load_questions(questions_json: str) -> QuestionSet:
    """A session's question set from its stored JSON, parsed once per text.

    A session's snapshot of its set never changes, so every reader of the same
    session shares one parsed (and fingerprinted) set.
    """
    return QuestionSet.model_validate_json(questions_json)


def poll_of(row: Sequence[object]) -> Poll:
    """A poll from a row of :data:`POLL_COLUMNS`."""
    question_id, state, revealed, ends_at = row
    return Poll(
        str(question_id),
        PollState(str(state)),
        bool(revealed),
        utc(ends_at) if isinstance(ends_at, datetime) else None,
    )


def polls_of(conn: Connection, session_ids: Iterable[int]) -> dict[int, list[Poll]]:
    """Every poll of these sessions in display order, by session id."""
    ids = sorted(set(session_ids))
    found: dict[int, list[Poll]] = {i: [] for i in ids}
    rows = conn.execute(
        select(PollRow.session_id, *POLL_COLUMNS)
        .where(PollRow.session_id.in_(ids))
        .order_by(PollRow.session_id, PollRow.position)
    )
    for session_id, *poll in rows:
        found[session_id].append(poll_of(poll))
    return found


def phase_runs_of(conn: Connection, session_ids: Iterable[int]) -> dict[int, list[PhaseRun]]:
    """How each phase of these sessions is run (phases never opened have no row)."""
    ids = sorted(set(session_ids))
    found: dict[int, list[PhaseRun]] = {i: [] for i in ids}
    rows = conn.execute(
        select(PhaseRunRow.session_id, PhaseRunRow.phase, PhaseRunRow.pacing, PhaseRunRow.state)
        .where(PhaseRunRow.session_id.in_(ids))
        .order_by(PhaseRunRow.session_id)
    )
    for session_id, phase, pacing, state in rows:
        found[session_id].append(PhaseRun(Phase(phase), Pacing(pacing), RunState(state)))
    for runs in found.values():
        runs.sort(key=lambda r: PHASE_ORDER.index(r.phase))
    return found


def session_not_found(label: str) -> NotFound:
    """The error for a join code (or id) that names no session here."""
    return NotFound(f"No session with code {label!r}.", code="session_not_found")


def find_session(
    conn: Connection, where: ColumnElement[bool], label: str
) -> tuple[Row[Any], SessionState]:
    """The session row matching ``where`` and its state, or :func:`session_not_found`."""
    row = conn.execute(select(SessionRow).where(where)).one_or_none()
    if row is None:
        raise session_not_found(label)
    runs = phase_runs_of(conn, [row.id])[row.id]
    return row, session_of(row, polls_of(conn, [row.id])[row.id], runs)


def session_of(
    row: Row[Any], polls: Sequence[Poll], phases: Sequence[PhaseRun] = ()
) -> SessionState:
    """A session's state from a row of ``select(SessionRow)``, its polls and phase runs."""
    return SessionState(
        id=row.id,
        code=row.code,
        title=row.title,
        questions=load_questions(row.questions_json),
        polls=tuple(polls),
        version=row.version,
        created_at=utc(row.created_at),
        current_question_id=row.current_question_id,
        language=row.language,
        room_statistics=bool(row.room_statistics),
        phases=tuple(phases),
        current_phase=Phase(row.current_phase) if row.current_phase else None,
    )


#: What tells a cached session state from a stale one: every change to a session's
#: state (its polls, phase runs, current question, title) bumps ``version`` in the transaction
#: that makes it; ``created_at`` tells a new session that got a deleted one's id.
STAMP_COLUMNS = (SessionRow.id, SessionRow.version, SessionRow.created_at)
Stamp = tuple[int, int, object]


_STAMPS = select(*STAMP_COLUMNS, SessionRow.qa_seq, SessionRow.vote_seq)
#: Built once: a statement built per call costs more than running it (SQLAlchemy
#: constructs and coerces every clause in Python); these compile once and are cached.
STAMPS_BY_IDS = _STAMPS.where(SessionRow.id.in_(bindparam("ids", expanding=True)))
STAMPS_BY_CODE = _STAMPS.where(SessionRow.code == bindparam("code"))
STAMPS_BY_ID = _STAMPS.where(SessionRow.id == bindparam("id"))
_ROWS_BY_IDS = select(SessionRow).where(SessionRow.id.in_(bindparam("ids", expanding=True)))


class Current(NamedTuple):
    """A session as of the caller's transaction: its state, polls, Q&A and tally versions."""

    state: SessionState
    polls: Mapping[str, Poll]
    qa_seq: int
    stamp: Stamp
    vote_seq: int


class SessionStates:
    """Per process and database: each session's state, kept while its version holds.

    A vote or a join reads one small row (:data:`STAMP_COLUMNS`) in its own
    transaction instead of the session's row, its question set and its polls; the
    state is read again only after it changed. Correct with several processes too:
    the stamp is read in the transaction that uses the state. :meth:`memo` keeps
    other per-session reads the same way, under a key that names their version.
    """

    def __init__(self, size: int = 256) -> None:
        self._states: LRUCache[int, tuple[Stamp, SessionState, dict[str, Poll]]] = LRUCache(size)
        self._memo: LRUCache[tuple[Any, ...], Any] = LRUCache(size)

    def current(
        self, conn: Connection, stamps: Executable, params: dict[str, Any]
    ) -> dict[int, Current]:
        """The current state of each session ``stamps`` selects, by id.

        :param stamps: :data:`STAMPS_BY_IDS` (``ids=[…]``) or :data:`STAMPS_BY_CODE` (``code=``).
        """
        rows = conn.execute(stamps, params).all()
        found: dict[int, Current] = {}
        stale: dict[int, int] = {}
        for sid, version, created_at, qa_seq, vote_seq in rows:
            kept = self._states.get(sid)
            if kept is not None and kept[0] == (sid, version, created_at):
                found[sid] = Current(kept[1], kept[2], qa_seq, kept[0], vote_seq)
            else:
                stale[sid] = qa_seq
        if stale:
            polls = polls_of(conn, stale)
            runs = phase_runs_of(conn, stale)
            for row in conn.execute(_ROWS_BY_IDS, {"ids": list(stale)}):
                state = session_of(row, polls[row.id], runs[row.id])
                by_id = {p.question_id: p for p in state.polls}
                stamp = (row.id, row.version, row.created_at)
                self._states[row.id] = (stamp, state, by_id)
                found[row.id] = Current(state, by_id, row.qa_seq, stamp, row.vote_seq)
        return found

    def memo(self, key: tuple[Any, ...], make: Callable[[], T]) -> T:
        """``make()``, kept under ``key`` (which must name the version it was made at)."""
        try:
            value: T = self._memo[key]
        except KeyError:
            value = self._memo[key] = make()
        return value

    def clear(self) -> None:
        self._states.clear()
        self._memo.clear()
