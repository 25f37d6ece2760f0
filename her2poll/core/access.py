"""The secrets that open a session's roles: made here, stored only as digests.

A session has a moderator secret (shown once, when it is created) and a projector
token derived from it. Both are long random strings, so a fast hash is enough and
a stolen database does not hand out moderator powers; comparisons take constant
time, so response timing leaks nothing of a digest.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from .errors import Forbidden


class Role(StrEnum):
    """Who is on a connection; each role has its own proof and its own view of a session."""

    ATTENDEE = "attendee"
    MODERATOR = "moderator"
    SCREEN = "screen"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def derive_screen_token(moderator_secret: str) -> str:
    """The projector token, derived from the moderator secret.

    Only the moderator's secret can regenerate it, so the panel can show the
    projector link at any time while the database keeps only its digest.
    """
    mac = hmac.new(moderator_secret.encode(), b"her2poll.screen.v1", hashlib.sha256)
    return mac.hexdigest()[:32]


@dataclass(frozen=True)
class Secrets:
    """A new session's secrets and the digests the store keeps of them."""

    moderator_secret: str
    screen_token: str

    @classmethod
    def new(cls) -> Secrets:
        moderator = secrets.token_urlsafe(24)
        return cls(moderator, derive_screen_token(moderator))

    @property
    def moderator_digest(self) -> str:
        return digest(self.moderator_secret)

    @property
    def screen_digest(self) -> str:
        return digest(self.screen_token)


@dataclass(frozen=True)
class Digests:
    """What the store keeps of a session's secrets."""

    moderator: str
    screen: str


def matches(secret: str | None, stored: str) -> bool:
    """Whether ``secret`` hashes to ``stored``, in constant time."""
    return secret is not None and hmac.compare_digest(digest(secret), stored)


def check_moderator(digests: Digests, secret: str | None) -> None:
    """Raise :class:`Forbidden` unless ``secret`` is the session's moderator secret."""
    if not matches(secret, digests.moderator):
        raise Forbidden("This needs the session's moderator key.", code="bad_secret")


def screen_role(digests: Digests, token: str | None) -> str:
    """The role a projector link grants: ``"moderator"`` or ``"screen"``.

    The moderator's secret also opens the projector view, so a moderator can
    put their own laptop on the projector.
    """
    if matches(token, digests.moderator):
        return "moderator"
    if matches(token, digests.screen):
        return "screen"
    raise Forbidden("This needs the session's projector link.", code="bad_secret")
