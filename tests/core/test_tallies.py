"""Tallies and shown percentages."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from her2poll.core.tallies import largest_remainder, tally, tally_answers


def test_thirds_add_up_to_100() -> None:
    assert largest_remainder([1, 1, 1]) == [34, 33, 33]


def test_zero_votes_show_zero_not_an_invented_split() -> None:
    assert largest_remainder([0, 0, 0, 0]) == [0, 0, 0, 0]
    assert tally(["A", "B"], {}).to_dict() == {
        "n": 0,
        "counts": {"A": 0, "B": 0},
        "percent": {"A": 0, "B": 0},
    }


def test_pq6_published_counts_give_the_printed_percentages() -> None:
    # 2/4/1/2 of 9 = 22.2/44.4/11.1/22.2: the remaining point goes to the largest
    # remainder (0.44, "likely"), which is how the article's 22/45/11/22 adds to 100.
    assert largest_remainder([2, 4, 1, 2]) == [22, 45, 11, 22]


def test_unchosen_options_count_zero_in_display_order() -> None:
    t = tally(["A", "B", "C"], {"C": 2, "A": 1})
    assert t.counts == (1, 0, 2)
    assert t.n == 3


@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12))
def test_shown_percentages_add_up_to_100(counts: list[int]) -> None:
    assume(sum(counts) > 0)
    shares = largest_remainder(counts)
    assert sum(shares) == 100
    for c, s in zip(counts, shares, strict=True):
        assert abs(s - 100 * c / sum(counts)) < 1  # never more than one point off


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=30), st.sampled_from(["A", "B", "C"])),
        max_size=200,
    )
)
def test_tallies_equal_the_number_of_distinct_voters(answers) -> None:
    t = tally_answers(["A", "B", "C"], [(str(p), o) for p, o in answers])
    assert t.n == len({p for p, _ in answers})
    last = {}
    for p, o in answers:
        last[p] = o
    assert dict(zip(t.option_ids, t.counts, strict=True)) == {
        o: sum(1 for v in last.values() if v == o) for o in ["A", "B", "C"]
    }
