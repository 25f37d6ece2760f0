"""A session with answers, changed answers, an open and a pending poll, for export tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from her2poll.core.questions import QuestionSet
from her2poll.services.sessions import create
from her2poll.store import participants, polls
from her2poll.store.db import Database
from her2poll.store.models import AnswerRow, ParticipantRow
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_votes

PARTICIPANTS = 12


@dataclass(frozen=True)
class Voted:
    db: Database
    code: str
    secret: str
    session_id: int


def vote_session(db: Database, questions: QuestionSet, title: str | None = None) -> Voted:
    """PQ1–PQ4 closed with 12 answers (3 changed on PQ1), PQ5 open with 3, PQ6 pending."""
    new = create(SqlStore(db), questions, title)
    sid, code = new.state.id, new.state.code
    people = [participants.join(db, sid, None) for _ in range(PARTICIPANTS)]
    for qi, q in enumerate(questions.questions[:5]):
        polls.apply_action(db, code, q.id, "open")
        voters = people if qi < 4 else people[:3]
        opts = q.option_ids
        record_votes(
            db,
            [VoteIn(sid, p.id, q.id, opts[(i * (qi + 1)) % len(opts)], f"a{q.id}{i}")
             for i, p in enumerate(voters)],
        )  # fmt: skip
        if qi == 0:  # three people change their mind, one of them twice
            changes = [(0, 1), (1, 2), (2, 3), (0, 3)]
            for n, (i, o) in enumerate(changes):
                record_votes(db, [VoteIn(sid, people[i].id, q.id, opts[o], f"c{n}")])
        if qi < 4:
            polls.apply_action(db, code, q.id, "close")
    return Voted(db, code, new.moderator_secret, sid)


def db_answers(db: Database, session_id: int) -> dict[tuple[int, str], tuple[str, int]]:
    """(participant join rank, question) -> (option, changed_count), straight from the table."""
    with db.begin() as conn:
        ids = conn.execute(
            select(ParticipantRow.id)
            .where(ParticipantRow.session_id == session_id)
            .order_by(ParticipantRow.id)
        ).scalars()
        rank = {pid: i for i, pid in enumerate(ids, start=1)}
        rows = conn.execute(
            select(
                AnswerRow.participant_id,
                AnswerRow.question_id,
                AnswerRow.option_id,
                AnswerRow.changed_count,
            ).where(AnswerRow.session_id == session_id)
        ).all()
    return {(rank[p], q): (o, c) for p, q, o, c in rows}


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path / 'export.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def voted(sqlite_db: Database, questions: QuestionSet) -> Voted:
    return vote_session(sqlite_db, questions)
