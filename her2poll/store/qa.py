"""Audience Q&A: settings, questions and upvotes of a session.

Every write bumps the session's ``qa_seq`` in its own transaction, so the
coalesced ``qa`` messages carry a version a client can keep the newest of.
An upvote is a row whose primary key is (question, participant): one upvote
per person is the database's rule, not the code's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core import qa
from ..core.errors import BadRequest
from ..core.qa import ModAction, QAClosed, QANotFound, Question, Settings, Status
from .db import Database
from .models import QAQuestionRow, QAUpvoteRow, SessionRow, utc, utcnow
from .votes import VoteResult, chunks, existing_pairs


@dataclass(frozen=True)
class AskIn:
    session_id: int
    participant_id: int
    client_id: str
    text: str
    name: str | None


@dataclass(frozen=True)
class UpvoteIn:
    """An upvote as received: the wanted state, bound to a participant."""

    session_id: int
    participant_id: int
    question_id: int
    up: bool


@dataclass(frozen=True)
class QAState:
    """A session's Q&A as of one read: what every ``qa`` view is made from."""

    seq: int
    settings: Settings
    questions: tuple[Question, ...]


def settings_of(row: Sequence[Any]) -> Settings:
    """Q&A settings from (qa_open, qa_premoderate, qa_names, qa_filter) of a session row."""
    open_, premoderate, names, words = row
    filter_ = tuple(w for w in str(words).split("\n") if w)
    return Settings(bool(open_), bool(premoderate), bool(names), filter_)


_SETTINGS = (
    SessionRow.qa_open,
    SessionRow.qa_premoderate,
    SessionRow.qa_names,
    SessionRow.qa_filter,
)


def _settings(conn: Connection, session_id: int) -> Settings:
    row = conn.execute(select(*_SETTINGS).where(SessionRow.id == session_id)).one()
    return settings_of(row)


def _bump(conn: Connection, session_ids: Iterable[int]) -> None:
    conn.execute(
        update(SessionRow)
        .where(SessionRow.id.in_(sorted(set(session_ids))))
        .values(qa_seq=SessionRow.qa_seq + 1)
    )


def read(db: Database, session_id: int) -> QAState:
    """Settings and every question with its votes, in one read-only transaction."""
    with db.snapshot() as conn:
        return read_in(conn, session_id)


def read_in(conn: Connection, session_id: int) -> QAState:
    seq, *settings = conn.execute(
        select(SessionRow.qa_seq, *_SETTINGS).where(SessionRow.id == session_id)
    ).one()
    votes = dict(
        conn.execute(
            select(QAUpvoteRow.question_id, func.count())
            .where(QAUpvoteRow.session_id == session_id)
            .group_by(QAUpvoteRow.question_id)
        ).all()
    )
    q = QAQuestionRow
    rows = conn.execute(
        select(q.id, q.text, q.name, q.status, q.pinned, q.edited, q.filtered, q.merged_into,
               q.created_at)
        .where(q.session_id == session_id)
        .order_by(q.id)
    ).all()  # fmt: skip
    questions = tuple(
        Question(i, t, n, Status(s), bool(p), bool(e), bool(f), m, votes.get(i, 0), utc(c))
        for i, t, n, s, p, e, f, m, c in rows
    )
    return QAState(seq, settings_of(settings), questions)


def read_with_mine(
    db: Database, session_id: int, participant_id: int
) -> tuple[QAState, dict[str, object]]:
    """The session's Q&A and one participant's own part of it, in one transaction."""
    with db.snapshot() as conn:
        return read_in(conn, session_id), mine_in(conn, session_id, participant_id)


def mine_in(conn: Connection, session_id: int, participant_id: int) -> dict[str, object]:
    """One participant's upvotes and own questions, for their join ack."""
    upvoted = (
        conn.execute(
            select(QAUpvoteRow.question_id)
            .where(QAUpvoteRow.session_id == session_id)
            .where(QAUpvoteRow.participant_id == participant_id)
            .order_by(QAUpvoteRow.question_id)
        )
        .scalars()
        .all()
    )
    asked = conn.execute(
        select(QAQuestionRow.id, QAQuestionRow.text, QAQuestionRow.status)
        .where(QAQuestionRow.session_id == session_id)
        .where(QAQuestionRow.participant_id == participant_id)
        .order_by(QAQuestionRow.id)
    ).all()
    return {
        "upvoted": list(upvoted),
        "asked": [{"id": i, "text": t, "status": s} for i, t, s in asked],
    }


