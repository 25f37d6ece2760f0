"""Attendance: connection time as the union of intervals, the threshold, PARS counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2poll.core.attendance import (
    Interval,
    Profession,
    asked_of,
    attendance,
    connected_time,
    pars_counts,
)
from her2poll.core.items import Phase
from her2poll.core.questions import parse_question_set

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_overlapping_reconnects_count_once_and_an_open_connection_runs_to_now() -> None:
    spans = [Interval(at(0), at(30)), Interval(at(20), at(40)), Interval(at(50), None)]
    # 0–40 (the overlap once) + 50–60 (still connected at now)
    assert connected_time(spans, now=at(60)) == timedelta(minutes=50)


def test_the_threshold_is_items_answered_of_items_asked() -> None:
    spans = [Interval(at(0), at(45))]
    asked = ["Q1", "Q2", "Q3", "Q4"]
    three = attendance(spans, ["Q1", "Q2", "Q4", "NOT_ASKED"], asked, now=at(60))
    assert (three.items_answered, three.items_asked, three.met) == (3, 4, True)  # 75% = 75%
    two = attendance(spans, ["Q1", "Q2"], asked, now=at(60))
    assert two.met is False and two.share == 0.5
    record = three.to_dict()
    assert record["connected_seconds"] == 45 * 60 and record["first_join"] == T0.isoformat()
    assert attendance([], [], [], now=at(1)).met is False
    with pytest.raises(ValueError):
        attendance(spans, [], asked, now=at(1), threshold=1.5)


def test_pars_counts_physicians_and_everyone_else() -> None:
    got = pars_counts([Profession.PHYSICIAN, Profession.OTHER, None, Profession.PHYSICIAN])
    assert got == {"physicians": 2, "other_learners": 2}


intervals = st.lists(
    st.tuples(st.integers(0, 600), st.integers(0, 120)).map(
        lambda se: Interval(at(se[0]), at(se[0] + se[1]))
    ),
    max_size=12,
)


@given(intervals)
def test_connected_time_never_exceeds_the_span_nor_the_sum(spans) -> None:
    total = connected_time(spans, now=at(10_000))
    if spans:
        span = max(i.end for i in spans) - min(i.start for i in spans)
        assert total <= span
    assert total <= sum((i.end - i.start for i in spans), timedelta())
    assert total >= max((i.end - i.start for i in spans), default=timedelta())


EVALUATION = parse_question_set({
    "format_version": 2, "id": "eval", "title": "Evaluation", "questions": [
        {"id": "BIAS", "phase": "evaluation", "text": "Free of commercial bias?",
         "options": [{"id": "YES", "text": "Yes"}, {"id": "NO", "text": "No"}]},
        {"id": "WHY", "phase": "evaluation", "type": "text", "text": "What was biased?",
         "show_if": {"item": "BIAS", "options": ["NO"]}},
        {"id": "SEEN", "phase": "evaluation", "type": "multiple", "text": "Which parts?",
         "options": [{"id": "A", "text": "Talk"}, {"id": "B", "text": "Cases"}]},
        {"id": "CASES", "phase": "evaluation", "type": "text", "text": "Which case?",
         "show_if": {"item": "SEEN", "options": ["B"]}},
    ]})  # fmt: skip
ALL = ["BIAS", "WHY", "SEEN", "CASES"]


def test_a_conditional_item_of_a_self_paced_form_is_asked_only_of_those_shown_it() -> None:
    """Who said "Yes" never saw "What was biased?": not an item they left unanswered."""
    self_paced = {Phase.EVALUATION}
    assert asked_of(ALL, EVALUATION, self_paced, {"BIAS": "YES"}) == ["BIAS", "SEEN"]
    assert asked_of(ALL, EVALUATION, self_paced, {"BIAS": "NO"}) == ["BIAS", "WHY", "SEEN"]
    assert asked_of(ALL, EVALUATION, self_paced, {}) == ["BIAS", "SEEN"]  # answered nothing
    # multiple choice: shown when the answer includes one of the options
    assert "CASES" in asked_of(ALL, EVALUATION, self_paced, {"SEEN": ("A", "B")})
    assert "CASES" not in asked_of(ALL, EVALUATION, self_paced, {"SEEN": ("A",)})


def test_run_one_at_a_time_a_conditional_item_was_shown_to_everyone() -> None:
    assert asked_of(ALL, EVALUATION, set(), {"BIAS": "YES"}) == ALL
    assert asked_of(["BIAS"], EVALUATION, {Phase.EVALUATION}, {}) == ["BIAS"]  # not opened
