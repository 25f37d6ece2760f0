"""The moderator's "Show statistics to the room" switch over Socket.IO.

Off (the default), the projector's `tally` carries no comparison (no verdict, p-value,
interval or note on the article's figures); on, it does. Every page learns the switch
from the `state` message and from its join ack.
"""

from __future__ import annotations

from typing import Any

from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore

from .conftest import LiveSession

PQ6 = ["LIKELY", "LIKELY", "VERY_UNLIKELY", "VERY_UNLIKELY", "VERY_UNLIKELY", "SOMEWHAT_UNLIKELY"]


def newest(client: Any, name: str) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def answered_and_revealed(live: LiveSession) -> tuple[Any, Any]:
    """PQ6 answered by six phones and revealed; the moderator's and the screen's clients."""
    mod, screen = live.moderator(), live.screen()
    mod.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
    for i, option in enumerate(PQ6):
        phone, _ = live.attendee()
        vote = {"question_id": "PQ6", "option_id": option, "vote_id": f"vote-{i:04d}"}
        assert phone.emit("vote", vote, callback=True)["ok"]
    assert mod.emit("control", {"action": "reveal", "question_id": "PQ6"}, callback=True)["ok"]
    return mod, screen


def tick(live: LiveSession, *clients: Any) -> list[dict[str, Any]]:
    for c in clients:
        c.get_received()
    live.flush()
    return [newest(c, "tally")[-1] for c in clients]


def test_the_projector_gets_no_statistics_until_the_moderator_turns_them_on(
    live: LiveSession,
) -> None:
    mod, screen = answered_and_revealed(live)
    mod_tally, screen_tally = tick(live, mod, screen)
    assert screen_tally["tallies"]["PQ6"]["n"] == 6  # the live answers, revealed
    assert screen_tally["comparison"] == {}  # but no verdict, p-value or interval
    assert mod_tally["comparison"]["PQ6"]["verdict_code"]  # the moderator has them

    screen.get_received()
    ack = mod.emit("room_statistics", {"shown": True}, callback=True)
    assert ack["ok"] and ack["shown"] is True and ack["state"]["session"]["statistics"] is True
    assert [s["session"]["statistics"] for s in newest(screen, "state")] == [True]
    (on,) = tick(live, screen)
    assert on["vote_seq"] > screen_tally["vote_seq"]  # newer than any tally from before
    pq6 = on["comparison"]["PQ6"]
    assert pq6["verdict_code"] and pq6["test"]["p_value"] is not None
    assert all(o["live_ci_percent"] for o in pq6["options"])
    assert SqlStore(get_db(live.app)).session(live.code).room_statistics is True

    assert mod.emit("room_statistics", {"shown": False}, callback=True)["ok"]
    assert tick(live, screen)[0]["comparison"] == {}


def test_a_page_that_joins_later_learns_the_switch_from_its_ack(live: LiveSession) -> None:
    mod, _ = answered_and_revealed(live)
    _, before = live.attendee()
    assert before["state"]["session"]["statistics"] is False
    assert mod.emit("room_statistics", {"shown": True}, callback=True)["ok"]
    _, phone = live.attendee()
    screen = live.client()
    joined = screen.emit(
        "join", {"code": live.code, "role": "screen", "token": live.screen_token}, callback=True
    )
    assert phone["state"]["session"]["statistics"] is True
    assert joined["state"]["session"]["statistics"] is True
    assert joined["tally"]["comparison"]["PQ6"]["verdict_code"]


def test_only_the_moderator_turns_it_on_and_only_with_true_or_false(live: LiveSession) -> None:
    mod, screen = live.moderator(), live.screen()
    phone, _ = live.attendee()
    for client in (phone, screen):
        refused = client.emit("room_statistics", {"shown": True}, callback=True)
        assert not refused["ok"] and refused["code"] == "forbidden", refused
    for bad in ({"shown": "yes"}, {"shown": 1}, {}, {"shown": True, "more": 1}, [True]):
        ack = mod.emit("room_statistics", bad, callback=True)
        assert not ack["ok"] and ack["code"] == "bad_request", (bad, ack)
    assert SqlStore(get_db(live.app)).session(live.code).room_statistics is False
