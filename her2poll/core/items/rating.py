"""Rating / Likert scale: labelled points, each with the number it stands for.

The points are options (so they are counted in the database, compared with
published figures when the source printed some, and charted like any choice),
and each carries a ``value`` so the summary can give a median and a mean with
its 95% interval. A 4-point likelihood scale is as natural here as 1–5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from ..tallies import Tally
from .base import Answer, Option, RawAnswer, Responses
from .choice import ChoiceItem, OneOptionSummary, counted_tally, one_option


class ScalePoint(Option):
    value: float = Field(description="The number this point stands for, e.g. 1 to 5.")


def _median(values: Sequence[float], counts: Sequence[int]) -> float | None:
    """The median of a distribution given as (value, count) pairs, in value order."""
    n = sum(counts)
    if n == 0:
        return None
    pairs = sorted(zip(values, counts, strict=True))

    def at(k: int) -> float:  # the k-th smallest (0-based)
        seen = 0
        for v, c in pairs:
            seen += c
            if k < seen:
                return v
        raise AssertionError("unreachable")  # pragma: no cover

    return at(n // 2) if n % 2 else (at(n // 2 - 1) + at(n // 2)) / 2


def mean_interval(
    values: Sequence[float], counts: Sequence[int]
) -> tuple[float | None, tuple[float, float] | None]:
    """The mean and its 95% t-interval; no interval below two answers.

    The t-interval is the usual report of a rating mean (Cohen's d and the
    interval need the same spread); with every answer equal the interval is
    the point itself.
    """
    n = sum(counts)
    if n == 0:
        return None, None
    mean = sum(v * c for v, c in zip(values, counts, strict=True)) / n
    if n < 2:
        return mean, None
    # Imported here: scipy takes a second to load, which a CLI --help should not wait for.
    from scipy import stats as sps

    var = sum(c * (v - mean) ** 2 for v, c in zip(values, counts, strict=True)) / (n - 1)
    half = float(sps.t.ppf(0.975, n - 1)) * math.sqrt(var / n)
    return mean, (mean - half, mean + half)


def on_scale(ci: tuple[float, float] | None, values: Sequence[float]) -> tuple[float, float] | None:
    """The interval clipped to the scale's ends.

    A t-interval of few answers runs past the ends (2.5 ± 6 on a 1–4 scale), and
    a mean cannot lie there: "-2.85 to 9.85" on a 1–4 scale only invites misreading.
    """
    if ci is None or not values:
        return ci
    low, high = min(values), max(values)
    return max(ci[0], low), min(ci[1], high)


@dataclass(frozen=True)
class RatingSummary(OneOptionSummary):
    values: tuple[float, ...] = ()

    def room_dict(self) -> dict[str, Any]:
        body = super().room_dict()
        mean, ci = mean_interval(self.values, self.tally.counts)
        ci = on_scale(ci, self.values)
        body["median"] = _median(self.values, self.tally.counts)
        body["mean"] = mean
        body["mean_ci95"] = list(ci) if ci is not None else None
        return body


class Rating(ChoiceItem):
    """Pick one point of a labelled scale."""

    counted: ClassVar[bool] = True
    compares: ClassVar[bool] = True
    answer_field: ClassVar[str] = "option_id"

    type: Literal["rating"]
    options: list[ScalePoint] = Field(min_length=2, max_length=11)  # type: ignore[assignment]

    @model_validator(mode="after")
    def _a_scale(self) -> Rating:
        values = [p.value for p in self.options]
        if len(set(values)) != len(values):
            raise ValueError("each point of a scale needs its own value")
        if self.correct is not None:
            raise ValueError("a rating has no correct answer: use a single-choice item for that")
        return self

    def read_answer(self, raw: RawAnswer) -> Answer:
        return self.check_option(str(raw.option_id))

    def store_answer(self, answer: Answer) -> tuple[str | None, str | None]:
        return one_option(answer), None

    def summarise(self, responses: Responses) -> RatingSummary:
        tally: Tally = counted_tally(self.option_ids, responses.counts)
        return RatingSummary(
            tally, None, responses.confidence, self.confidence, tuple(p.value for p in self.options)
        )
