"""The live room against the published panel: known values and properties."""

from __future__ import annotations

import json
from unittest.mock import ANY

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.stats import PermutationMethod, fisher_exact

from her2poll.core import stats, wording
from her2poll.core.published import reconstruct_question
from her2poll.core.questions import QuestionSet
from her2poll.core.results import comparison
from her2poll.core.stats import (
    compare,
    difference_intervals,
    same_distribution_test,
    total_variation,
    wilson,
)
from her2poll.core.tallies import Tally, largest_remainder
from her2poll.core.wording import format_p

from .conftest import make_question


def run(
    questions: QuestionSet, reconstructed, qid: str, counts: tuple[int, ...]
) -> stats.Comparison:
    question = questions.question(qid)
    assert question is not None
    return compare(question, Tally(tuple(question.option_ids), counts), reconstructed[qid])


def said(questions: QuestionSet, c: stats.Comparison) -> str:
    """The comparison's verdict as the results API and the report word it."""
    question = questions.question(c.question_id)
    assert question is not None
    return wording.verdict(question, c.verdict_code, c.verdict_params.to_dict())


# --- known values ---------------------------------------------------------------------------


def test_wilson_interval_of_seven_of_ten_matches_r() -> None:
    # R: prop.test(7, 10, correct = FALSE)$conf.int -> 0.3967781 0.8922087.
    # By hand, z = 1.959964, z² = 3.841459, n = 10, p = 0.7:
    #   centre = (p + z²/2n) / (1 + z²/n) = 0.8920729 / 1.3841459 = 0.6445
    #   half   = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n) = 1.959964·0.174939 / 1.3841459 = 0.2477
    ci = wilson(7, 10)
    assert ci.low == pytest.approx(0.3967781, abs=1e-7)
    assert ci.high == pytest.approx(0.8922087, abs=1e-7)


def test_wilson_interval_of_none_of_ten_starts_at_zero() -> None:
    # p = 0: the interval is [0, z²/(n + z²)] = [0, 3.841459/13.841459] = [0, 0.2775328].
    ci = wilson(0, 10)
    assert ci.low == pytest.approx(0.0, abs=1e-12)
    assert ci.high == pytest.approx(0.2775328, abs=1e-7)


def test_wilson_of_nobody_is_refused() -> None:
    with pytest.raises(ValueError):
        wilson(0, 0)


def test_newcombe_difference_matches_the_paper() -> None:
    # Newcombe (1998), Stat Med 17:873, Table II example (a): 56/70 - 48/80 = 0.2000,
    # hybrid score interval (method 10) 0.0524 to 0.3339.
    lo, hi = _newcombe_pair(56, 70, 48, 80)
    assert lo == pytest.approx(0.0524, abs=5e-5)
    assert hi == pytest.approx(0.3339, abs=5e-5)


def _newcombe_pair(a: int, m: int, b: int, n: int) -> tuple[float, float]:
    # Two columns (yes, no) give the difference of the "yes" shares in column 0.
    first = difference_intervals([a, m - a], [b, n - b])[0]
    return first.low, first.high


def test_fisher_tea_tasting() -> None:
    # Fisher's lady tasting tea: [[3, 1], [1, 3]]. The hypergeometric weights of the
    # upper-left cell x = 0..4 are C(4,x)·C(4,4-x) = 1, 16, 36, 16, 1 (of 70).
    # One-sided P(x >= 3) = 17/70 = 0.2429; two-sided (tables no more probable than
    # the observed 16/70) = (1 + 16 + 16 + 1)/70 = 34/70 = 0.4857 (R: fisher.test -> 0.4857).
    result = same_distribution_test([3, 1], [1, 3])
    assert result.p_value == pytest.approx(34 / 70)
    assert "2×2" in result.method


