"""Small-cell suppression: "<5" cells, and the complementary cells that keep them hidden."""

from __future__ import annotations

import itertools

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
