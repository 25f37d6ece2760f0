"""In-memory stand-ins for the store and the vote sink: the services' ports, no database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from her2poll.core import phases as core_phases
from her2poll.core.access import Digests, Secrets
from her2poll.core.accounts import Organiser
from her2poll.core.errors import NotFound
from her2poll.core.items import Phase, Responses
from her2poll.core.phases import Command
from her2poll.core.polls import Action, Poll, PollState
from her2poll.core.qa import Settings
from her2poll.core.questions import QuestionSet
from her2poll.core.session import (
    Participant,
    SessionState,
    SessionSummary,
    Snapshot,
    normalize_code,
)
from her2poll.store.blocks import Submitted
from her2poll.store.joins import AttendeeJoin
from her2poll.store.qa import QAState, UpvoteIn
from her2poll.store.votes import VoteIn, VoteResult


class FakeQA:
    """No Q&A yet: what a fresh session's Q&A reads as."""

    def qa_state(self, session_id: int) -> QAState:
        return QAState(0, Settings(), ())

    def qa_with_mine(
        self, session_id: int, participant_id: int
    ) -> tuple[QAState, dict[str, object]]:
        return self.qa_state(session_id), {"upvoted": [], "asked": []}


@dataclass
class _Session:
    state: SessionState
    digests: Digests
    participants: dict[str, int] = field(default_factory=dict)
    answers: dict[tuple[int, str], str] = field(default_factory=dict)
    vote_seq: int = 0
    language: str | None = None
    owner_id: int | None = None
    #: (phase, participant id) -> when that learner submitted the block.
    submitted: dict[tuple[Phase, int], datetime] = field(default_factory=dict)


class FakeStore(FakeQA):
    """Sessions in dicts; counts every snapshot read, as a test of the read side."""

    def __init__(self) -> None:
        self._by_code: dict[str, _Session] = {}
        self.snapshots_read = 0
        self._next_id = 1
        self._joins = 0

    def _get(self, code: str) -> _Session:
        found = self._by_code.get(normalize_code(code))
        if found is None:
            raise NotFound(f"No session with code {code!r}.", code="session_not_found")
        return found

    def _by_id(self, session_id: int) -> _Session:
        return next(s for s in self._by_code.values() if s.state.id == session_id)

    def session(self, code: str) -> SessionState:
        return self._get(code).state

    def snapshot(self, session_id: int) -> Snapshot:
        self.snapshots_read += 1
        s = self._by_id(session_id)
        counts: dict[str, dict[str, int]] = {}
        for (_pid, qid), option in s.answers.items():
            counts.setdefault(qid, {}).setdefault(option, 0)
            counts[qid][option] += 1
        questions = s.state.questions.questions
        # The fake keeps single-choice answers only: each item counts its own options.
        tallies = {q.id: q.summarise(Responses(counts=counts.get(q.id, {}))) for q in questions}
        return Snapshot(s.state, s.vote_seq, tallies, len(s.participants))

    def snapshot_by_code(self, code: str) -> Snapshot:
        return self.snapshot(self._get(code).state.id)

    def digests(self, code: str) -> Digests:
        return self._get(code).digests

    def room_language(self, code: str) -> str | None:
        return self._get(code).language

    def set_room_language(self, code: str, language: str | None) -> None:
        self._get(code).language = language

    def set_room_statistics(self, code: str, shown: bool) -> SessionState:
        s = self._get(code)
        s.state = replace(s.state, room_statistics=shown, version=s.state.version + 1)
        s.vote_seq += 1
        return s.state

    def create_session(
        self,
        questions: QuestionSet,
        secrets: Secrets,
        title: str | None,
        activity_id: Any = None,
        owner_id: int | None = None,
    ) -> SessionState:
        code = f"CODE{self._next_id:02d}"
        state = SessionState(
            id=self._next_id,
            code=code,
            title=title or questions.title,
            questions=questions,
            polls=tuple(Poll(q.id, PollState.PENDING) for q in questions.questions),
            version=1,
            created_at=datetime(2026, 12, 2, tzinfo=UTC),
        )
        self._next_id += 1
        self._by_code[code] = _Session(
            state, Digests(secrets.moderator_digest, secrets.screen_digest), owner_id=owner_id
        )
        return state

    def list_sessions(self, viewer: Organiser | None = None) -> list[SessionSummary]:
        """Every session, or the viewer's own (the fake knows no organisations)."""
        return [
            SessionSummary(s.state.code, s.state.title, s.state.created_at.isoformat(),
                           len(s.participants), len(s.answers))
            for s in self._by_code.values()
            if viewer is None or s.owner_id == viewer.id
        ]  # fmt: skip

    def join(self, session_id: int, public_id: str | None) -> Participant:
        s = self._by_id(session_id)
        if public_id not in s.participants:
            self._joins += 1
            public_id = f"p{self._joins}"
            s.participants[public_id] = self._joins
        return Participant(s.participants[public_id], session_id, public_id)

    def answers_of(self, session_id: int, participant_id: int) -> dict[str, object]:
        s = self._by_id(session_id)
        return {q: o for (p, q), o in s.answers.items() if p == participant_id}

    def attendee_join(
        self, code: str, public_id: str | None, with_tallies: Callable[[SessionState], bool]
    ) -> AttendeeJoin:
        state = self.session(code)
        returning = public_id in self._get(code).participants
        participant = self.join(state.id, public_id)
        tallies = self.snapshot(state.id).tallies if with_tallies(state) else None
        asked, mine = self.qa_with_mine(state.id, participant.id)
        answers = self.answers_of(state.id, participant.id)
        done = self._get(code).submitted
        submitted = tuple(p.value for p, pid in done if pid == participant.id)
        return AttendeeJoin(
            state, participant, tallies, asked, answers, mine, returning, None, submitted
        )

    def set_hidden(self, code: str, answer_id: int, hidden: bool) -> SessionState:
        raise NotFound(f"No answer {answer_id} in this session.", code="unknown_answer")

    def apply_action(
        self, code: str, question_id: str | None, action: Action | str
    ) -> SessionState:
        return self.apply_command(code, Command(action, question_id))

    def apply_command(self, code: str, command: Command) -> SessionState:
        """The core's plan applied in memory, as the store applies it in one transaction."""
        s = self._get(code)
        done = core_phases.execute(s.state, command, datetime.now(UTC))
        s.state = replace(
            s.state,
            polls=done.polls,
            phases=done.plan.runs,
            current_question_id=done.plan.current_question_id,
            current_phase=done.plan.current_phase,
            version=s.state.version + 1,
        )
        return s.state

    def submit_block(self, session_id: int, participant_id: int, phase: Phase) -> Submitted:
        s = self._by_id(session_id)
        core_phases.check_submission(s.state, phase)
        key = (phase, participant_id)
        dup = key in s.submitted
        s.submitted.setdefault(key, datetime(2026, 12, 2, 9, len(s.submitted), tzinfo=UTC))
        return Submitted(phase, s.submitted[key], dup)

    def answer(self, code: str, participant_id: int, question_id: str, option_id: str) -> None:
        """Put an answer straight in, as a committed vote would."""
        s = self._get(code)
        s.answers[(participant_id, question_id)] = option_id
        s.vote_seq += 1


