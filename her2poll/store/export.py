"""Reading a whole session for an export: one consistent snapshot, streamed row by row.

Every format is written from a :class:`SessionSnapshot`, opened by :func:`snapshot` in a
single read-only transaction (:meth:`~.db.Database.snapshot`), so the counts, the
responses and the statistics of one file always belong to the same moment even while
the session is still running. The row readers are generators over server-side cursors
(``yield_per``): a 10,000-participant session is never held in memory as a whole.

Participants appear only under a pseudonym, ``P0001``, ``P0002``, … numbered in the
order of their random public ids, not in join order: the attendance sheet names
learners beside their join times, and pseudonyms numbered by joining would line up
with it row by row. The public id in an attendee's token never leaves the database.
Audience questions likewise appear as ``Q001``, ``Q002``, … in the order they were asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, Select, func, select

from ..core.items import Summary
from ..core.learners import IdentityMode
from ..core.qa import Settings
from ..core.session import SessionState, normalize_code
from .db import Database
from .identities import credit_in
from .models import (
    AnswerRow,
    ParticipantRow,
    PollRow,
    QAQuestionRow,
    QAUpvoteRow,
    SessionRow,
    VoteReceiptRow,
    utc,
)
from .qa import settings_of
from .rows import poll_of, session_not_found, session_of
from .votes import tallies

#: Rows fetched per round trip from the server-side cursor.
YIELD_PER = 2000


def _utc_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else utc(value)


def pseudonym(rank: int) -> str:
    """The name a participant has in exports: their place in public-id order."""
    return f"P{rank:04d}"


def pseudonym_order(public_ids: dict[int, str]) -> list[int]:
    """Database ids in pseudonym order: by public id (random), compared as bytes.

    Sorted here rather than by the database, whose collation may differ
    (PostgreSQL's locale ignores ``-`` and ``_``).
    """
    return sorted(public_ids, key=lambda pid: public_ids[pid].encode())


def qa_label(rank: int) -> str:
    """The name an audience question has in exports: its place in the order asked."""
    return f"Q{rank:03d}"


#: An answer as the answers table keeps it: ``(option_id, value)``.
Stored = tuple[str | None, str | None]


class PollRecord(NamedTuple):
    question_id: str
    position: int
    state: str
    revealed: bool
    opened_at: datetime | None
    closed_at: datetime | None


class ParticipantRecord(NamedTuple):
    participant: str
    joined_at: datetime


class ResponseRecord(NamedTuple):
    """A participant's current answer to one question, as the answers table keeps it.

    ``option_id`` holds a one-option answer, ``value`` every other as JSON
    (:meth:`her2poll.core.items.ItemBase.load_answer` reads the pair).
    """

    participant: str
    question_id: str
    option_id: str | None
    value: str | None
    confidence: int | None
    hidden: bool
    answered_at: datetime
    updated_at: datetime
    changed_count: int


class VoteRecord(NamedTuple):
    """One applied vote from the receipts log (the history behind the answers)."""

    participant: str
    question_id: str
    option_id: str | None
    value: str | None
    received_at: datetime


class QARecord(NamedTuple):
    """One audience question with its upvotes.

    ``asker`` and ``upvoters`` are pseudonyms, for the JSON round trip only: the
    activity is anonymous, so the spreadsheets and the report never show who asked.
    ``name`` is what the learner typed for the room to see, if names were allowed.
    """

    id: str
    asker: str
    text: str
    name: str | None
    status: str
    pinned: bool
    edited: bool
    filtered: bool
    merged_into: str | None
    created_at: datetime
    updated_at: datetime
    votes: int
    upvoters: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    participants: int
    answers: int
    votes: int
    qa_questions: int = 0


@dataclass
class SessionSnapshot:
    """One session as of one moment: its state, tallies and streams of rows.

    :param on_rows: called with the number of rows each reader has just yielded,
        so a command line can show progress; ``None`` for no reporting.
    """

    conn: Connection
    state: SessionState
    polls: tuple[PollRecord, ...]
    tallies: dict[str, Summary]
    counts: Counts
    qa_settings: Settings = Settings()
    #: Learners identified for credit: the aggregate sheets suppress small cells.
    identified: bool = False
    on_rows: Callable[[int], None] | None = field(default=None, repr=False)
    _names: dict[int, str] | None = field(default=None, init=False, repr=False)

    def participants(self) -> Iterator[ParticipantRecord]:
        """Every participant in pseudonym order, with the time they joined."""
        stmt = select(ParticipantRow.id, ParticipantRow.created_at).where(
            ParticipantRow.session_id == self.state.id
        )
        joined = {k: v for k, v in self.conn.execute(stmt)}
        names = self._pseudonyms()
        for pid in sorted(joined, key=names.__getitem__):
            yield ParticipantRecord(names[pid], utc(joined[pid]))

    def responses(self) -> Iterator[ResponseRecord]:
        """Every current answer, by question in the set's order, then in the order first given.

        The order first given is the order of open-text answers in the results, so
        an import that inserts the rows in this order lists them the same way.
        """
        a, names = AnswerRow, self._pseudonyms()
        stmt = (
            select(
                a.participant_id, a.question_id, a.option_id, a.value, a.confidence, a.hidden,
                a.answered_at, a.updated_at, a.changed_count,
            )
            .join(PollRow, (PollRow.session_id == a.session_id)
                  & (PollRow.question_id == a.question_id))
            .where(a.session_id == self.state.id)
            .order_by(PollRow.position, a.id)
        )  # fmt: skip
        for pid, qid, oid, value, level, hidden, answered, updated, changed in self._stream(stmt):
            yield ResponseRecord(
                names[pid], qid, oid, value, level, bool(hidden), utc(answered), utc(updated),
                changed,
            )  # fmt: skip

    def answers_to(
        self, question_ids: list[str]
    ) -> dict[str, dict[str, tuple[str | None, str | None]]]:
        """Pseudonym -> question -> the stored answer ``(option_id, value)``, for a few items.

        The commitment export's input: one small dict, in pseudonym order.
        """
        if not question_ids:
            return {}
        names, a = self._pseudonyms(), AnswerRow
        stmt = select(a.participant_id, a.question_id, a.option_id, a.value).where(
            a.session_id == self.state.id, a.question_id.in_(question_ids)
        )
        found: dict[str, dict[str, Stored]] = {}
        for pid, qid, oid, value in self.conn.execute(stmt):
            found.setdefault(names[pid], {})[qid] = (oid, value)
        return dict(sorted(found.items()))

    def answer_owners(self) -> dict[int, str]:
        """Answer id -> its participant's pseudonym, for the answers listed one by one.

        The results list open-text answers by their database id (the moderator hides
        one by it); an export names them by participant instead, which survives an import.
        """
        uncounted = [q.id for q in self.state.questions.questions if not q.counted]
        if not uncounted:
            return {}
        names = self._pseudonyms()
        stmt = select(AnswerRow.id, AnswerRow.participant_id).where(
            AnswerRow.session_id == self.state.id, AnswerRow.question_id.in_(uncounted)
        )
        return {aid: names[pid] for aid, pid in self.conn.execute(stmt)}

    def votes(self) -> Iterator[VoteRecord]:
        """Every applied vote in the order received (ties: pseudonym, question, vote id).

        Ties are broken by pseudonym, not by database id, which is the join order.
        """
        v, names = VoteReceiptRow, self._pseudonyms()
        stmt = (
            select(v.participant_id, v.question_id, v.option_id, v.value, v.received_at,
                   PollRow.position, v.vote_id)
            .join(PollRow, (PollRow.session_id == v.session_id)
                  & (PollRow.question_id == v.question_id))
            .where(v.session_id == self.state.id, v.voided.is_(False))
            .order_by(v.received_at)
        )  # fmt: skip
        for _at, tied in groupby(self._stream(stmt), key=lambda row: row[4]):
            for pid, qid, oid, value, received, _pos, _vid in sorted(
                tied, key=lambda r: (names[r[0]], r[5], r[6])
            ):
                yield VoteRecord(names[pid], qid, oid, value, utc(received))

    def qa_questions(self) -> Iterator[QARecord]:
        """Every audience question in the order asked, with its distinct upvoters."""
        q, names = QAQuestionRow, self._pseudonyms()
        stmt = (
            select(
                q.id, q.participant_id, q.text, q.name, q.status, q.pinned, q.edited, q.filtered,
                q.merged_into, q.created_at, q.updated_at,
            )
            .where(q.session_id == self.state.id)
            .order_by(q.id)
        )  # fmt: skip
        labels, upvoters = self._qa_labels(), self._upvoters()
        for qid, pid, text, name, status, *flags, into, created, updated in self._stream(stmt):
            ups = upvoters.get(qid, ())
            pinned, edited, filtered = map(bool, flags)
            yield QARecord(
                labels[qid], names[pid], text, name, status, pinned, edited, filtered,
                None if into is None else labels[into], utc(created), utc(updated), len(ups), ups,
            )  # fmt: skip

    def _qa_labels(self) -> dict[int, str]:
        """Database id -> ``Q001``…, needed whole because a merge may point forward."""
        stmt = (
            select(QAQuestionRow.id)
            .where(QAQuestionRow.session_id == self.state.id)
            .order_by(QAQuestionRow.id)
        )
        ids = self.conn.execute(stmt).scalars()
        return {qid: qa_label(rank) for rank, qid in enumerate(ids, start=1)}

    def _upvoters(self) -> dict[int, tuple[str, ...]]:
        """Question id -> its upvoters' pseudonyms in pseudonym order (one upvote each)."""
        u, names = QAUpvoteRow, self._pseudonyms()
        stmt = select(u.question_id, u.participant_id).where(u.session_id == self.state.id)
        found: dict[int, list[str]] = {}
        for qid, pid in self.conn.execute(stmt):
            found.setdefault(qid, []).append(names[pid])
        return {qid: tuple(sorted(ps)) for qid, ps in found.items()}

    def _pseudonyms(self) -> dict[int, str]:
        """Database id -> pseudonym; one small dict (a string per participant).

        Looked up in Python rather than joined to a ``row_number()`` subquery,
        which SQLite would re-evaluate for every answer.
        """
        if self._names is None:
            stmt = select(ParticipantRow.id, ParticipantRow.public_id).where(
                ParticipantRow.session_id == self.state.id
            )
            ids = pseudonym_order({k: v for k, v in self.conn.execute(stmt)})
            self._names = {pid: pseudonym(rank) for rank, pid in enumerate(ids, start=1)}
        return self._names

    def _stream(self, stmt: Select) -> Iterator[tuple]:  # type: ignore[type-arg]
        result = self.conn.execution_options(yield_per=YIELD_PER).execute(stmt)
        for part in result.partitions():
            yield from part
            if self.on_rows is not None:
                self.on_rows(len(part))


@contextmanager
def snapshot(db: Database, code: str) -> Iterator[SessionSnapshot]:
    """Open one session for export in a read-only snapshot transaction.

    :param code: the session's join code (case and dashes as typed are accepted).
    :raise NotFound: no session has this code.
    """
    with db.snapshot() as conn:
        row = conn.execute(
            select(SessionRow).where(SessionRow.code == normalize_code(code))
        ).one_or_none()
        if row is None:
            raise session_not_found(code)
        polls = _polls(conn, row.id)
        state = session_of(
            row, [poll_of((p.question_id, p.state, p.revealed, None)) for p in polls]
        )
        yield SessionSnapshot(
            conn, state, polls, tallies(conn, state), _counts(conn, row.id), _qa_settings(row),
            credit_in(conn, row.id).mode is IdentityMode.IDENTIFIED,
        )  # fmt: skip


def _polls(conn: Connection, session_id: int) -> tuple[PollRecord, ...]:
    rows = conn.execute(
        select(
            PollRow.question_id, PollRow.position, PollRow.state, PollRow.revealed,
            PollRow.opened_at, PollRow.closed_at,
        )
        .where(PollRow.session_id == session_id)
        .order_by(PollRow.position)
    ).all()  # fmt: skip
    return tuple(
        PollRecord(q, pos, s, bool(r), _utc_or_none(o), _utc_or_none(c))
        for q, pos, s, r, o, c in rows
    )


def _qa_settings(row: Row[Any]) -> Settings:
    return settings_of((row.qa_open, row.qa_premoderate, row.qa_names, row.qa_filter))


def _counts(conn: Connection, session_id: int) -> Counts:
    def count(table: type[ParticipantRow | AnswerRow | VoteReceiptRow | QAQuestionRow]) -> int:
        stmt = select(func.count()).select_from(table).where(table.session_id == session_id)
        if table is VoteReceiptRow:  # the votes a reset voided are not in the export
            stmt = stmt.where(VoteReceiptRow.voided.is_(False))
        return conn.execute(stmt).scalar_one()

    return Counts(
        count(ParticipantRow), count(AnswerRow), count(VoteReceiptRow), count(QAQuestionRow)
    )
