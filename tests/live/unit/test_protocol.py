"""parse(): a payload of the wrong shape is a BadRequest whose message names the field.

tests/live/test_events.py checks the ``bad_request`` code over the socket;
here we check what the message tells the client, for every payload model.
"""

from __future__ import annotations

import pytest

from her2poll.core.access import Role
from her2poll.core.errors import BadRequest
from her2poll.live.protocol import ControlPayload, JoinPayload, VotePayload, parse

VOTE = {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "vote-0001"}


@pytest.mark.parametrize(
    ("model", "payload", "field"),
    [
        (VotePayload, {"question_id": "PQ6", "option_id": "LIKELY"}, "vote_id"),
        (VotePayload, {**VOTE, "extra": 1}, "extra"),
        (VotePayload, {**VOTE, "option_id": ["LIKELY"]}, "option_id"),
        (VotePayload, {**VOTE, "vote_id": "short"}, "vote_id"),
        (VotePayload, {**VOTE, "vote_id": "vote-0001\n"}, "vote_id"),
        (VotePayload, {**VOTE, "question_id": None}, "question_id"),
        (JoinPayload, {}, "code"),
        (JoinPayload, {"code": 12345}, "code"),
        (JoinPayload, {"code": "ABC", "role": "admin"}, "role"),
        (JoinPayload, {"code": "ABC", "token": {"a": 1}}, "token"),
        (JoinPayload, {"code": "ABC", "secret": ""}, "secret"),
        (ControlPayload, {"action": "launch"}, "action"),
        (ControlPayload, {"action": "open", "question_id": "a b"}, "question_id"),
    ],
)
def test_a_bad_field_is_named_in_the_bad_request(
    model: type[VotePayload | JoinPayload | ControlPayload], payload: object, field: str
) -> None:
    with pytest.raises(BadRequest) as e:
        parse(model, payload)
    assert e.value.code == "bad_request"
    assert e.value.message.startswith(f"Invalid {field}: ")


@pytest.mark.parametrize(
    ("payload", "kind"), [([VOTE], "list"), ("PQ6", "str"), (None, "NoneType")]
)
def test_a_payload_that_is_not_an_object_is_named_by_its_type(payload: object, kind: str) -> None:
    with pytest.raises(BadRequest) as e:
        parse(VotePayload, payload)
    assert e.value.message == f"Expected a JSON object, got {kind}."


def test_a_huge_value_is_not_echoed_back_in_the_message() -> None:
    with pytest.raises(BadRequest) as e:
        parse(JoinPayload, {"code": "X" * 10_000})
    assert e.value.message.startswith("Invalid code: ")
    assert "XXXX" not in e.value.message


def test_a_good_payload_parses_with_its_defaults() -> None:
    assert parse(VotePayload, VOTE) == VotePayload(**VOTE)
    join = parse(JoinPayload, {"code": "ABC123"})
    assert (join.role, join.token, join.secret) == (Role.ATTENDEE, None, None)
    assert parse(ControlPayload, {"action": "next"}).question_id is None
