"""What the services need from the outside world, as protocols a fake can satisfy.

:class:`her2poll.store.repository.SqlStore` is the real store; the writer in
:mod:`her2poll.live.writer` is the real vote sink. Tests pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from ..core.access import Digests, Secrets
from ..core.accounts import Organiser
from ..core.items import Phase
from ..core.phases import Command
from ..core.polls import Action
from ..core.qa import ModAction, Settings
from ..core.questions import QuestionSet
from ..core.session import Participant, SessionState, SessionSummary, Snapshot
from ..store.blocks import Submitted
from ..store.identities import Disconnect
from ..store.joins import AttendeeJoin
from ..store.qa import AskIn, QAState, UpvoteIn
from ..store.votes import VoteIn, VoteResult


class QAStore(Protocol):
    """A session's audience Q&A (:mod:`her2poll.store.qa`)."""

    def qa_state(self, session_id: int) -> QAState: ...

    def qa_with_mine(
        self, session_id: int, participant_id: int
    ) -> tuple[QAState, dict[str, object]]: ...

    def qa_ask(self, question: AskIn) -> tuple[dict[str, object], bool]: ...

    def qa_moderate(
        self, session_id: int, question_id: int, action: ModAction, text: str | None,
        into: int | None,
    ) -> None: ...  # fmt: skip

    def qa_settings(
        self, session_id: int, open_: bool | None, premoderate: bool | None,
        names: bool | None, words: Sequence[str] | None,
    ) -> Settings: ...  # fmt: skip


class Store(QAStore, Protocol):
    def session(self, code: str) -> SessionState: ...

    def room_language(self, code: str) -> str | None: ...

    def set_room_language(self, code: str, language: str | None) -> None: ...

    def set_room_statistics(self, code: str, shown: bool) -> SessionState: ...

    def snapshot(self, session_id: int) -> Snapshot: ...

    def snapshot_by_code(self, code: str) -> Snapshot: ...

    def digests(self, code: str) -> Digests: ...

    def create_session(
        self,
        questions: QuestionSet,
        secrets: Secrets,
        title: str | None,
        activity_id: int | None = None,
        owner_id: int | None = None,
    ) -> SessionState: ...

    def list_sessions(self, viewer: Organiser | None = None) -> list[SessionSummary]: ...

    def join(self, session_id: int, public_id: str | None) -> Participant: ...

    def answers_of(self, session_id: int, participant_id: int) -> dict[str, object]: ...

    def attendee_join(
        self, code: str, public_id: str | None, with_tallies: Callable[[SessionState], bool]
    ) -> AttendeeJoin:
        """An attendee's join in one transaction (:mod:`her2poll.store.joins`)."""
        ...

    def apply_action(
        self, code: str, question_id: str | None, action: Action | str
    ) -> SessionState: ...

    def apply_command(self, code: str, command: Command) -> SessionState:
        """A moderator's command (an item action, next, a phase action) in one transaction."""
        ...

    def submit_block(self, session_id: int, participant_id: int, phase: Phase) -> Submitted:
        """Record a learner's submission of a self-paced block (once)."""
        ...

    def set_hidden(self, code: str, answer_id: int, hidden: bool) -> SessionState: ...


class VoteSink(Protocol):
    """Records a vote (or an upvote) and returns only once it is durable (or refused)."""

    def submit(self, vote: VoteIn | UpvoteIn | Disconnect) -> VoteResult: ...


#: Tells the clients joined to a session (by its id) that the session's question set
#: was edited, so the open panel, projector and phones show the new wording; the live
#: layer's :meth:`her2poll.live.service.Live.questions_changed`. The web layer finds it
#: in the app's extensions under :data:`QUESTIONS_CHANGED` (web and live import
#: neither each other).
QuestionsChanged = Callable[[int], None]
QUESTIONS_CHANGED = "her2poll_questions_changed"


def nobody_told(_session_id: int) -> None:
    """A :data:`QuestionsChanged` for callers with no connected clients (the CLI, tests)."""
