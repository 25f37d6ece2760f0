"""CME learning outcomes: did learners answer better after the session than before?

Identical items are asked before (pre) and after (post) a session. When the
same learner answers both, the answers are *matched* and the tests are the
paired ones: McNemar for right/wrong items, Stuart–Maxwell (and Bowker) for
items with k categories. When the people differ (an anonymous room), the pre
and post answers are two independent groups: Fisher / Freeman–Halton exact for
small counts, Pearson chi-square for large ones. Across an activity's items the
p-values are Holm-adjusted and one pooled effect is given.

Results carry stable snake_case codes and numbers only; a view words them.
scipy and statsmodels compute the distributions; this module only decides
which to call and guards the degenerate tables they would answer with NaN.
See ``docs/outcomes-statistics.md`` for each method's sources.

Conventions used throughout:

- A right/wrong pair is ``(pre_correct, post_correct)``. The 2×2 matched table
  has pre as rows and post as columns, right first: ``[[a, b], [c, d]]`` with
  a = right→right, b = right→wrong (got worse), c = wrong→right (improved),
  d = wrong→wrong. The odds ratio is ``c / b``, so OR > 1 means improvement.
  (CME.md's "odds ratio b/c" names the cells the other way round; same ratio.)
- An interval bound of ``None`` is unbounded (an odds ratio of +∞, or a
  Cohen's d of ±∞); an estimate of ``None`` was not estimable.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Generic, TypeVar

import numpy as np
from scipy import stats as sps
from scipy.stats.contingency import expected_freq
from scipy.stats.contingency import odds_ratio as conditional_odds_ratio
from statsmodels.stats.contingency_tables import SquareTable, StratifiedTable, mcnemar
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint

from .items.rating import on_scale
from .stats import ALPHA, same_distribution_test

T = TypeVar("T")

#: Fewest matched learners an item needs before its paired test is run. With n
#: discordant pairs the smallest two-sided exact McNemar p is 2·0.5ⁿ: 0.0625 at
#: n = 5 and 0.03125 at n = 6, so below 6 matched learners no result, however
#: one-sided, could show a change at the 5% level.
MIN_MATCHED = 6
#: Fewest answers on each side for an unmatched test, by the same reasoning:
#: Fisher's 2×2 test can reach p < 0.05 only from 4 per side (all right against
#: all wrong: 2/C(8,4) = 0.029, where 3 per side gives 2/C(6,3) = 0.1).
MIN_PER_GROUP = 4
#: Cochran's rule: Pearson chi-square only when every expected count is at least this.
MIN_EXPECTED = 5.0
#: Outcomes teams aggregate at least 4 items per activity (CME.md).
MIN_ITEMS = 4
#: Chinn (2000): d = ln(OR) / 1.81, the standard deviation of the logistic
#: distribution, π/√3 = 1.8138; 1.81 is its rounding.
CHINN_DIVISOR = math.pi / math.sqrt(3)


class Design(Enum):
    """Whether pre and post answers are linked per learner."""

    MATCHED = "matched"
    UNMATCHED = "unmatched"


# --- the input model ----------------------------------------------------------------------


@dataclass(frozen=True)
class ItemAnswers(Generic[T]):
    """One pre/post item: each side's answers keyed by learner token.

    ``T`` is ``bool`` (answered correctly) for right/wrong items, ``str`` (the
    chosen category) for k-category items. A learner who did not answer an item
    is absent from that side.
    """

    item_id: str
    pre: Mapping[str, T]
    post: Mapping[str, T]


@dataclass(frozen=True)
class LearnerCounts:
    """How many learners answered both sides, only pre, only post."""

    matched: int
    pre_only: int
    post_only: int

    def to_dict(self) -> dict[str, object]:
        return {"matched": self.matched, "pre_only": self.pre_only, "post_only": self.post_only}


@dataclass(frozen=True)
class Split(Generic[T]):
    """Answers split into matched pairs (by token order) and the unmatched rest.

    Tokens stay in core; :meth:`to_dict` gives counts only, never a token.
    """

    pairs: tuple[tuple[T, T], ...]
    pre_only: tuple[T, ...]
    post_only: tuple[T, ...]

    @property
    def learners(self) -> LearnerCounts:
        return LearnerCounts(len(self.pairs), len(self.pre_only), len(self.post_only))

    def to_dict(self) -> dict[str, object]:
        return self.learners.to_dict()


def split(pre: Mapping[str, T], post: Mapping[str, T]) -> Split[T]:
    """Pair each learner's pre and post answer; keep the one-sided answers apart."""
    both = sorted(pre.keys() & post.keys())
    return Split(
        tuple((pre[t], post[t]) for t in both),
        tuple(pre[t] for t in sorted(pre.keys() - post.keys())),
        tuple(post[t] for t in sorted(post.keys() - pre.keys())),
    )


