"""The poll state machine and the vote rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2poll.core.errors import (
    AnotherPollOpen,
    Her2pollError,
    InvalidTransition,
    NoNextQuestion,
    NotFound,
    VoteRefused,
)
from her2poll.core.items import RawAnswer
from her2poll.core.polls import (
    EXTEND_BY,
    Action,
    Poll,
    PollState,
    apply,
    check_vote,
    next_question,
    plan_next,
    time_left,
    transition,
)
from her2poll.core.questions import QuestionSet

IDS = ["PQ1", "PQ2", "PQ3"]


def fresh() -> list[Poll]:
    return [Poll(q) for q in IDS]


def test_a_poll_goes_pending_open_closed() -> None:
    p = transition(Poll("PQ1"), Action.OPEN)
    assert p.state is PollState.OPEN
    assert transition(p, Action.CLOSE).state is PollState.CLOSED


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (PollState.PENDING, Action.CLOSE),
        (PollState.PENDING, Action.REOPEN),
        (PollState.PENDING, Action.REVEAL),
        (PollState.OPEN, Action.OPEN),
        (PollState.OPEN, Action.REOPEN),
        (PollState.CLOSED, Action.OPEN),
        (PollState.CLOSED, Action.CLOSE),
    ],
)
def test_illegal_transitions_raise_a_clear_error(state: PollState, action: Action) -> None:
    with pytest.raises(InvalidTransition) as e:
        transition(Poll("PQ1", state), action)
    assert e.value.code == "invalid_transition"
    assert "PQ1" in e.value.message


def test_reopening_a_closed_poll_is_an_explicit_action() -> None:
    closed = Poll("PQ1", PollState.CLOSED)
    with pytest.raises(InvalidTransition):
        transition(closed, Action.OPEN)
    assert transition(closed, Action.REOPEN).state is PollState.OPEN


def test_reveal_is_independent_of_open_or_closed() -> None:
    p = transition(Poll("PQ1", PollState.OPEN), Action.REVEAL)
    assert p.revealed and p.state is PollState.OPEN
    p = transition(transition(p, Action.CLOSE), Action.HIDE)
    assert not p.revealed and p.state is PollState.CLOSED


def test_reset_returns_to_pending_and_hidden() -> None:
    assert transition(Poll("PQ1", PollState.CLOSED, True), Action.RESET) == Poll("PQ1")


def test_only_one_question_open_at_a_time() -> None:
    polls = apply(fresh(), "PQ1", Action.OPEN)
    with pytest.raises(AnotherPollOpen) as e:
        apply(polls, "PQ2", Action.OPEN)
    assert e.value.code == "another_poll_open"


def test_unknown_question_is_not_found() -> None:
    with pytest.raises(NotFound):
        apply(fresh(), "PQ9", Action.OPEN)


def test_next_walks_the_questions_in_order() -> None:
    polls = fresh()
    opened = []
    for _ in IDS:
        for qid, action in plan_next(polls):
            polls = apply(polls, qid, action)
        opened.append(next(p.question_id for p in polls if p.state is PollState.OPEN))
    assert opened == IDS
    with pytest.raises(NoNextQuestion):
        plan_next(apply(polls, "PQ3", Action.CLOSE))


def test_next_after_a_skip_continues_after_the_last_used() -> None:
    polls = apply(apply(fresh(), "PQ2", Action.OPEN), "PQ2", Action.CLOSE)
    assert next_question(polls) == "PQ3"


def test_votes_count_only_while_open_and_for_real_options(questions: QuestionSet) -> None:
    q = questions.question("PQ6")
    assert q is not None
    likely, maybe = RawAnswer(option_id="LIKELY"), RawAnswer(option_id="MAYBE")
    assert check_vote(Poll("PQ6", PollState.OPEN), q, likely) == "LIKELY"
    for state in (PollState.PENDING, PollState.CLOSED):
        with pytest.raises(VoteRefused) as e:
            check_vote(Poll("PQ6", state), q, likely)
        assert e.value.code == "poll_not_open"
    with pytest.raises(VoteRefused) as e:
        check_vote(Poll("PQ6", PollState.OPEN), q, maybe)
    assert e.value.code == "unknown_option"
    with pytest.raises(VoteRefused) as e:
        check_vote(Poll("PQ6", PollState.OPEN), q, RawAnswer(value=3))
    assert e.value.code == "wrong_answer_kind"


T0 = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_a_countdown_starts_on_open_extends_stops_and_refuses_late_votes(
    questions: QuestionSet,
) -> None:
    q = questions.question("PQ6")
    assert q is not None
    polls = apply([Poll("PQ6")], "PQ6", Action.OPEN, now=T0, timer_seconds=60)
    assert polls[0].ends_at == T0 + timedelta(seconds=60)
    likely = RawAnswer(option_id="LIKELY")
    check_vote(polls[0], q, likely, now=T0 + timedelta(seconds=61))  # within the grace
    with pytest.raises(VoteRefused) as e:
        check_vote(polls[0], q, likely, now=T0 + timedelta(seconds=63))
    assert e.value.code == "time_up"
    # extending after it ran out starts from now, not from the old end
    late = T0 + timedelta(seconds=90)
    extended = transition(polls[0], Action.EXTEND, now=late)
    assert extended.ends_at == late + EXTEND_BY
    assert time_left(extended, late) == EXTEND_BY.total_seconds()
    stopped = transition(extended, Action.STOP_TIMER, now=late)
    assert stopped.ends_at is None and stopped.state is PollState.OPEN
    check_vote(stopped, q, likely, now=late + timedelta(hours=1))
    with pytest.raises(InvalidTransition):
        transition(stopped, Action.EXTEND, now=late)
    closed = transition(extended, Action.CLOSE, now=late)
    assert closed.ends_at is None and time_left(closed, late) is None


steps = st.lists(
    st.tuples(st.sampled_from([*IDS, "PQ9"]), st.sampled_from([*Action, "next"])), max_size=40
)


@given(steps)
def test_no_sequence_of_actions_reaches_an_illegal_state(seq) -> None:
    polls = fresh()
    for qid, action in seq:
        try:
            if action == "next":
                for q, a in plan_next(polls):
                    polls = apply(polls, q, a)
            else:
                polls = apply(polls, qid, action)
        except Her2pollError:
            pass  # refused: the state must be unchanged and still legal
        assert sum(p.state is PollState.OPEN for p in polls) <= 1
        assert [p.question_id for p in polls] == IDS
        assert all(not (p.state is PollState.PENDING and p.revealed) for p in polls)
