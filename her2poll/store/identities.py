"""Learners for credit: a session's identity mode, identities, connections, the purge.

Identities live in their own table, keyed by participant, never joined into the
answer rows: an export of answers cannot carry a name by accident. Connections
are one row per attendee socket, from join to disconnect, so attendance is the
union of those intervals (:mod:`her2poll.core.attendance`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ..core.attendance import DEFAULT_THRESHOLD, Attendance, Interval, Profession, pars_counts
from ..core.errors import NotFound
from ..core.items import Answer
from ..core.learners import CONSENT_TEXT, Identity, IdentityMode
from ..core.questions import QuestionSet
from ..core.session import SessionState, normalize_code
from .db import Database
from .models import (
    AnswerRow,
    ConnectionRow,
    CreditSettingsRow,
    IdentityRow,
    ParticipantRow,
    PollRow,
    SessionRow,
    utc,
    utcnow,
)
from .votes import VoteResult, chunks


@dataclass(frozen=True)
class Credit:
    """A session's credit settings."""

    mode: IdentityMode = IdentityMode.ANONYMOUS
    threshold: float = DEFAULT_THRESHOLD

    def to_dict(self) -> dict[str, object]:
        return {"identity_mode": self.mode.value, "threshold": self.threshold}


@dataclass(frozen=True)
class Learner:
    """What the store knows of one participant for attendance and credit."""

    public_id: str
    identity: Identity | None
    #: Kept by the purge (PARS counts); None when the learner never identified.
    profession: Profession | None
    intervals: tuple[Interval, ...]
    answered: frozenset[str]
    purged: bool = False
    #: Each answer as the store keeps it, ``(option_id, value)`` by item id: what a
    #: conditional item's ``show_if`` is checked against (core.attendance.asked_of).
    stored: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)


@dataclass(frozen=True)
class LearnerRecord:
    """One learner's attendance, with their identity when they gave one."""

    learner: Learner
    attendance: Attendance

    @property
    def public_id(self) -> str:
        return self.learner.public_id


@dataclass(frozen=True)
class AttendanceReport:
    """A session's attendance as of ``now``: settings, items asked, every learner."""

    state: SessionState
    credit: Credit
    asked: tuple[str, ...]
    records: tuple[LearnerRecord, ...]
    now: datetime

    @property
    def identified(self) -> bool:
        return self.credit.mode is IdentityMode.IDENTIFIED

    def pars(self) -> dict[str, int]:
        """PARS learner counts: in an identified session, the learners who identified."""
        people: list[Profession | None]
        if self.identified:
            people = [r.learner.profession for r in self.records if r.learner.profession]
        else:  # no professions known: everyone who took part counts as an other learner
            people = [None for r in self.records if r.attendance.items_answered]
        return pars_counts(people)


def _session_id(conn: Connection, code: str) -> int:
    sid = conn.execute(
        select(SessionRow.id).where(SessionRow.code == normalize_code(code))
    ).scalar_one_or_none()
    if sid is None:
        raise NotFound(f"No session with code {code!r}.")
    return sid


def credit(db: Database, session_id: int) -> Credit:
    with db.begin() as conn:
        return credit_in(conn, session_id)


def credit_in(conn: Connection, session_id: int) -> Credit:
    row = conn.execute(
        select(CreditSettingsRow.identity_mode, CreditSettingsRow.threshold).where(
            CreditSettingsRow.session_id == session_id
        )
    ).one_or_none()
    return Credit(IdentityMode(row[0]), row[1]) if row else Credit()


def set_credit(db: Database, code: str, mode: IdentityMode, threshold: float) -> Credit:
    """Set a session's identity mode and participation threshold (an upsert)."""
    with db.begin() as conn:
        sid = _session_id(conn, code)
        conn.execute(delete(CreditSettingsRow).where(CreditSettingsRow.session_id == sid))
        conn.execute(
            insert(CreditSettingsRow),
            {"session_id": sid, "identity_mode": mode.value, "threshold": threshold},
        )
        return credit_in(conn, sid)


def participant_id(conn: Connection, session_id: int, public_id: str) -> int:
    pid = conn.execute(
        select(ParticipantRow.id).where(
            ParticipantRow.session_id == session_id, ParticipantRow.public_id == public_id
        )
    ).scalar_one_or_none()
    if pid is None:
        raise NotFound("This phone has not joined the session: open the join link again.")
    return pid


def save_identity(db: Database, session_id: int, public_id: str, identity: Identity) -> None:
    """Keep (or replace) a participant's identity, with the consent line they ticked."""
    with db.begin() as conn:
        pid = participant_id(conn, session_id, public_id)
        conn.execute(delete(IdentityRow).where(IdentityRow.participant_id == pid))
        conn.execute(
            insert(IdentityRow),
            {
                "participant_id": pid,
                "session_id": session_id,
                "name": identity.name,
                "email": identity.email,
                "profession": identity.profession.value,
                "licence": identity.licence,
                "consent_text": CONSENT_TEXT,
                "consented_at": utcnow(),
                "purged_at": None,
            },
        )


def _identity(row: Any) -> Identity | None:
    name, email, profession, licence = row.name, row.email, row.profession, row.licence
    if name is None or email is None:
        return None
    return Identity(name, email, Profession(profession), licence)


def identity_of(db: Database, session_id: int, public_id: str) -> Identity | None:
    with db.begin() as conn:
        pid = participant_id(conn, session_id, public_id)
        row = conn.execute(select(IdentityRow).where(IdentityRow.participant_id == pid)).first()
        return _identity(row) if row else None


