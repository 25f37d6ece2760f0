"""The wire format of ``docs/protocol.md``: incoming payloads and outgoing messages.

Incoming payloads are parsed into frozen pydantic models; anything else (a
list, a huge string, a missing field, an extra field) becomes
:class:`~her2poll.core.errors.BadRequest` with a message that names the field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import BadRequest
from ..core.polls import Poll
from ..core.session import SessionState
from ..core.tallies import Tally

Code = Annotated[str, Field(min_length=1, max_length=12)]
Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
VoteId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{8,64}$")]
Secret = Annotated[str, Field(min_length=1, max_length=200)]


class Role(StrEnum):
    ATTENDEE = "attendee"
    MODERATOR = "moderator"
    SCREEN = "screen"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JoinPayload(_Payload):
    code: Code
    role: Role = Role.ATTENDEE
    token: Secret | None = None
    secret: Secret | None = None


class VotePayload(_Payload):
    question_id: Ident
    option_id: Ident
    vote_id: VoteId


class ControlPayload(_Payload):
    action: Literal["open", "close", "reopen", "reveal", "hide", "reset", "next"]
    question_id: Ident | None = None


P = TypeVar("P", bound=_Payload)


def parse(model: type[P], payload: object) -> P:
    """Validate a client payload or raise :class:`BadRequest` naming the field."""
    if not isinstance(payload, dict):
        raise BadRequest(f"Expected a JSON object, got {type(payload).__name__}.")
    try:
        return model.model_validate(payload)
    except ValidationError as e:
        err = e.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "payload"
        raise BadRequest(f"Invalid {field}: {err['msg']}.") from None


def _poll_dict(poll: Poll) -> dict[str, object]:
    return {"question_id": poll.question_id, "state": poll.state.value, "revealed": poll.revealed}


def state_message(session: SessionState, results: Tally | None) -> dict[str, object]:
    """The ``state`` message: what every attendee's screen shows.

    :param results: the current question's tally, given only if it is revealed.
    """
    current = None
    qid = session.current_question_id
    poll = session.poll(qid) if qid else None
    question = session.question(qid) if qid else None
    if poll is not None and question is not None:
        current = {
            "question_id": question.id,
            "position": session.questions.question_ids.index(question.id) + 1,
            "of": len(session.questions.questions),
            "text": question.text,
            "options": [{"id": o.id, "text": o.text} for o in question.options],
            "state": poll.state.value,
            "revealed": poll.revealed,
            "results": results.to_dict() if (results is not None and poll.revealed) else None,
        }
    return {
        "version": session.version,
        "session": {"code": session.code, "title": session.title},
        "current": current,
        "polls": [_poll_dict(p) for p in session.polls],
    }
