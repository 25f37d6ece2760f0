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
# Alone in a set: without the item its show_if names (the round trip is of the role).
ROLED = [{k: v for k, v in q.items() if k != "show_if"} for q in CME["questions"] if "role" in q]


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


FOUNDING = json.loads((ROOT / "questions.json").read_text())


@pytest.mark.parametrize("item", FOUNDING["questions"], ids=lambda i: i["id"])
def test_the_form_shows_the_source_figures_and_notes_and_reads_them_back(item: dict) -> None:
    """The founding article's items: reconstructed wording, quotes, printed and derived
    figures with their notes, editorial notes on options: all of it in the form."""
    parsed = _set(item).questions[0]
    form = authoring.item_form(parsed)
    assert any(k.endswith("-published-percent") for k in form)
    assert _set(authoring.item_data(form)).questions[0] == parsed


def test_a_cleared_note_and_figure_are_gone_and_a_percent_may_carry_its_sign() -> None:
    old = _item(
        text_status="reconstructed",
        text_note="not verbatim",
        options=[
            {"id": "A", "text": "Alpha", "published": {"percent": 40, "status": "derived"}},
            {"id": "B", "text": "Beta", "note": "not itemised"},
        ],
    )
    form = authoring.item_form(old)
    assert form["options-0-published-percent"] == "40" and form["text_status"] == "reconstructed"
    form |= {"text_note": "", "options-1-note": "", "options-0-published-percent": ""}
    form |= {"options-0-published-status": "", "options-1-published-percent": "45 %"}
    form |= {"options-1-published-quote": "45% said Beta"}
    new = _set(authoring.item_data(form)).questions[0]
    assert new.text_note is None and new.text_status.value == "reconstructed"
    a, b = new.options  # type: ignore[attr-defined]
    assert a.published is None and b.note is None
    assert b.published.percent == 45 and b.published.status.value == "published"


def _errors(**fields: str) -> dict[str, str]:
    form = {"type": "single", "id": "Q", "text": "Which?"}
    form |= {"options-0-text": "Alpha", "options-1-text": "Beta"} | fields
    data = authoring.item_data(form)
    _, errors = authoring.check_set(authoring.set_data("s", "S", (), [data]), 0)
    return errors


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"options-0-published-percent": "140"},
            {"options-0-published-percent": "Type the percentage as a number from 0 to 100."},
        ),
        (
            {"options-1-published-percent": "-1", "options-1-published-status": "derived"},
            {"options-1-published-percent": "Type the percentage as a number from 0 to 100."},
        ),
        (
            {"options-0-published-percent": "many", "options-0-published-status": "derived"},
            {"options-0-published-percent": "Type the percentage as a number from 0 to 100."},
        ),
        (
            {"options-0-published-percent": "45"},
            {
                "options-0-published-quote": "A figure printed in the source needs the quote it "
                "comes from: paste the sentence, or mark the figure as derived."
            },
        ),
        (
            {"options-1-published-quote": "45% said Beta"},
            {
                "options-1-published-percent": "Type the published percentage (a number from 0 "
                "to 100), or clear the figure's other fields."
            },
        ),
        ({"options-0-published-status": "guessed", "options-0-published-percent": "4"}, None),
        ({"text_status": "invented"}, None),
    ],
)
def test_figure_errors_are_named_by_their_field(
    fields: dict[str, str], errors: dict[str, str] | None
) -> None:
    got = _errors(**fields)
    if errors is None:  # the model's own words, at the field
        [(field, _)] = got.items()
        assert field in fields
    else:
        assert got == errors


def test_a_row_with_only_a_note_is_not_dropped_silently() -> None:
    errors = _errors(**{"options-2-note": "typed, but no option text yet"})
    assert errors == {"options-2-text": "This is required."}


def test_multiple_choice_and_ranking_read_no_published_figures() -> None:
    """Only single-choice and rating items are compared with published figures."""
    form = {"type": "multiple", "id": "M", "text": "Which?", "options-0-text": "A"}
    form |= {"options-1-text": "B", "options-0-published-percent": "40", "options-0-note": "n"}
    data = authoring.item_data(form)
    assert data["options"][0] == {"id": "A", "text": "A", "note": "n"}


def test_editing_a_conditional_item_keeps_its_condition() -> None:
    """The evaluation template's bias comment stays conditional when a provider rewords it."""
    cond = {"item": "BIAS", "options": ["NO"]}
    bias = {"id": "BIAS", "type": "single", "text": "Free of commercial bias?", "options": [
        {"id": "YES", "text": "Yes"}, {"id": "NO", "text": "No"}]}  # fmt: skip
    comment = {"id": "WHY", "type": "text", "text": "What was biased?", "show_if": cond}
    old = _set(bias, comment).questions[1]
    form = authoring.item_form(old) | {"text": "What was not free of commercial bias?"}
    new = _set(bias, authoring.item_data(form, old)).questions[1]
    assert new.show_if == old.show_if and new.text.startswith("What was not")


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