def ask(db: Database, question: AskIn) -> tuple[dict[str, object], bool]:
    """Record a question; a ``client_id`` seen before returns the first one (``dup``)."""
    for attempt in range(2):
        try:
            with db.begin() as conn:
                found = _asked(conn, question)
                if found is not None:
                    return found, True
                settings = _settings(conn, question.session_id)
                if not settings.open:
                    raise QAClosed("Questions are closed for this session.")
                text = qa.clean_text(question.text)
                name = qa.clean_name(question.name, settings)
                status, filtered = qa.status_on_arrival(text, settings)
                now = utcnow()
                new_id = conn.execute(
                    insert(QAQuestionRow).returning(QAQuestionRow.id),
                    {"session_id": question.session_id, "participant_id": question.participant_id,
                     "client_id": question.client_id, "text": text, "name": name,
                     "status": status.value, "pinned": False, "edited": False,
                     "filtered": filtered, "merged_into": None, "created_at": now,
                     "updated_at": now},
                ).scalar_one()  # fmt: skip
                _bump(conn, [question.session_id])
                return {"id": new_id, "text": text, "name": name, "status": status.value}, False
        except IntegrityError:
            if attempt == 1:
                raise  # the same client_id raced in twice; the retry above finds it
    raise AssertionError("unreachable")  # pragma: no cover


def _asked(conn: Connection, question: AskIn) -> dict[str, object] | None:
    row = conn.execute(
        select(QAQuestionRow.id, QAQuestionRow.text, QAQuestionRow.name, QAQuestionRow.status)
        .where(QAQuestionRow.participant_id == question.participant_id)
        .where(QAQuestionRow.client_id == question.client_id)
    ).one_or_none()
    if row is None:
        return None
    return {"id": row[0], "text": row[1], "name": row[2], "status": row[3]}


def record_upvotes(db: Database, upvotes: Sequence[UpvoteIn]) -> list[VoteResult]:
    """Apply a batch of upvotes in one transaction; results in input order.

    ``dup`` means "already so": nothing changed. A refused upvote (closed Q&A, a
    question the room cannot upvote) changes nothing and says why. A handful of
    set-based reads serve the whole batch, as for votes.
    """
    if not upvotes:
        return []
    with db.begin() as conn:
        settings = {sid: _settings(conn, sid) for sid in {u.session_id for u in upvotes}}
        upvotable = _upvotable(conn, upvotes)
        have = _existing_upvotes(conn, upvotes)
        results: list[VoteResult] = []
        for u in upvotes:
            key = (u.question_id, u.participant_id)
            if not settings[u.session_id].open:
                results.append(VoteResult(ok=False, error=QAClosed("Questions are closed.")))
            elif (u.question_id, u.session_id) not in upvotable:
                error = QANotFound("No such question to upvote in this session.")
                results.append(VoteResult(ok=False, error=error))
            elif (key in have) == u.up:
                results.append(VoteResult(ok=True, dup=True))
            else:
                have.symmetric_difference_update({key})
                results.append(VoteResult(ok=True))
        _write_upvotes(conn, upvotes, results)
        return results


def _upvotable(conn: Connection, upvotes: Sequence[UpvoteIn]) -> set[tuple[int, int]]:
    """(question, session) of the approved questions among the batch's."""
    ids = sorted({u.question_id for u in upvotes})
    found: set[tuple[int, int]] = set()
    for part in chunks(ids):
        rows = conn.execute(
            select(QAQuestionRow.id, QAQuestionRow.session_id).where(
                QAQuestionRow.id.in_(part), QAQuestionRow.status == Status.APPROVED.value
            )
        )
        found.update((q, s) for q, s in rows)
    return found


def _existing_upvotes(conn: Connection, upvotes: Sequence[UpvoteIn]) -> set[tuple[int, int]]:
    columns = (QAUpvoteRow.question_id, QAUpvoteRow.participant_id)
    return existing_pairs(conn, columns, ((u.question_id, u.participant_id) for u in upvotes))


