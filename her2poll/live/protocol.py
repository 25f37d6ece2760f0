"""The wire format of ``docs/protocol.md``: incoming payloads.

Outgoing messages are the role views of :mod:`her2poll.core.views`.

Incoming payloads are parsed into frozen pydantic models; anything else (a
list, a huge string, a missing field, an extra field) becomes
:class:`~her2poll.core.errors.BadRequest` with a message that names the field.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..core.access import Role
from ..core.errors import BadRequest
from ..core.items import Phase
from ..core.phases import Pacing
from ..core.qa import ModAction

Code = Annotated[str, Field(min_length=1, max_length=12)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
VoteId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{8,64}$")]
#: May be empty: an empty token is no token (a fresh identity), an empty secret a wrong one.
Secret = Annotated[str, Field(max_length=200)]
#: Row ids are 32-bit INTEGER columns: a larger number names no row, and must not reach
#: the database driver (SQLite and psycopg raise on ints past 64 bits, not "not found").
DB_ID_MAX = 2**31 - 1
DbId = Annotated[int, Field(strict=True, ge=1, le=DB_ID_MAX)]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JoinPayload(_Payload):
    """Each role proves itself one way; a proof meant for another role is a mistake."""

    code: Code
    #: Optional: a join without a role is an attendee's (docs/protocol.md).
    role: Role = Role.ATTENDEE
    token: Secret | None = None
    secret: Secret | None = None

    @field_validator("token")
    @classmethod
    def _token_is_not_the_moderators(cls, token: str | None, info: ValidationInfo) -> str | None:
        if token is not None and info.data.get("role") is Role.MODERATOR:
            raise ValueError("a moderator joins with 'secret', not 'token'")
        return token

    @field_validator("secret")
    @classmethod
    def _secret_is_the_moderators(cls, secret: str | None, info: ValidationInfo) -> str | None:
        role = info.data.get("role")
        if secret is not None and role is not Role.MODERATOR:
            raise ValueError(f"only a moderator sends a secret, not a {role or 'client'}")
        return secret


class VotePayload(_Payload):
    """A vote: the answer in the one field its item type takes (docs/protocol.md)."""

    question_id: Ident
    vote_id: VoteId
    option_id: Ident | None = None
    option_ids: Annotated[list[Ident], Field(max_length=12)] | None = None
    value: Annotated[float, Field(strict=True, allow_inf_nan=False)] | None = None
    #: Long enough to say "too long" with the count; the item holds the real limit.
    text: Annotated[str, Field(max_length=1000)] | None = None
    confidence: Annotated[int, Field(strict=True, ge=1, le=4)] | None = None

    @model_validator(mode="after")
    def _one_answer(self) -> VotePayload:
        given = [f for f in ANSWER_FIELDS if getattr(self, f) is not None]
        if len(given) != 1:
            raise ValueError(
                f"send the answer in exactly one of {', '.join(ANSWER_FIELDS)}"
                + (f" (got {', '.join(given)})" if given else "")
            )
        return self

    def answer_fields(self) -> dict[str, Any]:
        """The answer and confidence, as :func:`~her2poll.services.voting.cast_vote` takes them."""
        return {
            "option_ids": self.option_ids,
            "value": self.value,
            "text": self.text,
            "confidence": self.confidence,
        }


ANSWER_FIELDS = ("option_id", "option_ids", "value", "text")


#: Control actions that name no question: ``next`` picks it, a phase action runs a block.
WITHOUT_QUESTION = ("next", "open_phase", "close_phase")
PHASE_ACTIONS = ("open_phase", "close_phase")


class ControlPayload(_Payload):
    action: Literal[
        "open", "close", "reopen", "reveal", "hide", "reset", "next", "extend", "stop_timer",
        "open_phase", "close_phase",
    ]  # fmt: skip
    question_id: Ident | None = Field(default=None, validate_default=True)
    phase: Phase | None = None
    pacing: Pacing | None = None

    @field_validator("question_id")
    @classmethod
    def _question_fits_the_action(cls, qid: str | None, info: ValidationInfo) -> str | None:
        """``next`` picks the question itself, a phase action runs many; the rest name one."""
        action = info.data.get("action")
        if action in WITHOUT_QUESTION and qid is not None:
            raise ValueError(f"'{action}' takes none")
        if action is not None and action not in WITHOUT_QUESTION and qid is None:
            raise ValueError(f"'{action}' needs one")
        return qid

    @model_validator(mode="after")
    def _phase_fits_the_action(self) -> ControlPayload:
        """Only the phase actions name a phase, and only ``open_phase`` a pacing."""
        if self.action in PHASE_ACTIONS and self.phase is None:
            raise ValueError(f"'{self.action}' needs a phase: pre, talk, post or evaluation")
        if self.action not in PHASE_ACTIONS and self.phase is not None:
            raise ValueError(f"'{self.action}' takes no phase")
        if self.pacing is not None and self.action != "open_phase":
            raise ValueError("only 'open_phase' takes a pacing")
        if self.phase is Phase.TALK and self.pacing is Pacing.SELF:
            raise ValueError("the talk runs moderator-paced; 'self' is for pre, post, evaluation")
        return self


class SubmitBlockPayload(_Payload):
    phase: Phase


class HideAnswerPayload(_Payload):
    answer_id: DbId
    hidden: StrictBool


class RoomStatisticsPayload(_Payload):
    """The moderator's "Show statistics to the room" switch: on or off, nothing else."""

    shown: StrictBool


#: Long enough to say "too long" with the count; core.qa holds the real limits.
QAText = Annotated[str, Field(max_length=1000)]
QAId = DbId


class AskPayload(_Payload):
    text: QAText
    name: Annotated[str, Field(max_length=200)] | None = None
    client_id: VoteId


class UpvotePayload(_Payload):
    question_id: QAId
    up: StrictBool


class ModeratePayload(_Payload):
    action: ModAction
    question_id: QAId
    text: QAText | None = None
    into: QAId | None = None


class QASettingsPayload(_Payload):
    open: StrictBool | None = None
    premoderate: StrictBool | None = None
    names: StrictBool | None = None
    filter: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=400)] | None = (
        None
    )


P = TypeVar("P", bound=_Payload)


def _nul_field(payload: dict[Any, Any]) -> str | None:
    """The first field whose text holds a NUL character (``\\u0000``), if any.

    PostgreSQL's text cannot hold NUL (psycopg refuses the whole statement), and no
    person types one: such a payload is refused as a whole, before it can reach a
    batch and fail other people's answers with it. Refused, not stripped, so what
    is stored is always exactly what was sent.
    """
    for key, value in payload.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            return str(key)
    return None


def parse(model: type[P], payload: object) -> P:
    """Validate a client payload or raise :class:`BadRequest` naming the field."""
    if not isinstance(payload, dict):
        raise BadRequest(f"Expected a JSON object, got {type(payload).__name__}.")
    nul = _nul_field(payload)
    if nul is not None:
        raise BadRequest(f"Invalid {nul[:40]}: text may not contain the NUL character (\\u0000).")
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "payload"
        msg = err["ctx"]["error"] if err["type"] == "value_error" else err["msg"]
        raise BadRequest(f"Invalid {field}: {msg}.") from None
