"""Can a reader work out a suppressed count? An integer linear programme says.

The product's small-cell rule (``her2poll/core/suppression.py``) reasons table by table
with interval bounds. A test should not check it with the same reasoning, so this is
another one: every count the reader is shown, every marker's range ("<5": 1–4,
"hidden": 5 or more), and every relation a reader can write down (a total and its parts,
a subset no larger than its set, a mean shown) become the constraints of an integer
programme; a suppressed cell is *recovered* when its smallest and its largest feasible
value are the same (scipy's ``milp``, HiGHS). The true counts must be feasible: that
checks the model itself.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

PRIMARY = "<5"
SECONDARY = "hidden"


@dataclass
class Reader:
    """What a reader of one report knows, as integer linear constraints.

    :param cap: no count exceeds this (the learners who joined, which the report shows).
    """

    cap: int
    bounds: dict[Hashable, tuple[int, int]] = field(default_factory=dict)
    truth: dict[Hashable, int] = field(default_factory=dict)
    markers: dict[Hashable, str] = field(default_factory=dict)
    #: the cells the report shows (as a number or a marker)
    seen: set[Hashable] = field(default_factory=set)
    rows: list[tuple[dict[Hashable, float], float, float]] = field(default_factory=list)

    def shown(self, key: Hashable, value: object, truth: int) -> None:
        """A count as the report shows it: a number, ``"<5"`` or ``"hidden"``."""
        self.truth[key] = truth
        self.seen.add(key)
        if value == PRIMARY:
            self.markers[key] = PRIMARY
            self.bounds[key] = (1, 4)
        elif value == SECONDARY:
            self.markers[key] = SECONDARY
            self.bounds[key] = (5, self.cap)
        else:
            assert isinstance(value, int) and not isinstance(value, bool), (key, value)
            self.bounds[key] = (value, value)

    def unseen(self, key: Hashable, truth: int) -> None:
        """A count the report never shows, but which other counts are made of."""
        self.truth[key] = truth
        self.bounds.setdefault(key, (0, self.cap))

    def loose(self, key: Hashable) -> None:
        """A "<5" cell of a table whose total is "<5" too: it may be 0."""
        self.bounds[key] = (0, 4)

    def equal(self, terms: Mapping[Any, float], value: float = 0.0) -> None:
        self.rows.append((dict(terms), value, value))

    def at_most(self, terms: Mapping[Any, float], value: float = 0.0) -> None:
        self.rows.append((dict(terms), -float("inf"), value))

    def at_least(self, terms: Mapping[Any, float], value: float = 0.0) -> None:
        self.rows.append((dict(terms), value, float("inf")))

    def total(self, whole: Hashable, parts: Sequence[Hashable]) -> None:
        """``whole`` is the sum of ``parts``."""
        self.equal({whole: -1, **{p: 1 for p in parts}})

    def _programme(self) -> tuple[list[Hashable], object, object, object]:
        import numpy as np
        from scipy.optimize import Bounds, LinearConstraint

        keys = list(self.bounds)
        index = {k: i for i, k in enumerate(keys)}
        matrix = np.zeros((len(self.rows), len(keys)))
        for r, (terms, _lo, _hi) in enumerate(self.rows):
            for k, coef in terms.items():
                matrix[r, index[k]] += coef
        rows = LinearConstraint(matrix, [lo for _t, lo, _h in self.rows],
                                [hi for _t, _l, hi in self.rows])  # fmt: skip
        box = Bounds([self.bounds[k][0] for k in keys], [self.bounds[k][1] for k in keys])
        return keys, rows, box, np.ones(len(keys))

    def feasible_truth(self) -> list[str]:
        """Constraints the true counts break (none, or the model is wrong)."""
        broken = [f"{k}: {self.truth[k]} outside {b}" for k, b in self.bounds.items()
                  if not b[0] <= self.truth[k] <= b[1]]  # fmt: skip
        for terms, lo, hi in self.rows:
            value = sum(c * self.truth[k] for k, c in terms.items())
            if not lo - 1e-9 <= value <= hi + 1e-9:
                broken.append(f"{terms}: {value} not in [{lo}, {hi}]")
        return broken

    def range_of(self, key: Hashable) -> tuple[int, int]:
        """The smallest and largest value the reader can tell ``key`` may have."""
        import numpy as np
        from scipy.optimize import milp

        keys, rows, box, integral = self._programme()
        ends = []
        for sign in (1, -1):
            c = np.zeros(len(keys))
            c[keys.index(key)] = sign
            res = milp(c, constraints=rows, bounds=box, integrality=integral)
            assert res.status == 0, (key, res.message)
            ends.append(round(sign * res.fun))
        return ends[0], ends[1]

    def recovered(self, only: str | None = PRIMARY) -> dict[Hashable, int]:
        """Suppressed cells (``"<5"``, or every marker with ``only=None``) pinned to one value."""
        found = {}
        for key, marker in self.markers.items():
            if only is not None and marker != only:
                continue
            lo, hi = self.range_of(key)
            if lo == hi:
                found[key] = lo
        return found


# --- the outcomes report (her2poll/core/outcomes_report.py) as a reader sees it -------------

#: Fewest matched learners a pair needs to be tested (the report's Methods say so).
MIN_MATCHED = 6


@dataclass(frozen=True)
class PairTruth:
    """One pre/post pair's true counts (worked out by hand from the answers)."""

    answered: tuple[int, int]  # pre, post
    learners: tuple[int, int, int]  # matched, pre only, post only
    pre: dict[str, int]  # option -> learners
    post: dict[str, int]
    key: tuple[str, ...] = ()  # the right option(s); () for a scale
    cells: tuple[int, ...] = ()  # McNemar a, b, c, d; or the k×k table, row by row


