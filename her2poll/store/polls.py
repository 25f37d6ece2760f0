"""A session's polls: created with it, then moved by the moderator's actions.

The poll rows are read under the same transaction that writes them, and on
PostgreSQL the session row is locked first, so two moderators clicking at once
cannot both open a question (or a block). The rules are :mod:`her2poll.core.phases`'
planner; this module persists what it decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from ..core import phases as core_phases
from ..core.phases import Command, PhaseRun, RunState
from ..core.polls import Action, Poll, PollState
from ..core.questions import QuestionSet
from ..core.session import SessionState, normalize_code
from .db import Database
from .models import PhaseRunRow, PollRow, SessionRow, utcnow
from .rows import find_session, session_not_found
from .votes import delete_answers


def insert_polls(conn: Connection, session_id: int, questions: QuestionSet) -> None:
    """One pending poll per question, in the set's order."""
    conn.execute(
        insert(PollRow),
        [
            {
                "session_id": session_id,
                "question_id": q.id,
                "position": i,
                "state": PollState.PENDING.value,
                "revealed": False,
            }
            for i, q in enumerate(questions.questions)
        ],
    )


def apply_action(
    db: Database, code: str, question_id: str | None, action: Action | str
) -> SessionState:
    """Apply a moderator action (or ``"next"``) to a session: :func:`apply_command`."""
    return apply_command(db, code, Command(action, question_id))


def apply_command(db: Database, code: str, command: Command) -> SessionState:
    """Apply a moderator command, persist it, bump the version: one transaction.

    A phase action is many per-item steps (a block of items opening at once); they
    commit together with the phase's run and the new version, so no reader sees half
    a block, and every process's cached session state (keyed by version) is renewed.

    :return: the session's new state, read in the same transaction.
    """
    with db.begin() as conn:
        session_id = _lock_session(conn, code)
        _, state = find_session(conn, SessionRow.id == session_id, code)
        now = utcnow()
        done = core_phases.execute(state, command, now)
        for poll, step in done.changed:
            _save_poll(conn, session_id, poll, step)
            if step is Action.RESET:
                delete_answers(conn, session_id, poll.question_id)
        _save_runs(conn, session_id, state.phases, done.plan.runs, now)
        phase = done.plan.current_phase
        values: dict[str, object] = {
            "version": SessionRow.version + 1,
            "current_question_id": done.plan.current_question_id,
            "current_phase": phase.value if phase is not None else None,
        }
        conn.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values))
        return find_session(conn, SessionRow.id == session_id, code)[1]


def _save_runs(
    conn: Connection,
    session_id: int,
    before: Sequence[PhaseRun],
    after: Sequence[PhaseRun],
    now: datetime,
) -> None:
    """Write the phase runs a command changed: a new row when first opened."""
    old = {r.phase: r for r in before}
    for run in after:
        if old.get(run.phase) == run:
            continue
        values: dict[str, object] = {"pacing": run.pacing.value, "state": run.state.value}
        values["opened_at" if run.state is RunState.OPEN else "closed_at"] = now
        where = (PhaseRunRow.session_id == session_id, PhaseRunRow.phase == run.phase.value)
        if run.phase in old:
            conn.execute(update(PhaseRunRow).where(*where).values(**values))
        else:
            conn.execute(
                insert(PhaseRunRow).values(session_id=session_id, phase=run.phase.value, **values)
            )


def _lock_session(conn: Connection, code: str) -> int:
    stmt = select(SessionRow.id).where(SessionRow.code == normalize_code(code))
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    session_id = conn.execute(stmt).scalar_one_or_none()
    if session_id is None:
        raise session_not_found(code)
    return session_id


def _save_poll(conn: Connection, session_id: int, poll: Poll, action: Action) -> None:
    values: dict[str, object] = {
        "state": poll.state.value,
        "revealed": poll.revealed,
        "ends_at": poll.ends_at,
    }
    if action in (Action.OPEN, Action.REOPEN):
        values["opened_at"] = utcnow()
    elif action is Action.CLOSE:
        values["closed_at"] = utcnow()
    elif action is Action.RESET:
        values.update(opened_at=None, closed_at=None)
    conn.execute(
        update(PollRow)
        .where(PollRow.session_id == session_id, PollRow.question_id == poll.question_id)
        .values(**values)
    )
