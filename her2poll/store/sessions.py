"""Sessions: created with their question set, polls and secrets' digests; read by code.

Secrets are made in :mod:`her2poll.core.access`; only their digests are stored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core.access import Digests, Secrets
from ..core.accounts import Organiser
from ..core.questions import QuestionSet
from ..core.session import SessionState, SessionSummary, new_join_code, normalize_code
from .accounts import visible_to
from .db import Database
from .models import AnswerRow, ParticipantRow, SessionRow, utc, utcnow
from .polls import insert_polls
from .rows import find_session, session_not_found


def create_session(
    db: Database,
    questions: QuestionSet,
    secrets: Secrets,
    title: str | None = None,
    activity_id: int | None = None,
    owner_id: int | None = None,
) -> SessionState:
    """Create a session with a fresh join code, all polls pending."""
    for _attempt in range(10):
        code = new_join_code()
        try:
            with db.begin() as conn:
                session_id = conn.execute(
                    insert(SessionRow).returning(SessionRow.id),
                    {
                        "code": code,
                        "title": title or questions.title,
                        "questions_json": questions.model_dump_json(),
                        "moderator_secret_hash": secrets.moderator_digest,
                        "screen_token_hash": secrets.screen_digest,
                        "version": 1,
                        "vote_seq": 0,
                        "created_at": utcnow(),
                        "activity_id": activity_id,
                        "owner_id": owner_id,
                    },
                ).scalar_one()
                insert_polls(conn, session_id, questions)
        except IntegrityError:
            continue  # join code taken: draw another
        return get_session(db, code)
    raise RuntimeError("could not find a free join code")  # pragma: no cover


def get_session(db: Database, code: str) -> SessionState:
    """Load a session by its join code, or raise :class:`NotFound`."""
    return _load(db, SessionRow.code == normalize_code(code), code)


def managed_session(db: Database, code: str, viewer: Organiser) -> SessionState:
    """The session if ``viewer`` may manage it (archive, delete), else ``session_not_found``:
    another organisation's session is answered as if it did not exist."""
    return _load(db, and_(SessionRow.code == normalize_code(code), visible_to(viewer)), code)


def get_session_by_id(db: Database, session_id: int) -> SessionState:
    return _load(db, SessionRow.id == session_id, str(session_id))


def _load(db: Database, where: ColumnElement[bool], label: str) -> SessionState:
    with db.begin() as conn:
        return find_session(conn, where, label)[1]


def session_counts() -> tuple[Any, Any]:
    """Each listed session's joins and answers, as correlated subqueries of its row."""
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
    return participants, answers


def list_sessions(db: Database, viewer: Organiser | None = None) -> list[SessionSummary]:
    """Every session (or those ``viewer`` may see), newest first, with joins and answers."""
    participants, answers = session_counts()
    query = select(
        SessionRow.code, SessionRow.title, SessionRow.created_at, participants, answers
    ).order_by(SessionRow.created_at.desc(), SessionRow.id.desc())
    if viewer is not None:
        query = query.where(visible_to(viewer))
    with db.begin() as conn:
        rows = conn.execute(query).all()
    return [SessionSummary(c, t, utc(created).isoformat(), p, a) for c, t, created, p, a in rows]


def digests(db: Database, code: str) -> Digests:
    """What the store keeps of a session's secrets, to check a role against."""
    with db.begin() as conn:
        row = conn.execute(
            select(SessionRow.moderator_secret_hash, SessionRow.screen_token_hash).where(
                SessionRow.code == normalize_code(code)
            )
        ).one_or_none()
    if row is None:
        raise session_not_found(code)
    return Digests(moderator=row[0], screen=row[1])


def room_language(db: Database, code: str) -> str | None:
    """The language the moderator fixed for this session's room, or None."""
    with db.begin() as conn:
        row = conn.execute(
            select(SessionRow.language).where(SessionRow.code == normalize_code(code))
        ).first()
    if row is None:
        raise session_not_found(code)
    return row[0]


def set_room_language(db: Database, code: str, language: str | None) -> None:
    """Fix (or with None, free) the language of this session's phones and projector."""
    with db.begin() as conn:
        done = conn.execute(
            update(SessionRow)
            .where(SessionRow.code == normalize_code(code))
            # A new version: cached session states (and the pages' state) carry the language.
            .values(language=language, version=SessionRow.version + 1)
        )
    if done.rowcount == 0:
        raise session_not_found(code)


def set_room_statistics(db: Database, code: str, shown: bool) -> SessionState:
    """Show the statistics to this session's projector and phones too, or keep them off.

    A new state version (the pages learn the switch from the state) and a new tally
    version (the projector's tally changes), so a snapshot read before the change is
    older than one read after it, and a client keeps the newer.

    :return: the session's new state.
    """
    with db.begin() as conn:
        done = conn.execute(
            update(SessionRow)
            .where(SessionRow.code == normalize_code(code))
            .values(
                room_statistics=shown,
                version=SessionRow.version + 1,
                vote_seq=SessionRow.vote_seq + 1,
            )
        )
        if done.rowcount == 0:
            raise session_not_found(code)
        return find_session(conn, SessionRow.code == normalize_code(code), code)[1]
