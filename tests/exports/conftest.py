"""A session with answers, changed answers, an open and a pending poll, for export tests;
and audience questions, upvotes and Q&A settings written straight into the tables."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from her2poll.core.questions import QuestionSet
from her2poll.services.sessions import create
from her2poll.store import participants, polls
from her2poll.store.db import Database
from her2poll.store.models import (
    AnswerRow,
    ParticipantRow,
    QAQuestionRow,
    QAUpvoteRow,
    SessionRow,
)
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_votes
from testkit.pseudonyms import pseudonym_ranks
from testkit.servers import fresh_pg_database

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


EVIL = '=HYPERLINK("http://evil.example","x")'
#: (asker's join rank, text, name, status, pinned, edited, filtered, merged into, upvoters' ranks)
QA_ROWS = [
    (2, "What about brain metastases?", None, "approved", True, False, False, None, [1, 3, 4, 5]),
    (3, EVIL, "@Mallory", "pending", False, False, True, None, []),
    (4, "Is T-DXd approved for HER2-low?", "Dr. Ana Lima", "answered", False, True, False, None,
     [1, 2, 3, 5, 6]),
    (5, "Any data on HER2-ultralow?", None, "dismissed", False, False, False, None, [7]),
    (6, "Brain mets?", None, "merged", False, False, False, 1, []),
    (1, "Which trial for CNS disease?", None, "merged", False, False, False, 7, []),
    (7, "How do you choose for CNS metastases?", None, "approved", False, False, False, None,
     [8, 9]),
    (2, "Sequencing after T-DXd?", "Ana", "pending", False, False, False, None, []),
    (8, "What is the role of ctDNA?", None, "answered", False, False, False, None, [2]),
]  # fmt: skip
QA_START = datetime(2026, 12, 2, 9, 0, 0, 123456, tzinfo=UTC)


def add_qa(db: Database, session_id: int) -> None:
    """Write QA_ROWS and non-default settings into the tables, as the live Q&A would.

    Straight through the models: the export must read what the tables hold,
    whatever code wrote it. One merge points back (Q005 -> Q001), one forward (Q006 -> Q007).
    """
    with db.begin() as conn:
        people = conn.execute(
            select(ParticipantRow.id)
            .where(ParticipantRow.session_id == session_id)
            .order_by(ParticipantRow.id)
        ).scalars().all()  # fmt: skip
        ids: list[int] = []
        for i, (asker, text, name, status, pinned, edited, filtered, _into, _ups) in enumerate(
            QA_ROWS
        ):
            created = QA_START + timedelta(minutes=i)
            ids.append(conn.execute(
                insert(QAQuestionRow).returning(QAQuestionRow.id),
                {"session_id": session_id, "participant_id": people[asker - 1],
                 "client_id": f"q-{i:08d}", "text": text, "name": name, "status": status,
                 "pinned": pinned, "edited": edited, "filtered": filtered,
                 "created_at": created, "updated_at": created + timedelta(seconds=30 + i)},
            ).scalar_one())  # fmt: skip
        for qid, row in zip(ids, QA_ROWS, strict=True):
            if row[7] is not None:
                conn.execute(
                    update(QAQuestionRow).where(QAQuestionRow.id == qid),
                    {"merged_into": ids[row[7] - 1]},
                )
            for rank in row[8]:
                conn.execute(
                    insert(QAUpvoteRow),
                    {"question_id": qid, "participant_id": people[rank - 1],
                     "session_id": session_id, "created_at": QA_START + timedelta(hours=1)},
                )  # fmt: skip
        conn.execute(
            update(SessionRow).where(SessionRow.id == session_id),
            {"qa_open": False, "qa_premoderate": False, "qa_names": True,
             "qa_filter": "spam\nadvert", "qa_seq": 40},
        )  # fmt: skip


def db_qa(db: Database, session_id: int) -> list[tuple[object, ...]]:
    """Per question in creation order: text, name, status, votes, pinned, edited, filtered,
    merged into (1-based creation rank), straight from the tables."""
    q = QAQuestionRow
    with db.begin() as conn:
        rows = conn.execute(
            select(q.id, q.text, q.name, q.status, q.pinned, q.edited, q.filtered, q.merged_into)
            .where(q.session_id == session_id)
            .order_by(q.id)
        ).all()
        votes = dict(
            conn.execute(
                select(QAUpvoteRow.question_id, func.count())
                .where(QAUpvoteRow.session_id == session_id)
                .group_by(QAUpvoteRow.question_id)
            ).all()
        )
    rank = {r.id: i for i, r in enumerate(rows, start=1)}
    return [
        (r.text, r.name, r.status, votes.get(r.id, 0), bool(r.pinned), bool(r.edited),
         bool(r.filtered), rank.get(r.merged_into))  # type: ignore[arg-type]
        for r in rows
    ]  # fmt: skip


def db_answers(db: Database, session_id: int) -> dict[tuple[int, str], tuple[str, int]]:
    """(pseudonym number, question) -> (option, changed_count), straight from the table."""
    rank = pseudonym_ranks(db, session_id)
    with db.begin() as conn:
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


@pytest.fixture
def asked(sqlite_db: Database, questions: QuestionSet) -> Voted:
    """The voted session with audience questions and upvotes."""
    v = vote_session(sqlite_db, questions)
    add_qa(sqlite_db, v.session_id)
    return v


@pytest.fixture
def other_db(db_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A second fresh database of the same backend as ``db``."""
    drop = None
    if db_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'other.db'}"
    else:
        url, drop = fresh_pg_database(request.getfixturevalue("pg_server"))
    database = Database(url)
    database.upgrade()
    yield database
    database.dispose()
    if drop is not None:
        drop()  # type: ignore[operator]
