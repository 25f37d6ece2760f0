"""Running phases as blocks, and submitting one, through the services (fakes, no database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from her2poll.core.access import Role
from her2poll.core.errors import Forbidden
from her2poll.core.items import Phase
from her2poll.core.phases import AnotherPhaseOpen, BlockNotOpen, BlockOpen, Pacing
from her2poll.core.questions import load_question_set
from her2poll.services import control, joining, sessions, voting
from her2poll.services.joining import JoinRequest, Member

from .fakes import FakeStore

KEY = "test-signing-key"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json"


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def code(store: FakeStore) -> str:
    return sessions.create(store, load_question_set(EXAMPLE), "CME").state.code


def attendee(store: FakeStore, code: str, token: str | None = None) -> joining.Joined:
    return joining.join(store, KEY, JoinRequest(code, token=token))


def test_opening_a_self_paced_block_sends_the_form_to_everyone(store, code) -> None:
    done = control.control(store, code, "open_phase", phase=Phase.EVALUATION, pacing=Pacing.SELF)
    block = done.state["block"]
    assert block["phase"] == "evaluation" and block["state"] == "open"
    assert [i["question_id"] for i in block["items"]][-3:] == [
        "EVAL_BIAS",
        "EVAL_BIAS_COMMENT",
        "EVAL_FORMAT",
    ]
    assert block["items"][-2]["show_if"] == {"item": "EVAL_BIAS", "options": ["NO"]}
    assert done.state["current"] is None
    assert store.snapshots_read == 0, "a block shows no result: no tallies read"


def test_a_phase_action_is_refused_with_its_code(store, code) -> None:
    control.control(store, code, "open_phase", phase=Phase.PRE)
    with pytest.raises(AnotherPhaseOpen):
        control.control(store, code, "open_phase", phase=Phase.POST)
    with pytest.raises(BlockOpen):
        control.control(store, code, "next")


def test_a_learner_submits_once_and_a_repeat_is_a_duplicate(store, code) -> None:
    joined = attendee(store, code)
    with pytest.raises(BlockNotOpen):
        voting.submit_block(store, joined.member, Phase.PRE)
    control.control(store, code, "open_phase", phase=Phase.PRE)
    first = voting.submit_block(store, joined.member, Phase.PRE)
    again = voting.submit_block(store, joined.member, Phase.PRE)
    assert first["ok"] and not first["dup"] and first["phase"] == "pre"
    assert again["dup"] and again["submitted_at"] == first["submitted_at"]


def test_only_an_attendee_submits_a_block(store, code) -> None:
    control.control(store, code, "open_phase", phase=Phase.PRE)
    state = store.session(code)
    with pytest.raises(Forbidden):
        voting.submit_block(store, Member(Role.MODERATOR, state.id, code), Phase.PRE)


def test_the_attendee_join_ack_says_which_blocks_were_submitted(store, code) -> None:
    first = attendee(store, code)
    assert first.ack["submitted"] == []
    assert first.ack["state"]["phases"][0] == {"phase": "pre", "pacing": "self", "state": "pending"}
    control.control(store, code, "open_phase", phase=Phase.PRE)
    voting.submit_block(store, first.member, Phase.PRE)
    again = attendee(store, code, first.ack["participant_token"])
    assert again.ack["submitted"] == ["pre"]
    assert again.ack["state"]["block"]["phase"] == "pre"