def activity_learners(items: Iterable[ItemAnswers[Any]]) -> LearnerCounts:
    """Learners of a whole activity: matched = answered some pre and some post item."""
    pre: set[str] = set()
    post: set[str] = set()
    for item in items:
        pre |= item.pre.keys()
        post |= item.post.keys()
    return LearnerCounts(len(pre & post), len(pre - post), len(post - pre))


# --- odds ratios and effect sizes ---------------------------------------------------------


@dataclass(frozen=True)
class OddsRatio:
    """An odds ratio of improvement (> 1 is better after) with its 95% interval.

    :param code: ``estimated``; ``infinite`` (nobody went the other way: the
        estimate and upper bound are unbounded); ``zero`` (nobody improved); or
        ``undefined`` (no information: 0/0).
    :param cohens_d: ln(OR) / (π/√3) (Chinn 2000), with its interval the same
        transform of the OR's.
    """

    estimate: float | None
    low: float | None
    high: float | None
    cohens_d: float | None
    d_low: float | None
    d_high: float | None
    code: str

    def to_dict(self) -> dict[str, object]:
        return {
            "estimate": self.estimate,
            "ci": [self.low, self.high],
            "cohens_d": self.cohens_d,
            "cohens_d_ci": [self.d_low, self.d_high],
            "code": self.code,
        }


def chinn_d(odds_ratio: float) -> float:
    """Cohen's d from an odds ratio: ln(OR)/1.8138 (Chinn 2000, Stat Med 19:3127)."""
    return math.log(odds_ratio) / CHINN_DIVISOR


def _finite_d(value: float | None) -> float | None:
    return chinn_d(value) if value is not None and 0 < value < math.inf else None


def _odds_ratio(estimate: float, low: float, high: float) -> OddsRatio:
    """Wrap an OR and its bounds; ±∞ and 0 become codes and ``None`` bounds."""
    if math.isnan(estimate):
        return OddsRatio(None, None, None, None, None, None, "undefined")
    code = "infinite" if estimate == math.inf else "zero" if estimate == 0 else "estimated"
    est = None if estimate == math.inf else estimate
    hi = None if high == math.inf else high
    return OddsRatio(est, low, hi, _finite_d(est), _finite_d(low), _finite_d(hi), code)


def matched_odds_ratio(b: int, c: int) -> OddsRatio:
    """The matched-pairs OR c/b with the exact conditional 95% interval.

    Given b + c discordant pairs, c is binomial with p = OR/(1 + OR), so the
    Clopper–Pearson interval of p = c/(b + c), mapped by p/(1 − p), is an exact
    interval of the OR (Breslow & Day 1980 §7; R exact2x2::mcnemar.exact).
    """
    n = b + c
    if n == 0:
        return _odds_ratio(math.nan, math.nan, math.nan)
    low, high = (float(x) for x in proportion_confint(c, n, alpha=ALPHA, method="beta"))
    estimate = math.inf if b == 0 else c / b
    return _odds_ratio(estimate, _odds(low), _odds(high))


def _odds(p: float) -> float:
    return math.inf if p >= 1 else p / (1 - p)


def cohens_h(p_pre: float, p_post: float) -> float:
    """Cohen's h = 2·asin√p_post − 2·asin√p_pre; > 0 when more are right after."""
    return 2 * math.asin(math.sqrt(p_post)) - 2 * math.asin(math.sqrt(p_pre))


# --- matched right/wrong: McNemar ---------------------------------------------------------


@dataclass(frozen=True)
class PairedCounts:
    """The matched 2×2 table, pre rows by post columns, right first."""

    a: int  # right -> right
    b: int  # right -> wrong
    c: int  # wrong -> right
    d: int  # wrong -> wrong

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[bool, bool]]) -> PairedCounts:
        cells = {(True, True): 0, (True, False): 0, (False, True): 0, (False, False): 0}
        for pre, post in pairs:
            cells[(bool(pre), bool(post))] += 1
        return cls(*cells.values())

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    def table(self) -> list[list[int]]:
        return [[self.a, self.b], [self.c, self.d]]

    def to_dict(self) -> dict[str, object]:
        return {"a": self.a, "b": self.b, "c": self.c, "d": self.d}


