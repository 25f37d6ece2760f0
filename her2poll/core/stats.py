"""The live room against the published panel: intervals, one test, one effect size, one line.

The published panel is tiny (``N = 12`` at most) and its counts are only
reconstructed, so every number here is chosen to stay honest with tiny cells:
Wilson intervals instead of ``p ± 2 SE``, an exact Fisher–Freeman–Halton test
instead of chi-square, and a verdict that claims a difference only when every
reconstruction of the published counts supports it.

scipy and statsmodels compute the distributions and intervals; this module
only decides which to call. They are imported inside the functions that call
them: together they take about a second to import (statsmodels brings pandas),
which every ``her2poll`` command and an export of a session with no answers
would otherwise wait for. Its verdict is a code plus the numbers behind it
(:class:`VerdictParams`); :mod:`.wording` and the pages put it into words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING

from .items import ChoiceItem
from .published import Column, QuestionReconstruction, Reconstruction
from .tallies import Tally, largest_remainder

if TYPE_CHECKING:
    import numpy as np

ALPHA = 0.05
#: Fewer live answers than this and the room says nothing, whatever a test would say.
MIN_LIVE_N = 5
#: Fixed so the same tallies always give the same p-value on every screen.
SEED = 20210604
MONTE_CARLO_RESAMPLES = 9_999
#: Largest number of tables enumerated for the exact test; beyond it, Monte Carlo.
EXACT_LIMIT = 100_000
#: At most this many reconstructions are tested for the sensitivity range.
MAX_SENSITIVITY = 50
#: Relative tolerance for "as or less probable than observed", as R's fisher.test.
_REL_TOL = 1e-7

TVD_NAME = "total variation distance"
TVD_METHOD = (
    "95% interval from Bonferroni-adjusted Newcombe (hybrid Wilson score) intervals "
    "of the per-option differences; conservative"
)


@dataclass(frozen=True)
class Interval:
    """A 95% interval of a share or a difference of shares (0–1 scale)."""

    low: float
    high: float

    def to_percent(self) -> list[float]:
        return [100 * self.low, 100 * self.high]


@dataclass(frozen=True)
class OptionComparison:
    """One column of the comparison: an option, or the merged unprinted remainder.

    :param printed_percent: the figure as the source prints it; ``None`` if unprinted.
    :param derived_percent: our derived remainder figure, if the column is one.
    :param difference: live share minus the published count-based share.
    """

    key: str
    option_ids: tuple[str, ...]
    live_count: int
    live_share: float | None
    live_ci: Interval | None
    printed_percent: float | None
    derived_percent: float | None
    published_count: int
    published_share: float
    published_ci: Interval
    difference: float | None
    difference_ci: Interval | None

    def to_dict(self) -> dict[str, object]:
        return {
            "key": self.key,
            "option_ids": list(self.option_ids),
            "live_count": self.live_count,
            "live_percent": _pct(self.live_share),
            "live_ci_percent": self.live_ci.to_percent() if self.live_ci else None,
            "printed_percent": self.printed_percent,
            "derived_percent": self.derived_percent,
            "published_count": self.published_count,
            "published_percent": _pct(self.published_share),
            "published_ci_percent": self.published_ci.to_percent(),
            "difference_pp": _pct(self.difference),
            "difference_ci_pp": self.difference_ci.to_percent() if self.difference_ci else None,
        }


@dataclass(frozen=True)
class TestResult:
    """One test of "same distribution" against one set of published counts.

    :param tables: tables enumerated (exact) or drawn (Monte Carlo); 0 when no test
        was needed or scipy's 2×2 test enumerated them itself.
    :param seed: the random seed, for Monte Carlo only.
    """

    method: str
    p_value: float
    tables: int
    seed: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "p_value": self.p_value,
            "tables": self.tables,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class SensitivityRun:
    """The test repeated against one alternative reconstruction of the published counts."""

    n: int
    counts: tuple[int, ...]
    rules: tuple[str, ...]
    p_value: float

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "counts": list(self.counts),
            "rules": list(self.rules),
            "p_value": self.p_value,
        }


@dataclass(frozen=True)
class EffectSize:
    """How far apart the two distributions are, with its interval (0–1 scale)."""

    name: str
    estimate: float
    ci: Interval
    method: str

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "estimate": self.estimate,
            "ci": [self.ci.low, self.ci.high],
            "method": self.method,
        }


@dataclass(frozen=True)
class Comparison:
    """The whole comparison of one question, ready for the moderator's screen.

    :param published_source: ``reconstruction`` (counts that print the figures),
        ``scaled_printed`` (no reconstruction exists; printed percentages scaled
        to the cap) or ``none`` (nothing published).
    :param verdict_code: a stable snake_case summary of the verdict for clients;
        with ``verdict_params`` it is all a view needs to word the verdict.
    """

    question_id: str
    live_n: int
    published_n: int
    published_source: str
    published_inconsistent: bool
    options: tuple[OptionComparison, ...]
    test: TestResult | None
    sensitivity: tuple[SensitivityRun, ...]
    effect: EffectSize | None
    verdict_code: str
    verdict_params: VerdictParams

    @property
    def p_range(self) -> tuple[float, float] | None:
        """The smallest and largest p-value over the tested reconstructions."""
        ps = [s.p_value for s in self.sensitivity] or ([self.test.p_value] if self.test else [])
        return (min(ps), max(ps)) if ps else None

    def to_dict(self) -> dict[str, object]:
        p_range = self.p_range
        return {
            "question_id": self.question_id,
            "live_n": self.live_n,
            "published_n": self.published_n,
            "published_source": self.published_source,
            "published_inconsistent": self.published_inconsistent,
            "options": [o.to_dict() for o in self.options],
            "test": self.test.to_dict() if self.test else None,
            "sensitivity": [s.to_dict() for s in self.sensitivity],
            "p_range": list(p_range) if p_range else None,
            "effect": self.effect.to_dict() if self.effect else None,
            "verdict_code": self.verdict_code,
            "verdict_params": self.verdict_params.to_dict(),
        }


def _pct(share: float | None) -> float | None:
    return None if share is None else 100 * share


# --- intervals ----------------------------------------------------------------------------


#: The two-sided 95% normal quantile exactly as scipy gives it (``scipy.stats.norm.isf(0.025)``,
#: which statsmodels' Wilson interval uses); ``statistics.NormalDist`` differs in the last
#: digits. ``tests/core/test_stats.py`` checks it against scipy.
Z_95 = 1.9599639845400545


def wilson(count: int, n: int) -> Interval:
    """Wilson score 95% interval of ``count / n``; honest at 0/9 and 9/9, unlike Wald.

    statsmodels' ``proportion_confint(count, n, 0.05, "wilson")``, step for step in
    the same float arithmetic (a test holds the two equal to the last bit): every
    export and page computes it for the published figures, and importing
    statsmodels for it alone would cost a second (it brings pandas).

    :raises ValueError: when ``n`` is 0: there is no share to bound.
    """
    if n <= 0:
        raise ValueError("a share of nobody has no interval")
    q, nobs = count / n, float(n)
    crit2 = Z_95 * Z_95
    denom = 1 + crit2 / nobs
    center = (q + crit2 / (2 * nobs)) / denom
    dist = Z_95 * math.sqrt(q * (1.0 - q) / nobs + crit2 / (4.0 * (nobs * nobs)))
    dist /= denom
    low, high = min(max(center - dist, 0.0), 1.0), min(max(center + dist, 0.0), 1.0)
    # Float rounding leaves 0/7's lower bound at 3e-17: an interval that excludes its own 0%.
    return Interval(min(low, q), max(high, q))


def difference_intervals(
    live: Sequence[int], published: Sequence[int], alpha: float = ALPHA
) -> list[Interval]:
    """Newcombe hybrid score intervals of live minus published share, per option.

    Newcombe's method stays inside [-1, 1] and behaves with zero cells, which
    the Wald difference interval does not.
    """
    import numpy as np
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(
        np.asarray(live),
        sum(live),
        np.asarray(published),
        sum(published),
        method="newcomb",
        compare="diff",
        alpha=alpha,
    )
    return [Interval(float(lo), float(hi)) for lo, hi in zip(low, high, strict=True)]


def total_variation(live: Sequence[int], published: Sequence[int]) -> EffectSize:
    """Half the summed absolute share differences: the largest gap over any set of options.

    The interval holds every per-option difference at once (Bonferroni over the
    options) and takes the smallest and largest distance those allow. It is
    used instead of a bootstrap because with ≤ 12 published answers a bootstrap
    percentile interval of this distance sits above zero even for identical
    rooms, which would claim a difference the test does not support.
    """
    nl, npub = sum(live), sum(published)
    diffs = [lv / nl - pv / npub for lv, pv in zip(live, published, strict=True)]
    bounds = difference_intervals(live, published, alpha=ALPHA / len(live))
    low = sum(max(0.0, b.low, -b.high) for b in bounds) / 2
    high = min(1.0, sum(max(abs(b.low), abs(b.high)) for b in bounds) / 2)
    estimate = sum(abs(d) for d in diffs) / 2
    # The bounds contain the estimate exactly; min/max only absorb float rounding.
    ci = Interval(min(low, estimate), max(high, estimate))
    return EffectSize(TVD_NAME, estimate, ci, TVD_METHOD)


# --- the test -----------------------------------------------------------------------------


def _bounded_compositions(total: int, caps: Sequence[int]) -> np.ndarray:
    """Every vector ``x`` with ``sum(x) == total`` and ``0 <= x[j] <= caps[j]``, as rows."""
    import numpy as np

    rows = np.zeros((1, 0), dtype=np.int64)
    left = np.array([total], dtype=np.int64)
    for j, cap in enumerate(caps):
        rest = sum(caps[j + 1 :])
        values = range(min(cap, total) + 1) if j < len(caps) - 1 else [None]
        parts, lefts = [], []
        for v in values:
            take = left if v is None else np.full_like(left, v)
            keep = (take <= cap) & (take <= left) & (left - take <= rest)
            parts.append(np.column_stack([rows[keep], take[keep]]))
            lefts.append(left[keep] - take[keep])
        rows, left = np.concatenate(parts), np.concatenate(lefts)
    return rows


def _exact_p(row: np.ndarray, colsums: np.ndarray) -> tuple[float, int]:
    """Sum the null probabilities of all tables as or less probable than ``row``'s."""
    import numpy as np
    from scipy import stats as sps

    support = _bounded_compositions(int(row.sum()), [int(c) for c in colsums])
    logp = sps.multivariate_hypergeom.logpmf(support, m=colsums, n=int(row.sum()))
    observed = sps.multivariate_hypergeom.logpmf(row, m=colsums, n=int(row.sum()))
    p = float(np.exp(logp[logp <= observed + math.log1p(_REL_TOL)]).sum())
    return min(p, 1.0), len(support)


