"""Recreating an exported session in a database (``her2poll import``).

The import is one transaction: a session appears whole or not at all. It gets
fresh secrets (an export never carries them) and fresh random public ids for its
participants, inserted in pseudonym order, so a re-export names every participant
as the original did. The vote log gets synthetic ``vote_id`` values that keep the
exported order of votes received in the same instant. Audience questions are
inserted in the order asked (so they keep their ``Q001``… labels) under synthetic
client ids ``import-0001``…, their upvotes rebuilt from the upvoters' pseudonyms.
Upvote times are not exported: an imported upvote carries its question's time.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..core.access import Secrets
from ..core.errors import Her2pollError
from ..core.qa import Settings
from ..core.questions import QuestionSet
from ..core.session import SessionState, new_join_code, normalize_code
from .db import Database
from .export import (
    ParticipantRecord,
    PollRecord,
    QARecord,
    ResponseRecord,
    VoteRecord,
)
from .models import (
    AnswerRow,
    ParticipantRow,
    PollRow,
    QAQuestionRow,
    QAUpvoteRow,
    SessionRow,
    VoteReceiptRow,
)
from .sessions import get_session

_BATCH = 5000


class CodeTaken(Her2pollError):
    """The imported session's join code already belongs to another session here."""

    code = "code_taken"


@dataclass(frozen=True)
class SessionImport:
    """Everything needed to recreate a session, already validated."""

    code: str
    title: str
    created_at: datetime
    current_question_id: str | None
    questions: QuestionSet
    polls: Sequence[PollRecord]
    participants: Sequence[ParticipantRecord]
    responses: Sequence[ResponseRecord]
    votes: Sequence[VoteRecord]
    qa_settings: Settings = Settings()
    qa_questions: Sequence[QARecord] = ()
    language: str | None = None
    room_statistics: bool = False


def restore_session(
    db: Database, data: SessionImport, keys: Secrets, *, new_code: bool = False
) -> SessionState:
    """Insert an exported session under new secrets; return it.

    :param new_code: draw a fresh join code when the exported one is taken,
        instead of refusing with :class:`CodeTaken`.
    """
    code = normalize_code(data.code)
    for _attempt in range(10):
        try:
            with db.begin() as conn:
                if _code_taken(conn, code):
                    if not new_code:
                        raise CodeTaken(
                            f"A session with code {code} already exists in this database; "
                            "import it under a new code with --new-code."
                        )
                    code = new_join_code()
                    continue
                _insert(conn, data, code, keys)
        except IntegrityError:
            if not new_code:
                raise CodeTaken(f"A session with code {code} was created meanwhile.") from None
            code = new_join_code()
            continue
        return get_session(db, code)
    raise CodeTaken("Could not find a free join code for the import.")  # pragma: no cover


def _code_taken(conn: Connection, code: str) -> bool:
    stmt = select(SessionRow.id).where(SessionRow.code == code)
    return conn.execute(stmt).first() is not None


def _insert(conn: Connection, data: SessionImport, code: str, keys: Secrets) -> None:
    """The session, its polls and participants, then the rows in the order given.

    Answers are inserted in the export's order (by question, then as first
    given), so their ids, and with them the order open-text answers are listed
    in, follow the original.
    """
    session_id = conn.execute(
        insert(SessionRow).returning(SessionRow.id),
        {
            "code": code,
            "title": data.title,
            "questions_json": data.questions.model_dump_json(),
            "moderator_secret_hash": keys.moderator_digest,
            "screen_token_hash": keys.screen_digest,
            "version": 1,
            "vote_seq": 1 if data.votes else 0,
            "current_question_id": data.current_question_id,
            "created_at": data.created_at,
            "language": data.language,
            "room_statistics": data.room_statistics,
            "qa_open": data.qa_settings.open,
            "qa_premoderate": data.qa_settings.premoderate,
            "qa_names": data.qa_settings.names,
            "qa_filter": "\n".join(data.qa_settings.filter),
            "qa_seq": 1 if data.qa_questions else 0,
        },
    ).scalar_one()
    conn.execute(
        insert(PollRow),
        [{"session_id": session_id, **p._asdict()} for p in data.polls],
    )
    ids = _insert_participants(conn, session_id, data.participants)
    _insert_rows(conn, AnswerRow, (_answer(session_id, ids, r) for r in data.responses))
    _insert_rows(
        conn, VoteReceiptRow, (_receipt(session_id, ids, i, v) for i, v in enumerate(data.votes))
    )
    if data.qa_questions:
        _insert_qa(conn, session_id, ids, data.qa_questions)


