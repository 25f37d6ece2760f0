"""Domain errors, each with a stable snake_case ``code``.

The code is what clients and tests match on; the message is for humans and
may change. ``retryable`` tells a client whether sending the same request
again later can succeed.
"""

from __future__ import annotations


class Her2pollError(Exception):
    """Base of every error a client may be shown."""

    code = "error"
    retryable = False

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])

    def to_dict(self) -> dict[str, object]:
        """The error as an ack or JSON body: ``{ok, code, message}``."""
        body: dict[str, object] = {"ok": False, "code": self.code, "message": self.message}
        if self.retryable:
            body["retryable"] = True
        return body


class QuestionSetError(Her2pollError):
    """A question-set file is unreadable or breaks the format."""

    code = "invalid_question_set"


class InvalidTransition(Her2pollError):
    """A poll was asked to move to a state its current state does not allow."""

    code = "invalid_transition"

    def __init__(self, question_id: str, state: str, action: str) -> None:
        super().__init__(f"Cannot {action} question {question_id}: it is {state}.")
        self.question_id = question_id
        self.state = state
        self.action = action


class NoNextQuestion(Her2pollError):
    """The moderator pressed "next" after the last question."""

    code = "no_next_question"


class AnotherPollOpen(Her2pollError):
    """Only one question of a session may be open at a time."""

    code = "another_poll_open"

    def __init__(self, open_id: str, wanted_id: str) -> None:
        super().__init__(f"Question {open_id} is still open; close it before opening {wanted_id}.")


class VoteRefused(Her2pollError):
    """A vote that the poll rules do not accept (closed poll, unknown option)."""

    code = "vote_refused"


class NotFound(Her2pollError):
    """A session, question or participant that does not exist (here)."""

    code = "not_found"


class Conflict(Her2pollError):
    """The request is fine but the thing's state refuses it now (e.g. a live session)."""

    code = "conflict"


class Forbidden(Her2pollError):
    """A valid request from a role that may not make it."""

    code = "forbidden"


class BadRequest(Her2pollError):
    """A payload that does not have the shape of the request."""

    code = "bad_request"


class Unavailable(Her2pollError):
    """A dependency (the database) is briefly unreachable; try again."""

    code = "unavailable"
    retryable = True


class RateLimited(Her2pollError):
    """Too many requests from one connection; slow down."""

    code = "rate_limited"
    retryable = True
