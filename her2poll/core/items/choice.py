"""What the choice items share: options in display order, and the knowledge check.

A knowledge check is a choice item that marks its correct option(s) and gives a
rationale. Both are shown to attendees on reveal and never before (the role
views decide that), and the phone marks them with words and an icon, never by
colour alone (WCAG 1.4.1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, model_validator

from ..tallies import Tally, largest_remainder
from .base import (
    MAX_OPTIONS,
    Answer,
    ItemBase,
    LongText,
    Option,
    confidence_dict,
    refuse,
    refuse_duplicates,
)


class ChoiceItem(ItemBase):
    """An item answered by picking among options."""

    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS)
    correct: list[str] | None = Field(
        default=None, description="Knowledge check: the correct option id(s)."
    )
    rationale: LongText | None = Field(
        default=None, description="Knowledge check: why, shown with the correct answer on reveal."
    )

    @model_validator(mode="after")
    def _options_and_key_agree(self) -> ChoiceItem:
        refuse_duplicates("option", [o.id for o in self.options])
        if self.correct is not None:
            if not self.correct:
                raise ValueError("'correct' needs at least one option id (or leave it out)")
            refuse_duplicates("correct option", self.correct)
            unknown = [c for c in self.correct if self.option(c) is None]
            if unknown:
                raise ValueError(f"'correct' names no option of this item: {', '.join(unknown)}")
        if self.rationale is not None and self.correct is None:
            raise ValueError("a rationale belongs to a knowledge check: mark 'correct' too")
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    @property
    def has_published(self) -> bool:
        return any(o.published is not None for o in self.options)

    @property
    def is_knowledge_check(self) -> bool:
        return self.correct is not None

    def label(self, option_id: str) -> str:
        """An option's text as attendees read it (its id, should the set have lost it)."""
        option = self.option(option_id)
        return option.text if option is not None else option_id

    def answer_text(self, answer: Answer) -> str:
        """One option's text, or the texts of several joined by "; " in display order."""
        if isinstance(answer, tuple):
            return "; ".join(self.label(o) for o in answer)
        return self.label(str(answer))

    def check_option(self, option_id: str) -> str:
        if self.option(option_id) is None:
            raise refuse(f"{option_id!r} is not an option of question {self.id}.", "unknown_option")
        return option_id

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        fields: dict[str, Any] = {"options": [{"id": o.id, "text": o.text} for o in self.options]}
        if revealed and self.correct is not None:
            fields["correct"] = list(self.correct)
            fields["rationale"] = self.rationale
        return fields


def knowledge_dict(correct_n: int, n: int) -> dict[str, Any]:
    """% correct of those who answered (whole percent, rounded half up)."""
    percent = (correct_n * 200 + n) // (2 * n) if n else 0
    return {"n": correct_n, "of": n, "percent": percent}


@dataclass(frozen=True)
class OneOptionSummary:
    """The result of an item answered with one option: a tally, % correct, confidence."""

    tally: Tally
    correct_ids: tuple[str, ...] | None
    confidence: Mapping[int, int]
    asks_confidence: bool

    @property
    def n(self) -> int:
        return self.tally.n

    @property
    def option_ids(self) -> tuple[str, ...]:
        return self.tally.option_ids

    @property
    def counts(self) -> tuple[int, ...]:
        return self.tally.counts

    def room_dict(self) -> dict[str, Any]:
        body = self.tally.to_dict()
        if self.correct_ids is not None:
            right = sum(
                c
                for o, c in zip(self.tally.option_ids, self.tally.counts, strict=True)
                if o in self.correct_ids
            )
            body["correct"] = knowledge_dict(right, self.n)
        return body

    def to_dict(self) -> dict[str, Any]:
        body = self.room_dict()
        if self.asks_confidence:
            body["confidence"] = confidence_dict(self.confidence)
        return body


def counted_tally(option_ids: Sequence[str], counts: Mapping[str, int]) -> Tally:
    return Tally(tuple(option_ids), tuple(int(counts.get(o, 0)) for o in option_ids))


def shares(counts: Sequence[int]) -> list[int]:
    return largest_remainder(counts)


def one_option(answer: Answer) -> str:
    if not isinstance(answer, str):
        raise ValueError(f"expected one option id, got {answer!r}")
    return answer