#: Built once: every phone's join opens an interval, thousands at the start of a talk.
_CONNECT = insert(ConnectionRow).returning(ConnectionRow.id)


def connect(conn: Connection, session_id: int, participant_id: int) -> int:
    """Open a connection interval in the caller's transaction; its id closes it."""
    now = utcnow()
    return conn.execute(
        _CONNECT,
        {
            "session_id": session_id,
            "participant_id": participant_id,
            "connected_at": now,
            "seen_at": now,
        },
    ).scalar_one()


@dataclass(frozen=True)
class Disconnect:
    """A connection interval to close, queued for :func:`record_disconnects`."""

    session_id: int
    connection_id: int


def record_disconnects(db: Database, batch: Sequence[Disconnect]) -> list[VoteResult]:
    """Close many connection intervals in one transaction (each once).

    When a room's Wi-Fi drops, thousands of phones disconnect at once: one
    transaction each took every pooled connection and timed the rest out.
    """
    if not batch:
        return []
    now = utcnow()
    ids = sorted({d.connection_id for d in batch})
    with db.begin() as conn:
        for part in chunks(ids):
            conn.execute(
                update(ConnectionRow)
                .where(ConnectionRow.id.in_(part), ConnectionRow.disconnected_at.is_(None))
                .values(disconnected_at=now, seen_at=now)
            )
    return [VoteResult(ok=True, dup=True)] * len(batch)  # nothing for a tally to show


def disconnect(db: Database, connection_id: int) -> None:
    """Close a connection interval (once: a second close changes nothing)."""
    now = utcnow()
    with db.begin() as conn:
        conn.execute(
            update(ConnectionRow)
            .where(ConnectionRow.id == connection_id, ConnectionRow.disconnected_at.is_(None))
            .values(disconnected_at=now, seen_at=now)
        )


def asked(conn: Connection, session_id: int) -> list[str]:
    """The items asked: every poll that was ever opened, in the set's order."""
    return list(
        conn.execute(
            select(PollRow.question_id)
            .where(PollRow.session_id == session_id, PollRow.opened_at.is_not(None))
            .order_by(PollRow.position)
        ).scalars()
    )


def learners(conn: Connection, session_id: int) -> list[Learner]:
    """Every participant of a session with their identity, connections and answered items."""
    people = conn.execute(
        select(ParticipantRow.id, ParticipantRow.public_id)
        .where(ParticipantRow.session_id == session_id)
        .order_by(ParticipantRow.id)
    ).all()
    intervals: dict[int, list[Interval]] = defaultdict(list)
    for pid, start, end in conn.execute(
        select(
            ConnectionRow.participant_id,
            ConnectionRow.connected_at,
            ConnectionRow.disconnected_at,
        ).where(ConnectionRow.session_id == session_id)
    ):
        intervals[pid].append(Interval(utc(start), utc(end) if end else None))
    stored: dict[int, dict[str, tuple[str | None, str | None]]] = defaultdict(dict)
    for pid, qid, option_id, value in conn.execute(
        select(
            AnswerRow.participant_id, AnswerRow.question_id, AnswerRow.option_id, AnswerRow.value
        ).where(AnswerRow.session_id == session_id)
    ):
        stored[pid][qid] = (option_id, value)
    rows: Mapping[int, Any] = {
        r.participant_id: r
        for r in conn.execute(select(IdentityRow).where(IdentityRow.session_id == session_id))
    }
    out = []
    for pid, public_id in people:
        row = rows.get(pid)
        out.append(
            Learner(
                public_id,
                _identity(row) if row else None,
                Profession(row.profession) if row else None,
                tuple(intervals[pid]),
                frozenset(stored[pid]),
                purged=bool(row and row.purged_at),
                stored=stored[pid],
            )
        )
    return out


def purge(db: Database, before: datetime) -> int:
    """Blank every identity given before ``before``; return how many.

    Answers, connections and professions stay: the anonymised record and the
    attendance and PARS counts are what a provider keeps.
    """
    with db.begin() as conn:
        result = conn.execute(
            update(IdentityRow)
            .where(IdentityRow.consented_at < before, IdentityRow.purged_at.is_(None))
            .values(name=None, email=None, licence=None, purged_at=utcnow())
        )
        return int(result.rowcount or 0)


def count_identified(db: Database, session_id: int) -> int:
    with db.begin() as conn:
        return conn.execute(
            select(func.count()).where(
                IdentityRow.session_id == session_id, IdentityRow.purged_at.is_(None)
            )
        ).scalar_one()


def learner_answers(
    conn: Connection, session_id: int, questions: QuestionSet
) -> tuple[dict[str, dict[str, Answer]], dict[str, dict[str, int]]]:
    """Every learner's answers and "how sure" ratings, keyed by public id then question.

    The outcomes report's input: core matches pre and post answers by this key.
    """
    answers: dict[str, dict[str, Answer]] = defaultdict(dict)
    sure: dict[str, dict[str, int]] = defaultdict(dict)
    rows = conn.execute(
        select(
            ParticipantRow.public_id,
            AnswerRow.question_id,
            AnswerRow.option_id,
            AnswerRow.value,
            AnswerRow.confidence,
        )
        .join(ParticipantRow, ParticipantRow.id == AnswerRow.participant_id)
        .where(AnswerRow.session_id == session_id)
    )
    for public_id, qid, option_id, value, confidence in rows:
        item = questions.question(qid)
        if item is None:
            continue
        answers[public_id][qid] = item.load_answer(option_id, value)
        if confidence is not None:
            sure[public_id][qid] = confidence
    return dict(answers), dict(sure)
