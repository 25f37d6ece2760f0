"""Learners who ask for credit: the identity a phone gives once, and its rules.

A session is *anonymous* (the default) or *identified for credit*. Identified,
the phone asks once for a name, an e-mail, a profession (physician / other
health professional, what PARS counts) and an optional licence or board ID,
with an explicit consent line the learner must tick. The anonymous participant
token stays the key for matching pre and post answers; the identity is kept
apart from the answers (its own table) and is never shown to the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from .accounts import EMAIL
from .attendance import Profession
from .errors import BadRequest

#: The consent line the phone shows beside the tick box; stored with the identity.
CONSENT_TEXT = (
    "I agree that the provider keeps my name, e-mail, profession and licence ID to record "
    "my attendance and issue my certificate. They are stored apart from my answers, never "
    "shown to the room, never shared with commercial companies, and deleted after the "
    "provider's retention period."
)

#: Field lengths: generous for real names and addresses, small enough to stay a form.
MAX_NAME, MAX_EMAIL, MAX_LICENCE = 120, 254, 60


class IdentityMode(StrEnum):
    """Whether a session asks its learners who they are."""

    ANONYMOUS = "anonymous"
    IDENTIFIED = "identified"


class InvalidIdentity(BadRequest):
    """An identity form that cannot be kept; the message names the field."""

    code = "invalid_identity"


@dataclass(frozen=True)
class Identity:
    """What a learner gave for credit (all of it removed by the retention purge)."""

    name: str
    email: str
    profession: Profession
    licence: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "email": self.email,
            "profession": self.profession.value,
            "licence": self.licence,
        }


def _text(data: Mapping[str, object], key: str, limit: int, label: str) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidIdentity(f"{label} must be text.")
    if "\x00" in value:  # PostgreSQL text cannot hold it; no person types it
        raise InvalidIdentity(f"{label} may not contain the NUL character.")
    value = " ".join(value.split())
    if len(value) > limit:
        raise InvalidIdentity(f"{label} is longer than {limit} characters.")
    return value


def parse_identity(data: object) -> Identity:
    """The identity in a phone's form, or :class:`InvalidIdentity` naming the field.

    ``consent`` must be ``true``: without it nothing is kept.
    """
    if not isinstance(data, Mapping):
        raise InvalidIdentity("Send the identity as an object.")
    if data.get("consent") is not True:
        raise InvalidIdentity("Tick the consent line to be identified for credit.")
    name = _text(data, "name", MAX_NAME, "The name")
    if not name:
        raise InvalidIdentity("Give your name as it should appear on the certificate.")
    email = _text(data, "email", MAX_EMAIL, "The e-mail").lower()
    if not EMAIL.match(email):
        raise InvalidIdentity("Give an e-mail address such as name@example.org.")
    try:
        profession = Profession(str(data.get("profession")))
    except ValueError:
        raise InvalidIdentity(
            "Choose a profession: physician, or other (another health professional)."
        ) from None
    licence = _text(data, "licence", MAX_LICENCE, "The licence or board ID") or None
    return Identity(name, email, profession, licence)
