"""Audience Q&A: asking, upvoting, moderating, and each room's ``qa`` message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core import qa
from ..core.access import Role
from ..core.errors import Forbidden
from ..core.qa import ModAction
from ..store.qa import AskIn, UpvoteIn
from .joining import Member
from .ports import QAStore, VoteSink

View = dict[str, Any]


def _attendee(member: Member) -> int:
    if member.role is not Role.ATTENDEE or member.participant_id is None:
        raise Forbidden(f"Only an attendee may do this; this connection joined as {member.role}.")
    return member.participant_id


def ask(store: QAStore, member: Member, text: str, name: str | None, client_id: str) -> View:
    """Send a question to the panel; acked once committed, a retry is a ``dup``."""
    participant = _attendee(member)
    question, dup = store.qa_ask(AskIn(member.session_id, participant, client_id, text, name))
    return {"ok": True, "dup": dup, "question": question}


def upvote(sink: VoteSink, member: Member, question_id: int, up: bool) -> View:
    """Set this participant's upvote; batched with others into one commit."""
    participant = _attendee(member)
    result = sink.submit(UpvoteIn(member.session_id, participant, question_id, up))
    if result.error is not None:
        raise result.error
    return {"ok": True, "up": up, "changed": not result.dup}


def moderate(
    store: QAStore,
    member: Member,
    action: ModAction,
    question_id: int,
    text: str | None = None,
    into: int | None = None,
) -> View:
    """A moderator's decision on one question."""
    store.qa_moderate(member.session_id, question_id, action, text, into)
    return {"ok": True}


def settings(
    store: QAStore,
    member: Member,
    open_: bool | None = None,
    premoderate: bool | None = None,
    names: bool | None = None,
    words: Sequence[str] | None = None,
) -> View:
    """Open or close Q&A, pre-moderation, names, the word filter."""
    stored = store.qa_settings(member.session_id, open_, premoderate, names, words)
    return {"ok": True, "settings": stored.to_dict()}


def moderator_message(store: QAStore, session_id: int) -> tuple[View]:
    """The moderator room's ``qa`` message, from one read."""
    state = store.qa_state(session_id)
    return (qa.moderator_view(state.seq, state.settings, state.questions),)


def room_message(store: QAStore, session_id: int) -> tuple[View]:
    """The room's ``qa`` message (phones and projector), from one read."""
    state = store.qa_state(session_id)
    return (qa.room_view(state.seq, state.settings, state.questions),)
