"""Phases run as blocks: the planner, the relaxed one-open rule, and conditional items."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from her2poll.core import views
from her2poll.core.errors import AnotherPollOpen, BadRequest, Her2pollError
from her2poll.core.items import Phase, Responses
from her2poll.core.phases import (
    AnotherPhaseOpen,
    BlockCount,
    BlockNotOpen,
    BlockOpen,
    Command,
    Pacing,
    PhaseAction,
    PhaseRun,
    RunState,
    block_ids,
    check_submission,
    execute,
    open_run,
    run_of,
    shown_block,
)
from her2poll.core.polls import Action, Poll, PollState, apply
from her2poll.core.questions import QuestionSet, parse_question_set
from her2poll.core.session import SessionState, Snapshot

OPTS = [{"id": "Y", "text": "Yes"}, {"id": "N", "text": "No"}]
ITEMS: list[dict[str, Any]] = [
    {"id": "P1", "phase": "pre", "text": "Pre one?", "options": OPTS},
    {"id": "P2", "phase": "pre", "text": "Pre two?", "options": OPTS},
    {"id": "T1", "text": "Talk one?", "options": OPTS},
    {"id": "T2", "text": "Talk two?", "options": OPTS},
    {"id": "Q1", "phase": "post", "twin_of": "P1", "text": "Pre one?", "options": OPTS},
    {"id": "E1", "phase": "evaluation", "text": "Free of bias?", "options": OPTS},
    {
        "id": "E2",
        "phase": "evaluation",
        "type": "text",
        "text": "What was biased?",
        "show_if": {"item": "E1", "options": ["N"]},
    },
]
QS = parse_question_set({"format_version": 2, "id": "t", "title": "T", "questions": ITEMS})
IDS = QS.question_ids
BY_PHASE = {p: [q.id for q in QS.questions if q.phase is p] for p in Phase}
NOW = datetime(2026, 12, 2, tzinfo=UTC)


def fresh(questions: QuestionSet = QS) -> SessionState:
    return SessionState(
        id=1,
        code="ABCDEF",
        title="T",
        questions=questions,
        polls=tuple(Poll(q) for q in questions.question_ids),
        version=1,
        created_at=NOW,
    )


def run(state: SessionState, command: Command) -> SessionState:
    """The session after a command, as the store keeps it."""
    done = execute(state, command, NOW)
    return replace(
        state,
        polls=done.polls,
        phases=done.plan.runs,
        current_question_id=done.plan.current_question_id,
        current_phase=done.plan.current_phase,
        version=state.version + 1,
    )


def open_phase(phase: Phase, pacing: Pacing | None = None) -> Command:
    return Command(PhaseAction.OPEN_PHASE, phase=phase, pacing=pacing)


def close_phase(phase: Phase) -> Command:
    return Command(PhaseAction.CLOSE_PHASE, phase=phase)


def open_ids(state: SessionState) -> set[str]:
    return {p.question_id for p in state.polls if p.state is PollState.OPEN}


def test_a_self_paced_block_opens_all_its_items_and_nothing_else() -> None:
    state = run(fresh(), open_phase(Phase.PRE, Pacing.SELF))
    assert open_ids(state) == {"P1", "P2"}
    assert run_of(state.phases, Phase.PRE) == PhaseRun(Phase.PRE, Pacing.SELF, RunState.OPEN)
    assert state.current_phase is Phase.PRE and state.current_question_id is None
    assert block_ids(state.phases, QS) == {"P1", "P2"}


def test_closing_the_block_closes_exactly_its_items_and_keeps_the_others() -> None:
    state = run(fresh(), Command(Action.OPEN, "T1"))
    state = run(state, open_phase(Phase.PRE))  # the talk item open is closed first
    assert open_ids(state) == {"P1", "P2"}
    assert state.poll("T1").state is PollState.CLOSED  # type: ignore[union-attr]
    closed = run(state, close_phase(Phase.PRE))
    assert open_ids(closed) == set()
    assert run_of(closed.phases, Phase.PRE).state is RunState.CLOSED
    assert closed.poll("T1") == state.poll("T1")


def test_pacing_defaults_to_self_for_tests_and_evaluation_and_moderator_for_the_talk() -> None:
    assert run_of((), Phase.PRE).pacing is Pacing.SELF
    assert run_of((), Phase.EVALUATION).pacing is Pacing.SELF
    assert run_of((), Phase.TALK).pacing is Pacing.MODERATOR


def test_the_talk_cannot_run_self_paced() -> None:
    with pytest.raises(BadRequest):
        execute(fresh(), open_phase(Phase.TALK, Pacing.SELF))


def test_next_walks_the_talk_by_default_and_the_open_moderator_paced_block_otherwise() -> None:
    state = run(fresh(), Command("next"))
    assert open_ids(state) == {"T1"} and state.current_question_id == "T1"
    state = run(state, open_phase(Phase.PRE, Pacing.MODERATOR))
    assert open_ids(state) == {"P1"}  # its first item, one at a time
    state = run(state, Command("next"))
    assert open_ids(state) == {"P2"} and state.poll("P1").state is PollState.CLOSED  # type: ignore[union-attr]
    with pytest.raises(Her2pollError) as e:
        execute(state, Command("next"))
    assert e.value.code == "no_next_question"
    state = run(state, close_phase(Phase.PRE))
    state = run(state, Command("next"))
    assert open_ids(state) == {"T2"}  # the talk again, after T1


def test_next_and_reveal_wait_while_a_self_paced_block_is_open() -> None:
    asked = run(run(fresh(), Command(Action.OPEN, "T1")), Command(Action.CLOSE, "T1"))
    state = run(asked, open_phase(Phase.EVALUATION))
    with pytest.raises(BlockOpen):
        execute(state, Command("next"))
    with pytest.raises(BlockOpen):
        execute(state, Command(Action.REVEAL, "E1"))
    with pytest.raises(BlockOpen):  # nor a talk item's: the projector shows no result
        execute(state, Command(Action.REVEAL, "T1"))
    with pytest.raises(AnotherPollOpen):
        execute(state, Command(Action.OPEN, "T2"))
    closed = run(state, close_phase(Phase.EVALUATION))
    assert run(closed, Command(Action.REVEAL, "E1")).poll("E1").revealed  # type: ignore[union-attr]


def test_one_phase_at_a_time_and_no_phase_opens_twice() -> None:
    state = run(fresh(), open_phase(Phase.PRE))
    with pytest.raises(AnotherPhaseOpen):
        execute(state, open_phase(Phase.POST))
    for command, says in (
        (open_phase(Phase.PRE), "Cannot open the pre phase: it is open."),
        (close_phase(Phase.POST), "Cannot close the post phase: it is pending."),
    ):
        with pytest.raises(Her2pollError) as e:
            execute(state, command)
        assert (e.value.code, e.value.message) == ("invalid_transition", says)


def test_a_closed_block_opens_again_with_its_answers_items_reopened() -> None:
    state = run(run(fresh(), open_phase(Phase.PRE)), close_phase(Phase.PRE))
    again = execute(state, open_phase(Phase.PRE))
    assert dict((p.question_id, a) for p, a in again.changed) == {
        "P1": Action.REOPEN,
        "P2": Action.REOPEN,
    }


def test_per_item_controls_inside_an_open_block_keep_the_phones_on_the_block() -> None:
    state = run(fresh(), open_phase(Phase.PRE))
    state = run(run(state, Command(Action.CLOSE, "P2")), Command(Action.REOPEN, "P2"))
    assert open_ids(state) == {"P1", "P2"} and state.current_question_id is None
    assert shown_block(state) == PhaseRun(Phase.PRE, Pacing.SELF, RunState.OPEN)


def test_a_closed_block_stays_on_the_phones_until_a_question_is_put_up() -> None:
    state = run(run(fresh(), open_phase(Phase.PRE)), close_phase(Phase.PRE))
    assert shown_block(state) == PhaseRun(Phase.PRE, Pacing.SELF, RunState.CLOSED)
    with pytest.raises(BlockNotOpen):
        check_submission(state, Phase.PRE)
    assert shown_block(run(state, Command("next"))) is None
    paced = run(state, open_phase(Phase.POST, Pacing.MODERATOR))
    assert shown_block(paced) is None and paced.current_question_id == "Q1"


def test_a_phase_without_items_cannot_open() -> None:
    talk_only = parse_question_set({"id": "x", "title": "X", "questions": ITEMS[2:4]})
    with pytest.raises(Her2pollError) as e:
        execute(fresh(talk_only), open_phase(Phase.PRE))
    assert e.value.code == "empty_phase"


def test_apply_allows_many_open_polls_only_inside_the_block() -> None:
    polls = [Poll(q) for q in IDS]
    polls = apply(polls, "P1", Action.OPEN, block={"P1", "P2"})
    polls = apply(polls, "P2", Action.OPEN, block={"P1", "P2"})
    with pytest.raises(AnotherPollOpen):
        apply(polls, "T1", Action.OPEN, block={"P1", "P2"})
    with pytest.raises(AnotherPollOpen):
        apply(apply(polls, "P2", Action.CLOSE), "P2", Action.REOPEN)  # no block: one at a time


# -- properties ------------------------------------------------------------------------

phases = st.sampled_from(list(Phase))
commands = st.one_of(
    st.builds(Command, st.sampled_from([*Action]), st.sampled_from(IDS)),
    st.just(Command("next")),
    st.builds(
        Command,
        st.just(PhaseAction.OPEN_PHASE),
        phase=phases,
        pacing=st.sampled_from([None, *Pacing]),
    ),
    st.builds(Command, st.just(PhaseAction.CLOSE_PHASE), phase=phases),
)


def legal(state: SessionState) -> None:
    """One open poll, or every open poll in the one open self-paced block."""
    opened = open_ids(state)
    runs = [r for r in state.phases if r.state is RunState.OPEN]
    assert len(runs) <= 1
    if len(opened) > 1:
        run_ = open_run(state.phases)
        assert run_ is not None and run_.is_open_block
        assert opened <= set(BY_PHASE[run_.phase])


@given(st.lists(commands, max_size=30))
def test_no_sequence_of_commands_leaves_two_polls_open_outside_one_self_paced_block(seq) -> None:
    state = fresh()
    for command in seq:
        try:
            state = run(state, command)
        except Her2pollError:
            pass  # refused: nothing changed
        legal(state)


@given(st.lists(commands, max_size=20), phases)
def test_closing_a_phase_closes_exactly_its_items(seq, phase) -> None:
    state = fresh()
    for command in seq:
        try:
            state = run(state, command)
        except Her2pollError:
            pass
    try:
        closed = run(state, close_phase(phase))
    except Her2pollError:
        return  # not open: nothing to close
    inside = set(BY_PHASE[phase])
    assert not open_ids(closed) & inside
    for before, after in zip(state.polls, closed.polls, strict=True):
        if before.question_id not in inside:
            assert before == after
        elif before.state is PollState.OPEN:
            assert after.state is PollState.CLOSED
        else:
            assert before == after


# -- conditional items -------------------------------------------------------------------


def with_condition(**cond: Any) -> dict[str, Any]:
    items = [dict(q) for q in ITEMS]
    items[-1] = {**items[-1], "show_if": cond}
    return {"format_version": 2, "id": "t", "title": "T", "questions": items}


@pytest.mark.parametrize(
    ("cond", "says"),
    [
        ({"item": "NOPE", "options": ["N"]}, "not an earlier item"),
        ({"item": "E2", "options": ["N"]}, "not an earlier item"),  # itself
        ({"item": "T1", "options": ["N"]}, "in phase talk, not evaluation"),
        ({"item": "E1", "options": ["MAYBE"]}, "has no option MAYBE"),
        ({"item": "E1", "options": []}, "at least 1 item"),
    ],
)
def test_a_condition_must_name_an_earlier_choice_item_of_its_phase(
    cond: dict[str, Any], says: str
) -> None:
    with pytest.raises(Her2pollError) as e:
        parse_question_set(with_condition(**cond))
    assert says in e.value.message


def test_a_condition_on_a_text_item_is_refused() -> None:
    doc = with_condition(item="E1", options=["N"])
    doc["questions"].append(  # fmt: skip
        {
            "id": "E3",
            "phase": "evaluation",
            "type": "text",
            "text": "More?",
            "show_if": {"item": "E2", "options": ["N"]},
        }
    )
    with pytest.raises(Her2pollError) as e:
        parse_question_set(doc)
    assert "not a choice item" in e.value.message


def test_a_post_twin_may_differ_from_its_pre_item_in_its_condition() -> None:
    doc = {
        "format_version": 2,
        "id": "t",
        "title": "T",
        "questions": [
            {"id": "PA", "phase": "pre", "text": "A?", "options": OPTS},
            {"id": "PB", "phase": "pre", "text": "B?", "options": OPTS,
             "show_if": {"item": "PA", "options": ["Y"]}},
            {"id": "QA", "phase": "post", "text": "A?", "options": OPTS},
            {"id": "QB", "phase": "post", "twin_of": "PB", "text": "B?", "options": OPTS,
             "show_if": {"item": "QA", "options": ["Y"]}},
        ],
    }  # fmt: skip
    assert parse_question_set(doc).question("QB").show_if.item == "QA"  # type: ignore[union-attr]


# -- what each role sees ------------------------------------------------------------------


def keyed() -> QuestionSet:
    """The set with a knowledge check in the pre-test."""
    items = [dict(q) for q in ITEMS]
    items[0] = {**items[0], "correct": ["Y"], "rationale": "Because."}
    items[4] = {**items[4], "correct": ["Y"], "rationale": "Because."}
    return parse_question_set({"format_version": 2, "id": "t", "title": "T", "questions": items})


def test_phones_get_the_open_block_as_a_form_without_its_answer_key() -> None:
    state = run(fresh(keyed()), open_phase(Phase.PRE))
    view = views.attendee_state(state, {})
    assert view["current"] is None
    block = view["block"]
    assert (block["phase"], block["pacing"], block["state"]) == ("pre", "self", "open")
    assert [(i["question_id"], i["position"], i["of"], i["state"]) for i in block["items"]] == [
        ("P1", 1, 2, "open"),
        ("P2", 2, 2, "open"),
    ]
    assert [o["id"] for o in block["items"][0]["options"]] == ["Y", "N"]
    assert "correct" not in block["items"][0] and "rationale" not in block["items"][0]
    assert {"phase": "pre", "pacing": "self", "state": "open"} in view["phases"]
    assert [p["phase"] for p in view["phases"]] == ["pre", "talk", "post", "evaluation"]


def test_a_block_item_revealed_later_is_shown_with_its_key_as_the_current_question() -> None:
    state = run(run(fresh(keyed()), open_phase(Phase.PRE)), close_phase(Phase.PRE))
    assert views.attendee_state(state, {})["block"]["state"] == "closed"
    tallies = {q.id: q.summarise(Responses()) for q in keyed().questions}
    revealed = views.attendee_state(run(state, Command(Action.REVEAL, "P1")), tallies)
    assert revealed["block"] is None
    assert revealed["current"]["correct"] == ["Y"]


def test_the_evaluation_block_carries_its_condition() -> None:
    block = views.attendee_state(run(fresh(), open_phase(Phase.EVALUATION)), {})["block"]
    assert [i["show_if"] for i in block["items"]] == [None, {"item": "E1", "options": ["N"]}]


def test_a_moderator_paced_phase_shows_one_question_and_no_form() -> None:
    view = views.attendee_state(run(fresh(), open_phase(Phase.POST, Pacing.MODERATOR)), {})
    assert view["block"] is None and view["current"]["question_id"] == "Q1"


def test_the_panel_and_projector_get_block_counts_and_no_block_result() -> None:
    state = run(fresh(), open_phase(Phase.PRE))
    tallies = {q.id: q.summarise(Responses(counts={"Y": 2})) for q in QS.questions}
    snap = Snapshot(state, 3, tallies, 4, {"pre": BlockCount(answered=2, submitted=1)})
    moderator = views.moderator_tally(snap, 4)
    screen = views.screen_tally(snap, 4)
    assert moderator["blocks"] == screen["blocks"] == {"pre": {"answered": 2, "submitted": 1}}
    assert screen["tallies"] == {} and screen["comparison"] == {}


def test_a_set_with_one_phase_lists_no_phases_to_run(questions: QuestionSet) -> None:
    """The founding case: talk only, so every phone's state stays as small as it was."""
    view = views.attendee_state(fresh(questions), {})
    assert view["phases"] == [] and view["block"] is None
