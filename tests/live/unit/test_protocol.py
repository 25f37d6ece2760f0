"""parse(): a payload of the wrong shape is a BadRequest whose message names the field.

tests/live/test_events.py checks the ``bad_request`` code over the socket;
here we check what the message tells the client, for every payload model.
"""

from __future__ import annotations

import pytest

from her2poll.core.access import Role
from her2poll.core.errors import BadRequest
from her2poll.live.protocol import (
    DB_ID_MAX,
    AskPayload,
    ControlPayload,
    HideAnswerPayload,
    JoinPayload,
    ModeratePayload,
    QASettingsPayload,
    UpvotePayload,
    VotePayload,
    parse,
)

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


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (HideAnswerPayload, "answer_id"),
        (UpvotePayload, "question_id"),
        (ModeratePayload, "question_id"),
        (ModeratePayload, "into"),
    ],
)
@pytest.mark.parametrize("too_big", [DB_ID_MAX + 1, 2**63, 10**30])
def test_an_id_no_row_can_have_is_a_bad_request_not_a_driver_error(
    model: type[HideAnswerPayload | UpvotePayload | ModeratePayload], field: str, too_big: int
) -> None:
    base = {
        HideAnswerPayload: {"answer_id": 1, "hidden": True},
        UpvotePayload: {"question_id": 1, "up": True},
        ModeratePayload: {"action": "merge", "question_id": 1, "into": 2},
    }[model]
    assert getattr(parse(model, {**base, field: DB_ID_MAX}), field) == DB_ID_MAX
    with pytest.raises(BadRequest) as e:
        parse(model, {**base, field: too_big})
    assert e.value.message.startswith(f"Invalid {field}: ")
    assert str(too_big) not in e.value.message


@pytest.mark.parametrize(
    ("model", "payload", "field"),
    [
        (VotePayload, {**VOTE, "option_id": None, "text": "no\x00 MRI"}, "text"),
        (AskPayload, {"text": "Why\x00?", "client_id": "q-00000001"}, "text"),
        (AskPayload, {"text": "Why?", "name": "Ann\x00", "client_id": "q-00000001"}, "name"),
        (ModeratePayload, {"action": "edit", "question_id": 1, "text": "x\x00"}, "text"),
        (QASettingsPayload, {"filter": ["spam", "ad\x00vert"]}, "filter"),
        (JoinPayload, {"code": "ABC\x00"}, "code"),
    ],
)
def test_a_nul_character_is_a_bad_request_naming_the_field(
    model: type[VotePayload], payload: dict[str, object], field: str
) -> None:
    """PostgreSQL's text cannot hold NUL: refused here, never in a batch of other votes."""
    with pytest.raises(BadRequest) as e:
        parse(model, payload)
    assert e.value.message == f"Invalid {field}: text may not contain the NUL character (\\u0000)."