@dataclass(frozen=True)
class McNemarResult:
    """McNemar's test of one matched right/wrong item.

    :param p_exact: two-sided exact binomial p on the discordant pairs; the
        verdict uses it. ``None`` below :data:`MIN_MATCHED`.
    :param p_mid: the mid-p version (exact minus half the observed point's
        probability on each side; Fagerland et al. 2013).
    :param chi_square: the uncorrected (b − c)²/(b + c), for comparison with
        asymptotic reports; ``None`` without discordant pairs.
    :param code: ``too_few_matched``, ``no_discordant_pairs``, ``improved``,
        ``worsened`` or ``no_clear_change``.
    """

    counts: PairedCounts
    p_exact: float | None
    p_mid: float | None
    chi_square: float | None
    p_chi_square: float | None
    odds_ratio: OddsRatio | None
    code: str

    @property
    def p_value(self) -> float | None:
        return self.p_exact

    @property
    def direction(self) -> int:
        """+1 when more improved than worsened, −1 the reverse, 0 when equal."""
        return (self.counts.c > self.counts.b) - (self.counts.c < self.counts.b)

    def to_dict(self) -> dict[str, object]:
        return {
            "test": "mcnemar",
            "n_matched": self.counts.n,
            "counts": self.counts.to_dict(),
            "p_exact": self.p_exact,
            "p_mid": self.p_mid,
            "chi_square": self.chi_square,
            "p_chi_square": self.p_chi_square,
            "odds_ratio": self.odds_ratio.to_dict() if self.odds_ratio else None,
            "code": self.code,
        }


def mcnemar_mid_p(b: int, c: int) -> float:
    """Mid-p McNemar: 2·P(X ≤ min) − P(X = min), X ~ Binomial(b + c, 1/2)."""
    n, low = b + c, min(b, c)
    mid = 2 * float(sps.binom.cdf(low, n, 0.5)) - float(sps.binom.pmf(low, n, 0.5))
    return min(1.0, mid)


def paired_binary(counts: PairedCounts) -> McNemarResult:
    """McNemar's exact and mid-p tests, the OR c/b and Chinn's d for one matched item."""
    b, c = counts.b, counts.c
    if counts.n < MIN_MATCHED:
        return McNemarResult(counts, None, None, None, None, None, "too_few_matched")
    if b + c == 0:
        # Binomial(0, 1/2): both p-values are 1; nobody changed, nothing to estimate.
        return McNemarResult(counts, 1.0, 1.0, None, None, None, "no_discordant_pairs")
    exact = float(mcnemar(counts.table(), exact=True).pvalue)
    asym = mcnemar(counts.table(), exact=False, correction=False)
    result = McNemarResult(
        counts,
        exact,
        mcnemar_mid_p(b, c),
        float(asym.statistic),
        float(asym.pvalue),
        matched_odds_ratio(b, c),
        "no_clear_change",
    )
    return _with_code(result, exact, result.direction)


def _with_code(result: McNemarResult, p: float, direction: int) -> McNemarResult:
    if p >= ALPHA or direction == 0:
        return result
    return replace(result, code="improved" if direction > 0 else "worsened")


# --- matched k categories: Stuart–Maxwell and Bowker --------------------------------------


@dataclass(frozen=True)
class ChiSquare:
    """A chi-square statistic with its degrees of freedom and upper-tail p."""

    statistic: float
    df: int
    p_value: float

    def to_dict(self) -> dict[str, object]:
        return {"statistic": self.statistic, "df": self.df, "p_value": self.p_value}


@dataclass(frozen=True)
class MarginalResult:
    """Stuart–Maxwell (marginal homogeneity) and Bowker (symmetry) for one item.

    :param table: pre rows by post columns, in ``categories`` order.
    :param stuart_maxwell: the verdict's test; ``None`` below :data:`MIN_MATCHED`
        or without discordant pairs.
    :param code: ``too_few_matched``, ``no_discordant_pairs``, ``changed`` or
        ``no_clear_change``.
    """

    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    stuart_maxwell: ChiSquare | None
    bowker: ChiSquare | None
    code: str

    @property
    def n(self) -> int:
        return sum(map(sum, self.table))

    @property
    def p_value(self) -> float | None:
        if self.code == "no_discordant_pairs":
            return 1.0
        return self.stuart_maxwell.p_value if self.stuart_maxwell else None

    def to_dict(self) -> dict[str, object]:
        sm, bw = self.stuart_maxwell, self.bowker
        return {
            "test": "stuart_maxwell",
            "n_matched": self.n,
            "categories": list(self.categories),
            "table": [list(r) for r in self.table],
            "stuart_maxwell": sm.to_dict() if sm else None,
            "bowker": bw.to_dict() if bw else None,
            "code": self.code,
        }


