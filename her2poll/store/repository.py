"""The store behind the services' :class:`~her2poll.services.ports.Store` protocol.

A thin object over one :class:`~.db.Database`: each method is one aggregate
module's function, so the SQL stays in those modules and the services can be
tested with a fake of this one class.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.access import Digests, Secrets
from ..core.accounts import Organiser
from ..core.authoring import Activity, ActivitySummary
from ..core.items import Phase
from ..core.phases import Command
from ..core.polls import Action
from ..core.qa import ModAction, Settings
from ..core.questions import QuestionSet
from ..core.session import Participant, SessionState, SessionSummary, Snapshot
from . import activities, blocks, joins, participants, polls, qa, sessions, snapshot, votes
from .blocks import Submitted
from .db import Database, get_db


@dataclass(frozen=True)
class SqlStore:
    db: Database

    def session(self, code: str) -> SessionState:
        return sessions.get_session(self.db, code)

    def snapshot(self, session_id: int) -> Snapshot:
        return snapshot.read_snapshot(self.db, session_id)

    def snapshot_by_code(self, code: str) -> Snapshot:
        return snapshot.read_snapshot_by_code(self.db, code)

    def digests(self, code: str) -> Digests:
        return sessions.digests(self.db, code)

    def room_language(self, code: str) -> str | None:
        return sessions.room_language(self.db, code)

    def set_room_language(self, code: str, language: str | None) -> None:
        sessions.set_room_language(self.db, code, language)

    def set_room_statistics(self, code: str, shown: bool) -> SessionState:
        return sessions.set_room_statistics(self.db, code, shown)

    def create_session(
        self,
        questions: QuestionSet,
        secrets: Secrets,
        title: str | None,
        activity_id: int | None = None,
        owner_id: int | None = None,
    ) -> SessionState:
        return sessions.create_session(self.db, questions, secrets, title, activity_id, owner_id)

    # -- activities (:mod:`.activities`) -------------------------------------------------

    def create_activity(
        self,
        title: str,
        description: str,
        document: Mapping[str, Any],
        owner: Organiser | None = None,
    ) -> Activity:
        return activities.create_activity(self.db, title, description, document, owner)

    def activity(self, activity_id: int, viewer: Organiser | None = None) -> Activity:
        return activities.get_activity(self.db, activity_id, viewer)

    def managed_session(self, code: str, viewer: Organiser) -> SessionState:
        return sessions.managed_session(self.db, code, viewer)

    def save_activity(
        self, activity_id: int, title: str, description: str, document: Mapping[str, Any]
    ) -> Activity:
        return activities.save_activity(self.db, activity_id, title, description, document)

    def answered(self, activity_id: int) -> dict[str, frozenset[str]]:
        return activities.answered(self.db, activity_id)

    def current_run(self, activity_id: int) -> int | None:
        return activities.current_run(self.db, activity_id)

    def list_activities(self, viewer: Organiser | None = None) -> list[ActivitySummary]:
        return activities.list_activities(self.db, viewer)

    def archive_activity(self, activity_id: int, archived: bool) -> None:
        activities.set_archived(self.db, activity_id, archived)

    def archive_session(self, code: str, archived: bool) -> None:
        activities.set_session_archived(self.db, code, archived)

    def delete_activity(self, activity_id: int) -> None:
        activities.delete_activity(self.db, activity_id)

    def delete_session(self, code: str) -> None:
        activities.delete_session(self.db, code)

    def list_sessions(self, viewer: Organiser | None = None) -> list[SessionSummary]:
        return sessions.list_sessions(self.db, viewer)

    def join(self, session_id: int, public_id: str | None) -> Participant:
        return participants.join(self.db, session_id, public_id)

    def answers_of(self, session_id: int, participant_id: int) -> dict[str, object]:
        return votes.answers_of(self.db, session_id, participant_id)

    def attendee_join(
        self, code: str, public_id: str | None, with_tallies: Callable[[SessionState], bool]
    ) -> joins.AttendeeJoin:
        return joins.attendee_join(self.db, code, public_id, with_tallies)

    def apply_action(
        self, code: str, question_id: str | None, action: Action | str
    ) -> SessionState:
        return polls.apply_action(self.db, code, question_id, action)

    def apply_command(self, code: str, command: Command) -> SessionState:
        return polls.apply_command(self.db, code, command)

    def submit_block(self, session_id: int, participant_id: int, phase: Phase) -> Submitted:
        return blocks.submit_block(self.db, session_id, participant_id, phase)

    def set_hidden(self, code: str, answer_id: int, hidden: bool) -> SessionState:
        return votes.set_hidden(self.db, code, answer_id, hidden)

    def qa_state(self, session_id: int) -> qa.QAState:
        return qa.read(self.db, session_id)

    def qa_with_mine(
        self, session_id: int, participant_id: int
    ) -> tuple[qa.QAState, dict[str, object]]:
        return qa.read_with_mine(self.db, session_id, participant_id)

    def qa_ask(self, question: qa.AskIn) -> tuple[dict[str, object], bool]:
        return qa.ask(self.db, question)

    def qa_moderate(
        self, session_id: int, question_id: int, action: ModAction, text: str | None,
        into: int | None,
    ) -> None:  # fmt: skip
        qa.moderate(self.db, session_id, question_id, action, text, into)

    def qa_settings(
        self, session_id: int, open_: bool | None, premoderate: bool | None,
        names: bool | None, words: Sequence[str] | None,
    ) -> Settings:  # fmt: skip
        return qa.change_settings(
            self.db, session_id, open_=open_, premoderate=premoderate, names=names, words=words
        )


def get_store() -> SqlStore:
    """The current app's store (see :func:`~.db.get_db`)."""
    return SqlStore(get_db())
