"""Tallies and the percentages shown beside them.

Shown percentages are whole numbers that add up to exactly 100 (largest
remainder, ties broken by display order), because an audience that sees
33 + 33 + 33 rightly asks where the last percent went.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def largest_remainder(counts: Sequence[int], total: int = 100) -> list[int]:
    """Whole shares of ``total`` proportional to ``counts`` that add up to it.

    Zero votes give all zeros: there is nothing to share, and an invented
    100/0 split would be worse than none.
    """
    if any(c < 0 for c in counts):
        raise ValueError("counts cannot be negative")
    n = sum(counts)
    if n == 0:
        return [0] * len(counts)
    quotas = [c * total for c in counts]
    shares = [q // n for q in quotas]
    short = total - sum(shares)
    # Integer remainders avoid float ties; sort is stable, so earlier options win ties.
    order = sorted(range(len(counts)), key=lambda i: -(quotas[i] % n))
    for i in order[:short]:
        shares[i] += 1
    return shares


@dataclass(frozen=True)
class Tally:
    """The counts of one question, in the question's option order."""

    option_ids: tuple[str, ...]
    counts: tuple[int, ...]

    @property
    def n(self) -> int:
        return sum(self.counts)

    @property
    def percentages(self) -> list[int]:
        return largest_remainder(self.counts)

    def to_dict(self) -> dict[str, object]:
        return {
            "n": self.n,
            "counts": dict(zip(self.option_ids, self.counts, strict=True)),
            "percent": dict(zip(self.option_ids, self.percentages, strict=True)),
        }


def tally(option_ids: Sequence[str], counts_by_option: Mapping[str, int]) -> Tally:
    """Build a tally in display order; options nobody chose count zero."""
    return Tally(tuple(option_ids), tuple(int(counts_by_option.get(o, 0)) for o in option_ids))


def tally_answers(option_ids: Sequence[str], answers: Iterable[tuple[str, str]]) -> Tally:
    """Tally ``(participant, option)`` answers, one per participant, last one wins.

    The store enforces one answer per person with a constraint; this is the
    same rule in pure form, for tests and for replaying an exported session.
    """
    latest: dict[str, str] = {}
    for participant, option in answers:
        latest[participant] = option
    counts: dict[str, int] = {}
    for option in latest.values():
        counts[option] = counts.get(option, 0) + 1
    return tally(option_ids, counts)
