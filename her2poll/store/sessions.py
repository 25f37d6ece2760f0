"""Sessions, their polls and their participants.

Secrets are generated here, returned once to the caller, and stored only as
SHA-256 digests: they are long random strings, so a fast hash is enough and a
stolen database does not hand out moderator powers.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import ColumnElement, Connection, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..core import polls as core_polls
from ..core.errors import BadRequest, Forbidden, NotFound
from ..core.polls import Action, Poll, PollState
from ..core.questions import QuestionSet
from ..core.session import SessionState, new_join_code, normalize_code
from .db import Database
from .models import (
    AnswerRow,
    ParticipantRow,
    PollRow,
    SessionRow,
    VoteReceiptRow,
    utcnow,
)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def derive_screen_token(moderator_secret: str) -> str:
    """The projector token, derived from the moderator secret.

    Only the moderator's secret can regenerate it, so the panel can show the
    projector link at any time while the database keeps only its digest.
    """
    mac = hmac.new(moderator_secret.encode(), b"her2poll.screen.v1", hashlib.sha256)
    return mac.hexdigest()[:32]


def _matches(secret: str | None, digest: str) -> bool:
    """Constant-time comparison, so response timing leaks nothing of the digest."""
    return secret is not None and hmac.compare_digest(_digest(secret), digest)


@dataclass(frozen=True)
class NewSession:
    """A just-created session with its secrets: the only time they are known."""

    state: SessionState
    moderator_secret: str
    screen_token: str


@dataclass(frozen=True)
class SessionSummary:
    code: str
    title: str
    created_at: str
    participants: int
    answers: int


@lru_cache(maxsize=256)
def _questions(questions_json: str) -> QuestionSet:
    # A session's snapshot never changes, so parsing it once per text is enough.
    return QuestionSet.model_validate_json(questions_json)


def create_session(db: Database, questions: QuestionSet, title: str | None = None) -> NewSession:
    """Create a session with a fresh join code and secrets, all polls pending."""
    moderator_secret = secrets.token_urlsafe(24)
    screen_token = derive_screen_token(moderator_secret)
    for _attempt in range(10):
        code = new_join_code()
        try:
            with db.begin() as conn:
                session_id = conn.execute(
                    SessionRow.__table__.insert().returning(SessionRow.id),
                    {
                        "code": code,
                        "title": title or questions.title,
                        "questions_json": questions.model_dump_json(),
                        "moderator_secret_hash": _digest(moderator_secret),
                        "screen_token_hash": _digest(screen_token),
                        "version": 1,
                        "vote_seq": 0,
                        "created_at": utcnow(),
                    },
                ).scalar_one()
                conn.execute(
                    PollRow.__table__.insert(),
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
        except IntegrityError:
            continue  # join code taken: draw another
        return NewSession(get_session(db, code), moderator_secret, screen_token)
    raise RuntimeError("could not find a free join code")  # pragma: no cover


def get_session(db: Database, code: str) -> SessionState:
    """Load a session by its join code, or raise :class:`NotFound`."""
    return _load_session(db, SessionRow.code == normalize_code(code), code)


def get_session_by_id(db: Database, session_id: int) -> SessionState:
    return _load_session(db, SessionRow.id == session_id, str(session_id))


def _load_session(db: Database, where: ColumnElement[bool], label: str) -> SessionState:
    with db.begin() as conn:
        row = conn.execute(select(SessionRow).where(where)).one_or_none()
        if row is None:
            raise NotFound(f"No session with code {label!r}.", code="session_not_found")
        polls = conn.execute(
            select(PollRow.question_id, PollRow.state, PollRow.revealed)
            .where(PollRow.session_id == row.id)
            .order_by(PollRow.position)
        ).all()
    return SessionState(
        id=row.id,
        code=row.code,
        title=row.title,
        questions=_questions(row.questions_json),
        polls=tuple(Poll(q, PollState(s), bool(r)) for q, s, r in polls),
        version=row.version,
        created_at=row.created_at,
        current_question_id=row.current_question_id,
    )


def list_sessions(db: Database) -> list[SessionSummary]:
    """Every session, newest first, with how many joined and answered."""
    participants = (
        select(func.count(ParticipantRow.id))
        .where(ParticipantRow.session_id == SessionRow.id)
        .scalar_subquery()
    )
    answers = (
        select(func.count(AnswerRow.id))
        .where(AnswerRow.session_id == SessionRow.id)
        .scalar_subquery()
    )
    with db.begin() as conn:
        rows = conn.execute(
            select(
                SessionRow.code, SessionRow.title, SessionRow.created_at, participants, answers
            ).order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
        ).all()
    return [SessionSummary(c, t, created.isoformat(), p, a) for c, t, created, p, a in rows]


def _secret_digests(db: Database, code: str) -> tuple[str, str]:
    with db.begin() as conn:
        row = conn.execute(
            select(SessionRow.moderator_secret_hash, SessionRow.screen_token_hash).where(
                SessionRow.code == normalize_code(code)
            )
        ).one_or_none()
    if row is None:
        raise NotFound(f"No session with code {code!r}.", code="session_not_found")
    return row[0], row[1]


def check_moderator(db: Database, code: str, secret: str | None) -> None:
    """Raise :class:`Forbidden` unless ``secret`` is the session's moderator secret."""
    moderator, _screen = _secret_digests(db, code)
    if not _matches(secret, moderator):
        raise Forbidden("This needs the session's moderator key.", code="bad_secret")


