"""Organisers: adding them, signing them in (argon2 passwords or single sign-on).

Passwords are hashed with argon2id (argon2-cffi's defaults); a hash made with
older parameters is replaced at the next sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..core import accounts as core
from ..core.accounts import AccountError, Organiser
from ..store import accounts as rows
from ..store.db import Database

_hasher = PasswordHasher()
#: Verified when the e-mail is unknown, so a wrong address costs what a wrong password does.
_DUMMY = _hasher.hash("her2poll-not-a-password")


def add_user(
    db: Database,
    email: str,
    password: str | None,
    organisation: str | None = None,
    name: str = "",
) -> Organiser:
    """Add an organiser; ``password`` None makes one who signs in only through SSO.

    :raises AccountError: a malformed e-mail, a short password, an e-mail taken.
    """
    address = core.normalize_email(email)
    digest = _hasher.hash(core.check_password(password)) if password is not None else None
    return rows.add_user(
        db, address, name.strip()[:200], digest, core.organisation_name(organisation)
    )


def authenticate(db: Database, email: str, password: str) -> Organiser | None:
    """The organiser with this e-mail and password, or None (never says which was wrong)."""
    try:
        address = core.normalize_email(email)
    except AccountError:
        address = ""
    user = rows.user_by_email(db, address) if address else None
    stored = rows.password_hash(db, user.id) if user else None
    try:
        _hasher.verify(stored or _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or stored is None:
        return None
    if _hasher.check_needs_rehash(stored):
        rows.set_password_hash(db, user.id, _hasher.hash(password))
    return user


def organiser(db: Database, user_id: int) -> Organiser | None:
    return rows.user_by_id(db, user_id)


def has_organisers(db: Database) -> bool:
    """False on a fresh install: the sign-in page then says to run ``her2poll user add``."""
    return rows.count_users(db) > 0


def users(db: Database) -> list[Organiser]:
    return rows.list_users(db)


def single_sign_on(db: Database, email: object, verified: object) -> Organiser:
    """The organiser an identity provider vouches for: matched by verified e-mail.

    Single sign-on adds nobody: an organiser is added with ``her2poll user add``
    (``--sso-only`` for one without a password) and then may sign in either way.
    """
    if not isinstance(email, str) or verified is False:
        raise AccountError(
            "The identity provider gave no verified e-mail address.", code="sso_no_email"
        )
    user = rows.user_by_email(db, core.normalize_email(email))
    if user is None:
        raise AccountError(
            f"{email} has no organiser account here. An administrator adds it with "
            f"'her2poll user add {email} --sso-only'.",
            code="sso_unknown_user",
        )
    return user
