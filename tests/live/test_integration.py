"""A live server on 127.0.0.1 with real Socket.IO clients over a real WebSocket."""

from __future__ import annotations

import random
import threading

import pytest
import socketio

from testkit.servers import LiveServer
from testkit.wait import wait_until

pytestmark = pytest.mark.slow

N_PHONES = 60
OPTIONS = ["VERY_LIKELY", "LIKELY", "SOMEWHAT_UNLIKELY", "VERY_UNLIKELY"]


class Moderator:
    """A moderator client that keeps the newest tally it was sent."""

    def __init__(self, server: LiveServer, session: dict[str, str]) -> None:
        self.latest: dict | None = None
        self.lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("tally", self._on_tally)
        self.sio.connect(server.url, transports=["websocket"])
        ack = self.sio.call(
            "join",
            {"code": session["code"], "role": "moderator", "secret": session["moderator_secret"]},
        )
        assert ack["ok"], ack
        self._on_tally(ack["tally"])

    def _on_tally(self, msg: dict) -> None:
        with self.lock:
            if self.latest is None or msg["vote_seq"] >= self.latest["vote_seq"]:
                self.latest = msg

    def counts(self, question: str) -> dict[str, int]:
        with self.lock:
            return dict(self.latest["tallies"][question]["counts"]) if self.latest else {}


class Phone:
    def __init__(self, server: LiveServer, code: str) -> None:
        self.server, self.code = server, code
        self.token: str | None = None
        self.acked: str | None = None  # the option the server acked last
        self.sio = socketio.Client(reconnection=False)

    def connect(self) -> dict:
        self.sio.connect(self.server.url, transports=["websocket"])
        ack = self.sio.call("join", {"code": self.code, "token": self.token})
        assert ack["ok"], ack
        self.token = ack["participant_token"]
        return ack

    def vote(self, option: str, vote_id: str) -> dict:
        ack = self.sio.call("vote", {"question_id": "PQ6", "option_id": option, "vote_id": vote_id})
        if ack["ok"] and not ack["dup"]:
            self.acked = option
        return ack


def test_moderator_tally_equals_what_each_phone_holds_as_acked(live_server: LiveServer) -> None:
    rng = random.Random(6)
    session = live_server.create_session()
    moderator = Moderator(live_server, session)
    assert moderator.sio.call("control", {"action": "open", "question_id": "PQ6"})["ok"]

    phones = [Phone(live_server, session["code"]) for _ in range(N_PHONES)]
    for p in phones:
        p.connect()
    for i, p in enumerate(phones):
        assert p.vote(rng.choice(OPTIONS), f"first-{i:04d}")["ok"]
    for i, p in enumerate(phones[:25]):  # change their minds while open
        assert p.vote(rng.choice(OPTIONS), f"change-{i:04d}")["ok"]
    for i, p in enumerate(phones[40:]):  # Wi-Fi drops; the phone comes back and retries
        p.sio.disconnect()
        ack = p.connect()
        assert ack["answers"] == {"PQ6": p.acked}, "re-join shows what the server holds"
        # The same vote id again, as the page resends an unacked vote: recognised, not recounted.
        assert p.vote(p.acked, f"first-{40 + i:04d}") == {"ok": True, "dup": True}
        assert p.vote(rng.choice(OPTIONS), f"after-{i:04d}")["ok"]

    expected = {o: sum(1 for p in phones if p.acked == o) for o in OPTIONS}
    assert sum(expected.values()) == N_PHONES
    assert wait_until(lambda: moderator.counts("PQ6") == expected), (
        f"moderator shows {moderator.counts('PQ6')}, phones hold {expected}"
    )
    # A re-vote for the same option leaves the counts as they were, so the counts
    # can be final before the last reconnect is: wait for the head count too.
    assert wait_until(lambda: moderator.latest["connected"] == N_PHONES)
    for p in phones:
        p.sio.disconnect()
    moderator.sio.disconnect()


def test_a_retry_after_reconnect_never_double_counts(live_server: LiveServer) -> None:
    session = live_server.create_session()
    moderator = Moderator(live_server, session)
    moderator.sio.call("control", {"action": "open", "question_id": "PQ6"})
    phone = Phone(live_server, session["code"])
    phone.connect()
    assert phone.vote("LIKELY", "retry-0001") == {"ok": True, "dup": False}
    phone.sio.disconnect()
    phone.connect()
    assert phone.vote("LIKELY", "retry-0001") == {"ok": True, "dup": True}
    assert wait_until(lambda: moderator.counts("PQ6").get("LIKELY") == 1)
    assert sum(moderator.counts("PQ6").values()) == 1
    phone.sio.disconnect()
    moderator.sio.disconnect()


def test_the_largest_word_filter_is_saved_over_a_real_websocket(live_server: LiveServer) -> None:
    """The documented limits fit the 4 KB message limit: the largest filter is saved and
    the connection stays; one byte more is a bad_request, not a closed connection."""
    from tests.core.test_qa import maximal_filter

    session = live_server.create_session()
    moderator = Moderator(live_server, session)
    words = maximal_filter()
    settings = {"open": True, "premoderate": False, "names": True, "filter": words}
    ack = moderator.sio.call("qa_settings", settings)
    assert ack["ok"], ack
    assert ack["settings"]["filter"] == words
    over = [*words[:-1], words[-1][:-1] + "ü"]  # 5 bytes more: over the limit
    refused = moderator.sio.call("qa_settings", {"filter": over})
    assert (refused["ok"], refused["code"]) == (False, "bad_request")
    assert "over the 3500" in refused["message"]
    assert moderator.sio.call("qa_settings", {"open": True})["settings"]["filter"] == words
    moderator.sio.disconnect()