def check_screen(db: Database, code: str, token: str | None) -> str:
    """Return the role a screen link grants: ``"moderator"`` or ``"screen"``.

    The moderator's secret also opens the projector view, so a moderator can
    put their own laptop on the projector.
    """
    moderator, screen = _secret_digests(db, code)
    if _matches(token, moderator):
        return "moderator"
    if _matches(token, screen):
        return "screen"
    raise Forbidden("This needs the session's projector link.", code="bad_secret")


def apply_action(
    db: Database, code: str, question_id: str | None, action: Action | str
) -> SessionState:
    """Apply a moderator action (or ``"next"``) to a session, persist it, bump the version.

    The poll rows are read under the same transaction that writes them, so two
    moderators clicking at once cannot both open a question.
    """
    with db.begin() as conn:
        session_id = _lock_session(conn, code)
        rows = conn.execute(
            select(PollRow.question_id, PollRow.state, PollRow.revealed)
            .where(PollRow.session_id == session_id)
            .order_by(PollRow.position)
        ).all()
        polls = [Poll(q, PollState(s), bool(r)) for q, s, r in rows]
        if action == "next":
            steps = core_polls.plan_next(polls)
        elif question_id is None:
            raise BadRequest(f"{action} needs a question_id.")
        else:
            steps = [(question_id, Action(action))]
        for qid, step in steps:
            polls = core_polls.apply(polls, qid, step)
            _save_poll(conn, session_id, next(p for p in polls if p.question_id == qid), step)
            if step is Action.RESET:
                _delete_votes(conn, session_id, qid)
        values: dict[str, object] = {"version": SessionRow.version + 1}
        qid, step = steps[-1]
        if step in (Action.OPEN, Action.REOPEN, Action.REVEAL):
            values["current_question_id"] = qid
        conn.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values))
    return get_session_by_id(db, session_id)


def _lock_session(conn: Connection, code: str) -> int:
    stmt = select(SessionRow.id).where(SessionRow.code == normalize_code(code))
    if conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    session_id = conn.execute(stmt).scalar_one_or_none()
    if session_id is None:
        raise NotFound(f"No session with code {code!r}.", code="session_not_found")
    return session_id


def _save_poll(conn: Connection, session_id: int, poll: Poll, action: Action) -> None:
    values: dict[str, object] = {"state": poll.state.value, "revealed": poll.revealed}
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


def _delete_votes(conn: Connection, session_id: int, question_id: str) -> None:
    for table in (AnswerRow, VoteReceiptRow):
        conn.execute(
            delete(table).where(table.session_id == session_id, table.question_id == question_id)
        )
    bump_vote_seq(conn, [session_id])


def bump_vote_seq(conn: Connection, session_ids: Iterable[int]) -> None:
    """Mark a new tally version of these sessions, in the transaction that changed it."""
    conn.execute(
        update(SessionRow)
        .where(SessionRow.id.in_(sorted(set(session_ids))))
        .values(vote_seq=SessionRow.vote_seq + 1)
    )


@dataclass(frozen=True)
class Participant:
    id: int
    session_id: int
    public_id: str


def join(db: Database, session_id: int, public_id: str | None) -> Participant:
    """Return the participant with ``public_id`` in this session, or a new one.

    An unknown or foreign ``public_id`` yields a new participant rather than an
    error: the caller has already checked the token's signature, so this only
    happens after a database reset, and the attendee should simply carry on.
    """
    with db.begin() as conn:
        if public_id:
            row = conn.execute(
                select(ParticipantRow.id).where(
                    ParticipantRow.public_id == public_id,
                    ParticipantRow.session_id == session_id,
                )
            ).scalar_one_or_none()
            if row is not None:
                return Participant(row, session_id, public_id)
        new_public = secrets.token_urlsafe(12)
        pid = conn.execute(
            ParticipantRow.__table__.insert().returning(ParticipantRow.id),
            {"session_id": session_id, "public_id": new_public, "created_at": utcnow()},
        ).scalar_one()
    return Participant(pid, session_id, new_public)


def count_participants(db: Database, session_id: int) -> int:
    with db.begin() as conn:
        return conn.execute(
            select(func.count(ParticipantRow.id)).where(ParticipantRow.session_id == session_id)
        ).scalar_one()
