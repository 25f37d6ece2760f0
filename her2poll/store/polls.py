"""A session's polls: created with it, then moved by the moderator's actions.

The poll rows are read under the same transaction that writes them, and on
PostgreSQL the session row is locked first, so two moderators clicking at once
cannot both open a question.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from ..core import polls as core_polls
from ..core.errors import BadRequest
from ..core.polls import Action, Poll, PollState
from ..core.questions import QuestionSet
from ..core.session import SessionState, normalize_code
from .db import Database
from .models import PollRow, SessionRow, utcnow
from .rows import load_questions, polls_of, session_not_found, session_of
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
    """Apply a moderator action (or ``"next"``) to a session, persist it, bump the version.

    :return: the session's new state, read in the same transaction.
    """
    with db.begin() as conn:
        session_id = _lock_session(conn, code)
        polls = polls_of(conn, [session_id])[session_id]
        if action == "next":
            steps = core_polls.plan_next(polls)
        elif question_id is None:
            raise BadRequest(f"{action} needs a question_id.")
        else:
            steps = [(question_id, Action(action))]
        questions = _questions(conn, session_id)
        now = utcnow()
        for qid, step in steps:
            item = questions.question(qid)
            timer = item.timer_seconds if item is not None else None
            polls = core_polls.apply(polls, qid, step, now=now, timer_seconds=timer)
            _save_poll(conn, session_id, next(p for p in polls if p.question_id == qid), step)
            if step is Action.RESET:
                delete_answers(conn, session_id, qid)
        values: dict[str, object] = {"version": SessionRow.version + 1}
        qid, step = steps[-1]
        if step in (Action.OPEN, Action.REOPEN, Action.REVEAL):
            values["current_question_id"] = qid
        conn.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values))
        row = conn.execute(select(SessionRow).where(SessionRow.id == session_id)).one()
        return session_of(row, polls)


def _questions(conn: Connection, session_id: int) -> QuestionSet:
    qjson = conn.execute(
        select(SessionRow.questions_json).where(SessionRow.id == session_id)
    ).scalar_one()
    return load_questions(qjson)


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
