"""Authoring: the item form round-trips every type; answered items keep their meaning."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2poll.core import authoring
from her2poll.core.questions import QuestionSet
from testkit.servers import ROOT

ALL_TYPES = json.loads((ROOT / "examples" / "all-item-types.json").read_text())


def _set(*items: dict[str, Any]) -> QuestionSet:
    return QuestionSet.model_validate(authoring.set_data("s", "S", (), items))


def _item(**fields: Any) -> Any:
    base = {"id": "Q", "type": "single", "text": "Which therapy is preferred?"}
    base["options"] = [{"id": "A", "text": "Alpha"}, {"id": "B", "text": "Beta"}]
    return _set(base | fields).questions[0]


@pytest.mark.parametrize("item", ALL_TYPES["questions"], ids=lambda i: i["id"])
def test_the_form_shows_every_item_type_and_reads_it_back_unchanged(item: dict) -> None:
    parsed = _set(item).questions[0]
    again = authoring.item_data(authoring.item_form(parsed))
    assert _set(again).questions[0] == parsed


CME = json.loads((ROOT / "examples" / "cme-activity.json").read_text())
ROLED = [q for q in CME["questions"] if "role" in q]


@pytest.mark.parametrize("item", ROLED, ids=lambda i: i["id"])
def test_the_form_reads_an_items_role_back(item: dict) -> None:
    parsed = _set(item).questions[0]
    form = authoring.item_form(parsed)
    assert form["role"] == item["role"]
    assert _set(authoring.item_data(form)).questions[0] == parsed


def test_a_role_that_does_not_fit_the_type_is_named_at_the_role_field() -> None:
    form = {"type": "single", "id": "Q", "text": "What will you change?", "role": "commitment"}
    form |= {"options-0-text": "Yes", "options-1-text": "No"}
    data = authoring.set_data("s", "S", (), [authoring.item_data(form)])
    _, errors = authoring.check_set(data, 0)
    assert errors == {"role": "role 'commitment' needs an item of type text"}


def test_an_option_typed_without_an_id_gets_the_first_free_letter() -> None:
    form = {"type": "single", "id": "Q", "text": "T?", "options-0-id": "B"}
    form |= {"options-0-text": "Beta", "options-1-text": "Other", "options-3-text": "More"}
    data = authoring.item_data(form)
    assert [o["id"] for o in data["options"]] == ["B", "A", "C"]


def test_a_number_that_is_not_one_is_named_at_its_field_with_the_typed_text_kept() -> None:
    form = {"type": "numeric", "id": "N", "text": "How many?", "min": "0", "max": "ten"}
    data = authoring.item_data(form)
    assert data["max"] == "ten"
    _, errors = authoring.check_set(authoring.set_data("s", "S", (), [data]), 0)
    assert errors == {"max": "Type a number here."}


def test_option_errors_are_named_by_their_row() -> None:
    form = {"type": "rating", "id": "R", "text": "Likely?"}
    form |= {"options-0-text": "Low", "options-0-value": "1", "options-1-text": "High"}
    _, errors = authoring.check_set(
        authoring.set_data("s", "S", (), [authoring.item_data(form)]), 0
    )
    assert "options-1-value" in errors


def test_the_form_keeps_what_it_does_not_show_from_the_old_item() -> None:
    old = _item(
        text_status="reconstructed",
        text_note="not verbatim",
        options=[
            {"id": "A", "text": "Alpha", "published": {"percent": 40, "status": "derived"}},
            {"id": "B", "text": "Beta", "note": "not itemised"},
        ],
    )
    form = authoring.item_form(old) | {"text": "Which therapy is preferred now?"}
    new = _set(authoring.item_data(form, old)).questions[0]
    assert new.text_status == old.text_status and new.text_note == "not verbatim"
    assert new.options == old.options  # type: ignore[attr-defined]


# -- answered items ---------------------------------------------------------------------


def fields(refusals: list[authoring.Refusal]) -> set[str]:
    return {r.field for r in refusals}


def test_a_typo_fix_of_an_answered_item_is_allowed() -> None:
    old = _item()
    new = _item(text="Which therapy is prefered?")
    assert authoring.answered_edit(old, new, frozenset({"A"})) == []


def test_a_new_question_in_place_of_an_answered_one_is_refused_with_a_reason() -> None:
    old, new = _item(), _item(text="How old are you?")
    [refusal] = authoring.answered_edit(old, new, frozenset({"A"}))
    assert refusal.field == "text" and "answers" in refusal.reason


def test_removing_an_answered_option_is_refused_and_an_unanswered_one_too_is_reordering() -> None:
    old = _item(options=[{"id": k, "text": k * 3} for k in "ABC"])
    without_a = _item(options=[{"id": k, "text": k * 3} for k in "BC"])
    assert (
        "Option A cannot be removed"
        in authoring.answered_edit(old, without_a, frozenset({"A"}))[0].reason
    )
    reordered = _item(options=[{"id": k, "text": k * 3} for k in "BAC"])
    assert fields(authoring.answered_edit(old, reordered, frozenset({"A"}))) == {"options"}


def test_changing_the_type_or_deleting_an_answered_item_is_refused() -> None:
    old = _item()
    other = _set({"id": "Q", "type": "text", "text": "Which therapy is preferred?"}).questions[0]
    assert fields(authoring.answered_edit(old, other, frozenset())) == {"type"}
    [deleted] = authoring.answered_edit(old, None, frozenset())
    assert "cannot be deleted" in deleted.reason


def test_a_scale_value_of_an_answered_rating_cannot_change() -> None:
    def rating(top: int) -> Any:
        points = [{"id": "L", "text": "Low", "value": 1}, {"id": "H", "text": "High", "value": top}]
        return _set({"id": "R", "type": "rating", "text": "Likely?", "options": points}).questions[
            0
        ]

    assert fields(authoring.answered_edit(rating(5), rating(4), frozenset({"L"}))) == {
        "options-1-value"
    }


def test_limits_of_answered_items_may_only_widen() -> None:
    def numeric(low: float, high: float, unit: str = "%") -> Any:
        item = {"id": "N", "type": "numeric", "text": "Share?", "min": low, "max": high}
        return _set(item | {"unit": unit}).questions[0]

    assert authoring.answered_edit(numeric(0, 100), numeric(-5, 200), frozenset()) == []
    assert fields(authoring.answered_edit(numeric(0, 100), numeric(1, 99, "mg"), frozenset())) == {
        "min",
        "max",
        "unit",
    }


def test_the_key_and_rationale_of_an_answered_knowledge_check_can_be_corrected() -> None:
    old = _item(correct=["A"], rationale="Because.")
    new = _item(correct=["B"], rationale="Because of the trial.")
    assert authoring.answered_edit(old, new, frozenset({"A", "B"})) == []


@given(
    st.text(alphabet="abcdefghij klmnop", min_size=20, max_size=120),
    st.integers(min_value=0, max_value=119),
    st.sampled_from("xyz"),
)
def test_a_one_letter_typo_of_any_wording_is_always_allowed(
    text: str, at: int, letter: str
) -> None:
    text = text.strip() or "a question"
    at = at % len(text)
    fixed = text[:at] + letter + text[at + 1 :]
    assert authoring.alike(text, fixed)


@given(st.permutations(["A", "B", "C", "D"]))
def test_any_reordering_of_answered_options_is_refused(order: list[str]) -> None:
    old = _item(options=[{"id": k, "text": f"Option {k}"} for k in "ABCD"])
    new = _item(options=[{"id": k, "text": f"Option {k}"} for k in order])
    refused = authoring.answered_edit(old, new, frozenset({"A"}))
    assert bool(refused) == (order != ["A", "B", "C", "D"])