def test_freeman_halton_two_by_three_by_hand() -> None:
    # Table [[3, 0, 1], [0, 3, 1]]: column sums (3, 3, 2), second row total 4, N = 8.
    # Under the null the second row is multivariate hypergeometric,
    # P(x) = C(3,x1)·C(3,x2)·C(2,x3) / C(8,4), C(8,4) = 70. All ten rows and weights:
    #   x3 = 0: (1,3,0) 3  (2,2,0) 9  (3,1,0) 3
    #   x3 = 1: (0,3,1) 2  (1,2,1) 18 (2,1,1) 18 (3,0,1) 2
    #   x3 = 2: (0,2,2) 3  (1,1,2) 9  (2,0,2) 3        (sum 70)
    # Observed (0,3,1) has weight 2; only (3,0,1) is as improbable: p = 4/70 = 0.05714
    # (R: fisher.test(matrix(c(3, 0, 0, 3, 1, 1), 2)) -> p-value = 0.05714).
    result = same_distribution_test([3, 0, 1], [0, 3, 1])
    assert result.p_value == pytest.approx(4 / 70)
    assert result.tables == 10
    assert result.method == "Fisher–Freeman–Halton exact test (2×3)"


def test_options_nobody_chose_are_dropped_from_the_test() -> None:
    result = same_distribution_test([3, 0, 0, 1], [0, 3, 0, 1])
    assert result.p_value == pytest.approx(4 / 70)
    assert result.method.endswith("(2×3)")


def test_all_answers_in_one_option_need_no_test() -> None:
    result = same_distribution_test([5, 0, 0], [3, 0, 0])
    assert result.p_value == 1.0 and result.tables == 0


@pytest.mark.parametrize(
    "table",
    [[[2, 1, 1], [0, 1, 2]], [[1, 2, 0, 1], [2, 0, 1, 0]], [[0, 2, 2], [3, 0, 0]]],
)
def test_exact_test_agrees_with_scipys_full_permutation_test(table) -> None:
    # scipy enumerates every permutation of the N <= 7 answers: slow but independent.
    expected = fisher_exact(table, method=PermutationMethod(n_resamples=np.inf)).pvalue
    assert same_distribution_test(*table).p_value == pytest.approx(expected, rel=1e-9)


def test_monte_carlo_is_used_beyond_the_exact_limit_and_is_repeatable(monkeypatch) -> None:
    monkeypatch.setattr(stats, "EXACT_LIMIT", 0)
    first = same_distribution_test([3, 0, 1], [0, 3, 1])
    again = same_distribution_test([3, 0, 1], [0, 3, 1])
    assert first == again
    assert "Monte Carlo" in first.method and first.seed == stats.SEED
    assert first.tables == stats.MONTE_CARLO_RESAMPLES
    # 9,999 draws: the standard error near p = 0.057 is about 0.0023.
    assert first.p_value == pytest.approx(4 / 70, abs=0.01)


def test_an_empty_row_is_refused() -> None:
    with pytest.raises(ValueError, match="both rows"):
        same_distribution_test([0, 0, 0], [1, 2, 3])


def test_format_p_never_rounds_across_the_line() -> None:
    assert format_p(0.0499) == "0.0499"
    assert format_p(0.03) == "0.03"
    assert format_p(0.41) == "0.41"
    assert format_p(0.0004) == "< 0.001"


# --- compare() on the article -----------------------------------------------------------------


def test_a_room_like_the_panel_shows_no_clear_difference(questions, reconstructed) -> None:
    c = run(questions, reconstructed, "PQ6", (200, 400, 100, 200))
    assert (
        said(questions, c)
        == "No clear difference from the published panel (p = 1.00, n = 900 vs 9)."
    )
    assert c.verdict_code == "no_clear_difference"
    assert c.published_source == "reconstruction" and c.published_n == 9
    assert [o.published_count for o in c.options] == [2, 4, 1, 2]
    assert c.effect is not None and c.effect.estimate == pytest.approx(0.0, abs=1e-12)
    assert c.effect.ci.low == pytest.approx(0.0, abs=1e-12)


def test_a_clearly_different_room_is_named_with_its_leaning(questions, reconstructed) -> None:
    c = run(questions, reconstructed, "PQ6", (10, 10, 10, 190))
    assert c.verdict_code == "differs"
    assert said(questions, c).startswith("This room leans more towards 'Very unlikely'")
    assert said(questions, c).endswith("(p < 0.001, n = 220 vs 9).")
    assert c.effect is not None and c.effect.ci.low > 0


