"""Activities: what a provider authors, and the sessions that run it.

An activity keeps its question-set document; each session made from it keeps
its own snapshot of the set (``sessions.questions_json``) and points back with
``activity_id``. Saving an activity also brings its newest session up to date
when no question of it is open ("between questions"); older runs keep the set
they were run with.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from ..core.accounts import Organiser
from ..core.authoring import Activity, ActivitySummary, RunSummary
from ..core.errors import Conflict, NotFound
from ..core.items import ChoiceItem
from ..core.polls import PollState
from ..core.questions import QuestionSet
from .accounts import activity_visible_to, visible_to
from .db import Database
from .models import (
    ActivityRow,
    AnswerRow,
    OrganisationRow,
    PollRow,
    SessionRow,
    UserRow,
    utc,
    utcnow,
)
from .rows import load_questions, session_not_found
from .sessions import session_counts


def _activity_not_found(activity_id: int) -> NotFound:
    return NotFound(f"No activity {activity_id}.", code="activity_not_found")


def _of(row: Any) -> Activity:
    return Activity(
        id=row.id,
        title=row.title,
        description=row.description,
        document=json.loads(row.questions_json),
        archived=bool(row.archived),
    )


def create_activity(
    db: Database,
    title: str,
    description: str,
    document: Mapping[str, Any],
    owner: Organiser | None = None,
) -> Activity:
    """A new activity holding ``document`` (a question set, its items maybe none yet).

    It belongs to ``owner`` and their organisation (None: nobody's, see
    :func:`~.accounts.activity_visible_to`).
    """
    now = utcnow()
    with db.begin() as conn:
        activity_id = conn.execute(
            insert(ActivityRow).returning(ActivityRow.id),
            {
                "title": title,
                "description": description,
                "questions_json": json.dumps(document),
                "created_at": now,
                "updated_at": now,
                "owner_id": owner.id if owner else None,
                "organisation_id": owner.organisation_id if owner else None,
            },
        ).scalar_one()
    return get_activity(db, activity_id)


def get_activity(db: Database, activity_id: int, viewer: Organiser | None = None) -> Activity:
    """The activity, or ``activity_not_found``; with ``viewer``, also when it is not theirs
    (an organiser of another organisation cannot tell it from one that does not exist)."""
    query = select(ActivityRow).where(ActivityRow.id == activity_id)
    if viewer is not None:
        query = query.where(activity_visible_to(viewer))
    with db.begin() as conn:
        row = conn.execute(query).one_or_none()
    if row is None:
        raise _activity_not_found(activity_id)
    return _of(row)


def save_activity(
    db: Database, activity_id: int, title: str, description: str, document: Mapping[str, Any]
) -> Activity:
    """Store the edited activity, and its newest session's questions with it.

    Raises :class:`Conflict` while a question of that session is open: edits
    are made before the session and between questions.
    """
    with db.begin() as conn:
        found = conn.execute(
            update(ActivityRow)
            .where(ActivityRow.id == activity_id)
            .values(
                title=title,
                description=description,
                questions_json=json.dumps(document),
                updated_at=utcnow(),
            )
        ).rowcount
        if not found:
            raise _activity_not_found(activity_id)
        if document.get("questions"):
            _update_current_run(conn, activity_id, QuestionSet.model_validate(document))
    return get_activity(db, activity_id)


def _newest_run(conn: Connection, activity_id: int) -> Any:
    """The activity's newest session (id, code, current question), or None."""
    return conn.execute(
        select(SessionRow.id, SessionRow.code, SessionRow.current_question_id)
        .where(SessionRow.activity_id == activity_id)
        .order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
        .limit(1)
    ).one_or_none()


def current_run(db: Database, activity_id: int) -> int | None:
    """The id of the session a save of the activity updates (None: never run)."""
    with db.begin() as conn:
        row = _newest_run(conn, activity_id)
    return None if row is None else int(row.id)


def _update_current_run(conn: Connection, activity_id: int, questions: QuestionSet) -> None:
    row = _newest_run(conn, activity_id)
    if row is None:
        return
    session_id, code, current = row
    polls = dict(
        conn.execute(
            select(PollRow.question_id, PollRow.state).where(PollRow.session_id == session_id)
        ).all()
    )
    if PollState.OPEN.value in polls.values():
        raise Conflict(
            f"A question of session {code} is open: close it, then save the changes.",
            code="session_live",
        )
    wanted = questions.question_ids
    gone = [q for q in polls if q not in wanted]
    if gone:
        conn.execute(
            delete(PollRow).where(PollRow.session_id == session_id, PollRow.question_id.in_(gone))
        )
    for position, question_id in enumerate(wanted):
        if question_id in polls:
            conn.execute(
                update(PollRow)
                .where(PollRow.session_id == session_id, PollRow.question_id == question_id)
                .values(position=position)
            )
        else:
            conn.execute(
                insert(PollRow),
                {
                    "session_id": session_id,
                    "question_id": question_id,
                    "position": position,
                    "state": PollState.PENDING.value,
                    "revealed": False,
                },
            )
    conn.execute(
        update(SessionRow)
        .where(SessionRow.id == session_id)
        .values(
            questions_json=questions.model_dump_json(),
            title=questions.title,
            version=SessionRow.version + 1,
            current_question_id=None if current in gone else current,
        )
    )