def _write_upvotes(
    conn: Connection, upvotes: Sequence[UpvoteIn], results: Sequence[VoteResult]
) -> None:
    """The net change of the batch: one insert and one delete at most."""
    final: dict[tuple[int, int], UpvoteIn] = {}
    for u, r in zip(upvotes, results, strict=True):
        if r.ok and not r.dup:
            final[(u.question_id, u.participant_id)] = u
    if not final:
        return
    had = _existing_upvotes(conn, list(final.values()))
    now = utcnow()
    adds = [
        {"question_id": q, "participant_id": p, "session_id": u.session_id, "created_at": now}
        for (q, p), u in final.items()
        if u.up and (q, p) not in had
    ]
    drops = [(q, p) for (q, p), u in final.items() if not u.up and (q, p) in had]
    if adds:
        conn.execute(insert(QAUpvoteRow), adds)
    _delete_upvotes(conn, drops)
    _bump(conn, {u.session_id for u in final.values()})


def _delete_upvotes(conn: Connection, drops: Sequence[tuple[int, int]]) -> None:
    """One delete per question: SQLite scans the whole table for a row-value ``IN`` list."""
    by_question: dict[int, list[int]] = {}
    for q, p in drops:
        by_question.setdefault(q, []).append(p)
    for q, people in sorted(by_question.items()):
        for part in chunks(sorted(people)):
            conn.execute(
                delete(QAUpvoteRow).where(
                    QAUpvoteRow.question_id == q, QAUpvoteRow.participant_id.in_(part)
                )
            )


def moderate(
    db: Database, session_id: int, question_id: int, action: ModAction,
    text: str | None = None, into: int | None = None,
) -> None:  # fmt: skip
    """Apply a moderator's action to one question of the session, in one transaction."""
    with db.begin() as conn:
        state = read_in(conn, session_id)
        question = next((q for q in state.questions if q.id == question_id), None)
        if question is None:
            raise QANotFound("No such question in this session.")
        values: dict[str, object] = {"updated_at": utcnow()}
        if action is ModAction.EDIT:
            if question.status is Status.MERGED:
                raise BadRequest("This question was merged into another; edit that one.")
            values.update(text=qa.clean_text(text or ""), edited=True)
        elif action is ModAction.MERGE:
            _merge(conn, session_id, state, question, into)
            values.update(status=Status.MERGED.value, pinned=False, merged_into=into)
        else:
            after = qa.moderated(question, action)
            values.update(status=after.status.value, pinned=after.pinned)
            if after.pinned:  # one "now answering" at a time
                conn.execute(
                    update(QAQuestionRow)
                    .where(QAQuestionRow.session_id == session_id, QAQuestionRow.pinned)
                    .values(pinned=False)
                )
        conn.execute(update(QAQuestionRow).where(QAQuestionRow.id == question_id).values(**values))
        _bump(conn, [session_id])


def _merge(
    conn: Connection, session_id: int, state: QAState, duplicate: Question, into: int | None
) -> None:
    """Move the duplicate's upvotes to the question it repeats, once per participant."""
    target = next((q for q in state.questions if q.id == into), None)
    if target is None or target.id == duplicate.id or target.status is Status.MERGED:
        raise QANotFound("Merge into another question of this session that is not merged.")
    voters_of = select(QAUpvoteRow.participant_id)
    already = set(conn.execute(voters_of.where(QAUpvoteRow.question_id == target.id)).scalars())
    moving = [
        p
        for p in conn.execute(voters_of.where(QAUpvoteRow.question_id == duplicate.id)).scalars()
        if p not in already
    ]
    conn.execute(delete(QAUpvoteRow).where(QAUpvoteRow.question_id == duplicate.id))
    if moving:
        conn.execute(
            insert(QAUpvoteRow),
            [{"question_id": target.id, "participant_id": p, "session_id": session_id,
              "created_at": utcnow()} for p in moving],
        )  # fmt: skip


def change_settings(
    db: Database, session_id: int, *, open_: bool | None = None, premoderate: bool | None = None,
    names: bool | None = None, words: Sequence[str] | None = None,
) -> Settings:  # fmt: skip
    """Change any of the four settings; return them all as stored."""
    values: dict[str, object] = {}
    if open_ is not None:
        values["qa_open"] = open_
    if premoderate is not None:
        values["qa_premoderate"] = premoderate
    if names is not None:
        values["qa_names"] = names
    if words is not None:
        values["qa_filter"] = "\n".join(qa.clean_filter(words))
    with db.begin() as conn:
        if values:
            conn.execute(update(SessionRow).where(SessionRow.id == session_id).values(**values))
            _bump(conn, [session_id])
        return _settings(conn, session_id)