def paired_table(
    pairs: Iterable[tuple[str, str]], categories: Sequence[str]
) -> tuple[tuple[int, ...], ...]:
    """Cross-tabulate (pre, post) category pairs, pre rows by post columns.

    :raises ValueError: for a category not in ``categories``.
    """
    index = {c: i for i, c in enumerate(categories)}
    counts = [[0] * len(categories) for _ in categories]
    for pre, post in pairs:
        if pre not in index or post not in index:
            raise ValueError(f"unknown category in pair ({pre!r}, {post!r})")
        counts[index[pre]][index[post]] += 1
    return tuple(tuple(r) for r in counts)


def _discordance(table: np.ndarray) -> np.ndarray:
    """n_ij + n_ji off the diagonal: who moved between categories i and j, either way."""
    off: np.ndarray = table + table.T
    np.fill_diagonal(off, 0)
    return off


def _components(links: np.ndarray) -> list[list[int]]:
    """Groups of categories joined by discordant pairs; categories nobody left or joined drop."""
    seen: set[int] = set()
    groups = []
    for start in range(len(links)):
        if start in seen or not links[start].any():
            continue
        group, todo = [], [start]
        seen.add(start)
        while todo:
            i = todo.pop()
            group.append(i)
            for j in map(int, np.flatnonzero(links[i])):
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
        groups.append(sorted(group))
    return groups


def stuart_maxwell(table: Sequence[Sequence[int]]) -> ChiSquare | None:
    """Stuart–Maxwell test that the pre and post margins are the same.

    Its covariance matrix is singular when a category has no discordant pairs
    (its margin cannot differ) or when the categories fall into groups nobody
    moves between. Such a category is dropped and each group tested alone by
    statsmodels; the statistics and degrees of freedom add, which is the
    generalized-inverse form of the test. ``None`` when nobody changed category.
    """
    arr = np.asarray(table, dtype=np.int64)
    groups = _components(_discordance(arr))
    if not groups:
        return None
    statistic, df = 0.0, 0
    for g in groups:
        sub = SquareTable(arr[np.ix_(g, g)], shift_zeros=False)
        statistic += float(sub.homogeneity(method="stuart_maxwell").statistic)
        df += len(g) - 1
    return ChiSquare(statistic, df, float(sps.chi2.sf(statistic, df)))


def bowker(table: Sequence[Sequence[int]]) -> ChiSquare | None:
    """Bowker's test of symmetry, n_ij = n_ji for every pair of categories.

    Pairs of categories nobody moved between add 0 to the statistic; they are
    also left out of the degrees of freedom (statsmodels keeps k(k−1)/2, which
    makes the test conservative for sparse tables). ``None`` when nobody
    changed category.
    """
    arr = np.asarray(table, dtype=np.int64)
    df = int((np.triu(_discordance(arr), 1) > 0).sum())
    if df == 0:
        return None
    statistic = float(SquareTable(arr, shift_zeros=False).symmetry(method="bowker").statistic)
    return ChiSquare(statistic, df, float(sps.chi2.sf(statistic, df)))


def paired_categories(table: Sequence[Sequence[int]], categories: Sequence[str]) -> MarginalResult:
    """Stuart–Maxwell and Bowker for one matched k-category item."""
    frozen = tuple(tuple(int(x) for x in row) for row in table)
    if len(frozen) != len(categories) or any(len(r) != len(categories) for r in frozen):
        raise ValueError("the table must be k×k for k categories")
    cats = tuple(categories)
    if sum(map(sum, frozen)) < MIN_MATCHED:
        return MarginalResult(cats, frozen, None, None, "too_few_matched")
    sm = stuart_maxwell(frozen)
    if sm is None:
        return MarginalResult(cats, frozen, None, None, "no_discordant_pairs")
    code = "changed" if sm.p_value < ALPHA else "no_clear_change"
    return MarginalResult(cats, frozen, sm, bowker(frozen), code)


# --- unmatched: two independent groups ----------------------------------------------------


@dataclass(frozen=True)
class UnmatchedResult:
    """Pre against post answers of different people, as a 2×k table.

    :param method: ``fisher_exact`` (2×2), ``freeman_halton_exact`` or
        ``freeman_halton_monte_carlo`` (some expected count below
        :data:`MIN_EXPECTED`), ``chi_square`` (all at least that), or
        ``none_needed`` (everyone chose one category).
    :param cramers_v: from the uncorrected Pearson chi-square, whatever the test.
    :param cohens_h: right/wrong items only; > 0 when more are right after.
    :param odds_ratio: right/wrong items only: post odds of right over pre odds,
        the conditional MLE with its exact interval (as R's ``fisher.test``).
    :param code: ``too_few_answers``, ``improved``, ``worsened`` (right/wrong),
        ``differs`` (k categories) or ``no_clear_difference``.
    """

    pre: tuple[int, ...]
    post: tuple[int, ...]
    method: str | None
    p_value: float | None
    chi_square: ChiSquare | None
    cramers_v: float | None
    cohens_h: float | None
    odds_ratio: OddsRatio | None
    code: str

    def to_dict(self) -> dict[str, object]:
        chi, ors = self.chi_square, self.odds_ratio
        return {
            "test": "unmatched",
            "pre": list(self.pre),
            "post": list(self.post),
            "method": self.method,
            "p_value": self.p_value,
            "chi_square": chi.to_dict() if chi else None,
            "cramers_v": self.cramers_v,
            "cohens_h": self.cohens_h,
            "odds_ratio": ors.to_dict() if ors else None,
            "code": self.code,
        }


