"""The phases of a CME activity, and the moderator's plan for running them.

An activity asks its items in phases (:class:`~.items.Phase`): a pre-test, the
talk's live polls, a post-test, an evaluation. The moderator runs each phase as a
*block*, with one of two pacings:

- **moderator-paced**: one item at a time, as the live polls always ran; "next"
  walks the block's items (the talk's when no such block is open);
- **self-paced**: every item of the block is open at once and each learner answers
  the whole block as a form, at their own pace, until the moderator closes it.

So the one-open-poll rule of :mod:`.polls` becomes: one open poll, or every open
poll belongs to the one open self-paced block. Everything here is pure: the
planner turns a moderator's command into per-item steps (as :func:`.polls.plan_next`
does) and the store persists what :func:`execute` returns.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from . import polls as core_polls
from .errors import BadRequest, Conflict, InvalidTransition, NotFound
from .items import Phase
from .polls import Action, Poll, PollState

if TYPE_CHECKING:
    from .questions import QuestionSet
    from .session import SessionState

#: The phases in the order an activity runs them.
PHASE_ORDER = (Phase.PRE, Phase.TALK, Phase.POST, Phase.EVALUATION)


class Pacing(StrEnum):
    SELF = "self"
    MODERATOR = "moderator"


class RunState(StrEnum):
    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


class PhaseAction(StrEnum):
    """The moderator's block controls; the names are the protocol's ``control`` actions."""

    OPEN_PHASE = "open_phase"
    CLOSE_PHASE = "close_phase"


def default_pacing(phase: Phase) -> Pacing:
    """Tests and the evaluation are forms a learner fills in; the talk is live."""
    return Pacing.MODERATOR if phase is Phase.TALK else Pacing.SELF


@dataclass(frozen=True)
class PhaseRun:
    """How one phase of one session is being run."""

    phase: Phase
    pacing: Pacing
    state: RunState = RunState.PENDING

    @property
    def is_open_block(self) -> bool:
        """Open and self-paced: every item of it may be open at once."""
        return self.state is RunState.OPEN and self.pacing is Pacing.SELF


class BlockOpen(Conflict):
    """A self-paced block is open: what the moderator asked must wait until it closes."""

    code = "block_open"


class AnotherPhaseOpen(Conflict):
    """Only one phase runs at a time."""

    code = "another_phase_open"


class BlockNotOpen(Conflict):
    """A learner submitted a block that is not open (any more) as a self-paced form."""

    code = "block_not_open"


def run_of(runs: Sequence[PhaseRun], phase: Phase) -> PhaseRun:
    """A phase's run; one never opened is pending, with its phase's default pacing."""
    found = next((r for r in runs if r.phase is phase), None)
    return found if found is not None else PhaseRun(phase, default_pacing(phase))


def open_run(runs: Sequence[PhaseRun]) -> PhaseRun | None:
    """The one open phase run, if any."""
    return next((r for r in runs if r.state is RunState.OPEN), None)


def phase_items(questions: QuestionSet, phase: Phase) -> list[str]:
    """The ids of a phase's items, in the set's order."""
    return [q.id for q in questions.questions if q.phase is phase]


def phases_of(questions: QuestionSet) -> list[Phase]:
    """The phases this set has items in, in running order."""
    present = {q.phase for q in questions.questions}
    return [p for p in PHASE_ORDER if p in present]


def block_ids(runs: Sequence[PhaseRun], questions: QuestionSet) -> frozenset[str]:
    """The items of the open self-paced block (empty when none is open)."""
    run = open_run(runs)
    if run is None or not run.is_open_block:
        return frozenset()
    return frozenset(phase_items(questions, run.phase))


def paced_phase(runs: Sequence[PhaseRun]) -> Phase:
    """The phase "next" walks: the open moderator-paced one, else the talk."""
    run = open_run(runs)
    return run.phase if run is not None and run.pacing is Pacing.MODERATOR else Phase.TALK


@dataclass(frozen=True)
class Command:
    """One moderator control: a poll action, ``next``, or a phase action."""

    action: Action | PhaseAction | str
    question_id: str | None = None
    phase: Phase | None = None
    #: For ``open_phase``: None keeps the run's pacing (its phase's default at first).
    pacing: Pacing | None = None


@dataclass(frozen=True)
class Plan:
    """What a command does: per-item steps, then the runs and what phones show."""

    steps: tuple[tuple[str, Action], ...]
    runs: tuple[PhaseRun, ...]
    #: The items of the open self-paced block once done (for :func:`.polls.apply`).
    block: frozenset[str]
    current_question_id: str | None
    current_phase: Phase | None


def plan(state: SessionState, command: Command) -> Plan:
    """The steps of a moderator's command, refused with a stable code if not allowed.

    :raise BlockOpen: "next", or a reveal, while a self-paced block is open (no result
        reaches a phone or the projector while learners fill in the form).
    """
    if command.action in (PhaseAction.OPEN_PHASE, PhaseAction.CLOSE_PHASE):
        if command.phase is None:
            raise BadRequest(f"{command.action} needs a phase.")
        if command.action == PhaseAction.OPEN_PHASE:
            return _open_phase(state, command.phase, command.pacing)
        return _close_phase(state, command.phase)
    block = block_ids(state.phases, state.questions)
    if command.action == "next":
        return _next(state, block)
    if command.question_id is None:
        raise BadRequest(f"{command.action} needs a question_id.")
    action = Action(command.action)
    if action is Action.REVEAL and block:
        raise BlockOpen(
            "A self-paced block is open: results stay hidden (phones and projector) "
            "until it is closed."
        )
    current = state.current_question_id
    if action in (Action.OPEN, Action.REOPEN, Action.REVEAL) and not block:
        current = command.question_id  # phones show the block while it is open
    return Plan(((command.question_id, action),), state.phases, block, current, state.current_phase)


def _next(state: SessionState, block: frozenset[str]) -> Plan:
    if block:
        run = open_run(state.phases)
        name = run.phase.value if run is not None else "a"
        raise BlockOpen(f"The {name} block is open for learners: close it before 'next'.")
    scope = set(phase_items(state.questions, paced_phase(state.phases)))
    steps = core_polls.plan_next([p for p in state.polls if p.question_id in scope])
    current = state.open_poll
    if current is not None and current.question_id not in scope:
        steps = [(current.question_id, Action.CLOSE), *steps]
    return Plan(tuple(steps), state.phases, block, steps[-1][0], state.current_phase)


def _open_phase(state: SessionState, phase: Phase, pacing: Pacing | None) -> Plan:
    """Open a block: close what is open outside it, then open its items (self-paced) or
    its first pending one (moderator-paced)."""
    items = phase_items(state.questions, phase)
    if not items:
        raise NotFound(f"This activity has no {phase.value} items.", code="empty_phase")
    run = run_of(state.phases, phase)
    other = open_run(state.phases)
    if other is not None and other.phase is not phase:
        raise AnotherPhaseOpen(
            f"The {other.phase.value} phase is still open; close it before opening {phase.value}."
        )
    if run.state is RunState.OPEN:
        raise _cannot("open", run)
    pacing = pacing or run.pacing
    if phase is Phase.TALK and pacing is Pacing.SELF:
        raise BadRequest(
            "The talk runs moderator-paced: pacing 'self' is for the tests and the evaluation."
        )
    inside = set(items)
    steps = [
        (p.question_id, Action.CLOSE) for p in _open(state.polls) if p.question_id not in inside
    ]
    new_run = PhaseRun(phase, pacing, RunState.OPEN)
    runs = _with(state.phases, new_run)
    if pacing is Pacing.SELF:
        steps += _open_all(state.polls, inside)
        return Plan(tuple(steps), runs, frozenset(inside), None, phase)
    scoped = [p for p in state.polls if p.question_id in inside]
    first = core_polls.next_question(scoped) if core_polls.open_poll(scoped) is None else None
    current = state.current_question_id
    if first is not None:
        steps.append((first, Action.OPEN))
        current = first
    return Plan(tuple(steps), runs, frozenset(), current, phase)


def _close_phase(state: SessionState, phase: Phase) -> Plan:
    """Close a block: exactly its open items close; the run is done."""
    run = run_of(state.phases, phase)
    if run.state is not RunState.OPEN:
        raise _cannot("close", run)
    inside = set(phase_items(state.questions, phase))
    steps = tuple(
        (p.question_id, Action.CLOSE) for p in _open(state.polls) if p.question_id in inside
    )
    runs = _with(state.phases, replace(run, state=RunState.CLOSED))
    return Plan(steps, runs, frozenset(), state.current_question_id, state.current_phase)


def _cannot(verb: str, run: PhaseRun) -> Conflict:
    """The phase's counterpart of :class:`~.errors.InvalidTransition`, with its code."""
    return Conflict(
        f"Cannot {verb} the {run.phase.value} phase: it is {run.state.value}.",
        code=InvalidTransition.code,
    )


