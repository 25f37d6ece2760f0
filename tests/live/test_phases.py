"""Phases over the live protocol: open_phase/close_phase, the block on the phones,
answers as votes, submit_block, and what the panel and projector are told.

Flask-SocketIO's test client against the real app and a real SQLite file, with the
shipped ``examples/cme-activity.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from her2poll.store.db import get_db
from tests.conftest import make_app

from .conftest import LiveSession

EXAMPLE = Path(__file__).parents[2] / "examples" / "cme-activity.json"
PRE = ["K1_PRE", "K2_PRE", "K3_PRE", "K4_PRE", "CONF_PRE"]


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = make_app(tmp_path, questions_path=EXAMPLE)
    yield flask_app
    get_db(flask_app).dispose()


def control(mod: Any, action: str, **fields: Any) -> dict[str, Any]:
    return mod.emit("control", {"action": action, **fields}, callback=True)


def vote(phone: Any, qid: str, option: str) -> dict[str, Any]:
    payload = {"question_id": qid, "option_id": option, "vote_id": f"v-{qid}-{option}"}
    return phone.emit("vote", payload, callback=True)


def states(client: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "state"]


def last_tally(live: LiveSession, client: Any) -> dict[str, Any]:
    live.flush()
    return [m["args"][0] for m in client.get_received() if m["name"] == "tally"][-1]


def test_a_self_paced_pre_test_from_open_to_submitted(live: LiveSession) -> None:
    mod, screen = live.moderator(), live.screen()
    phone, _ = live.attendee()
    ack = control(mod, "open_phase", phase="pre", pacing="self")
    assert ack["ok"], ack
    [state] = states(phone)
    block = state["block"]
    assert (block["phase"], block["pacing"], block["state"]) == ("pre", "self", "open")
    assert [i["question_id"] for i in block["items"]] == PRE
    assert all("correct" not in i and "rationale" not in i for i in block["items"])
    assert state["current"] is None
    assert {p["question_id"] for p in state["polls"] if p["state"] == "open"} == set(PRE)

    # Answers are ordinary votes, each acked after its commit: partial answers are kept.
    assert vote(phone, "K1_PRE", "TDXD") == {"ok": True, "dup": False}
    assert vote(phone, "K3_PRE", "PERT") == {"ok": True, "dup": False}
    assert last_tally(live, mod)["blocks"] == {"pre": {"answered": 1, "submitted": 0}}
    submitted = phone.emit("submit_block", {"phase": "pre"}, callback=True)
    assert submitted["ok"] and submitted["dup"] is False and submitted["phase"] == "pre"
    assert phone.emit("submit_block", {"phase": "pre"}, callback=True)["dup"] is True
    tally = last_tally(live, screen)
    assert tally["blocks"] == {"pre": {"answered": 1, "submitted": 1}}
    assert tally["tallies"] == {} and tally["comparison"] == {}  # the projector: no result

    assert control(mod, "close_phase", phase="pre")["ok"]
    closed = states(phone)[-1]
    assert closed["block"]["state"] == "closed"
    assert all(p["state"] == "closed" for p in closed["polls"] if p["question_id"] in PRE)
    refused = phone.emit("submit_block", {"phase": "pre"}, callback=True)
    assert refused["code"] == "block_not_open"
    late = vote(phone, "K2_PRE", "ILD")
    assert late["code"] == "poll_not_open"


def test_a_reloaded_phone_gets_the_block_its_answers_and_its_submission(
    live: LiveSession,
) -> None:
    mod = live.moderator()
    control(mod, "open_phase", phase="evaluation")
    phone, ack = live.attendee()
    assert vote(phone, "EVAL_BIAS", "NO")["ok"]
    assert phone.emit("submit_block", {"phase": "evaluation"}, callback=True)["ok"]
    phone.disconnect()
    _, again = live.attendee(ack["participant_token"])
    assert again["answers"] == {"EVAL_BIAS": "NO"}
    assert again["submitted"] == ["evaluation"]
    items = {i["question_id"]: i for i in again["state"]["block"]["items"]}
    assert items["EVAL_BIAS_COMMENT"]["show_if"] == {"item": "EVAL_BIAS", "options": ["NO"]}


def test_phase_errors_have_their_codes(live: LiveSession) -> None:
    mod = live.moderator()
    phone, _ = live.attendee()
    assert control(mod, "open_phase", phase="talk", pacing="self")["code"] == "bad_request"
    assert control(mod, "open_phase")["code"] == "bad_request"
    assert control(mod, "open_phase", phase="pre", question_id="K1_PRE")["code"] == "bad_request"
    assert control(mod, "close_phase", phase="pre", pacing="self")["code"] == "bad_request"
    assert control(mod, "open", question_id="TALK1", phase="talk")["code"] == "bad_request"
    assert control(mod, "close_phase", phase="pre")["code"] == "invalid_transition"
    assert control(mod, "open_phase", phase="pre")["ok"]
    assert control(mod, "open_phase", phase="post")["code"] == "another_phase_open"
    assert control(mod, "next")["code"] == "block_open"
    assert control(mod, "reveal", question_id="K1_PRE")["code"] == "block_open"
    assert control(mod, "open", question_id="TALK1")["code"] == "another_poll_open"
    assert phone.emit("submit_block", {"phase": "later"}, callback=True)["code"] == "bad_request"
    assert phone.emit("submit_block", {"phase": "post"}, callback=True)["code"] == "block_not_open"
    assert mod.emit("submit_block", {"phase": "pre"}, callback=True)["code"] == "forbidden"
    stranger = live.client()
    assert stranger.emit("submit_block", {"phase": "pre"}, callback=True)["code"] == "not_joined"


def test_a_moderator_paced_post_test_runs_one_item_at_a_time(live: LiveSession) -> None:
    mod = live.moderator()
    phone, _ = live.attendee()
    ack = control(mod, "open_phase", phase="post", pacing="moderator")
    assert ack["state"]["block"] is None
    assert ack["state"]["current"]["question_id"] == "K1_POST"
    assert control(mod, "next")["state"]["current"]["question_id"] == "K2_POST"
    assert phone.emit("submit_block", {"phase": "post"}, callback=True)["code"] == "block_not_open"
    assert control(mod, "close_phase", phase="post")["ok"]
    talk = control(mod, "next")["state"]
    assert talk["current"]["question_id"] == "TALK1"  # next walks the talk again
    assert {"phase": "post", "pacing": "moderator", "state": "closed"} in talk["phases"]