def _two_by_k_test(table: np.ndarray) -> tuple[str, float]:
    """Cochran's rule: chi-square when every expected count is ≥ 5, else exact."""
    if table.shape[1] == 2:
        return "fisher_exact", float(sps.fisher_exact(table).pvalue)
    if float(expected_freq(table).min()) >= MIN_EXPECTED:
        res = sps.chi2_contingency(table, correction=False)
        return "chi_square", float(res.pvalue)
    test = same_distribution_test(table[0].tolist(), table[1].tolist())
    method = "freeman_halton_exact" if test.seed is None else "freeman_halton_monte_carlo"
    return method, test.p_value


def unmatched(pre: Sequence[int], post: Sequence[int]) -> UnmatchedResult:
    """Compare the pre and post answer counts per category of two different groups."""
    pre_t, post_t = tuple(int(x) for x in pre), tuple(int(x) for x in post)
    if len(pre_t) != len(post_t):
        raise ValueError("pre and post need the same categories")
    if sum(pre_t) < MIN_PER_GROUP or sum(post_t) < MIN_PER_GROUP:
        return UnmatchedResult(pre_t, post_t, None, None, None, None, None, None, "too_few_answers")
    table = np.array([pre_t, post_t], dtype=np.int64)
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        none = ChiSquare(0.0, 0, 1.0)
        return UnmatchedResult(
            pre_t, post_t, "none_needed", 1.0, none, 0.0, None, None, "no_clear_difference"
        )
    method, p = _two_by_k_test(table)
    chi = sps.chi2_contingency(table, correction=False)
    pearson = ChiSquare(float(chi.statistic), int(chi.dof), float(chi.pvalue))
    # Two rows: min(r, c) − 1 = 1, so V = √(χ²/N) (Cramér 1946).
    v = math.sqrt(pearson.statistic / int(table.sum()))
    code = "differs" if p < ALPHA else "no_clear_difference"
    return UnmatchedResult(pre_t, post_t, method, p, pearson, v, None, None, code)


def unmatched_binary(
    pre_right: int, pre_wrong: int, post_right: int, post_wrong: int
) -> UnmatchedResult:
    """:func:`unmatched` for a right/wrong item, with Cohen's h and the odds ratio."""
    base = unmatched([pre_right, pre_wrong], [post_right, post_wrong])
    if base.p_value is None:
        return base
    h = cohens_h(pre_right / sum(base.pre), post_right / sum(base.post))
    ors = _unmatched_odds_ratio(pre_right, pre_wrong, post_right, post_wrong)
    code = base.code
    if code == "differs":
        code = "improved" if h > 0 else "worsened"
    return replace(base, cohens_h=h, odds_ratio=ors, code=code)


def _unmatched_odds_ratio(
    pre_right: int, pre_wrong: int, post_right: int, post_wrong: int
) -> OddsRatio:
    if 0 in (pre_right + post_right, pre_wrong + post_wrong):
        # Everyone right (or wrong) both times: the odds are 0/0.
        return _odds_ratio(math.nan, math.nan, math.nan)
    res = conditional_odds_ratio([[post_right, post_wrong], [pre_right, pre_wrong]])
    ci = res.confidence_interval(confidence_level=1 - ALPHA)
    return _odds_ratio(float(res.statistic), float(ci.low), float(ci.high))


# --- one item, either design --------------------------------------------------------------

Result = McNemarResult | MarginalResult | UnmatchedResult

#: The code a result takes when its (adjusted) p is not below ALPHA, by kind.
_NULL_CODE = {
    McNemarResult: "no_clear_change",
    MarginalResult: "no_clear_change",
    UnmatchedResult: "no_clear_difference",
}


@dataclass(frozen=True)
class ItemOutcome:
    """One item's outcome: who answered, and the test its design calls for.

    In the unmatched design every pre answer is compared with every post
    answer; ``learners.matched`` > 0 then says the groups overlap, which the
    test assumes they do not.
    """

    item_id: str
    design: Design
    learners: LearnerCounts
    result: Result

    @property
    def p_value(self) -> float | None:
        return self.result.p_value

    @property
    def code(self) -> str:
        return self.result.code

    def to_dict(self) -> dict[str, object]:
        return {
            "item_id": self.item_id,
            "design": self.design.value,
            "learners": self.learners.to_dict(),
            "result": self.result.to_dict(),
        }