def _open(polls: Sequence[Poll]) -> list[Poll]:
    return [p for p in polls if p.state is PollState.OPEN]


def _open_all(polls: Sequence[Poll], inside: Collection[str]) -> list[tuple[str, Action]]:
    """Open every pending item of the block and reopen every closed one."""
    how = {PollState.PENDING: Action.OPEN, PollState.CLOSED: Action.REOPEN}
    return [
        (p.question_id, how[p.state]) for p in polls if p.question_id in inside and p.state in how
    ]


def _with(runs: Sequence[PhaseRun], run: PhaseRun) -> tuple[PhaseRun, ...]:
    kept = [r for r in runs if r.phase is not run.phase]
    return tuple(sorted([*kept, run], key=lambda r: PHASE_ORDER.index(r.phase)))


@dataclass(frozen=True)
class Executed:
    """A command carried out: the polls it changed (with the step that changed each)."""

    plan: Plan
    polls: tuple[Poll, ...]
    changed: tuple[tuple[Poll, Action], ...]


def execute(state: SessionState, command: Command, now: datetime | None = None) -> Executed:
    """Plan the command and apply its steps to the session's polls, all or nothing.

    :raise Her2pollError: the first step refused; nothing is changed then.
    """
    done = plan(state, command)
    polls = list(state.polls)
    changed: list[tuple[Poll, Action]] = []
    for qid, step in done.steps:
        item = state.questions.question(qid)
        timer = item.timer_seconds if item is not None else None
        polls = core_polls.apply(polls, qid, step, now=now, timer_seconds=timer, block=done.block)
        changed.append((next(p for p in polls if p.question_id == qid), step))
    return Executed(done, tuple(polls), tuple(changed))


@dataclass(frozen=True)
class BlockCount:
    """A block's progress, for the panel and the projector: learners, never answers."""

    #: Learners who answered at least one item of the block.
    answered: int = 0
    #: Learners who pressed "Submit".
    submitted: int = 0


def shown_block(state: SessionState) -> PhaseRun | None:
    """The self-paced block phones show: the open one, or the one just closed while no
    question has been put up since ("your answers were kept")."""
    if state.current_phase is None:
        return None
    run = run_of(state.phases, state.current_phase)
    if run.pacing is not Pacing.SELF or run.state is RunState.PENDING:
        return None
    if run.state is RunState.OPEN or state.current_question_id is None:
        return run
    return None


def check_submission(state: SessionState, phase: Phase) -> None:
    """A learner may submit a block only while it is open as a self-paced form."""
    if not run_of(state.phases, phase).is_open_block:
        raise BlockNotOpen(f"The {phase.value} block is not open for answers.")