@dataclass(frozen=True)
class Truth:
    learners: int  # joined
    activity: tuple[int, int, int]  # matched, pre only, post only
    pairs: dict[str, PairTruth]
    singles: dict[str, dict[str, int]]  # item -> option -> learners
    sure: dict[str, tuple[int, int, int]]  # pre item -> n pre, n post, n matched
    #: a text item -> (the choice item whose answer shows it, those options)
    conditions: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


def outcomes_reader(doc: Mapping[str, Any], truth: Truth) -> Reader:
    """Every count the outcomes report shows and every relation a reader knows between them."""
    reader = Reader(truth.learners)
    summary = doc["summary"]["learners"]
    for i, name in enumerate(("matched", "pre_only", "post_only")):
        reader.shown(("activity", name), summary[name], truth.activity[i])
    for block in [*doc["level3_knowledge"], *doc["level4_competence"]["items"]]:
        _pair(reader, block, truth.pairs[block["pre_id"]])
    for row in doc["level4_competence"]["confidence"]:
        _sure(reader, row, truth.sure[row["pre_id"]])
    for block in [*doc["level2_satisfaction"], *doc["level5_commitment"]]:
        _single(reader, block, truth)
    return reader


def _pair(reader: Reader, block: dict[str, Any], truth: PairTruth) -> None:
    pid = block["pre_id"]
    sides = ("pre", "post")
    for i, side in enumerate(sides):
        reader.shown((pid, "answered", side), block["answered"][side], truth.answered[i])
    m: Hashable = (pid, "matched")
    po: Hashable = (pid, "pre_only")
    qo: Hashable = (pid, "post_only")
    for key, name, value in zip((m, po, qo), ("matched", "pre_only", "post_only"),
                                truth.learners, strict=True):  # fmt: skip
        reader.shown(key, block["learners"][name], value)
    reader.total((pid, "answered", "pre"), [m, po])
    reader.total((pid, "answered", "post"), [m, qo])
    # a subset of the activity's learners: matched on this item, or one side of it
    reader.at_most({m: 1, ("activity", "matched"): -1})
    reader.at_most({po: 1, ("activity", "matched"): -1, ("activity", "pre_only"): -1})
    reader.at_most({qo: 1, ("activity", "matched"): -1, ("activity", "post_only"): -1})
    counts: dict[str, list[Hashable]] = {
        side: [(pid, side, r["option_id"]) for r in block["counts"][side]] for side in sides
    }
    for side in sides:
        truth_side = truth.pre if side == "pre" else truth.post
        for key, row in zip(counts[side], block["counts"][side], strict=True):
            reader.shown(key, row["count"], truth_side[row["option_id"]])
        reader.total((pid, "answered", side), counts[side])
        _whole_table_small(reader, block["answered"][side], counts[side])
    test = block.get("test") or {}
    if test.get("test") == "mcnemar":
        _mcnemar(reader, block, truth, m, po, qo)
    elif test.get("test") == "stuart_maxwell":
        _square(reader, block, truth, counts, m, po, qo)
    if test:  # the verdict's code says which side of the minimum the matched count is
        if test["code"] == "too_few_matched":
            reader.at_most({m: 1}, MIN_MATCHED - 1)
        else:
            reader.at_least({m: 1}, MIN_MATCHED)
    _shares(reader, block, truth)
    _means(reader, block.get("means"), counts, [(pid, "answered", s) for s in sides])


def _whole_table_small(reader: Reader, total: object, parts: Sequence[Hashable]) -> None:
    if total == PRIMARY:
        for p in parts:
            if reader.markers.get(p) == PRIMARY:
                reader.loose(p)