def binary_item(item: ItemAnswers[bool], design: Design) -> ItemOutcome:
    """Analyse one right/wrong item: McNemar when matched, Fisher when not."""
    parts = split(item.pre, item.post)
    result: Result
    if design is Design.MATCHED:
        result = paired_binary(PairedCounts.from_pairs(parts.pairs))
    else:
        pre_right, post_right = (
            sum(map(bool, item.pre.values())),
            sum(map(bool, item.post.values())),
        )
        pre_wrong, post_wrong = len(item.pre) - pre_right, len(item.post) - post_right
        result = unmatched_binary(pre_right, pre_wrong, post_right, post_wrong)
    return ItemOutcome(item.item_id, design, parts.learners, result)


def category_item(item: ItemAnswers[str], categories: Sequence[str], design: Design) -> ItemOutcome:
    """Analyse one k-category item: Stuart–Maxwell when matched, 2×k exact/chi-square when not.

    :raises ValueError: for an answer not in ``categories``.
    """
    parts = split(item.pre, item.post)
    result: Result
    if design is Design.MATCHED:
        result = paired_categories(paired_table(parts.pairs, categories), categories)
    else:
        pre, post = _category_counts(item.pre, categories), _category_counts(item.post, categories)
        result = unmatched(pre, post)
    return ItemOutcome(item.item_id, design, parts.learners, result)


def _category_counts(answers: Mapping[str, str], categories: Sequence[str]) -> list[int]:
    unknown = set(answers.values()) - set(categories)
    if unknown:
        raise ValueError(f"unknown categories {sorted(unknown)!r}")
    values = list(answers.values())
    return [values.count(c) for c in categories]


# --- across items -------------------------------------------------------------------------


@dataclass(frozen=True)
class AdjustedItem:
    """One item's p-value before and after Holm's adjustment over the activity.

    :param code: the item's code with the adjusted p deciding; untested items
        keep theirs (``too_few_matched``…).
    """

    item_id: str
    p_value: float | None
    p_holm: float | None
    code: str

    def to_dict(self) -> dict[str, object]:
        return {
            "item_id": self.item_id,
            "p_value": self.p_value,
            "p_holm": self.p_holm,
            "code": self.code,
        }


@dataclass(frozen=True)
class PooledEffect:
    """One Mantel–Haenszel odds ratio over an activity's right/wrong items.

    :param method: ``mantel_haenszel_matched`` (Σc / Σb: each learner's pair on
        each item a stratum) or ``mantel_haenszel_unmatched`` (each item a
        stratum of the pre/post × right/wrong table).
    :param code: as :class:`OddsRatio`'s (no interval: see :func:`summarise`).
    """

    method: str
    items: int
    odds_ratio: float | None
    cohens_d: float | None
    code: str

    def to_dict(self) -> dict[str, object]:
        return {
            "method": self.method,
            "items": self.items,
            "odds_ratio": self.odds_ratio,
            "cohens_d": self.cohens_d,
            "code": self.code,
        }


