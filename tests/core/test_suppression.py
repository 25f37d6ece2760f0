"""Small-cell suppression: "<5" cells, and the complementary cells that keep them hidden."""

from __future__ import annotations

import itertools
import math

from hypothesis import given
from hypothesis import strategies as st

from her2poll.core.suppression import MIN_CELL, PRIMARY, SECONDARY, Table, hide


def _one(parts: list[int]) -> tuple[dict[str, int], list[Table[str]]]:
    cells = {f"p{i}": v for i, v in enumerate(parts)} | {"n": sum(parts)}
    return cells, [Table("n", tuple(f"p{i}" for i in range(len(parts))))]


def test_cells_of_one_to_four_are_primary_and_zero_is_shown() -> None:
    assert hide({"a": 0, "b": 1, "c": 4, "d": 5, "e": 12}) == {"b": PRIMARY, "c": PRIMARY}


def test_a_lone_small_cell_gets_the_smallest_other_cell_as_its_complement() -> None:
    # 2 + 8 + 9 = 19: with only "2" hidden, 19 − 8 − 9 gives it away; 8 is hidden too
    cells, tables = _one([2, 8, 9])
    assert hide(cells, tables) == {"p0": PRIMARY, "p1": SECONDARY}


def test_two_small_cells_whose_sum_gives_them_away_take_a_third() -> None:
    # 1 + 1 + 9: the two hidden cells add up to 2, so both are 1; 9 is hidden too
    cells, tables = _one([1, 1, 9])
    assert hide(cells, tables) == {"p0": PRIMARY, "p1": PRIMARY, "p2": SECONDARY}
    # 2 + 3 + 9: they add up to 5, which 1+4, 2+3, 3+2, 4+1 all make: safe as it is
    cells, tables = _one([2, 3, 9])
    assert hide(cells, tables) == {"p0": PRIMARY, "p1": PRIMARY}


def test_a_total_is_hidden_when_no_other_cell_is_left() -> None:
    # 1 + 5 = 6: "hidden" means 5 or more, so "<5" + "hidden" = 6 pins both; hide the total
    cells, tables = _one([1, 5])
    assert hide(cells, tables) == {"p0": PRIMARY, "p1": SECONDARY, "n": SECONDARY}
    # a total under 5 is itself "<5", and its table with it, zeros too
    cells, tables = _one([3, 0])
    assert hide(cells, tables) == {"p0": PRIMARY, "p1": PRIMARY, "n": PRIMARY}


def test_a_cell_shared_by_two_tables_carries_the_suppression_across() -> None:
    """Matched learners are part of the pre total and of the post total."""
    cells = {"pre": 9, "post": 13, "matched": 7, "pre_only": 2, "post_only": 6}
    tables = [Table("pre", ("matched", "pre_only")), Table("post", ("matched", "post_only"))]
    got = hide(cells, tables)
    # pre_only 2 → matched hidden to protect it → post_only hidden to protect matched
    assert got == {"pre_only": PRIMARY, "matched": SECONDARY, "post_only": SECONDARY}


def _consistent(cells: dict[str, int], hidden: dict[str, str], parts: list[str]) -> list[dict]:
    """Every assignment a reader could believe: shown cells as shown, hidden ones in range."""
    top = cells["n"] + MIN_CELL
    choices = []
    whole = hidden.get("n") == PRIMARY  # the documented rule: then every part is 0–4
    for k in [*parts, "n"]:
        if k not in hidden:
            choices.append([cells[k]])
        elif hidden[k] == PRIMARY:
            choices.append(list(range(0 if whole and k != "n" else 1, MIN_CELL)))
        else:
            choices.append(list(range(MIN_CELL, top + 1)))
    found = []
    for values in itertools.product(*choices):
        *ps, n = values
        if sum(ps) == n:
            found.append(dict(zip([*parts, "n"], values, strict=True)))
    return found


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4))
def test_no_hidden_cell_can_be_worked_out_from_the_table(parts: list[int]) -> None:
    """Brute force, independent of the interval arithmetic: every hidden cell has ≥ 2 values."""
    cells, tables = _one(parts)
    hidden = hide(cells, tables)
    names = [f"p{i}" for i in range(len(parts))]
    assert {k for k, v in cells.items() if 0 < v < MIN_CELL} <= hidden.keys()
    worlds = _consistent(cells, hidden, names)
    assert cells in worlds  # the truth is among them: the markers never lie
    for k in hidden:
        assert cells[k] == 0 or len({w[k] for w in worlds}) >= 2, (parts, hidden, k)