def _monte_carlo_p(row: np.ndarray, colsums: np.ndarray) -> float:
    """Share of tables drawn under the null as or less probable than ``row``'s.

    Drawn with scipy's multivariate hypergeometric directly:
    ``scipy.stats.fisher_exact(..., method=MonteCarloMethod())`` fails with a
    reshape error once the table's total exceeds a batch's cell count (scipy 1.17).
    """
    import numpy as np
    from scipy import stats as sps

    n = int(row.sum())
    rng = np.random.default_rng(SEED)
    draws = sps.multivariate_hypergeom.rvs(
        m=colsums, n=n, size=MONTE_CARLO_RESAMPLES, random_state=rng
    )
    logp = sps.multivariate_hypergeom.logpmf(draws, m=colsums, n=n)
    observed = sps.multivariate_hypergeom.logpmf(row, m=colsums, n=n)
    hits = int((logp <= observed + math.log1p(_REL_TOL)).sum())
    return (hits + 1) / (MONTE_CARLO_RESAMPLES + 1)


def same_distribution_test(live: Sequence[int], published: Sequence[int]) -> TestResult:
    """Fisher–Freeman–Halton test that two rows of counts come from one distribution.

    Exact when the tables with the observed margins are few enough to list:
    given the margins, a table is fixed by its smaller row, so a published panel
    of ≤ 12 with up to 8 options against any live room has at most 50,388 —
    which is why it is preferred to permuting 10,000 live answers. Beyond
    :data:`EXACT_LIMIT`, a Monte Carlo test with a fixed seed. Options nobody
    chose in either group are dropped; they carry no information.

    :param live: live counts per option.
    :param published: published counts per option, same order.
    :raises ValueError: when either row is empty: there is nothing to compare.
    """
    if sum(live) <= 0 or sum(published) <= 0:
        raise ValueError("both rows need at least one answer")
    import numpy as np
    from scipy import stats as sps

    table = np.array([live, published], dtype=np.int64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        return TestResult("no test needed: every answer is the same option", 1.0, 0)
    if table.shape[1] == 2:
        res = sps.fisher_exact(table, alternative="two-sided")
        return TestResult("Fisher's exact test (2×2, two-sided)", float(res.pvalue), 0)
    small = table[int(np.argmin(table.sum(axis=1)))]
    colsums = table.sum(axis=0)
    k, m = table.shape[1], int(small.sum())
    if math.comb(m + k - 1, k - 1) <= EXACT_LIMIT:
        p, tables = _exact_p(small, colsums)
        return TestResult(f"Fisher–Freeman–Halton exact test (2×{k})", p, tables)
    p = _monte_carlo_p(small, colsums)
    method = f"Fisher–Freeman–Halton Monte Carlo test (2×{k})"
    return TestResult(method, p, MONTE_CARLO_RESAMPLES, SEED)


# --- the published counts to compare with -------------------------------------------------


def scaled_printed(reconstruction: QuestionReconstruction) -> tuple[int, ...]:
    """The printed percentages as whole answers of the cap, for figures no ``n`` reproduces.

    The unprinted remainder gets what the printed figures leave of 100%.
    """
    weights = [c.printed for c in reconstruction.columns]
    rest = max(Fraction(0), 100 - reconstruction.printed_sum)
    scaled = [w if w is not None else rest for w in weights]
    # Exact shares of the cap: the percentages may carry decimals.
    denominator = math.lcm(*(int(w.denominator) for w in scaled)) if scaled else 1
    integral = [int(w * denominator) for w in scaled]
    return tuple(largest_remainder(integral, total=reconstruction.cap))


def _candidates(reconstruction: QuestionReconstruction) -> tuple[Reconstruction, ...]:
    return reconstruction.reconstructions[:MAX_SENSITIVITY]


def _live_columns(question: ChoiceItem, live: Tally, columns: Sequence[Column]) -> list[int]:
    if tuple(live.option_ids) != tuple(question.option_ids):
        raise ValueError(f"the tally's options do not match question {question.id}'s")
    by_id = dict(zip(live.option_ids, live.counts, strict=True))
    return [sum(by_id[i] for i in c.option_ids) for c in columns]


def _option_rows(
    columns: Sequence[Column], live: Sequence[int], published: Sequence[int]
) -> tuple[OptionComparison, ...]:
    nl, npub = sum(live), sum(published)
    diffs = difference_intervals(live, published) if nl else [None] * len(columns)
    rows = []
    for col, lv, pv, dci in zip(columns, live, published, diffs, strict=True):
        share = lv / nl if nl else None
        rows.append(
            OptionComparison(
                key=col.key,
                option_ids=col.option_ids,
                live_count=lv,
                live_share=share,
                live_ci=wilson(lv, nl) if nl else None,
                printed_percent=None if col.printed is None else float(col.printed),
                derived_percent=col.derived,
                published_count=pv,
                published_share=pv / npub,
                published_ci=wilson(pv, npub),
                difference=None if share is None else share - pv / npub,
                difference_ci=dci,
            )
        )
    return tuple(rows)


# --- words --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictParams:
    """The numbers a verdict rests on; each view words them (:mod:`.wording`, verdict.js).

    :param p_low: the smallest p over the tested reconstructions (``None``: no test ran).
    :param published_n_low: the smallest published n over those reconstructions.
    :param leaning_option_ids: for ``differs``, the column the room picks more often
        than the panel did; several ids are the merged unprinted remainder.
    :param inconsistent: no n up to ``cap`` reproduces the printed figures, so the
        comparison is against the printed percentages scaled to ``cap``.
    """

    live_n: int
    p_low: float | None = None
    p_high: float | None = None
    published_n_low: int | None = None
    published_n_high: int | None = None
    leaning_option_ids: tuple[str, ...] | None = None
    inconsistent: bool = False
    cap: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "live_n": self.live_n,
            "p_low": self.p_low,
            "p_high": self.p_high,
            "published_n_low": self.published_n_low,
            "published_n_high": self.published_n_high,
            "leaning_option_ids": (
                list(self.leaning_option_ids) if self.leaning_option_ids is not None else None
            ),
            "inconsistent": self.inconsistent,
            "cap": self.cap,
        }