@dataclass(frozen=True)
class ActivitySummary:
    """An activity's items together.

    :param code: ``too_few_items`` when fewer than :data:`MIN_ITEMS` items were
        tested, else ``summarised``.
    :param pooled_code: ``pooled``, ``no_binary_items`` or ``mixed_designs``.
    """

    learners: LearnerCounts
    items: tuple[AdjustedItem, ...]
    items_tested: int
    pooled: PooledEffect | None
    pooled_code: str
    code: str

    def to_dict(self) -> dict[str, object]:
        return {
            "learners": self.learners.to_dict(),
            "items": [i.to_dict() for i in self.items],
            "items_tested": self.items_tested,
            "pooled": self.pooled.to_dict() if self.pooled else None,
            "pooled_code": self.pooled_code,
            "code": self.code,
        }


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm 1979), in the input order."""
    if not p_values:
        return []
    adjusted = multipletests(list(p_values), alpha=ALPHA, method="holm")[1]
    return [float(p) for p in adjusted]


def _adjusted(outcomes: Sequence[ItemOutcome]) -> tuple[AdjustedItem, ...]:
    raw = [o.p_value for o in outcomes]
    adjusted = iter(holm([p for p in raw if p is not None]))
    rows = []
    for o, p in zip(outcomes, raw, strict=True):
        p_holm = None if p is None else next(adjusted)
        code = o.code
        if p_holm is not None and p_holm >= ALPHA and code in _CHANGE_CODES:
            code = _NULL_CODE[type(o.result)]
        rows.append(AdjustedItem(o.item_id, p, p_holm, code))
    return tuple(rows)


_CHANGE_CODES = frozenset({"improved", "worsened", "changed", "differs"})


def pooled_effect(outcomes: Sequence[ItemOutcome]) -> tuple[PooledEffect | None, str]:
    """The pooled Mantel–Haenszel OR of the right/wrong items, and why if there is none."""
    matched = [o.result.counts for o in outcomes if isinstance(o.result, McNemarResult)]
    unmatched_ = [o.result for o in outcomes if isinstance(o.result, UnmatchedResult)]
    unmatched_ = [r for r in unmatched_ if len(r.pre) == 2]
    if matched and unmatched_:
        return None, "mixed_designs"
    if matched:
        est = _ratio(sum(c.c for c in matched), sum(c.b for c in matched))
        return _pooled("mantel_haenszel_matched", len(matched), est), "pooled"
    if unmatched_:
        return _pooled("mantel_haenszel_unmatched", len(unmatched_), _mh(unmatched_)), "pooled"
    return None, "no_binary_items"


def _ratio(num: float, den: float) -> float:
    if den == 0:
        return math.nan if num == 0 else math.inf
    return num / den


def _mh(results: Sequence[UnmatchedResult]) -> float:
    """MH OR of post vs pre odds of right over the items' 2×2 tables."""
    tables = [
        np.array([[r.post[0], r.post[1]], [r.pre[0], r.pre[1]]], dtype=np.float64)
        for r in results
        if sum(r.pre) + sum(r.post) > 0
    ]
    num = sum(t[0, 0] * t[1, 1] / t.sum() for t in tables)
    den = sum(t[0, 1] * t[1, 0] / t.sum() for t in tables)
    if num == 0 or den == 0:
        return _ratio(num, den)
    return float(StratifiedTable(tables).oddsratio_pooled)


def _pooled(method: str, items: int, estimate: float) -> PooledEffect:
    ors = _odds_ratio(estimate, math.nan, math.nan)
    return PooledEffect(method, items, ors.estimate, ors.cohens_d, ors.code)


def summarise(outcomes: Sequence[ItemOutcome], learners: LearnerCounts) -> ActivitySummary:
    """Holm-adjust the items' p-values and pool their effect.

    The pooled OR is Mantel–Haenszel rather than a mean of per-item Cohen's d:
    an item where nobody got worse has an infinite d, which would make a mean
    infinite, while Σc / Σb stays finite. No interval or p is attached: each
    learner answers every item, so the items are not independent strata and a
    Mantel–Haenszel interval would be too narrow; the Holm-adjusted per-item
    tests carry the inference.

    :param learners: the activity's learners, from :func:`activity_learners`.
    """
    items = _adjusted(outcomes)
    tested = sum(1 for i in items if i.p_holm is not None)
    pooled, pooled_code = pooled_effect(outcomes)
    code = "too_few_items" if tested < MIN_ITEMS else "summarised"
    return ActivitySummary(learners, items, tested, pooled, pooled_code, code)


def choose_design(learners: LearnerCounts) -> Design:
    """The design the report uses when the caller does not choose one.

    Matched when at least :data:`MIN_MATCHED` learners answered both sides and
    they are at least half of everyone who answered either side: then the
    paired tests use most of the answers. Otherwise (an anonymous room whose
    phones changed between pre and post, a self-paced post-test taken on
    another device) the answers are compared as two independent groups.
    """
    everyone = learners.matched + learners.pre_only + learners.post_only
    if learners.matched >= MIN_MATCHED and 2 * learners.matched >= everyone:
        return Design.MATCHED
    return Design.UNMATCHED


# --- rating scales: means with intervals, the change and its effect size -----------------


@dataclass(frozen=True)
class MeanCI:
    """A mean with its 95% t-interval (``None`` below two values)."""

    n: int
    mean: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "mean": self.mean, "ci": [self.low, self.high]}


def mean_ci(values: Sequence[float], scale: Sequence[float] = ()) -> MeanCI:
    """The mean and its 95% Student t interval (scipy ``ttest_1samp``'s interval).

    Every value the same: the interval is that value (the t interval has no
    spread to estimate, scipy would answer NaN).

    :param scale: the scale's points: the interval stops at its ends
        (:func:`~.items.rating.on_scale`), since a mean of a 1–4 scale cannot lie
        above 4 (a t interval of a few answers near an end runs past it).
    """
    n = len(values)
    if n == 0:
        return MeanCI(0, None, None, None)
    m = float(np.mean(values))
    if n < 2:
        return MeanCI(n, m, None, None)
    if float(np.std(values)) == 0.0:
        return MeanCI(n, m, m, m)
    ci = sps.ttest_1samp(values, 0.0).confidence_interval(confidence_level=1 - ALPHA)
    bounds = (float(ci.low), float(ci.high))
    low, high = on_scale(bounds, scale) or bounds
    return MeanCI(n, m, low, high)