def test_too_few_answers_say_so(questions, reconstructed) -> None:
    c = run(questions, reconstructed, "PQ3", (4, 0))
    assert said(questions, c) == "Too few answers to tell (n = 4)."
    assert c.verdict_code == "too_few" and c.test is None


def test_no_answers_say_so(questions, reconstructed) -> None:
    c = run(questions, reconstructed, "PQ4", (0, 0))
    assert said(questions, c) == "No answers yet." and c.verdict_code == "no_answers"
    assert all(o.live_share is None and o.live_ci is None for o in c.options)
    assert json.dumps(c.to_dict(), allow_nan=False)


def test_inconsistent_published_figures_are_scaled_and_said(questions, reconstructed) -> None:
    # PQ1: 34/25/25 (+16 derived) as shares of 12 by largest remainder: 4.08, 3, 3, 1.92
    # -> 4/3/3/2.
    c = run(questions, reconstructed, "PQ1", (34, 25, 25, 16))
    assert c.published_inconsistent and c.published_source == "scaled_printed"
    assert [o.published_count for o in c.options] == [4, 3, 3, 2]
    assert said(questions, c).startswith(
        "The published figures are inconsistent (no n ≤ 12 reproduces"
    )
    assert "no clear difference" in said(questions, c)


def test_several_reconstructions_give_a_p_value_range(questions, reconstructed) -> None:
    c = run(questions, reconstructed, "PQ2", (5, 30))
    assert [(s.n, s.counts) for s in c.sensitivity] == [(11, (6, 5)), (9, (5, 4))]
    # 2×2 Fisher, checked against scipy directly for each reconstruction.
    expected = [fisher_exact([[5, 30], [6, 5]]).pvalue, fisher_exact([[5, 30], [5, 4]]).pvalue]
    assert [s.p_value for s in c.sensitivity] == pytest.approx(expected)
    assert c.p_range == (min(expected), max(expected))
    assert "n = 35 vs 9–11" in said(questions, c)


def test_a_verdict_that_depends_on_the_reconstruction_says_so(questions, reconstructed) -> None:
    # 2 of 15 said yes. Fisher 2×2 (scipy): vs 6/5 (n = 11) p = 0.0384, vs 5/4 (n = 9) p = 0.0606.
    c = run(questions, reconstructed, "PQ2", (2, 13))
    assert c.verdict_code == "depends_on_reconstruction"
    assert said(questions, c) == (
        "Whether this room differs depends on how the published counts are reconstructed "
        "(p = 0.038–0.061, n = 15 vs 9–11)."
    )


def test_a_tally_for_other_options_is_refused(questions, reconstructed) -> None:
    question = questions.question("PQ5")
    assert question is not None
    with pytest.raises(ValueError, match="options"):
        compare(question, Tally(("A", "B"), (1, 2)), reconstructed["PQ5"])
    with pytest.raises(ValueError, match="PQ6"):
        compare(question, Tally(tuple(question.option_ids), (1, 2)), reconstructed["PQ6"])


def test_an_option_nobody_chose_anywhere_raises_no_warning() -> None:
    question = make_question([50, 50, 0])
    rec = reconstruct_question(question, cap=12)
    c = compare(question, Tally(tuple(question.option_ids), (5, 5, 0)), rec)
    assert c.test is not None and c.test.p_value == 1.0
    assert c.options[2].live_ci is not None and c.options[2].live_ci.low == pytest.approx(0)
    assert json.dumps(c.to_dict(), allow_nan=False)


def test_to_dict_shape(questions, reconstructed) -> None:
    """The comparison as clients get it: core's numbers plus the verdict in words."""
    d = comparison(questions, "PQ5", Tally(("VERY", "MODERATELY"), (100, 112)))
    assert set(d) == {
        "question_id", "live_n", "published_n", "published_source", "published_inconsistent",
        "options", "test", "sensitivity", "p_range", "effect", "verdict", "verdict_code",
        "verdict_params",
    }  # fmt: skip
    assert d == {**run(questions, reconstructed, "PQ5", (100, 112)).to_dict(), "verdict": ANY}
    assert d["verdict_params"]["live_n"] == 212
    very = d["options"][0]
    assert very["printed_percent"] == 70 and very["published_count"] == 7
    assert very["live_percent"] == pytest.approx(100 * 100 / 212)
    assert d["test"]["method"] == "Fisher's exact test (2×2, two-sided)"
    assert d["effect"]["name"] == "total variation distance"