def _mcnemar(reader: Reader, block: dict[str, Any], truth: PairTruth, m: Hashable, po: Hashable,
             qo: Hashable) -> None:  # fmt: skip
    """a b c d add up to the matched; the right answers hold the matched who were right."""
    pid, test = block["pre_id"], block["test"]
    cells: list[Hashable] = [(pid, x) for x in "abcd"]
    for key, x, value in zip(cells, "abcd", truth.cells, strict=True):
        reader.shown(key, test["counts"][x], value)
    reader.shown((pid, "n_matched"), test["n_matched"], truth.learners[0])
    reader.equal({(pid, "n_matched"): 1, m: -1})
    reader.total(m, cells)
    a, b, c, _d = cells
    for side, known, only in (("pre", [a, b], po), ("post", [a, c], qo)):
        right = (pid, "right", side)
        reader.unseen(right, sum((truth.pre if side == "pre" else truth.post)[k]
                                 for k in truth.key))  # fmt: skip
        reader.total(right, [(pid, side, k) for k in truth.key])
        reader.at_least({right: 1, **{k: -1 for k in known}})
        reader.at_most({right: 1, only: -1, **{k: -1 for k in known}})


def _square(reader: Reader, block: dict[str, Any], truth: PairTruth, counts: dict[str, Any],
            m: Hashable, po: Hashable, qo: Hashable) -> None:  # fmt: skip
    """The k×k table adds up to the matched; its margins are within each side's counts."""
    pid, table = block["pre_id"], block["test"]["table"]
    k = len(table)
    cell = {(i, j): (pid, "table", i, j) for i in range(k) for j in range(k)}
    for (i, j), key in cell.items():
        reader.shown(key, table[i][j], truth.cells[i * k + j])
    reader.total(m, list(cell.values()))
    for i in range(k):
        row = {cell[i, j]: -1 for j in range(k)}
        col = {cell[j, i]: -1 for j in range(k)}
        reader.at_least({counts["pre"][i]: 1, **row})
        reader.at_most({counts["pre"][i]: 1, po: -1, **row})
        reader.at_least({counts["post"][i]: 1, **col})
        reader.at_most({counts["post"][i]: 1, qo: -1, **col})


def _shares(reader: Reader, block: dict[str, Any], truth: PairTruth) -> None:
    """A share of right answers shown, with its side's answers shown, gives the right ones."""
    for side in ("pre", "post"):
        share, n = block.get("share_right", {}).get(side), block["answered"][side]
        right = (block["pre_id"], "right", side)
        if isinstance(share, float) and isinstance(n, int) and right in reader.bounds:
            reader.equal({right: 1}, round(share * n))


def _means(
    reader: Reader, means: dict[str, Any] | None, counts: dict[str, Any], totals: list[Hashable]
) -> None:
    """A rating's mean shown with its n: the sum of its points is known."""
    if not means:
        return
    for side, total in zip(("pre", "post"), totals, strict=True):
        mean = means[side]["mean"]
        if isinstance(mean, float) and isinstance(means[side]["n"], int):
            terms = {key: float(i + 1) for i, key in enumerate(counts[side])}
            reader.equal(terms, mean * means[side]["n"])
            reader.equal({total: 1}, means[side]["n"])


def _sure(reader: Reader, row: dict[str, Any], truth: tuple[int, int, int]) -> None:
    """ "How sure": no more ratings than answers, no more pairs than matched learners."""
    pid = row["pre_id"]
    keys = [(pid, "sure", s) for s in ("pre", "post", "matched")]
    for key, value, t in zip(keys, (row["pre"]["n"], row["post"]["n"], row["n_matched"]), truth,
                             strict=True):  # fmt: skip
        reader.shown(key, value, t)
    reader.shown((pid, "sure", "n"), row["n"], truth[2])
    reader.equal({(pid, "sure", "n"): 1, keys[2]: -1})
    reader.at_most({keys[0]: 1, (pid, "answered", "pre"): -1})
    reader.at_most({keys[1]: 1, (pid, "answered", "post"): -1})
    reader.at_most({keys[2]: 1, (pid, "matched"): -1})
    reader.at_most({keys[2]: 1, keys[0]: -1})
    reader.at_most({keys[2]: 1, keys[1]: -1})


def _single(reader: Reader, block: dict[str, Any], truth: Truth) -> None:
    """An evaluation or commitment item: its counts add up; a comment needs its answer."""
    iid = block["id"]
    if "statements" in block:
        choice, options = truth.conditions.get(iid, (None, ()))
        if choice is not None:  # each comment was written after one of these answers
            reader.at_least({(choice, o): 1 for o in options}, len(block["statements"]))
        return
    counts = truth.singles[iid]
    reader.shown((iid, "answered"), block["answered"], sum(counts.values()))
    keys = []
    for row in block["counts"]:
        keys.append((iid, row["option_id"]))
        reader.shown(keys[-1], row["count"], counts[row["option_id"]])
    reader.total((iid, "answered"), keys)
    _whole_table_small(reader, block["answered"], keys)
    if "not_free_of_bias" in block:
        reader.shown((iid, "not_free"), block["not_free_of_bias"], counts[keys[1][1]])
        reader.equal({(iid, "not_free"): 1, keys[1]: -1})
    mean = (block.get("mean") or {}).get("mean")
    if isinstance(mean, float):
        reader.equal({k: float(i + 1) for i, k in enumerate(keys)}, mean * block["mean"]["n"])
