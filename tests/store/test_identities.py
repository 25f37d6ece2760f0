"""Identities apart from answers, connection intervals, attendance and the purge (both backends)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from her2poll.core import views
from her2poll.core.attendance import Profession
from her2poll.core.errors import BadRequest, Forbidden
from her2poll.core.learners import Identity, IdentityMode, InvalidIdentity
from her2poll.core.polls import Action
from her2poll.core.questions import QuestionSet
from her2poll.core.session import SessionState
from her2poll.services import credit, identity
from her2poll.services.sessions import create
from her2poll.store import joins, polls
from her2poll.store.db import Database
from her2poll.store.identities import Disconnect, record_disconnects
from her2poll.store.models import AnswerRow, ConnectionRow, IdentityRow
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_vote

KEY = "test-key"
FORM = {"consent": True, "name": "Dr Ada Example", "email": "Ada@Example.org",
        "profession": "physician", "licence": "GMC 1234567"}  # fmt: skip


@pytest.fixture
def session(db: Database, questions: QuestionSet) -> SessionState:
    return create(SqlStore(db), questions).state


def _token(session: SessionState, public_id: str) -> str:
    return identity.sign(KEY, session.code, public_id)


def test_a_session_is_anonymous_until_the_provider_says_identified(
    db: Database, session: SessionState
) -> None:
    assert credit.credit_of(db, session.code).mode is IdentityMode.ANONYMOUS
    joined = joins.attendee_join(db, session.code, None, views.shows_results)
    token = _token(session, joined.participant.public_id)
    with pytest.raises(BadRequest, match="anonymous"):
        credit.submit_identity(db, KEY, session.code, token, FORM)
    settings = credit.set_mode(db, session.code, "identified", 0.5)
    assert (settings.mode, settings.threshold) == (IdentityMode.IDENTIFIED, 0.5)
    # the threshold stays when only the mode changes
    assert credit.set_mode(db, session.code, "identified").threshold == 0.5
    with pytest.raises(BadRequest):
        credit.set_mode(db, session.code, "named")
    with pytest.raises(BadRequest):
        credit.set_mode(db, session.code, "identified", 1.5)


def test_an_identity_is_kept_apart_from_answers_under_the_token(
    db: Database, session: SessionState
) -> None:
    credit.set_mode(db, session.code, "identified")
    joined = joins.attendee_join(db, session.code, None, views.shows_results)
    token = _token(session, joined.participant.public_id)
    got = credit.submit_identity(db, KEY, session.code, token, FORM)
    assert got == Identity("Dr Ada Example", "ada@example.org", Profession.PHYSICIAN, "GMC 1234567")
    assert credit.my_identity(db, KEY, session.code, token) == got
    # sent again (a corrected typo): replaced, still one row
    credit.submit_identity(db, KEY, session.code, token, {**FORM, "name": "Dr Ada B. Example"})
    with db.begin() as conn:
        rows = conn.execute(select(IdentityRow.name)).scalars().all()
        answer_columns = set(AnswerRow.__table__.columns.keys())
    assert rows == ["Dr Ada B. Example"]
    assert not answer_columns & {"name", "email", "licence", "profession"}
    with pytest.raises(Forbidden):
        credit.submit_identity(db, KEY, session.code, "forged", FORM)
    with pytest.raises(InvalidIdentity, match="consent"):
        credit.submit_identity(db, KEY, session.code, token, {**FORM, "consent": False})


@pytest.mark.parametrize("field", ["name", "email", "licence"])
def test_a_nul_character_in_the_form_is_refused_naming_the_field_not_a_crash(
    db: Database, session: SessionState, field: str
) -> None:
    """PostgreSQL's text cannot hold NUL: refused before it reaches the database."""
    credit.set_mode(db, session.code, "identified")
    joined = joins.attendee_join(db, session.code, None, views.shows_results)
    token = _token(session, joined.participant.public_id)
    with pytest.raises(InvalidIdentity, match="may not contain the NUL character"):
        credit.submit_identity(db, KEY, session.code, token, {**FORM, field: "Ada\x00x@y.org"})
    assert credit.my_identity(db, KEY, session.code, token) is None


def _answer(db: Database, session: SessionState, pid: int, qid: str, option: str) -> None:
    assert record_vote(db, VoteIn(session.id, pid, qid, option, f"v-{pid}-{qid}")).ok


