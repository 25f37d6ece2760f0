"""The published side, reconstructed: which respondent counts the printed percentages allow.

An article prints rounded percentages and, at best, a footnote ``N = 12``. A
percentage of a small panel is a count in disguise: 45% of at most 12 people
can only be a handful of vote splits, and some printed figures (34% of at most
12 people) cannot come from any. Before the live room is compared with the
panel, we therefore search every ``n`` up to a cap and every split of ``n``
among the options that reproduces the printed numbers under each common
rounding rule, and we say plainly when none does.

Only figures the source prints constrain the search. A figure marked
``derived`` (``100 - 34 - 25 - 25``) is our arithmetic, not the source's: the
option's count is whatever is left of ``n`` and need not round to anything.
Options without a printed figure are one unprinted remainder; when a question
has several, they are counted together because the source gives no way to
split them (and largest remainder treats them as one option).

All arithmetic is on integers, so a tie such as 4.5% is exact, never a float
that lands on either side of it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from itertools import islice

from .items import ChoiceItem
from .questions import FigureStatus, QuestionSet

#: Beyond this cap a search is a typo, not a footnote, and can be slow.
MAX_CAP = 1000
#: Per rule and question; only reachable with a large ``--max-n`` and many options.
MAX_SOLUTIONS = 1000


class Rule(StrEnum):
    """How the source may have rounded a share to the printed percentage."""

    HALF_UP = "half_up"
    HALF_EVEN = "half_even"
    FLOOR = "floor"
    LARGEST_REMAINDER = "largest_remainder"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


RULES: tuple[Rule, ...] = tuple(Rule)


@dataclass(frozen=True)
class Column:
    """One column of the reconstruction: a printed option, or the unprinted remainder.

    :param key: the option id, or the ids joined with ``+`` for a merged remainder.
    :param option_ids: the question's options this column counts.
    :param printed: the printed percentage, exact; ``None`` for the remainder.
    :param derived: the remainder's derived percentage from the question set, if any.
    """

    key: str
    option_ids: tuple[str, ...]
    printed: Fraction | None
    derived: float | None = None

    @property
    def decimals(self) -> int:
        """Decimal places printed; 0 for ``34%``, 1 for ``33.3%``."""
        if self.printed is None:
            return 0
        d = 0
        while (self.printed * 10**d).denominator != 1:
            d += 1
        return d


@dataclass(frozen=True)
class Reconstruction:
    """One respondent count ``n`` and its split among the columns.

    :param rules: every rule under which this split prints the published figures.
    """

    n: int
    counts: tuple[int, ...]
    keys: tuple[str, ...]
    rules: tuple[Rule, ...]

    def counts_text(self) -> str:
        return "/".join(str(c) for c in self.counts)

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "counts": dict(zip(self.keys, self.counts, strict=True)),
            "rules": [r.value for r in self.rules],
        }


@dataclass(frozen=True)
class RuleResult:
    """Every reconstruction one rule allows, largest ``n`` first."""

    rule: Rule
    solutions: tuple[Reconstruction, ...]
    truncated: bool = False


@dataclass(frozen=True)
class QuestionReconstruction:
    """What the printed figures of one question say about its respondents."""

    question_id: str
    cap: int
    columns: tuple[Column, ...]
    by_rule: tuple[RuleResult, ...]
    reachable: tuple[tuple[Rule, ...], ...] = field(default=())

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.columns)

    @property
    def has_printed(self) -> bool:
        return any(c.printed is not None for c in self.columns)

    @property
    def has_remainder(self) -> bool:
        return any(c.printed is None for c in self.columns)

    @property
    def printed_sum(self) -> Fraction:
        """The sum of printed figures only; a derived remainder is not printed."""
        return sum((c.printed for c in self.columns if c.printed is not None), Fraction(0))

    @property
    def adds_to_100(self) -> bool:
        return self.printed_sum == 100

    @property
    def reconstructions(self) -> tuple[Reconstruction, ...]:
        """Distinct splits over all rules, in the order :attr:`best` prefers them."""
        return _merge_rules(self.by_rule, self.keys)

    @property
    def consistent(self) -> bool:
        return bool(self.reconstructions)

    @property
    def best(self) -> Reconstruction | None:
        """The reconstruction the statistics use; the others are a sensitivity range.

        Choice rule: the largest consistent ``n`` (the footnote's N is the poll's
        audience, so the ``n`` closest to it is the likeliest), then the split
        the most rules agree on, then the earliest rule in :data:`RULES`.
        """
        found = self.reconstructions
        return found[0] if found else None

    @property
    def n_range(self) -> tuple[int, int] | None:
        ns = [r.n for r in self.reconstructions]
        return (min(ns), max(ns)) if ns else None

    @property
    def summary(self) -> str:
        return _summary(self)

    def to_dict(self) -> dict[str, object]:
        """A JSON-friendly view: printed figures, solutions per rule, the choice, the summary."""
        best, n_range = self.best, self.n_range
        return {
            "question_id": self.question_id,
            "cap": self.cap,
            "columns": list(self.keys),
            "printed": {c.key: _num(c.printed) for c in self.columns if c.printed is not None},
            "derived": _derived_dict(self),
            "printed_sum": _num(self.printed_sum),
            "adds_to_100": self.adds_to_100,
            "reachable": _reachable_dict(self),
            "rules": {
                r.rule.value: {
                    "solutions": [s.to_dict() for s in r.solutions],
                    "truncated": r.truncated,
                }
                for r in self.by_rule
            },
            "consistent": self.consistent,
            "n_range": list(n_range) if n_range else None,
            "reconstructions": [r.to_dict() for r in self.reconstructions],
            "best": best.to_dict() if best else None,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class SetReconstruction:
    """The reconstructions of a whole question set under one cap."""

    cap: int
    cap_source: str
    questions: tuple[QuestionReconstruction, ...]

    def question(self, question_id: str) -> QuestionReconstruction | None:
        return next((q for q in self.questions if q.question_id == question_id), None)

    def to_dict(self) -> dict[str, object]:
        return {
            "cap": self.cap,
            "cap_source": self.cap_source,
            "rules": [r.value for r in RULES],
            "questions": [q.to_dict() for q in self.questions],
        }


# --- building columns ---------------------------------------------------------------------


def columns_of(question: ChoiceItem) -> tuple[Column, ...]:
    """Printed options in display order, then one column for everything unprinted."""
    printed: list[Column] = []
    rest: list[tuple[str, float | None]] = []
    for option in question.options:
        fig = option.published
        if fig is not None and fig.status is FigureStatus.PUBLISHED:
            printed.append(Column(option.id, (option.id,), Fraction(str(fig.percent))))
        else:
            rest.append((option.id, fig.percent if fig is not None else None))
    if not rest:
        return tuple(printed)
    ids = tuple(i for i, _ in rest)
    derived = [p for _, p in rest]
    total = None if None in derived else float(sum(p for p in derived if p is not None))
    return (*printed, Column("+".join(ids), ids, None, total))


# --- rounding rules as integer ranges of k ------------------------------------------------


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _k_range(rule: Rule, units: int, scale: int, n: int) -> tuple[int, int]:
    """The counts ``k`` whose share ``scale*k/n`` rounds to ``units`` under ``rule``.

    ``scale`` is 100 times 10 to the printed decimals, ``units`` the printed
    figure in those units; a rounding rule is monotone, so the ``k`` form a range.
    For largest remainder this is only the necessary part (the floor is the
    printed figure or one below it); the full vector is checked afterwards.
    """
    two_s = 2 * scale
    if rule is Rule.HALF_UP:
        lo, hi = _ceil_div((2 * units - 1) * n, two_s), _ceil_div((2 * units + 1) * n, two_s) - 1
    elif rule is Rule.HALF_EVEN and units % 2 == 0:
        lo, hi = _ceil_div((2 * units - 1) * n, two_s), ((2 * units + 1) * n) // two_s
    elif rule is Rule.HALF_EVEN:
        lo, hi = ((2 * units - 1) * n) // two_s + 1, _ceil_div((2 * units + 1) * n, two_s) - 1
    elif rule is Rule.FLOOR:
        lo, hi = _ceil_div(units * n, scale), _ceil_div((units + 1) * n, scale) - 1
    else:
        lo, hi = _ceil_div((units - 1) * n, scale), _ceil_div((units + 1) * n, scale) - 1
    return max(lo, 0), min(hi, n)


def _largest_remainder_prints(
    counts: Sequence[int], units: Sequence[int | None], scale: int
) -> bool:
    """Whether some tie-break of largest remainder prints ``units`` (``None`` = unprinted).

    The source's tie-break is unknown, so a split counts when any order of
    equal remainders gives the printed figures. The unprinted remainder is
    bumped or not, whichever the rule allows.
    """
    n = sum(counts)
    floors = [scale * c // n for c in counts]
    rems = [scale * c % n for c in counts]
    short = scale - sum(floors)
    bumped: list[int] = []
    kept: list[int] = []
    for i, u in enumerate(units):
        if u is not None and u - floors[i] not in (0, 1):
            return False
        if u is not None:
            (bumped if u - floors[i] == 1 else kept).append(i)
    free = [i for i, u in enumerate(units) if u is None]
    extra = short - len(bumped)
    if not 0 <= extra <= len(free):
        return False
    free.sort(key=lambda i: -rems[i])
    bumped += free[:extra]
    kept += free[extra:]
    return not bumped or not kept or min(rems[i] for i in bumped) >= max(rems[i] for i in kept)


# --- the search ---------------------------------------------------------------------------


def _splits(ranges: Sequence[tuple[int, int]], n: int, exact: bool) -> Iterator[tuple[int, ...]]:
    """Vectors ``k`` within ``ranges`` summing to ``n`` (or at most ``n``), pruned early."""
    mins = [lo for lo, _ in ranges]
    maxs = [hi for _, hi in ranges]
    tail_min = [sum(mins[i:]) for i in range(len(ranges) + 1)]
    tail_max = [sum(maxs[i:]) for i in range(len(ranges) + 1)]

    def walk(i: int, left: int, acc: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        if i == len(ranges):
            if left == 0 or not exact:
                yield acc
            return
        for k in range(mins[i], maxs[i] + 1):
            rest = left - k
            if rest < tail_min[i + 1]:
                break
            if exact and rest > tail_max[i + 1]:
                continue
            yield from walk(i + 1, rest, (*acc, k))

    if all(lo <= hi for lo, hi in ranges):
        yield from walk(0, n, ())


def _solutions_for_n(rule: Rule, columns: Sequence[Column], n: int) -> Iterator[tuple[int, ...]]:
    """Full count vectors (remainder included) for one ``n`` that print the figures."""
    digits = max(c.decimals for c in columns)
    scale = 100 * 10**digits
    units = [None if c.printed is None else int(c.printed * 10**digits) for c in columns]
    printed_idx = [i for i, u in enumerate(units) if u is not None]
    ranges = [_k_range(rule, units[i] or 0, scale, n) for i in printed_idx]
    has_rest = len(printed_idx) < len(columns)
    for ks in _splits(ranges, n, exact=not has_rest):
        counts = [0] * len(columns)
        for i, k in zip(printed_idx, ks, strict=True):
            counts[i] = k
        if has_rest:
            counts[units.index(None)] = n - sum(ks)
        if rule is not Rule.LARGEST_REMAINDER or _largest_remainder_prints(counts, units, scale):
            yield tuple(counts)


def _search_rule(rule: Rule, columns: Sequence[Column], cap: int) -> RuleResult:
    keys = tuple(c.key for c in columns)
    found = (
        Reconstruction(n, counts, keys, (rule,))
        for n in range(cap, 0, -1)
        for counts in _solutions_for_n(rule, columns, n)
    )
    solutions = tuple(islice(found, MAX_SOLUTIONS + 1))
    truncated = len(solutions) > MAX_SOLUTIONS
    return RuleResult(rule, solutions[:MAX_SOLUTIONS], truncated)


def _alone(rule: Rule, units: int, scale: int, n: int) -> bool:
    """Whether some ``k/n`` could print ``units`` under ``rule``, ignoring the other figures.

    For largest remainder this is necessary, not sufficient: a count can be
    bumped up only if its share has a remainder at all.
    """
    lo, hi = _k_range(rule, units, scale, n)
    if rule is not Rule.LARGEST_REMAINDER:
        return lo <= hi
    return any(scale * k // n == units or scale * k % n for k in range(lo, hi + 1))


def _reachable(column: Column, cap: int) -> tuple[Rule, ...]:
    """Rules under which this figure alone could be some ``k/n`` with ``n <= cap``."""
    if column.printed is None:
        return RULES
    scale = 100 * 10**column.decimals
    units = int(column.printed * 10**column.decimals)
    return tuple(
        rule for rule in RULES if any(_alone(rule, units, scale, n) for n in range(1, cap + 1))
    )


def _merge_rules(
    by_rule: Sequence[RuleResult], keys: tuple[str, ...]
) -> tuple[Reconstruction, ...]:
    merged: dict[tuple[int, tuple[int, ...]], list[Rule]] = {}
    for result in by_rule:
        for s in result.solutions:
            merged.setdefault((s.n, s.counts), []).append(result.rule)
    found = [Reconstruction(n, counts, keys, tuple(rules)) for (n, counts), rules in merged.items()]
    found.sort(key=lambda r: (-r.n, -len(r.rules), RULES.index(r.rules[0]), r.counts))
    return tuple(found)


def reconstruct_question(question: ChoiceItem, cap: int) -> QuestionReconstruction:
    """Every ``n <= cap`` and split that prints the question's figures, per rule.

    :param question: the question with its published figures.
    :param cap: the largest ``n`` to try, usually the footnote's N.
    :return: the solutions per rule; empty when nothing is printed.
    """
    if not 1 <= cap <= MAX_CAP:
        raise ValueError(f"the cap must be between 1 and {MAX_CAP}, not {cap}")
    columns = columns_of(question)
    if not any(c.printed is not None for c in columns):
        return QuestionReconstruction(question.id, cap, columns, ())
    by_rule = tuple(_search_rule(rule, columns, cap) for rule in RULES)
    reachable = tuple(_reachable(c, cap) for c in columns)
    return QuestionReconstruction(question.id, cap, columns, by_rule, reachable)


def reconstruct_set(question_set: QuestionSet, max_n: int | None = None) -> SetReconstruction:
    """Reconstruct every question under the footnote's N, or ``max_n`` when given.

    :param question_set: the questions and the footnote N (``published_n``).
    :param max_n: overrides the footnote's N as the cap.
    :raises ValueError: when there is neither a footnote N nor ``max_n``.
    """
    if max_n is not None:
        cap, source = max_n, "override"
    elif question_set.published_n is not None:
        cap, source = question_set.published_n.value, "published_n"
    else:
        raise ValueError("the question set gives no published N; pass max_n")
    found = tuple(
        reconstruct_question(q, cap)
        for q in question_set.questions
        if isinstance(q, ChoiceItem) and q.compares
    )
    return SetReconstruction(cap, source, found)


# --- words --------------------------------------------------------------------------------


def _num(x: Fraction | None) -> int | float | None:
    if x is None:
        return None
    return int(x) if x.denominator == 1 else float(x)


def _pct(x: Fraction) -> str:
    return f"{_num(x)}%"


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _derived_dict(rec: QuestionReconstruction) -> dict[str, object]:
    return {
        c.key: {
            "option_ids": list(c.option_ids),
            "percent": c.derived,
            "note": "Not a printed number: the count is n minus the printed options' counts "
            "and is not required to round to any percentage.",
        }
        for c in rec.columns
        if c.printed is None
    }


def _reachable_dict(rec: QuestionReconstruction) -> dict[str, list[str]]:
    if not rec.reachable:
        return {}
    return {
        c.key: [r.value for r in rules]
        for c, rules in zip(rec.columns, rec.reachable, strict=True)
        if c.printed is not None
    }


def _rules_text(rules: Sequence[Rule]) -> str:
    return "any rule" if len(rules) == len(RULES) else _join([r.label for r in rules])


def _sum_note(rec: QuestionReconstruction) -> str:
    total = rec.printed_sum
    if rec.has_remainder and total > 100:
        return f"; the printed figures add to {_pct(total)}, more than 100%"
    if not rec.has_remainder and total != 100:
        return f"; the printed figures add to {_pct(total)}, not 100%"
    return ""


def _inconsistent_summary(rec: QuestionReconstruction) -> str:
    printed = [c for c in rec.columns if c.printed is not None]
    lost = [
        _pct(c.printed)
        for c, rules in zip(rec.columns, rec.reachable, strict=True)
        if c.printed is not None and not rules
    ]
    if lost:
        return f"No n ≤ {rec.cap} reproduces {_join(lost)} under any rule{_sum_note(rec)}."
    together = _join([_pct(c.printed) for c in printed if c.printed is not None])
    alone = [
        f"{_pct(c.printed)} could only come from {_rules_text(rules)}"
        for c, rules in zip(rec.columns, rec.reachable, strict=True)
        if c.printed is not None and len(rules) < len(RULES)
    ]
    why = f" ({'; '.join(alone)})" if alone else ""
    return f"No n ≤ {rec.cap} reproduces {together} together under any rule{why}{_sum_note(rec)}."


def _summary(rec: QuestionReconstruction) -> str:
    if not rec.has_printed:
        return "Nothing printed for this question."
    found = rec.reconstructions
    if not found:
        return _inconsistent_summary(rec)
    best = found[0]
    pick = f"n = {best.n} ({_rules_text(best.rules)}): {best.counts_text()}"
    if len(found) == 1:
        return f"Consistent only with {pick}{_sum_note(rec)}."
    lo, hi = rec.n_range or (best.n, best.n)
    ns = f"n = {lo}" if lo == hi else f"n = {lo}–{hi}"
    return (
        f"Consistent with {ns} ({len(found)} reconstructions); the statistics use {pick}, "
        f"the others give a sensitivity range{_sum_note(rec)}."
    )


def _figures_line(rec: QuestionReconstruction) -> str:
    parts = []
    for c in rec.columns:
        if c.printed is not None:
            parts.append(f"{c.key} {_pct(c.printed)}")
        else:
            shown = f" {c.derived:g}%" if c.derived is not None else ""
            parts.append(f"{c.key}{shown} (derived, not printed)")
    return "  printed: " + " · ".join(parts)


def _rule_lines(rec: QuestionReconstruction) -> list[str]:
    lines = []
    for result in rec.by_rule:
        shown = ", ".join(f"n={s.n}: {s.counts_text()}" for s in result.solutions) or "none"
        more = " (first shown; more exist)" if result.truncated else ""
        lines.append(f"  {result.rule.label:<18} {shown}{more}")
    return lines


def render_reconstructions(result: SetReconstruction) -> str:
    """The reconstructions as terminal text, one block per question.

    :param result: what :func:`reconstruct_set` found.
    :return: plain text ending in a newline.
    """
    source = "the footnote's N" if result.cap_source == "published_n" else "--max-n"
    lines = [
        f"Published figures reconstructed for n ≤ {result.cap} (cap from {source}).",
        "Rules: " + ", ".join(r.label for r in RULES) + ". Counts are in column order.",
    ]
    for rec in result.questions:
        lines += ["", f"{rec.question_id}  columns: {'/'.join(rec.keys)}", _figures_line(rec)]
        lines.append(f"  sum of printed: {_pct(rec.printed_sum)}")
        lines += _rule_lines(rec) if rec.has_printed else []
        lines.append(f"  → {rec.summary}")
    return "\n".join(lines) + "\n"
