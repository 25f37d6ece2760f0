"""Test clients that behave like the attendee page: rejoin and resend until acked.

The browser page keeps unacknowledged votes and sends them again after every
reconnect (docs/protocol.md); fault tests need many such clients without a
browser, so this is the same behaviour on python-socketio.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import socketio

RETRYABLE = {"unavailable", "rate_limited"}


class Phone:
    """An attendee that never loses a vote: pending until the server acks it."""

    def __init__(self, url: str, code: str) -> None:
        self.url, self.code = url, code
        self.token: str | None = None
        self.participant: str | None = None
        self.joined = threading.Event()
        self.lock = threading.Lock()
        self.pending: dict[str, tuple[str, str]] = {}
        self.acked: dict[str, tuple[str, str]] = {}
        self.refused: dict[str, str] = {}
        #: retryable refusals received ("unavailable", "rate_limited"), each then resent
        self.retries = 0
        self.sio = socketio.Client(
            reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1.0
        )
        self.sio.on("connect", self._on_connect)
        self.sio.on("disconnect", self._on_disconnect)

    def connect(self) -> Phone:
        self.sio.connect(self.url, transports=["websocket"], wait_timeout=10)
        if not self.joined.wait(10):
            raise TimeoutError("join was not acknowledged")
        return self

    def _on_connect(self) -> None:
        self.sio.emit("join", {"code": self.code, "token": self.token}, callback=self._on_join)

    def _on_disconnect(self, *_args: Any) -> None:
        self.joined.clear()

    def _on_join(self, ack: dict[str, Any]) -> None:
        if not ack.get("ok"):
            return
        self.token = ack["participant_token"]
        self.participant = ack["participant"]
        self.joined.set()
        with self.lock:
            pending = list(self.pending)
        for vote_id in pending:
            self._send(vote_id)

    def vote(self, question: str, option: str) -> str:
        vote_id = uuid.uuid4().hex
        with self.lock:
            self.pending[vote_id] = (question, option)
        if self.joined.is_set():
            self._send(vote_id)
        return vote_id

    def _send(self, vote_id: str) -> None:
        with self.lock:
            if vote_id not in self.pending:
                return
            question, option = self.pending[vote_id]
        payload = {"question_id": question, "option_id": option, "vote_id": vote_id}
        try:
            self.sio.emit("vote", payload, callback=lambda ack: self._on_ack(vote_id, ack))
        except socketio.exceptions.SocketIOError:
            pass  # disconnected: the next join resends it

    def _on_ack(self, vote_id: str, ack: dict[str, Any]) -> None:
        with self.lock:
            vote = self.pending.get(vote_id)
            if vote is None:
                return
            if ack.get("ok"):
                self.acked[vote_id] = self.pending.pop(vote_id)
                return
            if ack.get("code") not in RETRYABLE:
                self.refused[vote_id] = ack.get("code", "?")
                self.pending.pop(vote_id)
                return
            self.retries += 1
        threading.Timer(0.3, self._send, args=(vote_id,)).start()

    def settled(self) -> bool:
        with self.lock:
            return not self.pending

    def last_acked(self, question: str) -> str | None:
        with self.lock:
            options = [o for q, o in self.acked.values() if q == question]
        return options[-1] if options else None

    def close(self) -> None:
        self.sio.disconnect()


def moderator(url: str, session: dict[str, str]) -> socketio.Client:
    sio = socketio.Client(reconnection=False)
    sio.connect(url, transports=["websocket"], wait_timeout=10)
    ack = sio.call(
        "join",
        {"code": session["code"], "role": "moderator", "secret": session["moderator_secret"]},
    )
    assert ack["ok"], ack
    return sio