def answered(db: Database, activity_id: int) -> dict[str, frozenset[str]]:
    """Which items of the activity have answers in any of its sessions, and which options.

    Options are read from each session's own snapshot of the set, so an answer
    counts for the option it was given to.
    """
    found: dict[str, set[str]] = {}
    with db.begin() as conn:
        sessions = conn.execute(
            select(SessionRow.id, SessionRow.questions_json).where(
                SessionRow.activity_id == activity_id
            )
        ).all()
        for session_id, questions_json in sessions:
            questions = load_questions(questions_json)
            rows = conn.execute(
                select(AnswerRow.question_id, AnswerRow.option_id, AnswerRow.value)
                .where(AnswerRow.session_id == session_id)
                .distinct()
            )
            for question_id, option_id, value in rows:
                options = found.setdefault(question_id, set())
                item = questions.question(question_id)
                if not isinstance(item, ChoiceItem):
                    continue
                answer = item.load_answer(option_id, value)
                options.update(answer if isinstance(answer, tuple) else (str(answer),))
    return {q: frozenset(o) for q, o in found.items()}


def set_archived(db: Database, activity_id: int, archived: bool) -> None:
    with db.begin() as conn:
        done = conn.execute(
            update(ActivityRow).where(ActivityRow.id == activity_id).values(archived=archived)
        ).rowcount
    if not done:
        raise _activity_not_found(activity_id)


def set_session_archived(db: Database, code: str, archived: bool) -> None:
    with db.begin() as conn:
        done = conn.execute(
            update(SessionRow).where(SessionRow.code == code).values(archived=archived)
        ).rowcount
    if not done:
        raise session_not_found(code)


def _live_codes(conn: Connection, where: Any) -> list[str]:
    """Sessions that are live: a question is open for answers (docs/authoring.md).

    Revealed results do not count (the last item's stay revealed after the event),
    nor do connected phones (the database cannot vouch for them: a phone left on,
    a server that stopped); those pages learn the session is gone at their next join.
    """
    return list(
        conn.execute(
            select(SessionRow.code)
            .join(PollRow, PollRow.session_id == SessionRow.id)
            .where(where, PollRow.state == PollState.OPEN.value)
            .distinct()
        ).scalars()
    )


def delete_activity(db: Database, activity_id: int) -> None:
    """Delete an activity and its sessions; refused while one of them is live."""
    with db.begin() as conn:
        live = _live_codes(conn, SessionRow.activity_id == activity_id)
        if live:
            raise Conflict(
                f"Session {', '.join(live)} of this activity is live: a question is open for "
                "answers. Close it on the panel, then delete.",
                code="session_live",
            )
        conn.execute(delete(SessionRow).where(SessionRow.activity_id == activity_id))
        done = conn.execute(delete(ActivityRow).where(ActivityRow.id == activity_id)).rowcount
    if not done:
        raise _activity_not_found(activity_id)


def delete_session(db: Database, code: str) -> None:
    """Delete one session and its answers; refused while a question of it is open."""
    with db.begin() as conn:
        if _live_codes(conn, SessionRow.code == code):
            raise Conflict(
                f"Session {code} is live: a question is open for answers. Close it on the "
                "panel, then delete.",
                code="session_live",
            )
        done = conn.execute(delete(SessionRow).where(SessionRow.code == code)).rowcount
    if not done:
        raise session_not_found(code)


def list_activities(db: Database, viewer: Organiser | None = None) -> list[ActivitySummary]:
    """Every activity (or those ``viewer`` may see), newest first, with its sessions."""
    participants, answers = session_counts()
    query = select(ActivityRow).order_by(ActivityRow.updated_at.desc(), ActivityRow.id.desc())
    runs_query = (
        select(
            SessionRow.activity_id,
            SessionRow.code,
            SessionRow.created_at,
            participants,
            answers,
            SessionRow.archived,
        )
        .where(SessionRow.activity_id.is_not(None))
        .order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
    )
    if viewer is not None:
        query = query.where(activity_visible_to(viewer))
        runs_query = runs_query.where(visible_to(viewer))
    with db.begin() as conn:
        activities = conn.execute(query).all()
        live = set(_live_codes(conn, SessionRow.activity_id.is_not(None)))
        runs: dict[int, list[RunSummary]] = {}
        for row in conn.execute(runs_query):
            activity_id, code, created, p, a, archived = row
            runs.setdefault(activity_id, []).append(
                RunSummary(code, utc(created).isoformat(), p, a, code in live, bool(archived))
            )
    return [
        ActivitySummary(
            a.id,
            a.title,
            len(json.loads(a.questions_json).get("questions", ())),
            bool(a.archived),
            utc(a.updated_at).isoformat(),
            tuple(runs.get(a.id, ())),
        )
        for a in activities
    ]


def owners(db: Database) -> list[tuple[int, str, str | None, str | None]]:
    """Every activity's id, title, owner's e-mail and organisation (None: nobody's), for the CLI."""
    with db.begin() as conn:
        rows = conn.execute(
            select(ActivityRow.id, ActivityRow.title, UserRow.email, OrganisationRow.name)
            .outerjoin(UserRow, UserRow.id == ActivityRow.owner_id)
            .outerjoin(OrganisationRow, OrganisationRow.id == ActivityRow.organisation_id)
            .order_by(ActivityRow.id)
        ).all()
    return [(i, t, e, o) for i, t, e, o in rows]
