"""Joining a session as an attendee, a moderator or a projector.

Every (re)connect joins again and gets the full current state in the answer, so
a phone that lost its connection, or a panel that reloads, needs nothing else to
carry on. All of it comes from one snapshot of the session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..core import qa, views
from ..core.access import Role
from ..core.session import SessionState, normalize_code
from . import identity, sessions
from .ports import Store


@dataclass(frozen=True)
class Member:
    """A joined connection: its role in one session (and who, for attendees)."""

    role: Role
    session_id: int
    code: str
    participant_id: int | None = None
    #: An attendee connection's attendance interval (closed on disconnect).
    connection_id: int | None = None


@dataclass(frozen=True)
class Joined:
    """Who joined, and the ack that tells them everything they need to show."""

    member: Member
    ack: dict[str, Any]


@dataclass(frozen=True)
class JoinRequest:
    code: str
    role: Role = Role.ATTENDEE
    token: str | None = None
    secret: str | None = None


def join(
    store: Store,
    signing_key: str,
    request: JoinRequest,
    connected: Callable[[int], int] = lambda _session_id: 0,
) -> Joined:
    """Check the role's proof, then answer with that role's view of one snapshot.

    :param signing_key: the key attendee tokens are signed with.
    :param connected: attendees connected now to a session (by id), for the
        moderator's and the projector's view.
    """
    if request.role is Role.ATTENDEE:
        return _attendee(store, signing_key, request.code, request.token)
    state = store.session(request.code)
    if request.role is Role.MODERATOR:
        return _moderator(store, state, request.secret, connected(state.id))
    return _screen(store, state, request.token, connected(state.id))


def _moderator(store: Store, state: SessionState, secret: str | None, connected: int) -> Joined:
    sessions.require_moderator(store, state.code, secret)
    snap = store.snapshot(state.id)
    return _joined(
        Member(Role.MODERATOR, state.id, state.code),
        views.attendee_state(snap.state, snap.tallies, now=datetime.now(UTC)),
        tally=views.moderator_tally(snap, connected),
        questions=views.moderator_questions(snap.state),
        results=views.results(snap),
        qa=_qa(store, state.id, qa.moderator_view),
    )


def _screen(store: Store, state: SessionState, token: str | None, connected: int) -> Joined:
    sessions.screen_role(store, state.code, token)
    snap = store.snapshot(state.id)
    return _joined(
        Member(Role.SCREEN, state.id, state.code),
        views.attendee_state(snap.state, snap.tallies, now=datetime.now(UTC)),
        tally=views.screen_tally(snap, connected),
        questions=views.screen_questions(snap.state),
        qa=_qa(store, state.id, qa.room_view),
    )


def _attendee(store: Store, key: str, code: str, token: str | None) -> Joined:
    """A known token finds its participant again; anything else is a new one.

    One transaction (the hot path: every phone joins on every reconnect).
    """
    public_id = identity.verify(key, normalize_code(code), token)
    found = store.attendee_join(code, public_id, views.shows_results)
    state, participant, asked = found.state, found.participant, found.qa
    return _joined(
        Member(Role.ATTENDEE, state.id, state.code, participant.id, found.connection_id),
        views.attendee_state(state, found.tallies or {}, now=datetime.now(UTC)),
        participant=participant.public_id,
        participant_token=identity.sign(key, state.code, participant.public_id),
        answers=found.answers,
        submitted=list(found.submitted),
        qa=qa.room_view(asked.seq, asked.settings, asked.questions),
        qa_mine=found.qa_mine,
    )


@dataclass(frozen=True)
class Refresh:
    """What the clients joined to a session need after its question set was edited.

    ``state`` goes to everyone (a new version: phones and projector draw the current
    item's new wording); ``moderator`` is the panel's ``questions`` message: what a
    moderator's join ack carries less Q&A, so the panel redraws its question cards;
    ``screen`` is the projector's: its join ack's published figures, so an edited
    figure shows at the next reveal without a reload.
    """

    session_id: int
    state: dict[str, Any]
    moderator: dict[str, Any]
    screen: dict[str, Any]


def refreshed(store: Store, session_id: int, connected: int = 0) -> Refresh:
    """One snapshot of the edited session, in each role's view (docs/protocol.md)."""
    snap = store.snapshot(session_id)
    state = views.attendee_state(snap.state, snap.tallies, now=datetime.now(UTC))
    moderator = {
        "state": state,
        "tally": views.moderator_tally(snap, connected),
        "questions": views.moderator_questions(snap.state),
        "results": views.results(snap),
    }
    screen = {"state": state, "questions": views.screen_questions(snap.state)}
    return Refresh(session_id, state, moderator, screen)


def _qa(store: Store, session_id: int, view: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    state = store.qa_state(session_id)
    return view(state.seq, state.settings, state.questions)


def _joined(member: Member, state: dict[str, Any], **extra: Any) -> Joined:
    return Joined(member, {"ok": True, "role": member.role.value, "state": state, **extra})
