"""The room's language over Socket.IO: the moderator fixes it, phones and projector hear it."""

from __future__ import annotations

from typing import Any

from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore

from .conftest import LiveSession


def heard(client: Any) -> list[object]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "language"]


def test_the_moderator_fixes_the_room_language_and_the_room_hears_it(live: LiveSession) -> None:
    mod, (phone, _), screen = live.moderator(), live.attendee(), live.screen()
    for c in (mod, phone, screen):
        c.get_received()
    ack = mod.emit("room_language", {"language": "de"}, callback=True)
    assert ack == {"ok": True, "language": "de"}
    assert heard(phone) == [{"language": "de"}] and heard(screen) == [{"language": "de"}]
    assert SqlStore(get_db(live.app)).room_language(live.code) == "de"  # stored

    assert mod.emit("room_language", {"language": None}, callback=True)["language"] is None
    assert heard(phone) == [{"language": None}]
    assert SqlStore(get_db(live.app)).room_language(live.code) is None


def test_only_the_moderator_sets_it_and_only_to_a_language_we_have(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    refused = phone.emit("room_language", {"language": "de"}, callback=True)
    assert not refused["ok"] and refused["code"] == "forbidden", refused
    for bad in ({"language": "fr"}, {"language": 7}, {}, "de"):
        ack = mod.emit("room_language", bad, callback=True)
        assert not ack["ok"] and ack["code"] == "bad_request", (bad, ack)
    assert SqlStore(get_db(live.app)).room_language(live.code) is None  # nothing changed


def test_a_join_after_the_change_carries_the_room_language(live: LiveSession) -> None:
    """A page drawn before the change but joined after it misses the `language` message:
    its join ack says the language, for every role, and a freed room says null."""
    mod = live.moderator()
    _, before = live.attendee()  # cached session state from before the change
    assert before["state"]["session"]["language"] is None
    assert mod.emit("room_language", {"language": "de"}, callback=True)["ok"]

    _, phone = live.attendee()
    screen = live.client()
    joined = screen.emit(
        "join", {"code": live.code, "role": "screen", "token": live.screen_token}, callback=True
    )
    rejoined = mod.emit(
        "join", {"code": live.code, "role": "moderator", "secret": live.secret}, callback=True
    )
    assert phone["state"]["session"]["language"] == "de"
    assert joined["state"]["session"]["language"] == "de"
    assert rejoined["ok"] and rejoined["state"]["session"]["language"] == "de", rejoined

    assert mod.emit("room_language", {"language": None}, callback=True)["ok"]
    assert live.attendee()[1]["state"]["session"]["language"] is None
