"""Single choice: one option each (the founding article's six poll questions)."""

from __future__ import annotations

from typing import ClassVar, Literal

from .base import Answer, RawAnswer, Responses
from .choice import ChoiceItem, OneOptionSummary, counted_tally, one_option


class SingleChoice(ChoiceItem):
    """Pick one option; a knowledge check may mark one or more options as correct."""

    counted: ClassVar[bool] = True
    compares: ClassVar[bool] = True
    answer_field: ClassVar[str] = "option_id"

    type: Literal["single"] = "single"

    def read_answer(self, raw: RawAnswer) -> Answer:
        return self.check_option(str(raw.option_id))

    def store_answer(self, answer: Answer) -> tuple[str | None, str | None]:
        return one_option(answer), None

    def is_correct(self, answer: Answer) -> bool | None:
        return None if self.correct is None else one_option(answer) in self.correct

    def summarise(self, responses: Responses) -> OneOptionSummary:
        return OneOptionSummary(
            counted_tally(self.option_ids, responses.counts),
            tuple(self.correct) if self.correct is not None else None,
            responses.confidence,
            self.confidence,
        )