def _leaning(rows: Sequence[OptionComparison]) -> tuple[str, ...]:
    """The column the room picks more often than the panel did."""
    return max(rows, key=lambda r: r.difference or 0.0).option_ids


def _verdict(
    live_n: int,
    pub_ns: Sequence[int],
    rows: Sequence[OptionComparison],
    p_range: tuple[float, float],
    inconsistent: VerdictParams,
) -> tuple[str, VerdictParams]:
    lo, hi = p_range
    params = replace(
        inconsistent,
        p_low=lo,
        p_high=hi,
        published_n_low=min(pub_ns),
        published_n_high=max(pub_ns),
    )
    if hi < ALPHA:
        return "differs", replace(params, leaning_option_ids=_leaning(rows))
    if lo < ALPHA:
        return "depends_on_reconstruction", params
    return "no_clear_difference", params


# --- the comparison -----------------------------------------------------------------------


def _without_published(question: ChoiceItem, live_n: int) -> Comparison:
    return Comparison(
        question.id, live_n, 0, "none", False, (), None, (), None,
        "no_published", VerdictParams(live_n),
    )  # fmt: skip


def _tested(
    live: Sequence[int], candidates: Sequence[Reconstruction]
) -> tuple[SensitivityRun, ...]:
    return tuple(
        SensitivityRun(
            c.n,
            c.counts,
            tuple(r.value for r in c.rules),
            same_distribution_test(live, c.counts).p_value,
        )
        for c in candidates
    )


