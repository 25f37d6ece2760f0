"""Ranking: put k of the options in order; the room sees the mean rank and the Borda score.

Borda: with m options, rank r earns m − r points (first place m − 1, last 0)
and an option left unranked earns nothing, so a top-k ranking and a full one
score on the same scale. The mean rank is over the learners who ranked that
option, with how many did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from .base import Answer, RawAnswer, Responses, confidence_dict, refuse
from .choice import ChoiceItem


@dataclass(frozen=True)
class RankingSummary:
    option_ids: tuple[str, ...]
    #: Per option: the ranks it was given (1 = first).
    ranks: Mapping[str, tuple[int, ...]]
    respondents: int
    confidence: Mapping[int, int]
    asks_confidence: bool

    @property
    def n(self) -> int:
        return self.respondents

    def borda(self, option_id: str) -> int:
        m = len(self.option_ids)
        return sum(m - r for r in self.ranks.get(option_id, ()))

    def room_dict(self) -> dict[str, Any]:
        rows: list[dict[str, Any]] = []
        for o in self.option_ids:
            ranks = self.ranks.get(o, ())
            rows.append(
                {
                    "option_id": o,
                    "borda": self.borda(o),
                    "mean_rank": sum(ranks) / len(ranks) if ranks else None,
                    "ranked_by": len(ranks),
                    "first": sum(1 for r in ranks if r == 1),
                }
            )
        # Highest score first; a tie keeps display order (the sort is stable).
        rows.sort(key=lambda row: -int(row["borda"]))
        return {"n": self.respondents, "options": rows, "order": [row["option_id"] for row in rows]}

    def to_dict(self) -> dict[str, Any]:
        body = self.room_dict()
        if self.asks_confidence:
            body["confidence"] = confidence_dict(self.confidence)
        return body


class Ranking(ChoiceItem):
    """Order ``rank_count`` of the options (all of them when left out)."""

    answer_field: ClassVar[str] = "option_ids"

    type: Literal["ranking"]
    rank_count: int | None = Field(default=None, ge=1, le=12)

    @model_validator(mode="after")
    def _fits(self) -> Ranking:
        if self.rank_count is not None and self.rank_count > len(self.options):
            raise ValueError(
                f"rank_count {self.rank_count} is more than the {len(self.options)} options"
            )
        if self.correct is not None:
            raise ValueError("a ranking has no correct answer here")
        if any(o.published is not None for o in self.options):
            raise ValueError(
                "published figures are compared for single-choice and rating items only"
            )
        return self

    @property
    def k(self) -> int:
        return self.rank_count if self.rank_count is not None else len(self.options)

    def read_answer(self, raw: RawAnswer) -> Answer:
        order = tuple(raw.option_ids or ())
        for option_id in order:
            self.check_option(option_id)
        if len(set(order)) != len(order):
            raise refuse("An option is ranked twice.", "duplicate_option")
        if len(order) != self.k:
            raise refuse(
                f"Question {self.id} ranks {self.k} options; {len(order)} sent.", "choice_count"
            )
        return order

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        return {**super().attendee_fields(revealed), "rank_count": self.k}

    def answer_text(self, answer: Answer) -> str:
        """The order with its ranks: "1. Quality of life; 2. Toxicity"."""
        order = answer if isinstance(answer, tuple) else (str(answer),)
        return "; ".join(f"{r}. {self.label(o)}" for r, o in enumerate(order, start=1))

    def summarise(self, responses: Responses) -> RankingSummary:
        ranks: dict[str, list[int]] = {}
        for a in responses.answers:
            if isinstance(a.answer, tuple):
                for r, o in enumerate(a.answer, start=1):
                    ranks.setdefault(o, []).append(r)
        return RankingSummary(
            tuple(self.option_ids),
            {o: tuple(r) for o, r in ranks.items()},
            len(responses.answers),
            responses.confidence,
            self.confidence,
        )
