"""Numeric: a number between a minimum and a maximum, with a unit (a dose, a % estimate).

The room sees a histogram, the median and the interquartile range. Outliers
(beyond 1.5 IQR from the quartiles, Tukey's fences) are listed and stay in the
histogram: in a clinical estimate the outlier is often the point of the
discussion, so nothing is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from .base import Answer, ItemBase, RawAnswer, Responses, ShortText, confidence_dict, refuse

MAX_BINS = 12


def _num(x: float) -> int | float:
    """A whole number as an int, so 5 shows as 5 and not 5.0."""
    return int(x) if float(x).is_integer() else float(x)


@dataclass(frozen=True)
class NumericSummary:
    values: tuple[float, ...]
    low: float
    high: float
    unit: str | None
    confidence: Mapping[int, int]
    asks_confidence: bool

    @property
    def n(self) -> int:
        return len(self.values)

    def _histogram(self) -> list[dict[str, Any]]:
        """Equal bins over the item's own range, at most :data:`MAX_BINS` of them."""
        if not self.values:
            return []
        import numpy as np  # here: a CLI command that never summarises should not load it

        data = np.asarray(self.values, dtype=float)
        try:
            auto = len(np.histogram_bin_edges(data, bins="auto")) - 1
        except ValueError:  # values a rounding error apart: numpy cannot split their range
            auto = 1
        bins = min(MAX_BINS, max(1, auto))
        counts, edges = np.histogram(data, bins=bins, range=(self.low, self.high))
        return [
            {"lo": _num(round(float(lo), 6)), "hi": _num(round(float(hi), 6)), "count": int(c)}
            for lo, hi, c in zip(edges[:-1], edges[1:], counts, strict=True)
        ]

    def room_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"n": self.n, "unit": self.unit, "histogram": self._histogram()}
        if not self.values:
            return {
                **body, "median": None, "q1": None, "q3": None, "iqr": None, "mean": None,
                "min": None, "max": None, "outliers": [],
            }  # fmt: skip
        import numpy as np

        data = np.asarray(self.values, dtype=float)
        q1, median, q3 = (float(v) for v in np.percentile(data, [25, 50, 75]))
        iqr = q3 - q1
        fence_lo, fence_hi = q1 - 1.5 * iqr, q3 + 1.5 * iqr
        outliers = sorted(_num(v) for v in self.values if v < fence_lo or v > fence_hi)
        return {
            **body,
            "median": _num(median),
            "q1": _num(q1),
            "q3": _num(q3),
            "iqr": _num(round(iqr, 9)),
            "mean": float(data.mean()),
            "min": _num(float(data.min())),
            "max": _num(float(data.max())),
            "outliers": outliers,
        }

    def to_dict(self) -> dict[str, Any]:
        body = self.room_dict()
        if self.asks_confidence:
            body["confidence"] = confidence_dict(self.confidence)
        return body


class Numeric(ItemBase):
    """Type a number from ``min`` to ``max``; ``integer`` refuses fractions."""

    answer_field: ClassVar[str] = "value"

    type: Literal["numeric"]
    min: float
    max: float
    unit: ShortText | None = Field(default=None, max_length=20)
    integer: bool = False

    @model_validator(mode="after")
    def _range(self) -> Numeric:
        if not (math.isfinite(self.min) and math.isfinite(self.max) and self.min < self.max):
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self

    def read_answer(self, raw: RawAnswer) -> Answer:
        value = raw.value
        if value is None or isinstance(value, bool) or not math.isfinite(value):
            raise refuse(f"Question {self.id} takes a number.", "not_a_number")
        if not self.min <= value <= self.max:
            unit = f" {self.unit}" if self.unit else ""
            raise refuse(
                f"Answer between {_num(self.min)} and {_num(self.max)}{unit}.", "out_of_range"
            )
        if self.integer and not float(value).is_integer():
            raise refuse("Answer with a whole number.", "not_a_whole_number")
        return float(value)

    def answer_text(self, answer: Answer) -> str:
        """The number as typed, with its unit: "40 %", "2.5 mg/kg"."""
        value = _num(float(answer)) if isinstance(answer, float | int) else answer
        return f"{value} {self.unit}" if self.unit else str(value)

    def answer_cell(self, answer: Answer) -> str | float:
        return _num(float(answer)) if isinstance(answer, float | int) else str(answer)

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        return {
            "min": _num(self.min),
            "max": _num(self.max),
            "unit": self.unit,
            "integer": self.integer,
        }

    def summarise(self, responses: Responses) -> NumericSummary:
        values: Sequence[float] = [
            float(a.answer) for a in responses.answers if isinstance(a.answer, float)
        ]
        return NumericSummary(
            tuple(values), self.min, self.max, self.unit, responses.confidence, self.confidence
        )