def compare(
    question: ChoiceItem, live: Tally, reconstruction: QuestionReconstruction
) -> Comparison:
    """Compare the live tally of a question with its published counts.

    :param question: the question, for its options' words.
    :param live: the live tally, in the question's option order.
    :param reconstruction: the published side, from
        :func:`her2poll.core.published.reconstruct_question`.
    :return: intervals per option, the test (and its sensitivity range over the
        reconstructions), the effect size and a one-line verdict.
    """
    if reconstruction.question_id != question.id:
        wrong = reconstruction.question_id
        raise ValueError(f"the reconstruction is of question {wrong}, not {question.id}")
    columns = reconstruction.columns
    live_counts = _live_columns(question, live, columns)
    if not reconstruction.has_printed:
        return _without_published(question, sum(live_counts))
    best = reconstruction.best
    published = best.counts if best else scaled_printed(reconstruction)
    if sum(published) == 0:
        # Only possible when every printed figure is 0%: nothing to scale.
        return _without_published(question, sum(live_counts))
    rows = _option_rows(columns, live_counts, published)
    return _judged(question, reconstruction, live_counts, published, rows)


def _judged(
    question: ChoiceItem,
    reconstruction: QuestionReconstruction,
    live: Sequence[int],
    published: Sequence[int],
    rows: tuple[OptionComparison, ...],
) -> Comparison:
    live_n, consistent = sum(live), reconstruction.consistent
    source = "reconstruction" if consistent else "scaled_printed"
    base = (question.id, live_n, sum(published), source, not consistent, rows)
    params = VerdictParams(live_n, inconsistent=not consistent, cap=reconstruction.cap)
    if live_n == 0:
        return Comparison(*base, None, (), None, "no_answers", params)
    if live_n < MIN_LIVE_N:
        return Comparison(*base, None, (), None, "too_few", params)
    test = same_distribution_test(live, published)
    runs = _tested(live, _candidates(reconstruction)) if consistent else ()
    p_range = (min(r.p_value for r in runs), max(r.p_value for r in runs)) if runs else None
    pub_ns = [r.n for r in runs] or [sum(published)]
    code, params = _verdict(live_n, pub_ns, rows, p_range or (test.p_value,) * 2, params)
    effect = total_variation(live, published)
    return Comparison(*base, test, runs, effect, code, params)
