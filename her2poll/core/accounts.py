"""Organisers and organisations: who may create sessions and see them listed.

Pure: the names and rules. Hashing lives in :mod:`her2poll.services.accounts`,
rows in :mod:`her2poll.store.accounts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import Her2pollError

#: Anything@anything.tld, no spaces: enough to catch a typo, not an RFC 5322 parser.
#: The one e-mail check for organisers and learners (core.learners) alike.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: Passwords shorter than this are refused by ``her2poll user add``.
MIN_PASSWORD = 10
DEFAULT_ORGANISATION = "Default"


class AccountError(Her2pollError):
    """An organiser cannot be added or signed in as asked; the message says why."""

    code = "account_error"


@dataclass(frozen=True)
class Organiser:
    """A signed-in organiser (Flask-Login's user is a thin wrapper of this)."""

    id: int
    email: str
    name: str
    organisation_id: int
    organisation: str
    has_password: bool


def normalize_email(value: str) -> str:
    """``value`` trimmed and lower-cased, or :class:`AccountError` if it is no address."""
    email = value.strip().lower()
    if not EMAIL.match(email) or len(email) > 320:
        raise AccountError(f"{value.strip()!r} is not an e-mail address.", code="bad_email")
    return email


def check_password(password: str) -> str:
    """``password`` if it is long enough to be worth hashing, else :class:`AccountError`."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(
            f"The password must have at least {MIN_PASSWORD} characters.", code="weak_password"
        )
    return password


def organisation_name(value: str | None) -> str:
    name = (value or "").strip() or DEFAULT_ORGANISATION
    if len(name) > 200:
        raise AccountError("An organisation's name has at most 200 characters.")
    return name
