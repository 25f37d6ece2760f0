"""Sessions, polls and participants in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from her2poll.core.access import check_moderator, screen_role
from her2poll.core.errors import AnotherPollOpen, Forbidden, InvalidTransition, NotFound
from her2poll.core.polls import Action, PollState
from her2poll.core.questions import QuestionSet, parse_question_set
from her2poll.core.session import CODE_ALPHABET
from her2poll.services.sessions import create
from her2poll.store import participants, polls, sessions
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.snapshot import read_snapshot


def test_a_new_session_has_a_short_unambiguous_code_and_pending_polls(
    db: Database, questions: QuestionSet
) -> None:
    new = create(SqlStore(db), questions)
    assert len(new.state.code) == 6
    assert set(new.state.code) <= set(CODE_ALPHABET)
    assert not set(new.state.code) & set("0O1IL")
    assert [p.state for p in new.state.polls] == [PollState.PENDING] * 6
    assert new.state.version == 1


def test_secrets_are_stored_hashed_and_checked(db: Database, questions: QuestionSet) -> None:
    new = create(SqlStore(db), questions)
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT moderator_secret_hash FROM sessions").scalar_one()
    assert new.moderator_secret not in stored
    check_moderator(sessions.digests(db, new.state.code), new.moderator_secret)
    for wrong in (None, "", new.moderator_secret + "x", new.screen_token):
        with pytest.raises(Forbidden):
            check_moderator(sessions.digests(db, new.state.code), wrong)
    assert screen_role(sessions.digests(db, new.state.code), new.screen_token) == "screen"
    assert screen_role(sessions.digests(db, new.state.code), new.moderator_secret) == "moderator"


def test_codes_are_read_as_people_type_them(db: Database, questions: QuestionSet) -> None:
    code = create(SqlStore(db), questions).state.code
    assert sessions.get_session(db, f" {code[:3].lower()}-{code[3:]} ").code == code
    with pytest.raises(NotFound):
        sessions.get_session(db, "ZZZZZZ")


def test_a_session_keeps_its_question_snapshot(db: Database, questions: QuestionSet) -> None:
    code = create(SqlStore(db), questions).state.code
    changed = json.loads(questions.model_dump_json())
    changed["questions"][0]["text"] = "Edited later"
    create(SqlStore(db), parse_question_set(changed))
    assert sessions.get_session(db, code).questions.questions[0].text == questions.questions[0].text


def test_transitions_persist_and_bump_the_version(db: Database, questions: QuestionSet) -> None:
    code = create(SqlStore(db), questions).state.code
    state = polls.apply_action(db, code, "PQ6", Action.OPEN)
    assert state.poll("PQ6").state is PollState.OPEN
    assert state.current_question_id == "PQ6"
    assert state.version == 2
    with pytest.raises(AnotherPollOpen):
        polls.apply_action(db, code, "PQ1", Action.OPEN)
    with pytest.raises(InvalidTransition):
        polls.apply_action(db, code, "PQ1", Action.CLOSE)
    again = sessions.get_session(db, code)
    assert again.version == 2, "a refused action changes nothing"
    assert again.poll("PQ6").state is PollState.OPEN


def test_next_closes_the_open_question_and_opens_the_following(
    db: Database, questions: QuestionSet
) -> None:
    code = create(SqlStore(db), questions).state.code
    polls.apply_action(db, code, None, "next")
    state = polls.apply_action(db, code, None, "next")
    assert state.poll("PQ1").state is PollState.CLOSED
    assert state.poll("PQ2").state is PollState.OPEN


def test_state_survives_a_restart(db_url: str, questions: QuestionSet) -> None:
    first = Database(db_url)
    first.upgrade()
    code = create(SqlStore(first), questions).state.code
    polls.apply_action(first, code, "PQ3", Action.OPEN)
    first.dispose()
    second = Database(db_url)
    second.upgrade()  # a restart migrates again: must be a no-op
    assert sessions.get_session(second, code).open_poll.question_id == "PQ3"
    second.dispose()


def test_participants_keep_their_identity_within_one_session(
    db: Database, questions: QuestionSet
) -> None:
    a = create(SqlStore(db), questions).state
    b = create(SqlStore(db), questions).state
    p = participants.join(db, a.id, None)
    assert participants.join(db, a.id, p.public_id) == p
    other = participants.join(db, b.id, p.public_id)
    assert other.id != p.id, "an id from another session is never reused"
    assert read_snapshot(db, a.id).participants == 1


def test_sessions_are_listed_newest_first(db: Database, questions: QuestionSet) -> None:
    first = create(SqlStore(db), questions, "First").state.code
    second = create(SqlStore(db), questions, "Second").state.code
    listed = [s.code for s in sessions.list_sessions(db)]
    assert listed[:2] == [second, first]
