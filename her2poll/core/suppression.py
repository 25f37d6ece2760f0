"""Small-cell suppression: the one rule for aggregate figures in identified sessions.

When learners are identified for credit, an aggregate table must not let a
reader single out a few of them (CME.md: "a cell under 5 learners is suppressed
in aggregate exports when identities exist"). The rule, applied by every
aggregate export (the outcomes report in all its formats, and the ordinary
exports' summary sheets):

1. **Primary**: a cell counting 1–4 learners is shown as ``"<5"``. Zero is
   shown: it singles nobody out. A table whose total is 1–4 is shown ``"<5"``
   whole, zeros too (else four "<5" cells of a "<5" total would each be 1).
2. **Complementary**: within every table whose cells add up to a total, the
   hidden cells must not be recoverable from the total and the cells still
   shown. A reader knows a ``"<5"`` cell is 1–4 and a ``"hidden"`` one is not
   (it is 5 or more); a table is safe when no hidden cell (nor a hidden total)
   is pinned to a single value by those ranges. While a table is not safe, its
   smallest other non-zero cell is hidden too (shown ``"hidden"``), and when
   none is left, its total.
3. **Derived figures**: a share, mean or test statistic computed from a hidden
   cell is withheld (``"hidden"``): the callers decide which figures rest on
   which cells, this module which cells are hidden.

Tables are checked one at a time, repeatedly, until none changes; a cell shared
by two tables (a learner count that is a part of two totals) links them.
Besides the cells shown, a reader's reasoning may run through counts no export
shows (*unknown*: the pre-only learners who chose an option, 0 or more), counts
shown in another form that can never be hidden (*fixed*: the number of comments
listed), and what else the report says of a cell (*bounds*: a verdict "too few
matched learners" says the matched count is under 6).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

#: Smallest count shown when learners are identified (CME.md).
MIN_CELL = 5
#: A cell of 1 to MIN_CELL − 1 learners.
PRIMARY = "<5"
#: A cell hidden so that a ``"<5"`` cell cannot be worked out, or a figure computed from one.
SECONDARY = "hidden"
#: Internal: a count no export shows (0 or more); never written, never reported hidden.
UNKNOWN = "unknown"

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Table(Generic[K]):
    """Cells that add up to a total: ``total == sum(parts)``."""

    total: K
    parts: tuple[K, ...]


#: What a reader can tell of a hidden cell: from, to (inclusive; ∞ unbounded).
Range = tuple[float, float]


def _range(marker: str | None, value: int, loose: bool) -> Range:
    """What a reader knows of a cell: its value if shown, else the range its marker says.

    :param loose: the cell is in a table hidden whole, where "<5" may be 0.
    """
    if marker is None:
        return value, value
    if marker == PRIMARY:
        return 0 if loose else 1, MIN_CELL - 1
    if marker == UNKNOWN:
        return 0, math.inf
    return MIN_CELL, math.inf


def _tighten(table: Table[K], cells: Mapping[K, int], ranges: dict[K, Range]) -> bool:
    """Narrow each hidden cell of a table to what ``sum(parts) − total = 0`` leaves it.

    Interval arithmetic: each unknown is what the others leave it, within its
    own range. Returns whether any range narrowed.
    """
    signed = [(k, 1) for k in table.parts] + [(table.total, -1)]
    unknown = [(k, s) for k, s in signed if k in ranges]
    known = sum(s * cells[k] for k, s in signed if k not in ranges)
    narrowed = False
    for k, s in unknown:
        lo: float = -known  # s·x_k = −known − Σ_{j≠k} s_j·x_j
        hi: float = -known
        for j, sj in unknown:
            if j != k:
                a, b = sorted((sj * ranges[j][0], sj * ranges[j][1]))
                lo, hi = lo - b, hi - a
        if s < 0:
            lo, hi = -hi, -lo
        new = (max(lo, ranges[k][0]), min(hi, ranges[k][1]))
        if new != ranges[k]:
            ranges[k], narrowed = new, True
    return narrowed


def _pinned(
    cells: Mapping[K, int],
    hidden: Mapping[K, str],
    loose: set[K],
    tables: Sequence[Table[K]],
    bounds: Mapping[K, Range],
) -> list[K]:
    """The hidden non-zero cells a reader can work out from all the tables together.

    A zero hidden in a "<5" table may be worked out: learning it is 0 singles
    nobody out; so may an unknown count, which no export shows.
    """
    ranges = {k: _range(m, cells[k], k in loose) for k, m in hidden.items()}
    for k, (lo, hi) in bounds.items():
        if k in ranges:
            ranges[k] = (max(lo, ranges[k][0]), min(hi, ranges[k][1]))
    for _ in range(4 * len(ranges) + 4):  # bounds only narrow; this many passes settle them
        if not any([_tighten(t, cells, ranges) for t in tables]):
            break
    return [
        k for k, (lo, hi) in ranges.items() if cells[k] and hi - lo < 1 and hidden[k] != UNKNOWN
    ]


def _widen(
    tables: Sequence[Table[K]], cells: Mapping[K, int], hidden: dict[K, str], fixed: set[K]
) -> bool:
    """Hide one more cell of these tables: the smallest shown non-zero part, else a total.

    A fixed count is never chosen: it is shown in a form that cannot be hidden.
    """
    shown = {
        k for t in tables for k in t.parts if k not in hidden and k not in fixed and cells[k] > 0
    }
    if shown:
        hidden[min(shown, key=lambda k: (cells[k], str(k)))] = SECONDARY
        return True
    for table in tables:
        total = table.total
        if total not in hidden and total not in fixed and cells[total] > 0:
            hidden[total] = PRIMARY if cells[total] < MIN_CELL else SECONDARY
            return True
    return False


def hide(
    cells: Mapping[K, int],
    tables: Iterable[Table[K]] = (),
    *,
    unknown: Iterable[K] = (),
    fixed: Iterable[K] = (),
    bounds: Mapping[K, Range] | None = None,
) -> dict[K, str]:
    """The cells to hide and how each is shown (:data:`PRIMARY` or :data:`SECONDARY`).

    :param cells: every count an aggregate shows, by a key of the caller's choosing.
    :param tables: the sums among them (a key of a table must be a key of ``cells``).
    :param unknown: cells no export shows, which tables may run through (0 or more).
    :param fixed: cells shown in a form that cannot be hidden (listed comments).
    :param bounds: what else the document says of a cell (from, to), besides its marker.
    """
    dark, known = set(unknown), set(fixed)
    hidden: dict[K, str] = {k: UNKNOWN for k in dark}
    hidden |= {k: PRIMARY for k, v in cells.items() if 0 < v < MIN_CELL and k not in dark | known}
    todo = [t for t in tables if len(t.parts) > 0]
    loose: set[K] = set()
    for table in todo:
        # a total of 1–4 makes its table "<5" whole; one with an unknown part is not a sum
        # of shown cells (its zeros cannot be worked out of it), and is reasoned as any other
        if hidden.get(table.total, UNKNOWN) != UNKNOWN and not dark & set(table.parts):
            parts = {k for k in table.parts if k not in hidden and k not in known}
            loose |= parts
            hidden |= dict.fromkeys(parts, PRIMARY)
    stuck: set[K] = set()
    while pinned := [
        k
        for k in _pinned(cells, hidden, loose, todo, bounds or {})
        # a cell the document's own words pin (its marker and bounds alone): nothing helps
        if k not in stuck and k not in _pinned(cells, hidden, loose, (), bounds or {})
    ]:
        # any table around a pinned cell may be what pins it: widen the cheapest
        around = [t for t in todo if any(k == t.total or k in t.parts for k in pinned)]
        if not _widen(around, cells, hidden, known):
            stuck |= set(pinned)  # everything around them is hidden already
    return {k: m for k, m in hidden.items() if m != UNKNOWN}


def shown(value: int, marker: str | None) -> int | str:
    """A count as an export shows it: the number, or its marker."""
    return value if marker is None else marker


def any_hidden(keys: Iterable[K], hidden: Mapping[K, str]) -> bool:
    """Whether a figure computed from these cells must be withheld."""
    return any(k in hidden for k in keys)


def counts_table(total: K, parts: Sequence[K]) -> Table[K]:
    """A table of option counts of a one-answer item: they add up to the answered total."""
    return Table(total, tuple(parts))


def withhold(holder: Any, field: Any) -> None:
    """Withhold the figure at ``holder[field]``: every number in it becomes :data:`SECONDARY`.

    In place, so the counts registered inside it can still be written back.
    ``None`` (no figure), texts, codes and flags stay: they say what kind of
    figure it was, not what it was.
    """
    value = holder[field]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        holder[field] = SECONDARY
    elif isinstance(value, dict):
        for key in value:
            withhold(value, key)
    elif isinstance(value, list):
        for i in range(len(value)):
            withhold(value, i)


class Ledger:
    """Collects a document's counts, their sums and the figures resting on them, then hides.

    A builder registers each count where it sits in the document (``holder[field]``),
    the tables they form, and each derived figure with the cells it rests on;
    :meth:`apply` runs :func:`hide` once over all of them and rewrites the
    document in place: derived figures first (withheld whole), then every count
    (its number, or its marker).
    """

    def __init__(self) -> None:
        self.cells: dict[Hashable, int] = {}
        self.tables: list[Table[Hashable]] = []
        self.hidden: dict[Hashable, str] = {}
        self.unknowns: set[Hashable] = set()
        self.fixed: set[Hashable] = set()
        self.bounds: dict[Hashable, Range] = {}
        self._writes: list[tuple[Hashable, Any, Any]] = []
        self._derived: list[tuple[tuple[Hashable, ...], Any, Any]] = []

    def count(self, key: Hashable, holder: Any, field: Any) -> None:
        """A count shown at ``holder[field]`` (the same key may be shown in several places)."""
        self.cells[key] = int(holder[field])
        self._writes.append((key, holder, field))

    def value(self, key: Hashable, count: int) -> None:
        """A count not shown as such, but that other figures let a reader work out."""
        self.cells[key] = int(count)

    def unknown(self, key: Hashable, count: int) -> None:
        """A count no export shows that a reader's sums may run through (0 or more)."""
        self.cells[key] = int(count)
        self.unknowns.add(key)

    def known(self, key: Hashable, count: int) -> None:
        """A count shown in a form that cannot be hidden (the comments listed)."""
        self.cells[key] = int(count)
        self.fixed.add(key)

    def bound(self, key: Hashable, low: float = 0, high: float = math.inf) -> None:
        """What the document says of a cell besides its number (a verdict's minimum n)."""
        lo, hi = self.bounds.get(key, (0, math.inf))
        self.bounds[key] = (max(lo, low), min(hi, high))

    def table(self, total: Hashable, parts: Iterable[Hashable]) -> None:
        self.tables.append(Table(total, tuple(parts)))

    def derived(self, keys: Iterable[Hashable], holder: Any, field: Any) -> None:
        """A figure at ``holder[field]`` computed from these cells."""
        self._derived.append((tuple(keys), holder, field))

    def apply(self) -> dict[Hashable, str]:
        """Hide by the rule and rewrite the registered places; return the hidden cells."""
        self.hidden = hide(self.cells, self.tables, unknown=self.unknowns, fixed=self.fixed,
                           bounds=self.bounds)  # fmt: skip
        for keys, holder, field in self._derived:
            if any_hidden(keys, self.hidden) and _has(holder, field):
                withhold(holder, field)
        for key, holder, field in self._writes:
            holder[field] = shown(self.cells[key], self.hidden.get(key))
        return self.hidden


def _has(holder: Any, field: Any) -> bool:
    if isinstance(holder, dict):
        return field in holder
    return isinstance(holder, list) and isinstance(field, int) and 0 <= field < len(holder)
