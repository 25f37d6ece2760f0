"""The poll state machine: what a moderator may do to a question, and when.

Each question of a session is a :class:`Poll` that moves
``pending → open → closed``; a closed poll may be reopened, but only by the
explicit ``reopen`` action, so a slip of the moderator's hand never silently
resumes voting. Whether results are shown is a separate flag (``revealed``)
because a moderator often reveals while voting still runs, or hides a closed
result to discuss first. At most one poll of a session is open at a time, unless
every open poll belongs to the one open self-paced block (:mod:`.phases`).

Everything here is a pure function over frozen values; the store persists the
result and the live layer announces it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import AnotherPollOpen, InvalidTransition, NoNextQuestion, NotFound, VoteRefused
from .items import Answer, ItemBase, RawAnswer

#: A vote sent in the last second of a countdown may arrive a little after it over venue Wi-Fi.
TIMER_GRACE = timedelta(seconds=2)
#: What one press of "+30 s" adds to a countdown.
EXTEND_BY = timedelta(seconds=30)


class PollState(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Poll:
    """The state of one question within one session."""

    question_id: str
    state: PollState = PollState.PENDING
    revealed: bool = False
    #: When the countdown of an open item runs out (None: no countdown running).
    ends_at: datetime | None = None


class Action(StrEnum):
    """What a moderator can ask of a poll; the names are the protocol's."""

    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"
    REVEAL = "reveal"
    HIDE = "hide"
    RESET = "reset"
    #: Add :data:`EXTEND_BY` to the running countdown (WCAG 2.2.1: time limits are adjustable).
    EXTEND = "extend"
    #: Stop the countdown; the item stays open until the moderator closes it.
    STOP_TIMER = "stop_timer"


_NEXT_STATE: dict[tuple[PollState, Action], PollState] = {
    (PollState.PENDING, Action.OPEN): PollState.OPEN,
    (PollState.OPEN, Action.CLOSE): PollState.CLOSED,
    (PollState.CLOSED, Action.REOPEN): PollState.OPEN,
}


def transition(
    poll: Poll, action: Action, *, now: datetime | None = None, timer_seconds: int | None = None
) -> Poll:
    """Apply one action to one poll, or raise :class:`InvalidTransition`.

    ``reset`` returns a poll to pending and hidden: the store deletes its votes
    in the same transaction, so a rehearsal run never leaks into the real one.
    Opening an item with a countdown (``timer_seconds``) starts it at ``now``.
    """
    if action is Action.RESET:
        return Poll(poll.question_id)
    if action is Action.REVEAL:
        if poll.state is PollState.PENDING:
            raise InvalidTransition(poll.question_id, poll.state.value, action.value)
        return replace(poll, revealed=True)
    if action is Action.HIDE:
        return replace(poll, revealed=False)
    if action in (Action.EXTEND, Action.STOP_TIMER):
        return _timed(poll, action, now)
    new_state = _NEXT_STATE.get((poll.state, action))
    if new_state is None:
        raise InvalidTransition(poll.question_id, poll.state.value, action.value)
    ends_at = None
    if new_state is PollState.OPEN and timer_seconds and now is not None:
        ends_at = now + timedelta(seconds=timer_seconds)
    return replace(poll, state=new_state, ends_at=ends_at)


def _timed(poll: Poll, action: Action, now: datetime | None) -> Poll:
    """Extend or stop a running countdown; an item without one has nothing to change."""
    if poll.state is not PollState.OPEN or poll.ends_at is None:
        raise InvalidTransition(
            poll.question_id, f"{poll.state.value} with no countdown running", action.value
        )
    if action is Action.STOP_TIMER:
        return replace(poll, ends_at=None)
    start = max(poll.ends_at, now) if now is not None else poll.ends_at
    return replace(poll, ends_at=start + EXTEND_BY)


def open_poll(polls: Sequence[Poll]) -> Poll | None:
    """The one open poll of a session, if any."""
    return next((p for p in polls if p.state is PollState.OPEN), None)


def apply(
    polls: Sequence[Poll],
    question_id: str,
    action: Action,
    *,
    now: datetime | None = None,
    timer_seconds: int | None = None,
    block: Collection[str] = (),
) -> list[Poll]:
    """Apply an action to one poll of a session, keeping the one-open rule.

    The rule: one open poll, or every open poll belongs to the one open self-paced
    block, whose items ``block`` names (:func:`.phases.block_ids`).

    :return: the session's polls with the one changed.
    """
    target = next((p for p in polls if p.question_id == question_id), None)
    if target is None:
        raise NotFound(f"No question {question_id!r} in this session.")
    updated = transition(target, action, now=now, timer_seconds=timer_seconds)
    if updated.state is PollState.OPEN and target.state is not PollState.OPEN:
        others = [p for p in polls if p.state is PollState.OPEN and p.question_id != question_id]
        outside = [p for p in others if p.question_id not in block or question_id not in block]
        if outside:
            raise AnotherPollOpen(outside[0].question_id, question_id)
    return [updated if p.question_id == question_id else p for p in polls]


def next_question(polls: Sequence[Poll]) -> str | None:
    """The question a moderator's "next" button should open.

    The first pending question after the most recently used one, so "next"
    walks PQ1 … PQ6 in order even if one was skipped and run out of order.
    """
    last_used = max(
        (i for i, p in enumerate(polls) if p.state is not PollState.PENDING), default=-1
    )
    for p in polls[last_used + 1 :]:
        if p.state is PollState.PENDING:
            return p.question_id
    return next((p.question_id for p in polls if p.state is PollState.PENDING), None)


def plan_next(polls: Sequence[Poll]) -> list[tuple[str, Action]]:
    """The steps of the moderator's "next": close the open question, open the next.

    :raise NoNextQuestion: when no question is pending.
    """
    target = next_question(polls)
    if target is None:
        raise NoNextQuestion("There is no pending question left to open.")
    current = open_poll(polls)
    steps = [(current.question_id, Action.CLOSE)] if current is not None else []
    return [*steps, (target, Action.OPEN)]


def time_left(poll: Poll, now: datetime) -> float | None:
    """Seconds of the countdown left (0 when it ran out), or None without one."""
    if poll.ends_at is None or poll.state is not PollState.OPEN:
        return None
    return max(0.0, (poll.ends_at - now).total_seconds())


def check_vote(
    poll: Poll,
    question: ItemBase,
    raw: RawAnswer,
    *,
    confidence: int | None = None,
    now: datetime | None = None,
) -> Answer:
    """Refuse a vote the rules do not allow, with the reason; return the answer as kept.

    A vote counts only while its poll is open (and its countdown, if any, has
    not run out) and only if it is an answer the item accepts; the
    one-answer-per-person rule is the store's unique constraint, because only
    the database can keep it under races.
    """
    if poll.state is not PollState.OPEN:
        raise VoteRefused(
            f"Question {poll.question_id} is {poll.state.value}; votes are not accepted.",
            code="poll_not_open",
        )
    if poll.ends_at is not None and now is not None and now > poll.ends_at + TIMER_GRACE:
        raise VoteRefused(f"Time is up for question {poll.question_id}.", code="time_up")
    return question.read(raw, confidence)
