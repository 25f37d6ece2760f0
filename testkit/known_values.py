"""The known values the outcomes report's statistics are checked against, as one table.

Each row: the statistic, its input, the expected value, where that value comes from
(a textbook, R, or arithmetic shown in tests/core/test_outcomes.py and
tests/core/test_outcomes_report.py), and what her2poll computes. The test
``tests/core/test_known_values.py`` asserts every row; ``python -m
testkit.known_values`` prints the table (Markdown) for a report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from her2poll.core import outcomes as o


@dataclass(frozen=True)
class Known:
    statistic: str
    given: str
    expected: float
    source: str
    got: Callable[[], float | None]
    tolerance: float = 1e-6

    def value(self) -> float:
        got = self.got()
        assert got is not None, self.statistic
        return float(got)

    def ok(self) -> bool:
        return math.isclose(self.value(), self.expected, rel_tol=self.tolerance, abs_tol=1e-12)


def _mcnemar(a: int, b: int, c: int, d: int) -> o.McNemarResult:
    return o.paired_binary(o.PairedCounts(a, b, c, d))


TABLE = [[20, 10, 5], [3, 30, 15], [2, 4, 40]]
_X = 49 / 13 + 9 / 7 + 121 / 19
#: The chi-square upper tail with 3 df, in closed form.
_SF3 = math.erfc(math.sqrt(_X / 2)) + math.sqrt(2 * _X / math.pi) * math.exp(-_X / 2)
_UP = 0.975 ** (1 / 10)
_RATING_PRE = {f"L{i}": float(v) for i, v in enumerate([1, 2, 2, 3, 1, 2])}
_RATING_POST = {f"L{i}": float(v) for i, v in enumerate([3, 3, 4, 4, 2, 3])}


def _sm() -> o.ChiSquare:
    found = o.stuart_maxwell(TABLE)
    assert found is not None
    return found


def _bw() -> o.ChiSquare:
    found = o.bowker(TABLE)
    assert found is not None
    return found


def _change(design: o.Design) -> o.RatingChange:
    return o.rating_change(_RATING_PRE, _RATING_POST, design)


ROWS = [
    Known("McNemar exact p", "b = 1, c = 9", 22 / 1024, "2·P(Bin(10, ½) ≤ 1), by hand",
          lambda: _mcnemar(5, 1, 9, 5).p_exact),
    Known("McNemar mid-p", "b = 1, c = 9", 12 / 1024, "Fagerland et al. 2013, by hand",
          lambda: _mcnemar(5, 1, 9, 5).p_mid),
    Known("McNemar χ² (uncorrected)", "b = 1, c = 9", 6.4, "(9 − 1)²/10, by hand",
          lambda: _mcnemar(5, 1, 9, 5).chi_square),
    Known("McNemar χ²", "[[794, 150], [86, 570]]", 4096 / 236,
          "Agresti, Categorical Data Analysis §10.1.1: 17.36",
          lambda: _mcnemar(794, 150, 86, 570).chi_square),
    Known("McNemar exact p", "b = 1, c = 3 (report case)", 0.625, "2·5/16, by hand",
          lambda: _mcnemar(1, 1, 3, 1).p_exact),
    Known("matched OR c/b, lower 95%", "b = 1, c = 9", 0.5549839 / (1 - 0.5549839),
          "R binom.test(9, 10) 0.5549839, mapped by p/(1 − p)",
          lambda: o.matched_odds_ratio(1, 9).low),
    Known("matched OR c/b, upper 95%", "b = 1, c = 9", _UP / (1 - _UP),
          "0.975^(1/10) mapped by p/(1 − p) = 394.48", lambda: o.matched_odds_ratio(1, 9).high),
    Known("Cohen's d (Chinn)", "OR = 9", 1.21139, "ln 9 / (π/√3), Chinn 2000",
          lambda: o.chinn_d(9), 1e-5),
    Known("Stuart–Maxwell χ²", "3×3 table", 4560 / 471, "generalised inverse by hand; statsmodels",
          lambda: _sm().statistic),
    Known("Stuart–Maxwell p", "3×3 table, df 2", math.exp(-4560 / 471 / 2), "e^(−x/2), by hand",
          lambda: _sm().p_value),
    Known("Bowker χ²", "3×3 table", 49 / 13 + 9 / 7 + 121 / 19, "Bowker 1948, by hand",
          lambda: _bw().statistic),
    Known("Bowker p", "3×3 table, df 3", _SF3, "erfc(√(x/2)) + √(2x/π)·e^(−x/2) = 0.00964",
          lambda: _bw().p_value),
    Known("Fisher exact p", "[[3, 1], [1, 3]] (tea tasting)", 34 / 70, "R fisher.test: 0.4857",
          lambda: o.unmatched_binary(1, 3, 3, 1).p_value),
    Known("conditional MLE OR", "tea tasting", 6.408309, "R fisher.test: 6.408309",
          lambda: (o.unmatched_binary(1, 3, 3, 1).odds_ratio or o.OddsRatio(
              None, None, None, None, None, None, "")).estimate, 1e-5),
    Known("Fisher exact p", "pre 2/8 right, post 7/8 (report case)", 522 / 12870,
          "hypergeometric by hand", lambda: o.unmatched_binary(2, 6, 7, 1).p_value),
    Known("Freeman–Halton exact p", "[[3, 0, 1], [0, 3, 1]]", 4 / 70,
          "R fisher.test: 0.05714", lambda: o.unmatched([3, 0, 1], [0, 3, 1]).p_value),
    Known("Pearson χ² p", "[[10, 20, 30], [30, 20, 10]]", math.exp(-10), "χ² = 20, df 2",
          lambda: o.unmatched([10, 20, 30], [30, 20, 10]).p_value),
    Known("Cramér's V", "[[10, 20, 30], [30, 20, 10]]", math.sqrt(1 / 6), "√(20/120)",
          lambda: o.unmatched([10, 20, 30], [30, 20, 10]).cramers_v),
    Known("Cramér's V (= φ)", "[[10, 20], [20, 10]]", 1 / 3, "abs(ad − bc)/√(r1 r2 c1 c2)",
          lambda: o.unmatched_binary(10, 20, 20, 10).cramers_v),
    Known("Cohen's h", "0.5 → 0.8", 0.643501, "Cohen 1988 §6.2", lambda: o.cohens_h(0.5, 0.8)),
    Known("Cohen's h", "2/8 → 7/8", 1.371660, "2·asin√(7/8) − 2·asin√(2/8)",
          lambda: o.cohens_h(2 / 8, 7 / 8)),
    Known("Holm adjusted p", "[0.01, 0.04, 0.03] → 2nd", 0.06, "Holm 1979, by hand",
          lambda: o.holm([0.01, 0.04, 0.03])[1]),
    Known("rating change, matched", "1,2,2,3,1,2 → 3,3,4,4,2,3", 4 / 3, "mean of the changes",
          lambda: _change(o.Design.MATCHED).change),
    Known("its 95% interval, lower", "paired t, 5 df", 0.791407,
          "4/3 − 2.570582·0.516398/√6", lambda: _change(o.Design.MATCHED).low, 1e-5),
    Known("Cohen's d_z", "same", 2.581989, "(4/3)/0.516398, Lakens 2013",
          lambda: _change(o.Design.MATCHED).cohens_d, 1e-5),
    Known("rating change, unmatched: Cohen's d", "same, as two groups", 1.771230,
          "(4/3)/√0.566667 (pooled SD)", lambda: _change(o.Design.UNMATCHED).cohens_d, 1e-5),
    Known("mean, 95% t interval, upper", "values 3, 3, 4", 10 / 3 + 4.302653 / 3,
          "t(0.975, 2) = 4.302653, SD √(1/3)", lambda: o.mean_ci([3.0, 3.0, 4.0]).high, 1e-5),
]  # fmt: skip


def markdown() -> str:
    lines = ["| statistic | input | expected | source | got | ok |", "|---|---|---|---|---|---|"]
    for k in ROWS:
        lines.append(f"| {k.statistic} | {k.given} | {k.expected:.6g} | {k.source} | "
                     f"{k.value():.6g} | {'yes' if k.ok() else 'NO'} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