def test_attendance_from_connections_and_items_asked(db: Database, session: SessionState) -> None:
    credit.set_mode(db, session.code, "identified", 0.75)
    a = joins.attendee_join(db, session.code, None, views.shows_results)
    b = joins.attendee_join(db, session.code, None, views.shows_results)
    assert a.connection_id and b.connection_id and a.connection_id != b.connection_id
    credit.submit_identity(db, KEY, session.code, _token(session, a.participant.public_id), FORM)
    first_items = ["PQ1", "PQ2", "PQ3", "PQ4"]
    for qid in first_items:
        polls.apply_action(db, session.code, qid, Action.OPEN)
        opt = session.question(qid).option_ids[0]  # type: ignore[union-attr]
        _answer(db, session, a.participant.id, qid, opt)
        if qid == "PQ1":
            _answer(db, session, b.participant.id, qid, opt)
        polls.apply_action(db, session.code, qid, Action.CLOSE)
    credit.disconnected(db, a.connection_id)
    credit.disconnected(db, a.connection_id)  # a second close changes nothing
    again = joins.attendee_join(db, session.code, a.participant.public_id, views.shows_results)
    assert again.connection_id != a.connection_id
    found = credit.report(db, session.code, now=datetime.now(UTC) + timedelta(minutes=1))
    assert found.asked == tuple(first_items)
    by_id = {r.public_id: r for r in found.records}
    ra, rb = by_id[a.participant.public_id], by_id[b.participant.public_id]
    assert (ra.attendance.items_answered, ra.attendance.items_asked, ra.attendance.met) == (
        4, 4, True
    )  # fmt: skip
    assert (rb.attendance.items_answered, rb.attendance.met) == (1, False)
    assert len(ra.learner.intervals) == 2 and ra.learner.intervals[0].end is not None
    assert ra.attendance.connected > timedelta(0)
    assert found.pars() == {"physicians": 1, "other_learners": 0}


def test_the_purge_deletes_identities_and_keeps_answers_and_professions(
    db: Database, session: SessionState
) -> None:
    credit.set_mode(db, session.code, "identified")
    a = joins.attendee_join(db, session.code, None, views.shows_results)
    token = _token(session, a.participant.public_id)
    credit.submit_identity(db, KEY, session.code, token, FORM)
    polls.apply_action(db, session.code, "PQ6", Action.OPEN)
    _answer(db, session, a.participant.id, "PQ6", "LIKELY")
    assert credit.purge(db, 30) == 0  # given just now: kept for 30 days
    assert credit.purge(db, 30, now=datetime.now(UTC) + timedelta(days=31)) == 1
    assert credit.purge(db, 0) == 0  # already purged
    assert credit.my_identity(db, KEY, session.code, token) is None
    with db.begin() as conn:
        row = conn.execute(select(IdentityRow)).one()
        answers = conn.execute(select(AnswerRow.option_id)).scalars().all()
    assert (row.name, row.email, row.licence, row.profession) == (None, None, None, "physician")
    assert answers == ["LIKELY"]
    found = credit.report(db, session.code)
    (record,) = found.records
    assert record.learner.purged and record.attendance.items_answered == 1
    assert found.pars() == {"physicians": 1, "other_learners": 0}
    with pytest.raises(BadRequest):
        credit.purge(db, -1)


def test_a_batch_of_disconnects_closes_each_interval_once(
    db: Database, session: SessionState
) -> None:
    joined = [joins.attendee_join(db, session.code, None, views.shows_results) for _ in range(3)]
    ids = [j.connection_id for j in joined]
    assert all(ids)
    first = [Disconnect(session.id, i) for i in ids[:2] if i is not None]
    results = record_disconnects(db, [*first, first[0]])  # a repeat in the batch is harmless
    assert [r.ok for r in results] == [True, True, True]
    with db.begin() as conn:
        closed_at = dict(
            conn.execute(select(ConnectionRow.id, ConnectionRow.disconnected_at)).all()
        )
    assert closed_at[ids[0]] is not None and closed_at[ids[1]] is not None
    assert closed_at[ids[2]] is None  # still connected
    record_disconnects(db, first[:1])  # a second close keeps the first time
    with db.begin() as conn:
        again = conn.execute(
            select(ConnectionRow.disconnected_at).where(ConnectionRow.id == ids[0])
        ).scalar_one()
    assert again == closed_at[ids[0]]
