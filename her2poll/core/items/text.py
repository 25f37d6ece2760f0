"""Open text (up to 280 characters): a word cloud and the list of answers.

The moderator can hide an answer from the room; a hidden answer stays in the
exports, marked. An answer holding a word of the activity's filter list
arrives hidden, so the room never sees it unless the moderator shows it.
The word cloud counts each word once per answer (one learner repeating a word
does not make it loud), leaves out common words (the ``stop-words`` lists,
English and German) and is built from the answers the room may see.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import Field
from stop_words import get_stop_words

from ..qa import is_filtered
from .base import Answer, Answered, ItemBase, RawAnswer, Responses, confidence_dict, refuse

MAX_CHARS = 280
#: Words in the cloud: enough to read, few enough to lay out on a projector.
CLOUD_WORDS = 50
_WORD = re.compile(r"[^\W\d_][\w'\-]*[^\W_]|[^\W\d_]", re.UNICODE)


@cache
def _stop_words() -> frozenset[str]:
    return frozenset(w.lower() for lang in ("en", "de") for w in get_stop_words(lang))


def words(text: str) -> set[str]:
    """The distinct words of one answer worth a place in the cloud."""
    stop = _stop_words()
    return {w for w in (m.lower() for m in _WORD.findall(text)) if len(w) > 1 and w not in stop}


@dataclass(frozen=True)
class TextSummary:
    answers: tuple[Answered, ...]
    confidence: Mapping[int, int]
    asks_confidence: bool

    @property
    def n(self) -> int:
        return len(self.answers)

    @staticmethod
    def _cloud(answers: Sequence[Answered]) -> list[dict[str, Any]]:
        counts: Counter[str] = Counter()
        for a in answers:
            counts.update(words(str(a.answer)))
        top = sorted(counts.items(), key=lambda wc: (-wc[1], wc[0]))[:CLOUD_WORDS]
        return [{"word": w, "count": c} for w, c in top]

    def room_dict(self) -> dict[str, Any]:
        shown = [a for a in self.answers if not a.hidden]
        return {
            "n": self.n,
            "shown": len(shown),
            "words": self._cloud(shown),
            "answers": [{"id": a.answer_id, "text": a.answer} for a in shown],
        }

    def to_dict(self) -> dict[str, Any]:
        body = {
            **self.room_dict(),
            "answers": [
                {"id": a.answer_id, "text": a.answer, "hidden": a.hidden} for a in self.answers
            ],
            "hidden": sum(1 for a in self.answers if a.hidden),
        }
        if self.asks_confidence:
            body["confidence"] = confidence_dict(self.confidence)
        return body


class OpenText(ItemBase):
    """Type a short answer."""

    answer_field: ClassVar[str] = "text"

    type: Literal["text"]
    max_length: int = Field(default=MAX_CHARS, ge=1, le=MAX_CHARS)

    def read_answer(self, raw: RawAnswer) -> Answer:
        text = " ".join((raw.text or "").split())
        if not text:
            raise refuse("Type an answer first.", "empty_answer")
        if len(text) > self.max_length:
            raise refuse(
                f"An answer has at most {self.max_length} characters ({len(text)} typed).",
                "too_long",
            )
        return text

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        return {"max_length": self.max_length}

    def hidden_on_arrival(self, answer: Answer, word_filter: Sequence[str]) -> bool:
        """An answer holding a word of the activity's filter list waits for the moderator."""
        return is_filtered(str(answer), word_filter)

    def summarise(self, responses: Responses) -> TextSummary:
        return TextSummary(tuple(responses.answers), responses.confidence, self.confidence)