# --- properties -----------------------------------------------------------------------------


@given(n=st.integers(min_value=1, max_value=10_000), data=st.data())
def test_wilson_contains_the_share(n: int, data) -> None:
    k = data.draw(st.integers(min_value=0, max_value=n))
    ci = wilson(k, n)
    assert 0 <= ci.low <= k / n <= ci.high <= 1


tables = st.integers(min_value=2, max_value=5).flatmap(
    lambda k: st.tuples(
        st.lists(st.integers(min_value=0, max_value=300), min_size=k, max_size=k),
        st.lists(st.integers(min_value=0, max_value=4), min_size=k, max_size=k),
    )
)


@given(tables)
def test_p_is_a_probability(table) -> None:
    live, pub = table
    assume(sum(live) > 0 and sum(pub) > 0)
    assert 0 <= same_distribution_test(live, pub).p_value <= 1


@given(tables)
def test_effect_and_difference_intervals_contain_their_estimates(table) -> None:
    live, pub = table
    assume(sum(live) > 0 and sum(pub) > 0)
    effect = total_variation(live, pub)
    assert 0 <= effect.ci.low <= effect.estimate <= effect.ci.high <= 1
    shares = [lv / sum(live) - pv / sum(pub) for lv, pv in zip(live, pub, strict=True)]
    for d, ci in zip(shares, difference_intervals(live, pub), strict=True):
        assert ci.low <= d + 1e-12 and d - 1e-12 <= ci.high


@given(
    pub=st.lists(st.integers(min_value=0, max_value=6), min_size=2, max_size=5),
    times=st.integers(min_value=1, max_value=1000),
)
def test_identical_distributions_are_not_significant(pub, times) -> None:
    assume(sum(pub) > 0)
    live = [times * c for c in pub]
    assert same_distribution_test(live, pub).p_value > 0.05
    assert total_variation(live, pub).ci.low == pytest.approx(0.0, abs=1e-12)


@given(
    counts=st.lists(st.integers(min_value=0, max_value=4), min_size=2, max_size=4),
    times=st.integers(min_value=1, max_value=300),
)
def test_a_room_matching_the_reconstruction_never_differs(counts, times) -> None:
    # Print the counts with largest remainder, reconstruct, and vote the same shares live.
    n = sum(counts)
    assume(0 < n <= 12)
    question = make_question(largest_remainder(counts))
    rec = reconstruct_question(question, cap=12)
    assert (n, tuple(counts)) in [(r.n, r.counts) for r in rec.reconstructions]
    live = Tally(tuple(question.option_ids), tuple(times * c for c in counts))
    assume(live.n >= stats.MIN_LIVE_N)
    c = compare(question, live, rec)
    assert c.verdict_code != "differs"
    p_lo, p_hi = c.p_range or (0, 0)
    assert 0 <= p_lo <= p_hi <= 1


def test_the_normal_quantile_is_scipys_to_the_last_bit() -> None:
    from scipy import stats as sps

    from her2poll.core.stats import ALPHA, Z_95

    assert Z_95 == float(sps.norm.isf(ALPHA / 2))


def test_wilson_is_statsmodels_wilson_to_the_last_bit() -> None:
    """Computed without statsmodels (a second of imports), so it must be the same numbers."""
    from statsmodels.stats.proportion import proportion_confint

    for n in [*range(1, 301), 999, 1000, 10_000, 123_457]:
        for count in sorted({*range(0, min(n, 300) + 1), n // 3, n - 1, n}):
            low, high = proportion_confint(count, n, alpha=0.05, method="wilson")
            share = count / n
            expected = (min(float(low), share), max(float(high), share))
            ci = wilson(count, n)
            assert (ci.low, ci.high) == expected, (count, n)