@dataclass(frozen=True)
class RatingChange:
    """A rating (e.g. "how sure are you?", 1–4) before against after.

    :param design: ``matched``: the mean of each learner's change, paired t
        interval and p, Cohen's d_z = mean change / SD of the changes (Lakens
        2013); ``unmatched``: post mean − pre mean, Welch's t interval and p,
        Cohen's d with the pooled SD (Cohen 1988).
    :param n: the matched learners (matched) or the smaller side (unmatched).
    :param code: ``too_few``, ``increased``, ``decreased`` or ``no_clear_change``.
        When every change is the same the interval is that change, d and p are
        ``None`` (no spread) and the code follows the sign.
    """

    design: Design
    pre: MeanCI
    post: MeanCI
    n: int
    change: float | None
    low: float | None
    high: float | None
    cohens_d: float | None
    p_value: float | None
    code: str

    def to_dict(self) -> dict[str, object]:
        return {
            "design": self.design.value,
            "pre": self.pre.to_dict(),
            "post": self.post.to_dict(),
            "n": self.n,
            "change": self.change,
            "change_ci": [self.low, self.high],
            "cohens_d": self.cohens_d,
            "p_value": self.p_value,
            "code": self.code,
        }


def _change_code(low: float | None, high: float | None, change: float | None) -> str:
    if change is None or low is None or high is None:
        return "too_few"
    if low > 0 or (low == high and change > 0):
        return "increased"
    if high < 0 or (low == high and change < 0):
        return "decreased"
    return "no_clear_change"


def rating_change(
    pre: Mapping[str, float],
    post: Mapping[str, float],
    design: Design,
    scale: Sequence[float] = (),
) -> RatingChange:
    """Compare one rating before and after, keyed by learner token (tokens stay here).

    :param scale: the scale's points, whose ends clip each side's interval (:func:`mean_ci`);
        the change's interval is not clipped (a difference may lie anywhere in ± the range).
    """
    before, after = mean_ci(list(pre.values()), scale), mean_ci(list(post.values()), scale)
    if design is Design.MATCHED:
        both = sorted(pre.keys() & post.keys())
        return _paired_change(before, after, [post[t] - pre[t] for t in both])
    return _unpaired_change(before, after, list(pre.values()), list(post.values()))


def _paired_change(before: MeanCI, after: MeanCI, diffs: Sequence[float]) -> RatingChange:
    n = len(diffs)
    if n < MIN_MATCHED:
        return RatingChange(Design.MATCHED, before, after, n, None, None, None, None, None,
                            "too_few")  # fmt: skip
    change, sd = float(np.mean(diffs)), float(np.std(diffs, ddof=1))
    if sd == 0.0:
        return RatingChange(Design.MATCHED, before, after, n, change, change, change, None, None,
                            _change_code(change, change, change))  # fmt: skip
    res = sps.ttest_1samp(diffs, 0.0)
    ci = res.confidence_interval(confidence_level=1 - ALPHA)
    low, high = float(ci.low), float(ci.high)
    return RatingChange(Design.MATCHED, before, after, n, change, low, high, change / sd,
                        float(res.pvalue), _change_code(low, high, change))  # fmt: skip


def _unpaired_change(
    before: MeanCI, after: MeanCI, pre: Sequence[float], post: Sequence[float]
) -> RatingChange:
    n = min(len(pre), len(post))
    if n < MIN_PER_GROUP:
        return RatingChange(Design.UNMATCHED, before, after, n, None, None, None, None, None,
                            "too_few")  # fmt: skip
    change = float(np.mean(post)) - float(np.mean(pre))
    s1, s2 = float(np.var(pre, ddof=1)), float(np.var(post, ddof=1))
    if s1 == 0.0 and s2 == 0.0:
        return RatingChange(Design.UNMATCHED, before, after, n, change, change, change, None,
                            None, _change_code(change, change, change))  # fmt: skip
    res = sps.ttest_ind(post, pre, equal_var=False)
    ci = res.confidence_interval(confidence_level=1 - ALPHA)
    low, high = float(ci.low), float(ci.high)
    pooled = math.sqrt(((len(pre) - 1) * s1 + (len(post) - 1) * s2) / (len(pre) + len(post) - 2))
    return RatingChange(Design.UNMATCHED, before, after, n, change, low, high, change / pooled,
                        float(res.pvalue), _change_code(low, high, change))  # fmt: skip
