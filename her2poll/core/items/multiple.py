"""Multiple choice: select up to k options, or all that apply.

Each learner is one respondent however many options they tick, so the
percentages are of respondents and need not add up to 100; the tally says
both the respondents and the selections.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from .base import Answer, RawAnswer, Responses, confidence_dict, refuse
from .choice import ChoiceItem, knowledge_dict


def percent_of(count: int, n: int) -> int:
    """A whole percent, rounded half up (each option on its own: no sum to keep)."""
    return (count * 200 + n) // (2 * n) if n else 0


@dataclass(frozen=True)
class MultipleSummary:
    option_ids: tuple[str, ...]
    counts: tuple[int, ...]
    respondents: int
    correct_n: int | None
    confidence: Mapping[int, int]
    asks_confidence: bool

    @property
    def n(self) -> int:
        return self.respondents

    def room_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "n": self.respondents,
            "selections": sum(self.counts),
            "counts": dict(zip(self.option_ids, self.counts, strict=True)),
            "percent": {
                o: percent_of(c, self.respondents)
                for o, c in zip(self.option_ids, self.counts, strict=True)
            },
        }
        if self.correct_n is not None:
            body["correct"] = knowledge_dict(self.correct_n, self.respondents)
        return body

    def to_dict(self) -> dict[str, Any]:
        body = self.room_dict()
        if self.asks_confidence:
            body["confidence"] = confidence_dict(self.confidence)
        return body


class MultipleChoice(ChoiceItem):
    """Tick between ``min_choices`` and ``max_choices`` options (no maximum: all that apply).

    As a knowledge check, an answer is right when it ticks exactly the correct options.
    """

    answer_field: ClassVar[str] = "option_ids"

    type: Literal["multiple"]
    min_choices: int = Field(default=1, ge=1, le=12)
    max_choices: int | None = Field(default=None, ge=1, le=12)

    @model_validator(mode="after")
    def _limits_fit(self) -> MultipleChoice:
        top = self.max_choices if self.max_choices is not None else len(self.options)
        if not self.min_choices <= top <= len(self.options):
            raise ValueError(
                f"choices must satisfy 1 <= min_choices ({self.min_choices}) <= max_choices "
                f"({top}) <= the number of options ({len(self.options)})"
            )
        if any(o.published is not None for o in self.options):
            raise ValueError(
                "published figures are compared for single-choice and rating items only"
            )
        if self.correct is not None and not self.min_choices <= len(self.correct) <= top:
            raise ValueError("the correct options must be an answer the limits allow")
        return self

    def read_answer(self, raw: RawAnswer) -> Answer:
        chosen = tuple(raw.option_ids or ())
        for option_id in chosen:
            self.check_option(option_id)
        if len(set(chosen)) != len(chosen):
            raise refuse("An option is ticked twice.", "duplicate_option")
        top = self.max_choices if self.max_choices is not None else len(self.options)
        if not self.min_choices <= len(chosen) <= top:
            span = f"{self.min_choices} to {top}" if top != self.min_choices else str(top)
            raise refuse(
                f"Question {self.id} takes {span} option(s); {len(chosen)} sent.", "choice_count"
            )
        return tuple(o for o in self.option_ids if o in chosen)  # display order

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        top = self.max_choices if self.max_choices is not None else len(self.options)
        return {
            **super().attendee_fields(revealed),
            "min_choices": self.min_choices,
            "max_choices": top,
        }

    def is_correct(self, answer: Answer) -> bool | None:
        if self.correct is None:
            return None
        return isinstance(answer, tuple) and set(answer) == set(self.correct)

    def summarise(self, responses: Responses) -> MultipleSummary:
        ticks: Counter[str] = Counter()
        right = 0
        for a in responses.answers:
            if isinstance(a.answer, tuple):
                ticks.update(a.answer)
            right += bool(self.is_correct(a.answer))
        return MultipleSummary(
            tuple(self.option_ids),
            tuple(ticks.get(o, 0) for o in self.option_ids),
            len(responses.answers),
            right if self.correct is not None else None,
            responses.confidence,
            self.confidence,
        )
