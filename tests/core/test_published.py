"""Reconstructing the published counts from printed percentages."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2poll.core.published import (
    MAX_CAP,
    RULES,
    QuestionReconstruction,
    Rule,
    reconstruct_question,
    reconstruct_set,
    render_reconstructions,
)
from her2poll.core.tallies import largest_remainder

from .conftest import make_question


def solutions(rec: QuestionReconstruction, rule: Rule) -> list[tuple[int, tuple[int, ...]]]:
    result = next(r for r in rec.by_rule if r.rule is rule)
    return [(s.n, s.counts) for s in result.solutions]


# --- an independent statement of the rules, for checking the search -----------------------


def prints(rule: Rule, counts: tuple[int, ...], printed: list[Fraction | None]) -> bool:
    """Whether ``counts`` print ``printed`` under ``rule``, computed the slow, obvious way."""
    n = sum(counts)
    if n == 0:
        return False
    if rule is Rule.LARGEST_REMAINDER:
        # Any tie-break: some order of the options makes tallies.largest_remainder print them.
        for order in permutations(range(len(counts))):
            shares = largest_remainder([counts[i] for i in order])
            shown = dict(zip(order, shares, strict=True))
            if all(p is None or shown[i] == p for i, p in enumerate(printed)):
                return True
        return False
    exact = [Fraction(100 * k, n) for k in counts]
    rounded = {
        Rule.HALF_UP: lambda x: math.floor(x + Fraction(1, 2)),
        Rule.HALF_EVEN: round,  # Python rounds a Fraction half to even
        Rule.FLOOR: math.floor,
    }[rule]
    return all(p is None or rounded(x) == p for x, p in zip(exact, printed, strict=True))


# --- the article's six questions ------------------------------------------------------------


def test_pq6_is_consistent_only_with_nine_answers_under_largest_remainder(reconstructed) -> None:
    # 2/9 = 22.2%, 4/9 = 44.4%, 1/9 = 11.1%: rounding each gives 22/44/11/22 (sum 99);
    # largest remainder gives the missing point to the largest remainder, .44 -> 45.
    rec = reconstructed["PQ6"]
    assert solutions(rec, Rule.LARGEST_REMAINDER) == [(9, (2, 4, 1, 2))]
    for rule in (Rule.HALF_UP, Rule.HALF_EVEN, Rule.FLOOR):
        assert solutions(rec, rule) == []
    assert rec.adds_to_100
    assert rec.summary == "Consistent only with n = 9 (largest remainder): 2/4/1/2."


def test_pq5_is_seven_of_ten_under_every_rule(reconstructed) -> None:
    rec = reconstructed["PQ5"]
    for rule in RULES:
        assert solutions(rec, rule) == [(10, (7, 3))]
    assert rec.best is not None and rec.best.rules == RULES
    assert rec.summary == "Consistent only with n = 10 (any rule): 7/3."


def test_pq3_is_ten_of_eleven_or_under_floor_eleven_of_twelve(reconstructed) -> None:
    # 10/11 = 90.9% -> 91 by rounding; 11/12 = 91.7% -> 91 only by truncating.
    rec = reconstructed["PQ3"]
    for rule in (Rule.HALF_UP, Rule.HALF_EVEN, Rule.LARGEST_REMAINDER):
        assert solutions(rec, rule) == [(11, (10, 1))]
    assert solutions(rec, Rule.FLOOR) == [(12, (11, 1))]
    assert rec.best is not None and (rec.best.n, rec.best.counts) == (12, (11, 1))
    assert rec.n_range == (11, 12)


def test_pq4_needs_floor(reconstructed) -> None:
    # 8/11 = 72.7%: floor 72, but half-up 73; largest remainder (72.7 + 27.3) also bumps to 73.
    rec = reconstructed["PQ4"]
    assert solutions(rec, Rule.FLOOR) == [(11, (8, 3))]
    for rule in (Rule.HALF_UP, Rule.HALF_EVEN, Rule.LARGEST_REMAINDER):
        assert solutions(rec, rule) == []
    assert rec.summary == "Consistent only with n = 11 (floor): 8/3."


def test_pq2_has_two_reconstructions_and_uses_the_larger_n(reconstructed) -> None:
    # 6/11 = 54.5% rounds to 55; 5/9 = 55.6% rounds to 56 but truncates to 55.
    rec = reconstructed["PQ2"]
    assert solutions(rec, Rule.HALF_UP) == [(11, (6, 5))]
    assert solutions(rec, Rule.FLOOR) == [(9, (5, 4))]
    assert [(r.n, r.counts) for r in rec.reconstructions] == [(11, (6, 5)), (9, (5, 4))]
    assert rec.best is not None and rec.best.n == 11
    assert rec.n_range == (9, 11)
    assert "sensitivity range" in rec.summary


def test_pq1_is_consistent_with_no_n_up_to_twelve(reconstructed) -> None:
    # 34% needs k/n in [33.5%, 34.5%): no n <= 12 has one (4/12 = 33.3%, 3/9 = 33.3%);
    # only largest remainder can print 34 for 4/12, and not next to two 3/12 = 25%.
    rec = reconstructed["PQ1"]
    assert not rec.consistent and rec.best is None and rec.n_range is None
    assert rec.reachable[0] == (Rule.LARGEST_REMAINDER,)
    assert rec.summary.startswith("No n ≤ 12 reproduces 34%, 25% and 25% together under any rule")
    assert "34% could only come from largest remainder" in rec.summary
    assert rec.printed_sum == 84 and not rec.adds_to_100


def test_a_derived_remainder_is_said_to_be_not_printed(reconstructed) -> None:
    derived = reconstructed["PQ1"].to_dict()["derived"]
    assert derived["OTHER"]["percent"] == 16
    assert "Not a printed number" in derived["OTHER"]["note"]


def test_to_dict_is_json_with_solutions_per_rule(reconstructed) -> None:
    d = json.loads(json.dumps(reconstructed["PQ6"].to_dict(), allow_nan=False))
    counts = {"VERY_LIKELY": 2, "LIKELY": 4, "SOMEWHAT_UNLIKELY": 1, "VERY_UNLIKELY": 2}
    assert d["printed"] == dict(zip(counts, (22, 45, 11, 22), strict=True))
    assert d["printed_sum"] == 100 and d["adds_to_100"] is True
    assert d["rules"]["largest_remainder"]["solutions"] == [
        {"n": 9, "counts": counts, "rules": ["largest_remainder"]}
    ]
    assert d["best"]["n"] == 9 and d["n_range"] == [9, 9] and d["consistent"] is True


def test_render_names_every_question_and_its_summary(questions, reconstructed) -> None:
    text = render_reconstructions(reconstruct_set(questions))
    for rec in reconstructed.values():
        assert rec.question_id in text
        assert rec.summary in text
    assert "n ≤ 12" in text.splitlines()[0]


def test_a_larger_cap_finds_more(questions) -> None:
    result = reconstruct_set(questions, max_n=30)
    assert result.cap == 30 and result.cap_source == "override"
    pq6 = result.question("PQ6")
    assert pq6 is not None
    assert [(r.n, r.counts) for r in pq6.reconstructions] == [
        (27, (6, 12, 3, 6)),
        (18, (4, 8, 2, 4)),
        (9, (2, 4, 1, 2)),
    ]


# --- the rules on their own -----------------------------------------------------------------


def test_ties_are_exact_half_up_versus_half_even() -> None:
    # 1/8 = 12.5% exactly: half up prints 13, half even 12, floor 12.
    thirteen = reconstruct_question(make_question([13, None]), cap=8)
    assert (8, (1, 7)) in solutions(thirteen, Rule.HALF_UP)
    assert (8, (1, 7)) not in solutions(thirteen, Rule.HALF_EVEN)
    twelve = reconstruct_question(make_question([12, None]), cap=8)
    assert (8, (1, 7)) in solutions(twelve, Rule.HALF_EVEN)
    assert (8, (1, 7)) in solutions(twelve, Rule.FLOOR)
    assert (8, (1, 7)) not in solutions(twelve, Rule.HALF_UP)


def test_one_decimal_figures_are_matched_at_their_precision() -> None:
    rec = reconstruct_question(make_question([33.3, 66.7]), cap=3)
    assert solutions(rec, Rule.HALF_UP) == [(3, (1, 2))]
    assert solutions(rec, Rule.FLOOR) == []  # 66.66… truncates to 66.6


def test_figures_that_do_not_add_to_100_are_said_so() -> None:
    rec = reconstruct_question(make_question([33, 33, 33]), cap=3)
    assert solutions(rec, Rule.HALF_UP) == [(3, (1, 1, 1))]
    assert solutions(rec, Rule.LARGEST_REMAINDER) == []  # it always shows one 34
    assert not rec.adds_to_100
    assert "add to 99%, not 100%" in rec.summary


def test_a_figure_no_n_can_print_is_named() -> None:
    # 1% of at most 12 people: 1/12 = 8.3%; nothing rounds to 1 (and nothing truncates to it).
    rec = reconstruct_question(make_question([1, None]), cap=12)
    assert not rec.consistent
    assert rec.summary == "No n ≤ 12 reproduces 1% under any rule."


def test_printed_figures_over_100_with_a_remainder_are_inconsistent() -> None:
    rec = reconstruct_question(make_question([60, 50, None]), cap=12)
    assert not rec.consistent
    assert "more than 100%" in rec.summary


def test_a_question_without_printed_figures_has_nothing_to_reconstruct() -> None:
    rec = reconstruct_question(make_question([None, None], derived=50), cap=12)
    assert not rec.has_printed and not rec.consistent
    assert rec.summary == "Nothing printed for this question."
    assert json.dumps(rec.to_dict())


def test_several_unprinted_options_are_one_remainder_column() -> None:
    rec = reconstruct_question(make_question([50, None, None]), cap=4)
    assert rec.keys == ("O0", "O1+O2")
    assert (4, (2, 2)) in solutions(rec, Rule.HALF_UP)


@pytest.mark.parametrize("cap", [0, MAX_CAP + 1])
def test_a_cap_out_of_range_is_refused(cap: int) -> None:
    with pytest.raises(ValueError, match="cap"):
        reconstruct_question(make_question([50, 50]), cap=cap)


def test_a_set_without_footnote_needs_max_n(questions) -> None:
    bare = questions.model_copy(update={"published_n": None})
    with pytest.raises(ValueError, match="max_n"):
        reconstruct_set(bare)
    assert reconstruct_set(bare, max_n=5).cap == 5


# --- properties -----------------------------------------------------------------------------

percents = st.integers(min_value=0, max_value=100)


@given(
    printed=st.lists(percents, min_size=1, max_size=3),
    with_rest=st.booleans(),
    cap=st.integers(min_value=1, max_value=12),
)
def test_every_solution_prints_the_figures_under_its_rule(printed, with_rest, cap) -> None:
    shown: list[float | None] = [*printed, None] if with_rest else list(printed)
    if len(shown) < 2:
        shown.append(100 - printed[0])
    rec = reconstruct_question(make_question(shown), cap=cap)
    exact = [None if p is None else Fraction(p) for p in shown]
    for result in rec.by_rule:
        for s in result.solutions:
            assert s.n <= cap and sum(s.counts) == s.n and min(s.counts) >= 0
            assert prints(result.rule, s.counts, exact), (result.rule, s)


@given(
    counts=st.lists(st.integers(min_value=0, max_value=6), min_size=2, max_size=4),
    rule=st.sampled_from(RULES),
    with_rest=st.booleans(),
)
def test_the_counts_behind_a_figure_are_always_found(counts, rule, with_rest) -> None:
    n = sum(counts)
    if n == 0 or n > 12:
        return
    if rule is Rule.LARGEST_REMAINDER:
        figures: list[int] = largest_remainder(counts)
    else:
        exact = [Fraction(100 * k, n) for k in counts]
        rounding = {Rule.HALF_UP: lambda x: math.floor(x + Fraction(1, 2)), Rule.HALF_EVEN: round}
        figures = [rounding.get(rule, math.floor)(x) for x in exact]
    shown: list[float | None] = list(figures)
    if with_rest:
        shown[-1] = None
    rec = reconstruct_question(make_question(shown), cap=12)
    assert (n, tuple(counts)) in solutions(rec, rule)
    assert rec.consistent and rec.best is not None and rec.best.n >= n
