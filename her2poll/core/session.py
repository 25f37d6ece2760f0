"""A session as the domain sees it: its questions, their polls, its version."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .items import ItemBase, Phase, Summary
from .phases import BlockCount, PhaseRun
from .polls import Poll, open_poll
from .questions import QuestionSet

#: Join codes avoid characters people misread on a projector: 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


def new_join_code() -> str:
    """A short random code an attendee can type from the back of the room."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Accept what people type: lower case, spaces and dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


@dataclass(frozen=True)
class SessionState:
    """Everything about a session that is not a vote."""

    id: int
    code: str
    title: str
    questions: QuestionSet
    polls: tuple[Poll, ...]
    version: int
    created_at: datetime
    #: The question attendees and the screen show: set when a poll is opened,
    #: kept after it closes so its result can be revealed on the same screen.
    current_question_id: str | None = None
    #: The language the moderator fixed for the room's phones and projector, if any:
    #: in the state so a page drawn before a change and joined after it still sees it.
    language: str | None = None
    #: Whether the moderator shows the statistics (p-values, intervals, the verdict and
    #: notes on the source's figures) to the room too; off, they stay on the panel.
    room_statistics: bool = False
    #: How each phase is being run (phases never opened are absent: see ``phases.run_of``).
    phases: tuple[PhaseRun, ...] = ()
    #: The phase opened last, kept after it closes (phones show a closed block's
    #: "your answers were kept" until another question is on show).
    current_phase: Phase | None = None

    @property
    def open_poll(self) -> Poll | None:
        return open_poll(self.polls)

    def poll(self, question_id: str) -> Poll | None:
        return next((p for p in self.polls if p.question_id == question_id), None)

    def question(self, question_id: str) -> ItemBase | None:
        return self.questions.question(question_id)


@dataclass(frozen=True)
class Snapshot:
    """One moment of a session, read in one transaction: the input of every role's view.

    :param vote_seq: the tally version, bumped in the transaction of every change
        to the answers, so a client keeps the newest snapshot it was sent.
    :param tallies: every question's summary (its live tally), by question id.
    :param participants: everyone who ever joined (not who is connected now).
    :param blocks: learners who answered some of, and who submitted, each self-paced block.
    """

    state: SessionState
    vote_seq: int
    tallies: Mapping[str, Summary]
    participants: int
    #: Each self-paced block's progress, by phase (only phases run self-paced).
    blocks: Mapping[str, BlockCount] = field(default_factory=dict)


@dataclass(frozen=True)
class Participant:
    """One device in one session; ``public_id`` is what its signed token names."""

    id: int
    session_id: int
    public_id: str


@dataclass(frozen=True)
class SessionSummary:
    """A line of the sessions list: what a coordinator picks a session by."""

    code: str
    title: str
    #: ISO 8601, UTC.
    created_at: str
    participants: int
    answers: int
