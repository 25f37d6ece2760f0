"""The poll state machine: what a moderator may do to a question, and when.

Each question of a session is a :class:`Poll` that moves
``pending → open → closed``; a closed poll may be reopened, but only by the
explicit ``reopen`` action, so a slip of the moderator's hand never silently
resumes voting. Whether results are shown is a separate flag (``revealed``)
because a moderator often reveals while voting still runs, or hides a closed
result to discuss first. At most one poll of a session is open at a time.

Everything here is a pure function over frozen values; the store persists the
result and the live layer announces it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from .errors import AnotherPollOpen, InvalidTransition, NoNextQuestion, NotFound, VoteRefused
from .questions import Question


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


class Action(StrEnum):
    """What a moderator can ask of a poll; the names are the protocol's."""

    OPEN = "open"
    CLOSE = "close"
    REOPEN = "reopen"
    REVEAL = "reveal"
    HIDE = "hide"
    RESET = "reset"


_NEXT_STATE: dict[tuple[PollState, Action], PollState] = {
    (PollState.PENDING, Action.OPEN): PollState.OPEN,
    (PollState.OPEN, Action.CLOSE): PollState.CLOSED,
    (PollState.CLOSED, Action.REOPEN): PollState.OPEN,
}


def transition(poll: Poll, action: Action) -> Poll:
    """Apply one action to one poll, or raise :class:`InvalidTransition`.

    ``reset`` returns a poll to pending and hidden: the store deletes its votes
    in the same transaction, so a rehearsal run never leaks into the real one.
    """
    if action is Action.RESET:
        return Poll(poll.question_id)
    if action is Action.REVEAL:
        if poll.state is PollState.PENDING:
            raise InvalidTransition(poll.question_id, poll.state.value, action.value)
        return replace(poll, revealed=True)
    if action is Action.HIDE:
        return replace(poll, revealed=False)
    new_state = _NEXT_STATE.get((poll.state, action))
    if new_state is None:
        raise InvalidTransition(poll.question_id, poll.state.value, action.value)
    return replace(poll, state=new_state)


def open_poll(polls: Sequence[Poll]) -> Poll | None:
    """The one open poll of a session, if any."""
    return next((p for p in polls if p.state is PollState.OPEN), None)


def apply(polls: Sequence[Poll], question_id: str, action: Action) -> list[Poll]:
    """Apply an action to one poll of a session, keeping the one-open rule.

    :return: the session's polls with the one changed.
    """
    target = next((p for p in polls if p.question_id == question_id), None)
    if target is None:
        raise NotFound(f"No question {question_id!r} in this session.")
    updated = transition(target, action)
    if updated.state is PollState.OPEN and target.state is not PollState.OPEN:
        current = open_poll(polls)
        if current is not None:
            raise AnotherPollOpen(current.question_id, question_id)
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


def check_vote(poll: Poll, question: Question, option_id: str) -> None:
    """Refuse a vote the rules do not allow, with the reason.

    A vote counts only while its poll is open and only for one of the
    question's own options; the one-answer-per-person rule is the store's
    unique constraint, because only the database can keep it under races.
    """
    if poll.state is not PollState.OPEN:
        raise VoteRefused(
            f"Question {poll.question_id} is {poll.state.value}; votes are not accepted.",
            code="poll_not_open",
        )
    if question.option(option_id) is None:
        raise VoteRefused(
            f"{option_id!r} is not an option of question {question.id}.", code="unknown_option"
        )