def _insert_participants(
    conn: Connection, session_id: int, participants: Sequence[ParticipantRecord]
) -> dict[str, int]:
    """Insert with public ids in pseudonym order, so a re-export names everyone the same.

    Pseudonyms are numbered by public id (:func:`.export.pseudonym_order`): fresh random
    ids, sorted, are handed out in the exported order.
    """
    fresh = sorted((secrets.token_urlsafe(12) for _ in participants), key=str.encode)
    rows = [
        {"session_id": session_id, "public_id": public_id, "created_at": joined}
        for public_id, (_pseudonym, joined) in zip(fresh, participants, strict=True)
    ]
    ids: dict[str, int] = {}
    for start in range(0, len(rows), _BATCH):
        batch = rows[start : start + _BATCH]
        result = conn.execute(
            insert(ParticipantRow).returning(ParticipantRow.id, sort_by_parameter_order=True),
            batch,
        )
        for p, pid in zip(participants[start : start + _BATCH], result.scalars(), strict=True):
            ids[p.participant] = pid
    return ids


def _answer(session_id: int, ids: dict[str, int], r: ResponseRecord) -> dict[str, object]:
    return {
        "session_id": session_id,
        "question_id": r.question_id,
        "participant_id": ids[r.participant],
        "option_id": r.option_id,
        "value": r.value,
        "confidence": r.confidence,
        "hidden": r.hidden,
        "answered_at": r.answered_at,
        "updated_at": r.updated_at,
        "changed_count": r.changed_count,
    }


def _receipt(session_id: int, ids: dict[str, int], i: int, v: VoteRecord) -> dict[str, object]:
    return {
        "participant_id": ids[v.participant],
        "vote_id": f"import-{i:09d}",
        "session_id": session_id,
        "question_id": v.question_id,
        "option_id": v.option_id,
        "value": v.value,
        "received_at": v.received_at,
    }


def _insert_qa(
    conn: Connection, session_id: int, ids: dict[str, int], questions: Sequence[QARecord]
) -> None:
    """Questions in the order asked, then the merges (one may point forward), then upvotes."""
    rows = [
        {
            "session_id": session_id,
            "participant_id": ids[q.asker],
            "client_id": f"import-{i:04d}",
            "text": q.text,
            "name": q.name,
            "status": q.status,
            "pinned": q.pinned,
            "edited": q.edited,
            "filtered": q.filtered,
            "created_at": q.created_at,
            "updated_at": q.updated_at,
        }
        for i, q in enumerate(questions, start=1)
    ]
    result = conn.execute(
        insert(QAQuestionRow).returning(QAQuestionRow.id, sort_by_parameter_order=True), rows
    )
    qids = {q.id: qid for q, qid in zip(questions, result.scalars(), strict=True)}
    merges = [{"qid": qids[q.id], "into": qids[q.merged_into]} for q in questions if q.merged_into]
    if merges:
        conn.execute(
            update(QAQuestionRow)
            .where(QAQuestionRow.id == bindparam("qid"))
            .values(merged_into=bindparam("into")),
            merges,
        )
    upvotes = (
        {"question_id": qids[q.id], "participant_id": ids[p], "session_id": session_id,
         "created_at": q.created_at}
        for q in questions
        for p in q.upvoters
    )  # fmt: skip
    _insert_rows(conn, QAUpvoteRow, upvotes)


def _insert_rows(
    conn: Connection,
    model: type[AnswerRow | VoteReceiptRow | QAUpvoteRow],
    rows: Iterable[dict[str, object]],
) -> None:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            conn.execute(insert(model), batch)
            batch = []
    if batch:
        conn.execute(insert(model), batch)
