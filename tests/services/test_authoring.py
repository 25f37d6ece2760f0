"""The authoring services with a fake store: validation by field, answered items, runs."""

from __future__ import annotations

import pytest

from her2poll.core.authoring import item_form
from her2poll.core.errors import BadRequest
from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.services import authoring
from her2poll.services.authoring import Invalid
from testkit.servers import ROOT

from .fakes import FakeActivities

ALL_TYPES = load_question_set(ROOT / "examples" / "all-item-types.json")


def test_a_new_activity_has_no_items_and_cannot_run_until_it_has_one() -> None:
    store = FakeActivities()
    activity = authoring.create(store, "  Tumour   board ", "Tuesdays")
    assert activity.title == "Tumour board" and activity.items == []
    with pytest.raises(BadRequest, match="no items yet"):
        authoring.start(store, activity.id)
    authoring.save_item(store, activity.id, None, {"type": "text", "text": "Why?"})
    new = authoring.start(store, activity.id)
    assert store.runs == [(activity.id, new.state.code)]
    assert new.state.questions.question_ids == ["Q1"]


def test_every_error_of_a_form_is_named_by_its_field() -> None:
    store = FakeActivities()
    activity = authoring.create(store, "T")
    form = {"type": "multiple", "id": "bad id", "text": "", "min_choices": "3"}
    form |= {"options-0-text": "One", "options-1-text": "Two"}
    with pytest.raises(Invalid) as e:
        authoring.save_item(store, activity.id, None, form)
    assert {"id", "text"} <= set(e.value.errors)
    assert store.activity(activity.id).items == []  # nothing half-saved


def test_a_second_item_with_a_taken_id_is_refused_at_the_id() -> None:
    store = FakeActivities()
    activity = authoring.import_set(store, ALL_TYPES)
    with pytest.raises(Invalid) as e:
        authoring.save_item(store, activity.id, None, {"type": "text", "id": "CASE1", "text": "?"})
    assert e.value.errors == {"id": "Another item already has the id CASE1."}


def test_an_answered_item_refuses_a_changed_type_and_its_deletion() -> None:
    store = FakeActivities()
    activity = authoring.import_set(store, ALL_TYPES)
    store.answered_items = {"SHARE": frozenset()}
    form = {"type": "text", "id": "SHARE", "text": ALL_TYPES.questions[3].text}
    with pytest.raises(Invalid) as e:
        authoring.save_item(store, activity.id, "SHARE", form)
    assert set(e.value.errors) == {"type"}
    with pytest.raises(Invalid, match="cannot be deleted"):
        authoring.delete_item(store, activity.id, "SHARE")
    authoring.delete_item(store, activity.id, "BARRIER")  # no answers: fine
    assert "BARRIER" not in store.activity(activity.id).item_ids


def test_a_pre_item_with_a_post_twin_is_kept_identical_to_it() -> None:
    store = FakeActivities()
    activity = authoring.create(store, "Pre and post")
    pre = {"type": "single", "id": "PRE", "text": "Which?", "phase": "pre"}
    pre |= {"options-0-text": "One", "options-1-text": "Two"}
    authoring.save_item(store, activity.id, None, pre)
    post = pre | {"id": "POST", "phase": "post", "twin_of": "PRE"}
    authoring.save_item(store, activity.id, None, post)
    with pytest.raises(Invalid) as e:
        authoring.save_item(store, activity.id, "PRE", pre | {"options-1-text": "Three"})
    assert "must repeat PRE exactly" in e.value.errors[""]
    duplicated = authoring.duplicate_item(store, activity.id, "POST")
    assert duplicated.items[2]["id"] == "POST-copy1" and "twin_of" not in duplicated.items[2]


def test_an_imported_set_exports_as_it_came(questions: QuestionSet) -> None:
    store = FakeActivities()
    for qs in (questions, ALL_TYPES):
        activity = authoring.import_set(store, qs)
        exported = authoring.export(store, activity.id)
        assert exported.model_copy(update={"format_version": qs.format_version}) == qs
        assert exported.format_version == 2


def test_a_saved_edit_tells_the_clients_of_the_newest_run_and_a_refused_one_tells_nobody() -> None:
    store = FakeActivities()
    activity = authoring.import_set(store, ALL_TYPES)
    told: list[int] = []
    typo = item_form(ALL_TYPES.questions[3]) | {"text": "In your practise, what share?"}
    authoring.save_item(store, activity.id, "SHARE", typo, told.append)
    assert told == []  # never run: no session, nobody to tell
    authoring.start(store, activity.id)
    newest = authoring.start(store, activity.id).state.id
    authoring.save_item(store, activity.id, "SHARE", typo, told.append)
    authoring.move_item(store, activity.id, "SHARE", -1, told.append)
    authoring.duplicate_item(store, activity.id, "SHARE", told.append)
    authoring.delete_item(store, activity.id, "SHARE-copy1", told.append)
    authoring.save_settings(store, activity.id, "New title", "", "", told.append)
    assert told == [newest] * 5
    with pytest.raises(Invalid):
        authoring.save_item(store, activity.id, "SHARE", typo | {"max": "ten"}, told.append)
    assert told == [newest] * 5


def test_an_activity_belongs_to_its_author_and_a_run_to_who_started_it() -> None:
    from her2poll.core.accounts import Organiser
    from her2poll.core.errors import NotFound

    ann = Organiser(1, "ann@example.org", "", 10, "Clinic A", True)
    ada = Organiser(2, "ada@example.org", "", 10, "Clinic A", True)
    bob = Organiser(3, "bob@example.org", "", 20, "Clinic B", True)
    store = FakeActivities()
    activity = authoring.import_set(store, ALL_TYPES, owner=ann)
    assert authoring.require_activity(store, ada, activity.id) == activity
    with pytest.raises(NotFound) as e:
        authoring.require_activity(store, bob, activity.id)
    assert e.value.code == "activity_not_found"
    new = authoring.start(store, activity.id, ada)
    assert store.run_owners[new.state.code] == ada.id
