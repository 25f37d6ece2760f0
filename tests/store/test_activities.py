"""Activities in the database (SQLite and PostgreSQL): runs, answered items, archive, delete."""

from __future__ import annotations

import pytest

from her2poll.core.errors import Conflict, NotFound
from her2poll.core.polls import PollState
from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.services import authoring
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_votes
from testkit.servers import ROOT

ALL_TYPES = load_question_set(ROOT / "examples" / "all-item-types.json")


def vote(store: SqlStore, code: str, question_id: str, **answer: object) -> None:
    state = store.session(code)
    store.apply_action(code, question_id, "open")
    person = store.join(state.id, None)
    option_id = answer.pop("option_id", None)
    record_votes(
        store.db,
        [VoteIn(state.id, person.id, question_id, option_id, f"v-{question_id}", **answer)],  # type: ignore[arg-type]
    )
    store.apply_action(code, question_id, "close")


def test_an_activity_keeps_its_question_set_and_each_run_is_a_session(db: Database) -> None:
    store = SqlStore(db)
    activity = authoring.import_set(store, ALL_TYPES, "For the Tuesday board")
    assert store.activity(activity.id).question_set == ALL_TYPES
    first, second = authoring.start(store, activity.id), authoring.start(store, activity.id)
    [summary] = store.list_activities()
    assert [s.code for s in summary.sessions] == [second.state.code, first.state.code]
    assert summary.items == len(ALL_TYPES.questions) and not summary.live


def test_answered_names_the_items_and_the_options_chosen_in_any_session(db: Database) -> None:
    store = SqlStore(db)
    activity = authoring.import_set(store, ALL_TYPES)
    code = authoring.start(store, activity.id).state.code
    vote(store, code, "CASE1", option_id="TDM1")
    vote(store, code, "SCREEN", option_ids=("LVEF", "CBC"))
    vote(store, code, "SHARE", value=30.0)
    later = authoring.start(store, activity.id).state.code
    vote(store, later, "CASE1", option_id="LAP")
    assert store.answered(activity.id) == {
        "CASE1": frozenset({"TDM1", "LAP"}),
        "SCREEN": frozenset({"LVEF", "CBC"}),
        "SHARE": frozenset(),
    }


def test_saving_brings_the_newest_session_up_to_date_between_questions(db: Database) -> None:
    store = SqlStore(db)
    activity = authoring.import_set(store, ALL_TYPES)
    assert store.current_run(activity.id) is None  # never run
    old = authoring.start(store, activity.id).state.code
    code = authoring.start(store, activity.id).state.code
    assert store.current_run(activity.id) == store.session(code).id  # the one an edit updates
    authoring.move_item(store, activity.id, "PRIORITY", -4)
    authoring.save_item(store, activity.id, None, {"type": "text", "id": "MORE", "text": "More?"})
    state = store.session(code)
    assert state.questions.question_ids[:2] == ["CASE1", "PRIORITY"]
    assert [p.question_id for p in state.polls] == state.questions.question_ids
    assert state.poll("MORE").state is PollState.PENDING  # type: ignore[union-attr]
    assert store.session(old).questions == ALL_TYPES  # an earlier run keeps its set

    store.apply_action(code, "CASE1", "open")
    with pytest.raises(Conflict, match="is open"):
        authoring.delete_item(store, activity.id, "MORE")
    assert "MORE" in store.activity(activity.id).item_ids  # nothing half-saved


def test_a_live_session_refuses_deletion_and_a_closed_one_goes_with_its_answers(
    db: Database,
) -> None:
    store = SqlStore(db)
    activity = authoring.import_set(store, ALL_TYPES)
    code = authoring.start(store, activity.id).state.code
    vote(store, code, "CASE1", option_id="TDXD")
    store.apply_action(code, "SHARE", "open")
    with pytest.raises(Conflict, match=f"{code}"):
        store.delete_session(code)
    with pytest.raises(Conflict):
        store.delete_activity(activity.id)
    store.apply_action(code, "SHARE", "close")
    store.delete_activity(activity.id)
    with pytest.raises(NotFound):
        store.session(code)
    with pytest.raises(NotFound):
        store.activity(activity.id)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM answers").scalar_one() == 0


def test_archive_marks_activities_and_sessions_and_restore_clears_it(
    db: Database, questions: QuestionSet
) -> None:
    store = SqlStore(db)
    activity = authoring.import_set(store, questions)
    code = authoring.start(store, activity.id).state.code
    store.archive_activity(activity.id, True)
    store.archive_session(code, True)
    [summary] = store.list_activities()
    assert summary.archived and summary.sessions[0].archived
    store.archive_activity(activity.id, False)
    store.archive_session(code, False)
    [summary] = store.list_activities()
    assert not summary.archived and not summary.sessions[0].archived
    with pytest.raises(NotFound):
        store.archive_session("NOSUCH", True)


def test_a_nul_character_in_an_authoring_form_is_refused_before_the_database(
    db: Database,
) -> None:
    """On PostgreSQL a NUL would fail the statement: each field says so, nothing is stored."""
    store = SqlStore(db)
    with pytest.raises(authoring.Invalid) as e:
        authoring.create(store, "Board\x00", "Notes\x00")
    assert set(e.value.errors) == {"title", "description"}
    activity = authoring.create(store, "Tumour board")
    form = {
        "type": "single",
        "text": "Which\x00 one?",
        "options-0-text": "A",
        "options-1-text": "B",
    }
    with pytest.raises(authoring.Invalid) as e:
        authoring.save_item(store, activity.id, None, form)
    assert "NUL character" in e.value.errors["text"]
    assert store.activity(activity.id).items == []
    assert [a.title for a in store.list_activities()] == ["Tumour board"]