class FakeSink:
    """Accepts every vote once; a vote_id seen before is a duplicate."""

    def __init__(self, refuse: Exception | None = None) -> None:
        self.votes: list[VoteIn | UpvoteIn] = []
        self.refuse = refuse

    def submit(self, vote: VoteIn | UpvoteIn) -> VoteResult:
        if self.refuse is not None:
            return VoteResult(ok=False, error=self.refuse)  # type: ignore[arg-type]
        dup = (
            vote in self.votes
            if isinstance(vote, UpvoteIn)
            else any(getattr(v, "vote_id", None) == vote.vote_id for v in self.votes)
        )
        self.votes.append(vote)
        return VoteResult(ok=True, dup=dup)


class FakeActivities(FakeStore):
    """Activities in a dict on top of :class:`FakeStore`; ``answered`` is set by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.activities: dict[int, Any] = {}
        self.answered_items: dict[str, frozenset[str]] = {}
        self.runs: list[tuple[int | None, str]] = []
        #: each activity's organisation (None: made before accounts), and each run's owner
        self.organisations: dict[int, int | None] = {}
        self.run_owners: dict[str, int | None] = {}

    def create_activity(
        self, title: str, description: str, document: Any, owner: Any = None
    ) -> Any:
        from her2poll.core.authoring import Activity

        activity_id = len(self.activities) + 1
        self.activities[activity_id] = Activity(activity_id, title, description, dict(document))
        self.organisations[activity_id] = owner.organisation_id if owner else None
        return self.activities[activity_id]

    def activity(self, activity_id: int, viewer: Any = None) -> Any:
        """The store's rule, simplified: the viewer's organisation's only."""
        theirs = viewer is None or self.organisations.get(activity_id) == viewer.organisation_id
        if activity_id not in self.activities or not theirs:
            raise NotFound(f"No activity {activity_id}.", code="activity_not_found")
        return self.activities[activity_id]

    def save_activity(self, activity_id: int, title: str, description: str, document: Any) -> Any:
        self.activity(activity_id)
        return self.create_activity_at(activity_id, title, description, document)

    def create_activity_at(self, activity_id: int, title: str, description: str, doc: Any) -> Any:
        from her2poll.core.authoring import Activity

        self.activities[activity_id] = Activity(activity_id, title, description, dict(doc))
        return self.activities[activity_id]

    def answered(self, activity_id: int) -> dict[str, frozenset[str]]:
        return dict(self.answered_items)

    def current_run(self, activity_id: int) -> int | None:
        codes = [code for of, code in self.runs if of == activity_id]
        return self.session(codes[-1]).id if codes else None

    def create_session(
        self,
        questions: QuestionSet,
        secrets: Secrets,
        title: str | None,
        activity_id: Any = None,
        owner_id: int | None = None,
    ) -> SessionState:
        state = super().create_session(questions, secrets, title)
        self.runs.append((activity_id, state.code))
        self.run_owners[state.code] = owner_id
        return state
