"""Every item type over the live protocol: its vote field, its tally, what each role sees.

Flask-SocketIO's test client against the real app and a real SQLite file, with
the shipped ``examples/all-item-types.json``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from her2poll.store.db import get_db
from her2poll.store.models import PollRow
from tests.conftest import make_app

from .conftest import LiveSession

EXAMPLE = Path(__file__).parents[2] / "examples" / "all-item-types.json"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    flask_app = make_app(tmp_path, questions_path=EXAMPLE)
    yield flask_app
    get_db(flask_app).dispose()


def control(mod: Any, action: str, qid: str | None = None) -> dict[str, Any]:
    body = {"action": action} if qid is None else {"action": action, "question_id": qid}
    ack = mod.emit("control", body, callback=True)
    assert ack["ok"], ack
    return ack["state"]


def vote(phone: Any, qid: str, n: int, **answer: Any) -> dict[str, Any]:
    return phone.emit(
        "vote", {"question_id": qid, "vote_id": f"v-{qid}-{n:04d}", **answer}, callback=True
    )


def tallies(live: LiveSession, *clients: Any) -> list[dict[str, Any]]:
    """The newest ``tally`` each client got from one broadcast tick (after a change)."""
    for c in clients:
        c.get_received()
    live.flush()
    found = []
    for c in clients:
        got = [m["args"][0] for m in c.get_received() if m["name"] == "tally"]
        assert got, "no tally message"
        found.append(got[-1])
    return found


def test_each_type_takes_its_answer_and_tallies_it(live: LiveSession) -> None:
    mod, screen = live.moderator(), live.screen()
    phones = [live.attendee()[0] for _ in range(3)]
    answers = {
        "SCREEN": [
            {"option_ids": ["LVEF", "ILD", "CBC"]},
            {"option_ids": ["LVEF"]},
            {"option_ids": ["DPD", "CBC"]},
        ],
        "LIKELY": [{"option_id": "L"}, {"option_id": "VL"}, {"option_id": "L"}],
        "SHARE": [{"value": 30}, {"value": 25}, {"value": 95}],
        "PRIORITY": [
            {"option_ids": ["QOL", "CNS", "PFS"]},
            {"option_ids": ["CNS", "QOL", "TOX"]},
            {"option_ids": ["QOL", "PFS", "CNS"]},
        ],
    }
    for qid, given in answers.items():
        control(mod, "open", qid)
        for i, (phone, answer) in enumerate(zip(phones, given, strict=True)):
            assert vote(phone, qid, i, **answer) == {"ok": True, "dup": False}
        wrong = vote(phones[0], qid, 9, text="not this kind")
        assert wrong["ok"] is False and wrong["code"] == "wrong_answer_kind", wrong
        control(mod, "close", qid)
    mod_tally, screen_tally = tallies(live, mod, screen)
    t = mod_tally["tallies"]
    assert t["SCREEN"]["n"] == 3 and t["SCREEN"]["counts"] == {
        "LVEF": 2,
        "ILD": 1,
        "CBC": 2,
        "DPD": 1,
    }
    assert t["SCREEN"]["correct"] == {"n": 1, "of": 3, "percent": 33}
    assert (
        t["LIKELY"]["counts"] == {"VU": 0, "SU": 0, "L": 2, "VL": 1} and t["LIKELY"]["median"] == 3
    )
    assert t["SHARE"]["median"] == 30 and t["SHARE"]["n"] == 3
    assert t["PRIORITY"]["order"][0] == "QOL"  # 3 + 2 + 3 Borda points
    # nothing was revealed: the projector's tally holds none of them
    assert screen_tally["tallies"] == {}
    control(mod, "reveal", "SHARE")
    assert set(tallies(live, screen)[0]["tallies"]) == {"SHARE"}


def test_a_knowledge_check_keeps_its_answer_until_the_reveal_and_confidence_stays_off_the_room(
    live: LiveSession,
) -> None:
    mod, screen = live.moderator(), live.screen()
    phone, ack = live.attendee()
    state = control(mod, "open", "CASE1")
    current = state["current"]
    assert current["type"] == "single" and current["confidence"] is True
    assert "correct" not in current and "rationale" not in current
    assert 0 < current["seconds_left"] <= 60  # the item's countdown started on open
    assert vote(phone, "CASE1", 1, option_id="TDXD", confidence=4)["ok"]
    bad = vote(phone, "CASE1", 2, option_id="TDXD", confidence=9)
    assert bad["code"] == "bad_request"
    t = tallies(live, mod)[0]["tallies"]["CASE1"]
    assert t["confidence"]["counts"]["4"] == 1 and t["correct"]["percent"] == 100
    revealed = control(mod, "reveal", "CASE1")["current"]
    assert revealed["correct"] == ["TDXD"] and "DESTINY-Breast03" in revealed["rationale"]
    assert "confidence" not in revealed["results"]
    assert "confidence" not in tallies(live, screen)[0]["tallies"]["CASE1"]
    # a phone that joins now gets the rationale too, and its own answer back
    _, again = live.attendee(ack["participant_token"])
    assert again["answers"] == {"CASE1": "TDXD"} and again["state"]["current"]["correct"] == [
        "TDXD"
    ]


def test_the_countdown_extends_stops_and_a_late_vote_is_refused(live: LiveSession) -> None:
    mod = live.moderator()
    phone, _ = live.attendee()
    left = control(mod, "open", "CASE1")["current"]["seconds_left"]
    longer = control(mod, "extend", "CASE1")["current"]["seconds_left"]
    assert longer > left + 25
    assert control(mod, "stop_timer", "CASE1")["current"]["seconds_left"] is None
    ack = mod.emit("control", {"action": "extend", "question_id": "CASE1"}, callback=True)
    assert ack["code"] == "invalid_transition"
    # put the end of a new countdown in the past, as if a minute had gone by
    control(mod, "close", "CASE1")
    control(mod, "reopen", "CASE1")
    with get_db(live.app).begin() as conn:
        conn.execute(
            update(PollRow)
            .where(PollRow.question_id == "CASE1")
            .values(ends_at=datetime.now(UTC) - timedelta(seconds=10))
        )
    late = vote(phone, "CASE1", 1, option_id="TDXD")
    assert late["ok"] is False and late["code"] == "time_up"


def test_open_text_hidden_answers_stay_with_the_moderator(live: LiveSession) -> None:
    mod, screen = live.moderator(), live.screen()
    phones = [live.attendee()[0] for _ in range(3)]
    control(mod, "open", "BARRIER")
    texts = ["No MRI slots", "MRI waiting lists", "A stupid booking system"]  # "stupid" is filtered
    for i, (phone, text) in enumerate(zip(phones, texts, strict=True)):
        assert vote(phone, "BARRIER", i, text=text)["ok"]
    control(mod, "reveal", "BARRIER")
    mod_tally, screen_tally = tallies(live, mod, screen)
    full = mod_tally["tallies"]["BARRIER"]
    assert [a["hidden"] for a in full["answers"]] == [False, False, True]
    room = screen_tally["tallies"]["BARRIER"]
    assert [a["text"] for a in room["answers"]] == texts[:2]
    assert {"word": "mri", "count": 2} in room["words"]
    first = full["answers"][0]["id"]
    ack = mod.emit("hide_answer", {"answer_id": first, "hidden": True}, callback=True)
    assert ack["ok"] and [a["text"] for a in ack["state"]["current"]["results"]["answers"]] == [
        "MRI waiting lists"
    ]
    assert [a["text"] for a in tallies(live, screen)[0]["tallies"]["BARRIER"]["answers"]] == [
        "MRI waiting lists"
    ]
    missing = mod.emit("hide_answer", {"answer_id": 9999, "hidden": True}, callback=True)
    assert missing["code"] == "unknown_answer"
    refused = phones[0].emit("hide_answer", {"answer_id": first, "hidden": False}, callback=True)
    assert refused["code"] == "forbidden"


def test_a_rating_interval_reaches_the_room_only_when_the_moderator_shows_statistics(
    live: LiveSession,
) -> None:
    """Off by default: the projector and the phones see the distribution, median and mean;
    the interval (clipped to the scale) is the moderator's until the switch is on."""
    mod, screen = live.moderator(), live.screen()
    phones = [live.attendee()[0] for _ in range(2)]
    control(mod, "open", "LIKELY")
    for i, (phone, point) in enumerate(zip(phones, ["VU", "VL"], strict=True)):
        assert vote(phone, "LIKELY", i, option_id=point)["ok"]
    revealed = control(mod, "reveal", "LIKELY")["current"]["results"]
    assert revealed["mean"] == 2.5 and "mean_ci95" not in revealed
    mod_tally, screen_tally = tallies(live, mod, screen)
    assert mod_tally["tallies"]["LIKELY"]["mean_ci95"] == [1, 4]  # 2.5 ± 19, on a 1-4 scale
    assert "mean_ci95" not in screen_tally["tallies"]["LIKELY"]
    ack = mod.emit("room_statistics", {"shown": True}, callback=True)
    assert ack["state"]["current"]["results"]["mean_ci95"] == [1, 4]
    assert tallies(live, screen)[0]["tallies"]["LIKELY"]["mean_ci95"] == [1, 4]
