"""Every item type: its file format, how it reads an answer, and its tally's invariants.

Each type has a hypothesis property (what its summary must keep whatever the
answers) and known values worked out by hand in the test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from her2poll.core.errors import QuestionSetError, VoteRefused
from her2poll.core.items import (
    Answered,
    MultipleChoice,
    Numeric,
    OpenText,
    Ranking,
    Rating,
    RawAnswer,
    Responses,
    SingleChoice,
)
from her2poll.core.questions import load_question_set, parse_question_set

EXAMPLE = Path(__file__).parents[2] / "examples" / "all-item-types.json"
OPTS = [{"id": i, "text": f"Option {i}"} for i in "ABCD"]


def single(**extra: object) -> SingleChoice:
    return SingleChoice.model_validate({"id": "S", "text": "Which?", "options": OPTS, **extra})


def multiple(**extra: object) -> MultipleChoice:
    return MultipleChoice.model_validate(
        {"id": "M", "type": "multiple", "text": "Which?", "options": OPTS, **extra}
    )


def rating() -> Rating:
    points = [{"id": f"P{v}", "text": f"{v}", "value": v} for v in range(1, 6)]
    return Rating.model_validate({"id": "R", "type": "rating", "text": "How?", "options": points})


def numeric(**extra: object) -> Numeric:
    return Numeric.model_validate(
        {"id": "N", "type": "numeric", "text": "How many?", "min": 0, "max": 100, **extra}
    )


def ranking(k: int | None = None) -> Ranking:
    return Ranking.model_validate(
        {"id": "K", "type": "ranking", "text": "Order", "options": OPTS, "rank_count": k}
    )


def text_item() -> OpenText:
    return OpenText.model_validate({"id": "T", "type": "text", "text": "Why?"})


def answered(*answers: object) -> Responses:
    return Responses(answers=[Answered(a, answer_id=i) for i, a in enumerate(answers)])  # type: ignore[arg-type]


# -- the file format ------------------------------------------------------------------


def test_the_shipped_example_has_every_type_a_knowledge_check_confidence_and_a_timer() -> None:
    qs = load_question_set(EXAMPLE)
    assert {q.type for q in qs.questions} == {
        "single",
        "multiple",
        "rating",
        "numeric",
        "text",
        "ranking",
    }
    assert any(getattr(q, "correct", None) for q in qs.questions)
    assert any(q.confidence for q in qs.questions)
    assert any(q.timer_seconds for q in qs.questions)


def test_an_item_without_type_is_single_choice_as_in_format_1() -> None:
    qs = parse_question_set(
        {"id": "x", "title": "t", "questions": [{"id": "Q", "text": "Which?", "options": OPTS}]}
    )
    assert isinstance(qs.questions[0], SingleChoice)


def test_format_1_refuses_the_new_types_naming_the_item() -> None:
    with pytest.raises(QuestionSetError, match="Q2.*format_version 2"):
        parse_question_set(
            {
                "id": "x",
                "title": "t",
                "questions": [
                    {"id": "Q1", "text": "Which?", "options": OPTS},
                    {"id": "Q2", "type": "numeric", "text": "How many?", "min": 0, "max": 9},
                ],
            }
        )


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"type": "poll", "text": "?", "options": OPTS}, "'type' must be one of"),
        ({"type": "multiple", "text": "?", "options": OPTS, "max_choices": 9}, "max_choices"),
        ({"type": "numeric", "text": "?", "min": 5, "max": 5}, "must be below"),
        ({"type": "ranking", "text": "?", "options": OPTS, "rank_count": 5}, "rank_count"),
        ({"text": "?", "options": OPTS, "correct": ["Z"]}, "names no option"),
        ({"text": "?", "options": OPTS, "rationale": "because"}, "mark 'correct'"),
        (
            {
                "type": "rating",
                "text": "?",
                "options": [
                    {"id": "A", "text": "a", "value": 1},
                    {"id": "B", "text": "b", "value": 1},
                ],
            },
            "its own value",
        ),
        ({"type": "text", "text": "?", "max_length": 281}, "280"),
        ({"text": "?", "options": OPTS, "timer_seconds": 2}, "greater than or equal to 5"),
        ({"text": "?", "options": OPTS, "role": "commitment"}, "needs an item of type text"),
        ({"type": "text", "text": "?", "role": "eval_relevance"}, "type rating or single"),
        (
            {"text": "?", "options": OPTS + [{"id": "C", "text": "c"}], "role": "eval_bias"},
            "needs two options",
        ),  # fmt: skip
        ({"text": "?", "options": OPTS, "role": "sponsor"}, "role: Input should be 'commitment'"),
    ],
)
def test_a_bad_item_is_refused_naming_the_question(item: dict, message: str) -> None:
    with pytest.raises(QuestionSetError) as e:
        parse_question_set(
            {"format_version": 2, "id": "x", "title": "t", "questions": [{"id": "BAD", **item}]}
        )
    assert "question BAD" in e.value.message and message in e.value.message, e.value.message
    assert "single >" not in e.value.message  # the union's tag is not part of the place


# -- reading answers ------------------------------------------------------------------


def test_each_type_takes_its_own_field_and_refuses_the_others() -> None:
    cases = [
        (single(), RawAnswer(option_id="A"), "A"),
        (multiple(), RawAnswer(option_ids=("C", "A")), ("A", "C")),  # kept in display order
        (rating(), RawAnswer(option_id="P4"), "P4"),
        (numeric(), RawAnswer(value=12.0), 12.0),
        (text_item(), RawAnswer(text="  too   much\nspace "), "too much space"),
        (ranking(), RawAnswer(option_ids=("D", "A", "C", "B")), ("D", "A", "C", "B")),
    ]
    for item, raw, expected in cases:
        assert item.read(raw) == expected
        wrong = RawAnswer(text="x") if raw.text is None else RawAnswer(option_id="A")
        with pytest.raises(VoteRefused) as e:
            item.read(wrong)
        assert e.value.code == "wrong_answer_kind"
        assert item.load_answer(*item.store_answer(expected)) == expected


@pytest.mark.parametrize(
    ("item", "raw", "code"),
    [
        (single(), RawAnswer(option_id="Z"), "unknown_option"),
        (multiple(max_choices=2), RawAnswer(option_ids=("A", "B", "C")), "choice_count"),
        (multiple(), RawAnswer(option_ids=()), "choice_count"),
        (multiple(), RawAnswer(option_ids=("A", "A")), "duplicate_option"),
        (numeric(), RawAnswer(value=101.0), "out_of_range"),
        (numeric(), RawAnswer(value=math.nan), "not_a_number"),
        (numeric(integer=True), RawAnswer(value=2.5), "not_a_whole_number"),
        (text_item(), RawAnswer(text="   "), "empty_answer"),
        (text_item(), RawAnswer(text="x" * 281), "too_long"),
        (ranking(3), RawAnswer(option_ids=("A", "B")), "choice_count"),
        (ranking(), RawAnswer(option_ids=("A", "B", "C", "C")), "duplicate_option"),
    ],
)
def test_an_answer_the_item_does_not_allow_is_refused_with_a_reason(item, raw, code) -> None:
    with pytest.raises(VoteRefused) as e:
        item.read(raw)
    assert e.value.code == code and e.value.message


def test_confidence_only_where_the_item_asks_for_it() -> None:
    assert single(confidence=True).read(RawAnswer(option_id="A"), confidence=3) == "A"
    with pytest.raises(VoteRefused) as e:
        single().read(RawAnswer(option_id="A"), confidence=3)
    assert e.value.code == "no_confidence"


# -- summaries: known values ----------------------------------------------------------


def test_single_choice_knowledge_check_and_confidence_known_values() -> None:
    item = single(correct=["B"], confidence=True)
    s = item.summarise(Responses(counts={"A": 1, "B": 2}, confidence={1: 1, 4: 2}))
    body = s.to_dict()
    assert body["counts"] == {"A": 1, "B": 2, "C": 0, "D": 0}
    assert body["correct"] == {"n": 2, "of": 3, "percent": 67}  # 2/3 = 66.7 %
    assert body["confidence"] == {"n": 3, "counts": {"1": 1, "2": 0, "3": 0, "4": 2}, "mean": 3.0}
    assert "confidence" not in s.room_dict()  # never shown to the room


def test_multiple_choice_counts_respondents_not_ticks() -> None:
    item = multiple(correct=["A", "B"])
    s = item.summarise(answered(("A", "B"), ("A",), ("A", "B", "C")))
    body = s.room_dict()
    assert body["n"] == 3 and body["selections"] == 6
    assert body["counts"] == {"A": 3, "B": 2, "C": 1, "D": 0}
    assert body["percent"] == {"A": 100, "B": 67, "C": 33, "D": 0}
    assert body["correct"] == {"n": 1, "of": 3, "percent": 33}  # only the exact set is right


def test_rating_median_mean_and_interval_known_values() -> None:
    # Answers 2, 4, 4, 5: mean 3.75, median 4, s = 1.2583, t(0.975, 3) = 3.1824
    # → half-width 3.1824 × 1.2583 / 2 = 2.0022 (values from any t table): 1.7478 to
    # 5.7522, whose top lies past the scale's 5, so the interval stops at 5.
    s = rating().summarise(Responses(counts={"P2": 1, "P4": 2, "P5": 1})).room_dict()
    assert s["median"] == 4 and s["mean"] == pytest.approx(3.75)
    lo, hi = s["mean_ci95"]
    assert lo == pytest.approx(3.75 - 2.0022, abs=1e-3) and hi == 5
    # Answers 2, 3, 3, 4 (x4): mean 3, s = 0.7559, t(0.975, 7) = 2.3646 → ± 0.6319, inside.
    inside = rating().summarise(Responses(counts={"P2": 2, "P3": 4, "P4": 2})).room_dict()
    assert inside["mean_ci95"] == pytest.approx([3 - 0.6319, 3 + 0.6319], abs=1e-3)
    even = rating().summarise(Responses(counts={"P1": 1, "P2": 1})).room_dict()
    assert even["median"] == 1.5
    one = rating().summarise(Responses(counts={"P3": 1})).room_dict()
    assert one["mean_ci95"] is None  # no interval from one answer


def test_numeric_quartiles_and_outliers_known_values() -> None:
    # 1..9 and 100: numpy's linear quartiles are q1 = 3.25, median 5.5, q3 = 7.75; IQR 4.5,
    # upper fence 7.75 + 6.75 = 14.5, so 100 is an outlier — listed and still in the histogram.
    values = [float(v) for v in [*range(1, 10), 100]]
    s = numeric(unit="mg").summarise(answered(*values)).room_dict()
    assert (s["q1"], s["median"], s["q3"]) == (3.25, 5.5, 7.75)
    assert s["outliers"] == [100]
    assert sum(b["count"] for b in s["histogram"]) == 10
    assert s["histogram"][0]["lo"] == 0 and s["histogram"][-1]["hi"] == 100
    assert s["unit"] == "mg"


def test_ranking_borda_and_mean_rank_known_values() -> None:
    # m = 4: first place 3 points, second 2, third 1, unranked 0.
    s = (
        ranking(3)
        .summarise(answered(("A", "B", "C"), ("B", "A", "D"), ("B", "C", "A")))
        .room_dict()
    )
    rows = {r["option_id"]: r for r in s["options"]}
    assert {o: r["borda"] for o, r in rows.items()} == {
        "A": 3 + 2 + 1,
        "B": 2 + 3 + 3,
        "C": 1 + 2,
        "D": 1,
    }
    assert s["order"] == ["B", "A", "C", "D"]
    assert rows["A"]["mean_rank"] == pytest.approx(2.0) and rows["D"]["ranked_by"] == 1


def test_text_word_cloud_counts_a_word_once_per_answer_and_skips_hidden_answers() -> None:
    item = text_item()
    s = item.summarise(
        Responses(
            answers=[
                Answered("Time time and more time", answer_id=1),
                Answered("No time for MRI", answer_id=2),
                Answered("MRI slots", answer_id=3, hidden=True),
            ]
        )
    )
    room = s.room_dict()
    assert room["words"][0] == {"word": "time", "count": 2}
    assert {"word": "mri", "count": 1} in room["words"]  # the hidden answer's MRI is not counted
    assert [a["id"] for a in room["answers"]] == [1, 2]
    assert not any(w["word"] in ("and", "for", "no", "more") for w in room["words"])
    full = s.to_dict()
    assert full["hidden"] == 1 and full["answers"][2] == {
        "id": 3,
        "text": "MRI slots",
        "hidden": True,
    }


# -- summaries: properties ------------------------------------------------------------

picks = st.lists(st.sets(st.sampled_from("ABCD"), min_size=1), max_size=40)


@given(picks)
def test_multiple_choice_every_tick_is_counted_and_no_option_exceeds_respondents(answers) -> None:
    item = multiple()
    s = item.summarise(answered(*(item.read(RawAnswer(option_ids=tuple(a))) for a in answers)))
    body = s.room_dict()
    assert body["selections"] == sum(len(a) for a in answers)
    assert all(c <= body["n"] for c in body["counts"].values())
    assert all(0 <= p <= 100 for p in body["percent"].values())


@given(st.lists(st.permutations("ABCD"), max_size=30))
def test_ranking_borda_total_is_fixed_by_the_number_of_respondents(orders) -> None:
    s = ranking().summarise(answered(*(tuple(o) for o in orders))).room_dict()
    assert sum(r["borda"] for r in s["options"]) == len(orders) * (3 + 2 + 1 + 0)
    assert sorted(s["order"]) == list("ABCD")


@given(st.lists(st.floats(min_value=0, max_value=100), max_size=60))
@example([100.0, 99.99999999999999])  # numpy could not split their range: a crash, once
def test_numeric_nothing_is_dropped_and_quartiles_are_ordered(values) -> None:
    s = numeric().summarise(answered(*values)).room_dict()
    assert sum(b["count"] for b in s["histogram"]) == len(values)
    if values:
        assert s["min"] <= s["q1"] <= s["median"] <= s["q3"] <= s["max"]
        assert set(s["outliers"]) <= set(values)


@given(st.dictionaries(st.sampled_from(["P1", "P2", "P3", "P4", "P5"]), st.integers(0, 50)))
def test_rating_mean_and_median_lie_on_the_scale(counts) -> None:
    s = rating().summarise(Responses(counts=counts)).room_dict()
    if sum(counts.values()):
        assert 1 <= s["median"] <= 5 and 1 <= s["mean"] <= 5
        assert sum(s["percent"].values()) == 100
    else:
        assert s["median"] is None and s["mean"] is None


@given(st.dictionaries(st.sampled_from(["P1", "P2", "P3", "P4", "P5"]), st.integers(0, 50)))
def test_rating_interval_holds_the_mean_and_never_leaves_the_scale(counts) -> None:
    s = rating().summarise(Responses(counts=counts)).room_dict()
    if s["mean_ci95"] is None:
        assert sum(counts.values()) < 2
        return
    lo, hi = s["mean_ci95"]
    assert 1 <= lo <= s["mean"] + 1e-9 and s["mean"] - 1e-9 <= hi <= 5


one_pick = st.lists(
    st.tuples(st.sampled_from("ABCD"), st.one_of(st.none(), st.sampled_from([1, 2, 3, 4]))),
    max_size=60,
)
keys = st.sets(st.sampled_from("ABCD"), min_size=1)


def picked(answers: list[tuple[str, int | None]]) -> Responses:
    """One-option answers as the store counts them: per option, and per confidence level."""
    counts: dict[str, int] = {}
    sure: dict[int, int] = {}
    for option, confidence in answers:
        counts[option] = counts.get(option, 0) + 1
        if confidence is not None:
            sure[confidence] = sure.get(confidence, 0) + 1
    return Responses(counts=counts, confidence=sure)


@given(one_pick)
def test_single_choice_summary_counts_every_answer_once_and_shares_add_to_100(answers) -> None:
    item = single()
    s = item.summarise(picked([(item.read(RawAnswer(option_id=o)), c) for o, c in answers]))
    body = s.room_dict()
    assert body["n"] == s.n == len(answers)
    assert body["counts"] == {o: sum(a == o for a, _ in answers) for o in "ABCD"}
    assert sum(body["percent"].values()) == (100 if answers else 0)
    assert all(0 <= p <= 100 for p in body["percent"].values())
    assert "correct" not in body and "confidence" not in s.to_dict()  # neither asked


@given(one_pick, keys)
def test_single_choice_knowledge_check_counts_exactly_the_right_answers(answers, key) -> None:
    item = single(correct=sorted(key), rationale="Because.")
    s = item.summarise(picked(answers)).room_dict()["correct"]
    right = sum(bool(item.is_correct(o)) for o, _ in answers)
    assert s["n"] == right == sum(o in key for o, _ in answers)
    assert s["n"] <= s["of"] == len(answers)
    assert 0 <= s["percent"] <= 100
    if answers:
        assert abs(s["percent"] - 100 * right / len(answers)) <= 0.5


@given(picks, keys)
def test_multiple_choice_knowledge_check_right_means_exactly_the_correct_set(answers, key) -> None:
    item = multiple(correct=sorted(key), rationale="Because.")
    chosen = [item.read(RawAnswer(option_ids=tuple(a))) for a in answers]
    s = item.summarise(answered(*chosen)).room_dict()["correct"]
    assert s["n"] == sum(set(a) == key for a in answers) <= s["of"] == len(answers)
    assert 0 <= s["percent"] <= 100


@given(one_pick)
def test_confidence_counts_only_those_who_gave_one_and_its_mean_lies_on_1_to_4(answers) -> None:
    item = single(confidence=True)
    full = item.summarise(picked(answers)).to_dict()["confidence"]
    gave = [c for _, c in answers if c is not None]
    assert full["n"] == sum(full["counts"].values()) == len(gave) <= len(answers)
    assert full["counts"] == {str(k): gave.count(k) for k in (1, 2, 3, 4)}
    if gave:
        assert 1 <= full["mean"] <= 4 and full["mean"] == pytest.approx(sum(gave) / len(gave))
    else:
        assert full["mean"] is None
    assert "confidence" not in item.summarise(picked(answers)).room_dict()  # never the room's


@given(st.lists(st.text(min_size=1, max_size=40), max_size=20), st.data())
def test_text_room_never_sees_a_hidden_answer(texts, data) -> None:
    hidden = [data.draw(st.booleans()) for _ in texts]
    s = text_item().summarise(
        Responses(
            answers=[
                Answered(t, answer_id=i, hidden=h)
                for i, (t, h) in enumerate(zip(texts, hidden, strict=True))  # noqa: E501
            ]
        )
    )
    shown_ids = {a["id"] for a in s.room_dict()["answers"]}
    assert shown_ids == {i for i, h in enumerate(hidden) if not h}
    assert s.to_dict()["n"] == len(texts)
