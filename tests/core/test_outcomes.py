"""CME outcomes statistics: known values (each with its source) and properties."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import SquareTable, StratifiedTable

from her2poll.core import outcomes
from her2poll.core.outcomes import (
    Design,
    ItemAnswers,
    LearnerCounts,
    PairedCounts,
    activity_learners,
    binary_item,
    bowker,
    category_item,
    chinn_d,
    cohens_h,
    holm,
    matched_odds_ratio,
    mcnemar_mid_p,
    paired_binary,
    paired_categories,
    paired_table,
    split,
    stuart_maxwell,
    summarise,
    unmatched,
    unmatched_binary,
)


def json_safe(result: object) -> str:
    return json.dumps(result.to_dict(), allow_nan=False)  # type: ignore[attr-defined]


# --- the input model ------------------------------------------------------------------------


def test_split_pairs_matched_learners_and_counts_the_rest() -> None:
    parts = split({"u1": True, "u2": False, "u3": True}, {"u2": True, "u3": True, "u4": False})
    # u2 and u3 answered both (sorted by token); u1 only pre; u4 only post.
    assert parts.pairs == ((False, True), (True, True))
    assert parts.learners == LearnerCounts(matched=2, pre_only=1, post_only=1)
    assert parts.to_dict() == {"matched": 2, "pre_only": 1, "post_only": 1}


def test_activity_learners_are_matched_across_items() -> None:
    # u1 answered only item A pre and only item B post: matched for the activity.
    items = [
        ItemAnswers("A", {"u1": True, "u2": True}, {"u2": False}),
        ItemAnswers("B", {"u3": False}, {"u1": True, "u4": True}),
    ]
    assert activity_learners(items) == LearnerCounts(matched=2, pre_only=1, post_only=1)


def test_paired_counts_from_pairs() -> None:
    pairs = [(True, True), (True, False), (False, True), (False, True), (False, False)]
    assert PairedCounts.from_pairs(pairs) == PairedCounts(a=1, b=1, c=2, d=1)


# --- McNemar --------------------------------------------------------------------------------


def test_mcnemar_exact_and_mid_p_by_hand() -> None:
    # b = 1 got worse, c = 9 improved; X ~ Binomial(10, 1/2), P(X <= 1) = 11/1024.
    # Exact p = 2 * 11/1024 = 22/1024 = 0.021484; mid-p = 22/1024 - P(X = 1)
    # = 22/1024 - 10/1024 = 12/1024 = 0.011719 (Fagerland, Lydersen & Laake 2013).
    # Uncorrected chi-square (9 - 1)^2 / 10 = 6.4.
    r = paired_binary(PairedCounts(a=5, b=1, c=9, d=5))
    assert r.p_exact == pytest.approx(22 / 1024)
    assert r.p_mid == pytest.approx(12 / 1024)
    assert r.chi_square == pytest.approx(6.4)
    assert r.code == "improved"


def test_mcnemar_asymptotic_matches_agresti_presidential_approval() -> None:
    # Agresti, Categorical Data Analysis (2nd ed.), §10.1.1: approval of the President
    # in two surveys of the same 1600 people, [[794, 150], [86, 570]]:
    # z² = (86 - 150)² / (86 + 150) = 4096/236 = 17.36.
    r = paired_binary(PairedCounts(a=794, b=150, c=86, d=570))
    assert r.chi_square == pytest.approx(4096 / 236)
    assert round(r.chi_square or 0, 2) == 17.36
    # Fewer approved the second time: the "right" answer lost ground.
    assert r.code == "worsened"
    assert r.odds_ratio is not None and r.odds_ratio.estimate == pytest.approx(86 / 150)


def test_mid_p_when_b_equals_c_is_one() -> None:
    # 2·P(X <= 3) - P(X = 3) for Binomial(6, 1/2) = 2·42/64 - 20/64 = 64/64.
    assert mcnemar_mid_p(3, 3) == pytest.approx(1.0)


def test_matched_odds_ratio_exact_interval() -> None:
    # OR = c/b = 9. Clopper–Pearson for 9 of 10 (R: binom.test(9, 10)$conf.int ->
    # 0.5549839 0.9974714); the upper bound solves t^10 = 0.975, t = 0.975^(1/10).
    # Mapped by p/(1-p): 0.5549839/0.4450161 = 1.24711 and 0.9974714/0.0025286 = 394.48.
    ors = matched_odds_ratio(b=1, c=9)
    upper_p = 0.975 ** (1 / 10)
    assert ors.estimate == 9
    assert ors.low == pytest.approx(0.5549839 / (1 - 0.5549839), rel=1e-6)
    assert ors.high == pytest.approx(upper_p / (1 - upper_p))
    assert ors.code == "estimated"


def test_chinn_d_of_an_odds_ratio_of_nine() -> None:
    # Chinn (2000): d = ln(OR)/1.81; ln 9 = 2.197225, π/√3 = 1.813799 -> d = 1.21139.
    assert chinn_d(9) == pytest.approx(1.21139, abs=1e-5)
    assert matched_odds_ratio(1, 9).cohens_d == pytest.approx(1.21139, abs=1e-5)


def test_nobody_got_worse_gives_an_unbounded_odds_ratio() -> None:
    # b = 0, c = 5: OR = 5/0 = +∞. The Clopper–Pearson lower bound of 5/5 is 0.025^(1/5).
    ors = matched_odds_ratio(b=0, c=5)
    low_p = 0.025 ** (1 / 5)
    assert ors.code == "infinite" and ors.estimate is None and ors.high is None
    assert ors.low == pytest.approx(low_p / (1 - low_p))
    assert json_safe(ors)


def test_below_the_minimum_no_test_is_run() -> None:
    # 5 matched learners, all improved: exact p would be 2/32 = 0.0625 at best.
    r = paired_binary(PairedCounts(a=0, b=0, c=5, d=0))
    assert r.code == "too_few_matched" and r.p_exact is None and r.odds_ratio is None


def test_six_matched_learners_can_show_a_change() -> None:
    # b = 0, c = 6: exact p = 2 · 0.5^6 = 2/64 = 0.03125 < 0.05 (why MIN_MATCHED = 6).
    r = paired_binary(PairedCounts(a=0, b=0, c=6, d=0))
    assert outcomes.MIN_MATCHED == 6
    assert r.p_exact == pytest.approx(2 / 64) and r.code == "improved"


def test_five_improvers_among_eight_are_not_enough() -> None:
    # b = 0, c = 5: exact p = 2/32 = 0.0625 (mid-p = 1/32 = 0.03125, reported, not judged).
    r = paired_binary(PairedCounts(a=3, b=0, c=5, d=0))
    assert r.p_exact == pytest.approx(0.0625) and r.p_mid == pytest.approx(1 / 32)
    assert r.code == "no_clear_change"


def test_no_discordant_pairs_is_a_code_not_a_nan() -> None:
    r = paired_binary(PairedCounts(a=4, b=0, c=0, d=4))
    assert r.code == "no_discordant_pairs" and r.p_exact == 1.0 and r.odds_ratio is None
    assert json_safe(r)


# --- Stuart–Maxwell and Bowker --------------------------------------------------------------

TABLE = [[20, 10, 5], [3, 30, 15], [2, 4, 40]]


def test_stuart_maxwell_by_hand() -> None:
    # Row sums (35, 48, 46), column sums (25, 44, 60); d = rows - cols = (10, 4, -14).
    # On the first two categories: V11 = 35 + 25 - 2·20 = 20, V22 = 48 + 44 - 2·30 = 32,
    # V12 = -(10 + 3) = -13; det = 640 - 169 = 471, V⁻¹ = [[32, 13], [13, 20]] / 471.
    # d'V⁻¹d = (32·100 + 2·13·40 + 20·16) / 471 = 4560/471 = 9.6815, df = 2,
    # p = exp(-9.6815/2) = 0.00790 (chi-square with 2 df: sf(x) = e^(-x/2)).
    sm = stuart_maxwell(TABLE)
    assert sm is not None
    assert sm.statistic == pytest.approx(4560 / 471) and sm.df == 2
    assert sm.p_value == pytest.approx(math.exp(-4560 / 471 / 2))
    expected = SquareTable(np.array(TABLE), shift_zeros=False).homogeneity()
    assert sm.statistic == pytest.approx(expected.statistic)


def test_bowker_by_hand() -> None:
    # Pairs (1,2): (10-3)²/13 = 3.7692; (1,3): (5-2)²/7 = 1.2857; (2,3): (15-4)²/19 = 6.3684.
    # Sum 49/13 + 9/7 + 121/19 = 11.4234, df = 3; chi-square sf with 3 df is
    # erfc(√(x/2)) + √(2x/π)·e^(-x/2) = 0.00964.
    x = 49 / 13 + 9 / 7 + 121 / 19
    bw = bowker(TABLE)
    assert bw is not None and bw.df == 3
    assert bw.statistic == pytest.approx(x)
    sf3 = math.erfc(math.sqrt(x / 2)) + math.sqrt(2 * x / math.pi) * math.exp(-x / 2)
    assert bw.p_value == pytest.approx(sf3)
    assert round(bw.p_value, 5) == 0.00964


def test_a_two_by_two_stuart_maxwell_is_mcnemar() -> None:
    # statsmodels SquareTable.homogeneity notes: for 2×2 it equals McNemar's (b - c)²/(b + c).
    sm = stuart_maxwell([[794, 150], [86, 570]])
    assert sm is not None and sm.statistic == pytest.approx(4096 / 236) and sm.df == 1


def test_all_on_the_diagonal_is_no_discordant_pairs() -> None:
    r = paired_categories([[5, 0, 0], [0, 4, 0], [0, 0, 3]], ["a", "b", "c"])
    assert r.code == "no_discordant_pairs" and r.stuart_maxwell is None and r.bowker is None
    assert r.p_value == 1.0
    assert json_safe(r)


def test_a_category_nobody_chose_is_dropped() -> None:
    # Category a is empty; on b, c the table is [[4, 3], [1, 3]]: McNemar (3 - 1)²/4 = 1, df 1.
    r = paired_categories([[0, 0, 0], [0, 4, 3], [0, 1, 3]], ["a", "b", "c"])
    assert r.stuart_maxwell is not None
    assert r.stuart_maxwell.statistic == pytest.approx(1.0) and r.stuart_maxwell.df == 1
    assert r.bowker is not None and r.bowker.df == 1


def test_categories_nobody_moves_between_are_tested_as_separate_groups() -> None:
    # Nobody moves between {w, x} and {y, z}: statsmodels alone would meet a singular
    # covariance matrix. {w, x}: (2 - 1)²/3 = 1/3; {y, z}: (3 - 0)²/3 = 3; total 10/3,
    # df = 1 + 1 = 2, p = exp(-5/3) = 0.18888. Bowker: the same two pairs, df 2.
    table = [[5, 2, 0, 0], [1, 4, 0, 0], [0, 0, 3, 3], [0, 0, 0, 2]]
    r = paired_categories(table, ["w", "x", "y", "z"])
    assert r.stuart_maxwell is not None and r.bowker is not None
    assert r.stuart_maxwell.statistic == pytest.approx(10 / 3) and r.stuart_maxwell.df == 2
    assert r.stuart_maxwell.p_value == pytest.approx(math.exp(-5 / 3))
    assert r.bowker.statistic == pytest.approx(10 / 3) and r.bowker.df == 2
    assert r.code == "no_clear_change"


def test_too_few_matched_for_categories() -> None:
    r = paired_categories([[1, 2], [2, 0]], ["a", "b"])
    assert r.code == "too_few_matched" and r.p_value is None


def test_paired_table_and_unknown_categories() -> None:
    assert paired_table([("a", "b"), ("a", "b"), ("b", "b")], ["a", "b"]) == ((0, 2), (0, 1))
    with pytest.raises(ValueError, match="unknown category"):
        paired_table([("a", "z")], ["a", "b"])
    with pytest.raises(ValueError, match="k×k"):
        paired_categories([[1, 2]], ["a", "b"])


# --- unmatched ------------------------------------------------------------------------------


def test_fisher_tea_tasting() -> None:
    # Fisher's lady tasting tea, [[3, 1], [1, 3]]: hypergeometric weights 1, 16, 36, 16, 1
    # of 70; two-sided p = 34/70 = 0.4857 (R: fisher.test(TeaTasting) -> 0.4857, conditional
    # MLE odds ratio 6.408309).
    r = unmatched_binary(pre_right=1, pre_wrong=3, post_right=3, post_wrong=1)
    assert r.method == "fisher_exact" and r.p_value == pytest.approx(34 / 70)
    assert r.odds_ratio is not None
    assert r.odds_ratio.estimate == pytest.approx(6.408309, rel=1e-5)
    assert r.code == "no_clear_difference"


def test_cohens_h_for_half_against_eight_tenths() -> None:
    # h = 2·asin√0.8 - 2·asin√0.5 = 2·1.107149 - 2·0.785398 = 0.643501 (Cohen 1988, §6.2).
    assert cohens_h(0.5, 0.8) == pytest.approx(0.643501, abs=1e-6)
    r = unmatched_binary(pre_right=5, pre_wrong=5, post_right=8, post_wrong=2)
    assert r.cohens_h == pytest.approx(0.643501, abs=1e-6)


def test_cramers_v_of_a_two_by_two_is_phi() -> None:
    # [[10, 20], [20, 10]]: phi = |ad - bc| / √(r1 r2 c1 c2) = |100 - 400| / 900 = 1/3.
    r = unmatched_binary(pre_right=10, pre_wrong=20, post_right=20, post_wrong=10)
    assert r.cramers_v == pytest.approx(1 / 3)


def test_large_counts_use_chi_square_and_cramers_v() -> None:
    # [[10, 20, 30], [30, 20, 10]]: every expected count is 20 (>= 5, Cochran's rule);
    # chi² = (100 + 0 + 100) · 2 / 20 = 20, df 2, p = e^(-10) = 4.54e-5;
    # V = √(20 / (120 · 1)) = √(1/6) = 0.408248.
    r = unmatched([10, 20, 30], [30, 20, 10])
    assert r.method == "chi_square"
    assert r.p_value == pytest.approx(math.exp(-10))
    assert r.cramers_v == pytest.approx(math.sqrt(1 / 6))
    assert r.code == "differs"


def test_small_counts_use_freeman_halton_exact() -> None:
    # [[3, 0, 1], [0, 3, 1]]: the ten tables with these margins weigh 3, 9, 3, 2, 18, 18, 2,
    # 3, 9, 3 of C(8,4) = 70; the observed and its mirror weigh 2 each: p = 4/70 = 0.05714
    # (R: fisher.test(matrix(c(3, 0, 0, 3, 1, 1), 2)) -> 0.05714; tests/core/test_stats.py).
    r = unmatched([3, 0, 1], [0, 3, 1])
    assert r.method == "freeman_halton_exact"
    assert r.p_value == pytest.approx(4 / 70)


def test_everyone_right_both_times_needs_no_test() -> None:
    r = unmatched_binary(pre_right=5, pre_wrong=0, post_right=6, post_wrong=0)
    assert r.method == "none_needed" and r.p_value == 1.0 and r.cohens_h == 0.0
    assert r.odds_ratio is not None and r.odds_ratio.code == "undefined"
    assert json_safe(r)


def test_everyone_wrong_then_right_is_improved_with_an_unbounded_odds_ratio() -> None:
    # [[6, 0], [0, 5]]: margins 6, 5 / 6, 5; P(x = 6) = C(6,6)·C(5,0)/C(11,6) = 1/462, and
    # the other extreme x = 1 weighs 6/462, more probable: p = 1/462 = 0.002165.
    # h = 2·asin 1 - 2·asin 0 = π.
    r = unmatched_binary(pre_right=0, pre_wrong=5, post_right=6, post_wrong=0)
    assert r.p_value == pytest.approx(1 / 462) and r.cohens_h == pytest.approx(math.pi)
    assert r.code == "improved"
    assert r.odds_ratio is not None and r.odds_ratio.code == "infinite"
    assert json_safe(r)


def test_too_few_answers_on_a_side() -> None:
    # Three per side: the best possible Fisher p is 2/C(6,3) = 0.1.
    r = unmatched_binary(pre_right=0, pre_wrong=3, post_right=3, post_wrong=0)
    assert r.code == "too_few_answers" and r.p_value is None


def test_mismatched_categories_are_refused() -> None:
    with pytest.raises(ValueError, match="same categories"):
        unmatched([1, 2, 3], [1, 2])


# --- items and activities -------------------------------------------------------------------


def _binary_item(item_id: str, b: int, c: int, a: int = 3, d: int = 2) -> ItemAnswers[bool]:
    pairs = [(True, True)] * a + [(True, False)] * b + [(False, True)] * c + [(False, False)] * d
    pre = {f"u{i}": p for i, (p, _) in enumerate(pairs)}
    post = {f"u{i}": q for i, (_, q) in enumerate(pairs)}
    return ItemAnswers(item_id, pre, post)


def test_binary_item_matched_uses_mcnemar() -> None:
    item = _binary_item("Q1", b=1, c=9)
    out = binary_item(item, Design.MATCHED)
    assert out.learners == LearnerCounts(matched=15, pre_only=0, post_only=0)
    assert out.p_value == pytest.approx(22 / 1024) and out.code == "improved"
    assert json.dumps(out.to_dict(), allow_nan=False)


def test_binary_item_unmatched_compares_everyone() -> None:
    # Different tokens before and after: pre 1 right of 4, post 3 right of 4 (tea tasting).
    item = ItemAnswers(
        "Q1",
        {"a": True, "b": False, "c": False, "d": False},
        {"w": True, "x": True, "y": True, "z": False},
    )
    out = binary_item(item, Design.UNMATCHED)
    assert out.learners == LearnerCounts(matched=0, pre_only=4, post_only=4)
    assert out.p_value == pytest.approx(34 / 70)


def test_category_item_both_designs() -> None:
    pre = {f"u{i}": v for i, v in enumerate("aaaaaabbbb")}
    post = {f"u{i}": v for i, v in enumerate("bbbbbbbbba")}
    matched = category_item(ItemAnswers("L", pre, post), ["a", "b"], Design.MATCHED)
    # Pairs: a→b 6, b→b 3, b→a 1: McNemar-like (6 - 1)²/7 = 25/7.
    assert matched.result.to_dict()["stuart_maxwell"]["statistic"] == pytest.approx(25 / 7)  # type: ignore[index]
    apart = category_item(ItemAnswers("L", pre, post), ["a", "b"], Design.UNMATCHED)
    assert apart.result.to_dict()["pre"] == [6, 4] and apart.result.to_dict()["post"] == [1, 9]
    with pytest.raises(ValueError, match="unknown categories"):
        category_item(ItemAnswers("L", {"u": "z"}, {}), ["a"], Design.UNMATCHED)


def test_holm_known_values() -> None:
    # Holm (1979): sorted 0.01, 0.03, 0.04 times 3, 2, 1 = 0.03, 0.06, 0.04; running
    # maximum 0.03, 0.06, 0.06; back in input order [0.03, 0.06, 0.06].
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([]) == []


def test_summary_holm_adjusts_codes_and_pools_matched_items() -> None:
    items = [
        # Holm over the 4 tested: Q2 smallest (×4), Q1 second (×3), then Q4, Q3.
        _binary_item("Q1", b=1, c=9),  # exact p = 22/1024 = 0.0215; Holm ×3 = 0.0645
        _binary_item("Q2", b=0, c=12),  # exact p = 2/4096; Holm ×4 = 0.00195
        _binary_item("Q3", b=2, c=2),  # p = 1
        _binary_item("Q4", b=3, c=5),  # p = 2·P(X <= 3 | n = 8) = 2·93/256 = 0.7266
        _binary_item("Q5", b=0, c=1, a=1, d=1),  # 3 matched: too few
    ]
    outs = [binary_item(i, Design.MATCHED) for i in items]
    summary = summarise(outs, activity_learners(items))
    by_id = {i.item_id: i for i in summary.items}
    assert by_id["Q2"].p_holm == pytest.approx(4 * 2 / 4096)
    assert by_id["Q1"].p_holm == pytest.approx(3 * 22 / 1024)
    assert by_id["Q4"].p_holm == pytest.approx(
        1.0
    )  # third smallest: 2 × 186/256 = 1.45, capped at 1
    assert by_id["Q1"].code == "no_clear_change"  # improved alone, not after Holm
    assert by_id["Q2"].code == "improved"
    assert by_id["Q5"].p_holm is None and by_id["Q5"].code == "too_few_matched"
    assert summary.items_tested == 4 and summary.code == "summarised"
    # Pooled MH OR over every learner-item pair: Σc/Σb = (9+12+2+5+1)/(1+0+2+3+0) = 29/6.
    assert summary.pooled is not None and summary.pooled_code == "pooled"
    assert summary.pooled.odds_ratio == pytest.approx(29 / 6)
    # Chinn 2000: d = ln(OR)/(π/√3) = ln(29/6)/1.8137994 = 0.8686387 (by hand, not chinn_d)
    assert summary.pooled.cohens_d == pytest.approx(0.8686387, abs=1e-7)
    assert json.dumps(summary.to_dict(), allow_nan=False)


def test_pooled_matched_or_is_statsmodels_mantel_haenszel_over_pairs() -> None:
    # Each learner's pair as a stratum [[post right, post wrong], [pre right, pre wrong]]:
    # statsmodels StratifiedTable's MH estimate must equal Σc/Σb.
    counts = [PairedCounts(3, 1, 9, 2), PairedCounts(2, 2, 5, 1)]
    strata = []
    for k in counts:
        cells = {(1, 1): k.a, (1, 0): k.b, (0, 1): k.c, (0, 0): k.d}
        for (pre, post), n in cells.items():
            table = np.zeros((2, 2))
            table[0, 1 - post] += 1
            table[1, 1 - pre] += 1
            strata += [table] * n
    mh = StratifiedTable(strata).oddsratio_pooled
    outs = [binary_item(_binary_item(f"Q{i}", k.b, k.c, k.a, k.d), Design.MATCHED)
            for i, k in enumerate(counts)]  # fmt: skip
    pooled, _ = outcomes.pooled_effect(outs)
    assert pooled is not None and pooled.odds_ratio == pytest.approx(mh) == 14 / 3


def test_pooled_unmatched_or_by_hand() -> None:
    # Items' tables [[post right, post wrong], [pre right, pre wrong]]:
    # [[8, 2], [5, 5]] and [[6, 4], [3, 7]], n = 20 each.
    # MH = (8·5/20 + 6·7/20) / (2·5/20 + 4·3/20) = 4.1 / 1.1 = 3.7273.
    outs = []
    for item_id, (pr, pw, qr, qw) in {"A": (5, 5, 8, 2), "B": (3, 7, 6, 4)}.items():
        pre = {f"p{i}": i < pr for i in range(pr + pw)}
        post = {f"q{i}": i < qr for i in range(qr + qw)}
        outs.append(binary_item(ItemAnswers(item_id, pre, post), Design.UNMATCHED))
    summary = summarise(outs, LearnerCounts(0, 20, 20))
    assert summary.pooled is not None and summary.pooled.method == "mantel_haenszel_unmatched"
    assert summary.pooled.odds_ratio == pytest.approx(4.1 / 1.1)
    assert summary.code == "too_few_items"  # 2 < MIN_ITEMS = 4


def test_mixed_designs_are_not_pooled() -> None:
    a = binary_item(_binary_item("A", b=1, c=9), Design.MATCHED)
    b = binary_item(_binary_item("B", b=1, c=9), Design.UNMATCHED)
    summary = summarise([a, b], LearnerCounts(15, 0, 0))
    assert summary.pooled is None and summary.pooled_code == "mixed_designs"


# --- properties -----------------------------------------------------------------------------

cells = st.integers(min_value=0, max_value=60)


@given(cells, cells, cells, cells)
def test_mcnemar_p_values_are_probabilities(a: int, b: int, c: int, d: int) -> None:
    r = paired_binary(PairedCounts(a, b, c, d))
    for p in (r.p_exact, r.p_mid, r.p_chi_square):
        assert p is None or 0.0 <= p <= 1.0
    if r.p_exact is not None and r.p_mid is not None:
        assert r.p_mid <= r.p_exact + 1e-12
    assert json_safe(r)


@given(cells, cells.filter(bool), cells.filter(bool), cells)
def test_swapping_pre_and_post_inverts_the_odds_ratio(a: int, b: int, c: int, d: int) -> None:
    # Swapping pre and post turns right→wrong into wrong→right: (a, b, c, d) -> (a, c, b, d).
    fwd, back = matched_odds_ratio(b, c), matched_odds_ratio(c, b)
    assert fwd.estimate is not None and back.estimate is not None
    assert back.estimate == pytest.approx(1 / fwd.estimate)
    assert back.low == pytest.approx(1 / fwd.high) and back.high == pytest.approx(1 / fwd.low)
    assert back.cohens_d == pytest.approx(-(fwd.cohens_d or 0.0), abs=1e-12)


@given(cells, cells, cells, cells)
def test_swapping_groups_flips_cohens_h(pr: int, pw: int, qr: int, qw: int) -> None:
    fwd, back = unmatched_binary(pr, pw, qr, qw), unmatched_binary(qr, qw, pr, pw)
    assert (fwd.p_value is None) == (back.p_value is None)
    if fwd.p_value is not None and back.p_value is not None:
        assert back.p_value == pytest.approx(fwd.p_value)
        assert back.cohens_h == pytest.approx(-(fwd.cohens_h or 0.0), abs=1e-12)
        assert 0.0 <= fwd.p_value <= 1.0


@given(st.lists(st.lists(st.integers(min_value=0, max_value=8), min_size=3, max_size=3),
                min_size=3, max_size=3))  # fmt: skip
def test_square_tables_never_give_nan(table: list[list[int]]) -> None:
    r = paired_categories(table, ["a", "b", "c"])
    for test in (r.stuart_maxwell, r.bowker):
        assert test is None or 0.0 <= test.p_value <= 1.0
    assert json_safe(r)


# statsmodels' multipletests runs gc.collect() on every call (~25-60 ms): fewer examples.
@settings(max_examples=40)
@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=12))
def test_holm_is_at_least_raw_and_keeps_the_order(ps: list[float]) -> None:
    adjusted = holm(ps)
    assert all(p - 1e-12 <= q <= 1.0 for p, q in zip(ps, adjusted, strict=True))
    for i in range(len(ps)):
        for j in range(len(ps)):
            if ps[i] <= ps[j]:
                assert adjusted[i] <= adjusted[j] + 1e-12


def test_a_mean_interval_stops_at_the_scale_ends() -> None:
    # 3, 4, 4: mean 11/3, SD √(1/3); t(0.975, 2) = 4.302653 → 11/3 ± 1.434218 = 2.23 to 5.10
    half = 4.302653 * math.sqrt(1 / 3) / math.sqrt(3)
    free = outcomes.mean_ci([3.0, 4.0, 4.0])
    assert (free.low, free.high) == pytest.approx((11 / 3 - half, 11 / 3 + half), abs=1e-5)
    points = (1.0, 2.0, 3.0, 4.0)
    clipped = outcomes.mean_ci([3.0, 4.0, 4.0], scale=points)
    assert (clipped.mean, clipped.low, clipped.high) == pytest.approx((11 / 3, 11 / 3 - half, 4))
    both = outcomes.rating_change({"a": 1.0, "b": 2.0}, {"a": 4.0, "b": 3.0},
                                  outcomes.Design.UNMATCHED, scale=points)  # fmt: skip
    assert both.pre.low == 1.0 and both.post.high == 4.0  # 1.5 ± 6.35, 3.5 ± 6.35
