"""Creating, listing and opening sessions, and checking who may open them as what."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import access, languages
from ..core.access import Role, Secrets
from ..core.accounts import Organiser
from ..core.questions import QuestionSet
from ..core.session import SessionState, SessionSummary
from .ports import Store


@dataclass(frozen=True)
class Created:
    """A just-created session with its secrets: the only time they are known."""

    state: SessionState
    moderator_secret: str
    screen_token: str


def create(
    store: Store,
    questions: QuestionSet,
    title: str | None = None,
    owner: Organiser | None = None,
) -> Created:
    """Create a session with fresh secrets (only their digests are stored), owned by ``owner``.

    A session without an owner (made from the shell) is listed by the CLI only.
    """
    keys = Secrets.new()
    state = store.create_session(questions, keys, title, owner_id=owner.id if owner else None)
    return Created(state, keys.moderator_secret, keys.screen_token)


def summaries(store: Store, viewer: Organiser | None = None) -> list[SessionSummary]:
    """Sessions newest first: ``viewer``'s and their organisation's, or every one (the CLI)."""
    return store.list_sessions(viewer)


def require_moderator(store: Store, code: str, secret: str | None) -> None:
    """Raise ``bad_secret`` (403) unless ``secret`` is this session's moderator key."""
    access.check_moderator(store.digests(code), secret)


def screen_role(store: Store, code: str, token: str | None) -> Role:
    """The role a projector link opens: the projector's, or the moderator's own key."""
    return Role(access.screen_role(store.digests(code), token))


def set_room_language(store: Store, code: str, language: object) -> str | None:
    """Fix the language the room's phones and projector show (None: each its own).

    The caller has checked that a moderator asks (a joined moderator connection).
    """
    chosen = languages.room_language(language)
    store.set_room_language(code, chosen)
    return chosen