@given(st.tuples(*[st.integers(min_value=0, max_value=9)] * 3))
def test_linked_tables_hide_every_small_cell_beyond_recovery(values: tuple[int, int, int]) -> None:
    """matched + pre_only = pre, matched + post_only = post, checked by brute force."""
    m, a, b = values
    cells = {"m": m, "a": a, "b": b, "pre": m + a, "post": m + b}
    tables = [Table("pre", ("m", "a")), Table("post", ("m", "b"))]
    hidden = hide(cells, tables)

    def options(k: str, whole: bool) -> range:
        if k not in hidden:
            return range(cells[k], cells[k] + 1)
        if hidden[k] == PRIMARY:
            return range(0 if whole else 1, MIN_CELL)
        return range(MIN_CELL, 20)

    pre_whole, post_whole = hidden.get("pre") == PRIMARY, hidden.get("post") == PRIMARY
    worlds = [
        w
        for w in (
            {"m": x, "a": y, "b": z, "pre": p, "post": q}
            for x in options("m", pre_whole or post_whole)
            for y in options("a", pre_whole)
            for z in options("b", post_whole)
            for p in options("pre", False)
            for q in options("post", False)
        )
        if w["pre"] == w["m"] + w["a"] and w["post"] == w["m"] + w["b"]
    ]
    assert cells in worlds
    for k in hidden:
        # a zero hidden in a "<5" table may be learnt to be zero: that singles nobody out
        assert cells[k] == 0 or len({w[k] for w in worlds}) >= 2, (values, hidden, k)


def test_a_bound_the_verdict_gives_pins_like_a_shown_cell() -> None:
    """Tested means at least 6 matched: "7 answered = matched + <5" then gives pre-only = 1."""
    cells = {"pre": 7, "m": 6, "o": 1}
    tables = [Table("pre", ("m", "o"))]
    assert hide(cells, tables) == {"o": PRIMARY, "m": SECONDARY}  # m 5–6, o 1–2: safe
    got = hide(cells, tables, bounds={"m": (6, math.inf)})
    assert got == {"o": PRIMARY, "m": SECONDARY, "pre": SECONDARY}


def test_a_fixed_count_is_never_hidden_and_an_unknown_is_never_reported() -> None:
    """Two comments listed after "No": "No" is at least 2, so 7 = yes (≥ 5) + no pins it."""
    cells = {"n": 7, "yes": 5, "no": 2, "said": 2, "rest": 0}
    tables = [Table("n", ("yes", "no")), Table("no", ("said", "rest"))]
    alone = {k: cells[k] for k in ("n", "yes", "no")}
    assert hide(alone, tables[:1]) == {"no": PRIMARY, "yes": SECONDARY}  # "no": 1 or 2
    got = hide(cells, tables, unknown=["rest"], fixed=["said"])
    assert got == {"no": PRIMARY, "yes": SECONDARY, "n": SECONDARY}


def test_a_table_with_an_unknown_part_does_not_make_its_zeros_small() -> None:
    """Right answers = matched a + b + the pre-only ones: a "<5" total, a 0 stays 0."""
    cells = {"right": 2, "a": 1, "b": 0, "rest": 1}
    got = hide(cells, [Table("right", ("a", "b", "rest"))], unknown=["rest"])
    assert got == {"right": PRIMARY, "a": PRIMARY}


@given(st.tuples(st.integers(min_value=0, max_value=9), st.integers(min_value=0, max_value=9)))
def test_a_verdicts_minimum_never_gives_a_small_cell_away(values: tuple[int, int]) -> None:
    """pre = matched + pre_only; the verdict says matched ≥ 6 or ≤ 5. Brute force."""
    m, a = values
    cells = {"m": m, "a": a, "pre": m + a}
    bound = (6, math.inf) if m >= 6 else (0, 5)
    hidden = hide(cells, [Table("pre", ("m", "a"))], bounds={"m": bound})
    whole = hidden.get("pre") == PRIMARY

    def options(k: str) -> range:
        if k not in hidden:
            return range(cells[k], cells[k] + 1)
        if hidden[k] == PRIMARY:
            return range(0 if whole and k != "pre" else 1, MIN_CELL)
        return range(MIN_CELL, 20)

    worlds = [
        (x, y, p)
        for x in options("m")
        for y in options("a")
        for p in options("pre")
        if p == x + y and bound[0] <= x <= bound[1]
    ]
    assert (m, a, m + a) in worlds
    for i, k in enumerate(("m", "a", "pre")):
        if k in hidden and cells[k] and hidden[k] == PRIMARY:
            assert len({w[i] for w in worlds}) >= 2, (values, hidden, k)
