"""The hot path's store: an attendee's join in one transaction, session states kept per version."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from her2poll.core import views
from her2poll.core.errors import NotFound
from her2poll.core.polls import Action
from her2poll.core.questions import QuestionSet
from her2poll.core.session import SessionState
from her2poll.services.sessions import create
from her2poll.store import joins, polls
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_vote


@pytest.fixture
def session(db: Database, questions: QuestionSet) -> SessionState:
    return create(SqlStore(db), questions).state


@contextmanager
def transactions(db: Database) -> Iterator[list[object]]:
    begun: list[object] = []

    def count(conn: object) -> None:
        begun.append(conn)

    event.listen(db.engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(db.engine, "begin", count)


def test_a_join_is_one_transaction_new_or_returning(db: Database, session: SessionState) -> None:
    with transactions(db) as begun:
        first = joins.attendee_join(db, session.code, None, views.shows_results)
    assert len(begun) == 1 and not first.returning
    assert (first.answers, first.qa_mine) == ({}, {"upvoted": [], "asked": []})
    polls.apply_action(db, session.code, "PQ6", Action.OPEN)
    vote = VoteIn(session.id, first.participant.id, "PQ6", "LIKELY", "vote-0001")
    assert record_vote(db, vote).ok
    with transactions(db) as begun:
        again = joins.attendee_join(
            db, session.code.lower(), first.participant.public_id, views.shows_results
        )
    assert len(begun) == 1
    assert again.returning and again.participant == first.participant
    assert again.answers == {"PQ6": "LIKELY"}


def test_a_join_sees_every_change_of_state_at_once(db: Database, session: SessionState) -> None:
    before = joins.attendee_join(db, session.code, None, views.shows_results)
    assert before.state.poll("PQ6").state.value == "pending"  # type: ignore[union-attr]
    polls.apply_action(db, session.code, "PQ6", Action.OPEN)
    opened = joins.attendee_join(db, session.code, None, views.shows_results)
    assert opened.state.poll("PQ6").state.value == "open"  # type: ignore[union-attr]
    assert opened.state.version > before.state.version and opened.tallies is None
    polls.apply_action(db, session.code, "PQ6", Action.CLOSE)
    polls.apply_action(db, session.code, "PQ6", Action.REVEAL)
    revealed = joins.attendee_join(db, session.code, None, views.shows_results)
    assert revealed.tallies is not None and "PQ6" in revealed.tallies


def test_a_vote_after_a_close_is_refused_though_the_open_state_was_kept(
    db: Database, session: SessionState
) -> None:
    p = joins.attendee_join(db, session.code, None, views.shows_results).participant
    polls.apply_action(db, session.code, "PQ6", Action.OPEN)
    assert record_vote(db, VoteIn(session.id, p.id, "PQ6", "LIKELY", "vote-0001")).ok
    polls.apply_action(db, session.code, "PQ6", Action.CLOSE)
    late = record_vote(db, VoteIn(session.id, p.id, "PQ6", "UNLIKELY", "vote-0002"))
    assert not late.ok and late.error is not None and late.error.code == "poll_not_open"


def test_an_unknown_code_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound) as caught:
        joins.attendee_join(db, "NOPE99", None, views.shows_results)
    assert caught.value.code == "session_not_found"
