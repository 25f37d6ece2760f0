"""CME credit: identity mode, identities, attendance records, certificates, retention.

Every entry point (HTTP, Socket.IO, CLI) goes through these steps. Identities
are read only here and in the certificate; the answer exports never see them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ..core import commitments
from ..core.attendance import asked_of, attendance
from ..core.errors import BadRequest, Forbidden, NotFound
from ..core.learners import Identity, IdentityMode, parse_identity
from ..core.phases import Pacing
from ..core.session import SessionState, normalize_code
from ..exports import credit_files
from ..store import identities
from ..store.db import Database
from ..store.identities import AttendanceReport, Credit, Learner, LearnerRecord
from ..store.sessions import get_session
from . import identity as tokens
from .ports import VoteSink

__all__ = ["AttendanceReport", "LearnerRecord", "purge", "report", "set_mode"]


def set_mode(db: Database, code: str, mode: object, threshold: object = None) -> Credit:
    """Set a session's identity mode (and optionally its threshold, a share in (0, 1])."""
    try:
        chosen = IdentityMode(str(mode))
    except ValueError:
        raise BadRequest("The identity mode is 'anonymous' or 'identified'.") from None
    state = get_session(db, code)
    current = identities.credit(db, state.id)
    share = current.threshold if threshold is None else threshold
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise BadRequest("The threshold is a share of the items asked, above 0 and at most 1.")
    return identities.set_credit(db, state.code, chosen, float(share))


def credit_of(db: Database, code: str) -> Credit:
    return identities.credit(db, get_session(db, code).id)


def _learner(db: Database, key: str, code: str, token: object) -> tuple[SessionState, str]:
    state = get_session(db, code)
    public_id = tokens.verify(key, normalize_code(code), token if isinstance(token, str) else None)
    if public_id is None:
        raise Forbidden("Open the session's join link on this phone first.")
    return state, public_id


def submit_identity(db: Database, key: str, code: str, token: object, form: object) -> Identity:
    """Keep the identity a learner's phone sends, in an identified session only."""
    state, public_id = _learner(db, key, code, token)
    if identities.credit(db, state.id).mode is not IdentityMode.IDENTIFIED:
        raise BadRequest("This session is anonymous: it asks no one who they are.")
    identity = parse_identity(form)
    identities.save_identity(db, state.id, public_id, identity)
    return identity


def my_identity(db: Database, key: str, code: str, token: object) -> Identity | None:
    state, public_id = _learner(db, key, code, token)
    return identities.identity_of(db, state.id, public_id)


def disconnected(db: Database, connection_id: int) -> None:
    identities.disconnect(db, connection_id)


def disconnected_batched(sink: VoteSink, session_id: int, connection_id: int) -> None:
    """:func:`disconnected` through a group-commit writer: a room whose Wi-Fi drops
    disconnects all at once, and one transaction per phone exhausted the pool."""
    sink.submit(identities.Disconnect(session_id, connection_id))


def report(db: Database, code: str, now: datetime | None = None) -> AttendanceReport:
    """Every learner's attendance record, from one read of the store."""
    now = now or datetime.now(UTC)
    state = get_session(db, code)
    with db.snapshot() as conn:
        settings = identities.credit_in(conn, state.id)
        asked = tuple(identities.asked(conn, state.id))
        people = identities.learners(conn, state.id)
    questions = state.questions
    # Read once for every learner: the items a show_if depends on, the self-paced phases.
    conditions = {q.show_if.item for q in questions.questions if q.show_if is not None}
    self_paced = {run.phase for run in state.phases if run.pacing is Pacing.SELF}

    def asked_of_learner(learner: Learner) -> list[str]:
        """A conditional item of a self-paced form is asked only of those its answer
        showed it to (core.attendance.asked_of)."""
        answers = {}
        for qid in conditions & learner.stored.keys():
            item = questions.question(qid)
            if item is not None:
                answers[qid] = item.load_answer(*learner.stored[qid])
        return asked_of(asked, questions, self_paced, answers)

    records = tuple(
        LearnerRecord(
            p, attendance(p.intervals, p.answered, asked_of_learner(p), now, settings.threshold)
        )
        for p in people
    )
    return AttendanceReport(state, settings, asked, records, now)


def my_record(db: Database, key: str, code: str, token: object) -> LearnerRecord:
    """The calling learner's own record (the phone's certificate button)."""
    _state, public_id = _learner(db, key, code, token)
    found = report(db, code)
    for record in found.records:
        if record.public_id == public_id:
            return record
    raise NotFound("This phone has not joined the session.")


def follow_up(db: Database, code: str) -> bytes:
    """The provider's follow-up file of an identified session: name, statement, intent.

    :raises BadRequest: the session is anonymous, so there is no one to follow up.
    """
    found = report(db, code)
    if not found.identified:
        raise BadRequest(
            "This session is anonymous: there is no one to follow up. The commitments are in "
            "the answer export (commitments.csv), by pseudonym."
        )
    with db.snapshot() as conn:
        answers, _sure = identities.learner_answers(conn, found.state.id, found.state.questions)
    said = commitments.rows(found.state.questions, answers)
    return credit_files.follow_up_csv(found, said)


def purge(db: Database, days: int, now: datetime | None = None) -> int:
    """Delete identities given more than ``days`` days ago; keep answers and attendance."""
    if days < 0:
        raise BadRequest("Keep identities for 0 days or more.")
    return identities.purge(db, (now or datetime.now(UTC)) - timedelta(days=days))
