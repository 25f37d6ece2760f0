"""Attendance and participation (Moore level 1), and the counts PARS asks for.

A learner's attendance is computed from their connection intervals and the
items they answered, never stored as a verdict: a provider may change its
participation threshold after the event and the record follows.

Connection time is the length of the *union* of the intervals, because a
phone that reconnects on venue Wi-Fi (or a learner with two tabs) has
overlapping connections that must not count twice.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .items import Answer, Phase
from .questions import QuestionSet

#: A participation threshold providers commonly use: answered 75% of the items asked.
DEFAULT_THRESHOLD = 0.75


class Profession(StrEnum):
    """What PARS counts learners as (ACCME annual reporting)."""

    PHYSICIAN = "physician"
    OTHER = "other"


@dataclass(frozen=True)
class Interval:
    """One connection: from join to leave (``end`` None: still connected)."""

    start: datetime
    end: datetime | None = None


def connected_time(intervals: Iterable[Interval], now: datetime) -> timedelta:
    """The total time covered by the intervals, overlaps counted once."""
    spans = sorted((i.start, i.end or now) for i in intervals)
    total = timedelta()
    current_start: datetime | None = None
    current_end: datetime | None = None
    for start, end in spans:
        if end < start:
            continue  # a clock step backwards: ignore rather than subtract
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        total += current_end - current_start
    return total


@dataclass(frozen=True)
class Attendance:
    """One learner's participation record."""

    first_join: datetime | None
    last_seen: datetime | None
    connected: timedelta
    items_answered: int
    items_asked: int
    threshold: float

    @property
    def share(self) -> float:
        """Items answered of items asked (0 when nothing was asked)."""
        return self.items_answered / self.items_asked if self.items_asked else 0.0

    @property
    def met(self) -> bool:
        """Whether the provider's threshold is met; nothing asked meets nothing."""
        return self.items_asked > 0 and self.share >= self.threshold - 1e-12

    def to_dict(self) -> dict[str, object]:
        return {
            "first_join": self.first_join.isoformat() if self.first_join else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "connected_seconds": round(self.connected.total_seconds()),
            "items_answered": self.items_answered,
            "items_asked": self.items_asked,
            "share": self.share,
            "threshold": self.threshold,
            "met": self.met,
        }


def attendance(
    intervals: Sequence[Interval],
    answered: Iterable[str],
    asked: Iterable[str],
    now: datetime,
    threshold: float = DEFAULT_THRESHOLD,
) -> Attendance:
    """A learner's record from their connections and answers.

    Only answers to items that were asked count (an answer to an item later
    reset is not an item asked).
    """
    if not 0 < threshold <= 1:
        raise ValueError("the threshold is a share of the items asked, in (0, 1]")
    asked_ids = set(asked)
    return Attendance(
        first_join=min((i.start for i in intervals), default=None),
        last_seen=max((i.end or now for i in intervals), default=None),
        connected=connected_time(intervals, now),
        items_answered=len(set(answered) & asked_ids),
        items_asked=len(asked_ids),
        threshold=threshold,
    )


def asked_of(
    asked: Iterable[str],
    questions: QuestionSet,
    self_paced: Collection[Phase],
    answers: Mapping[str, Answer],
) -> list[str]:
    """The items asked of one learner whose answers are ``answers`` (item id -> answer).

    A conditional item (``show_if``) on a self-paced form was put only to those it was
    shown to: whoever said "Yes" to "free of commercial bias?" was never asked what
    was biased, so it is not an item they left unanswered. Run one at a time (not in
    ``self_paced``), every phone showed it, so it was asked of everyone.
    """
    out = []
    for qid in asked:
        item = questions.question(qid)
        if item is None or item.phase not in self_paced or item.shown_to(answers):
            out.append(qid)
    return out


def pars_counts(professions: Iterable[Profession | None]) -> dict[str, int]:
    """PARS's two learner counts; a learner who gave no profession counts as other."""
    counts = {"physicians": 0, "other_learners": 0}
    for p in professions:
        counts["physicians" if p is Profession.PHYSICIAN else "other_learners"] += 1
    return counts
