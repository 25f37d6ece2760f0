"""Live-layer fixtures: a session and Flask-SocketIO test clients for each role."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from testkit.accounts import organiser_client


@dataclass
class LiveSession:
    app: Flask
    code: str
    secret: str
    screen_token: str

    @property
    def socketio(self) -> Any:
        return self.app.extensions["socketio"]

    def client(self) -> Any:
        return self.socketio.test_client(self.app)

    def moderator(self) -> Any:
        c = self.client()
        ack = c.emit(
            "join", {"code": self.code, "role": "moderator", "secret": self.secret}, callback=True
        )
        assert ack["ok"], ack
        return c

    def attendee(self, token: str | None = None) -> tuple[Any, dict[str, Any]]:
        c = self.client()
        ack = c.emit("join", {"code": self.code, "token": token}, callback=True)
        assert ack["ok"], ack
        return c, ack

    def screen(self) -> Any:
        c = self.client()
        ack = c.emit(
            "join", {"code": self.code, "role": "screen", "token": self.screen_token}, callback=True
        )
        assert ack["ok"], ack
        return c

    def flush(self) -> None:
        """Run the coalescing broadcaster's tick now instead of waiting for it."""
        self.app.extensions["her2poll_live"].broadcaster.flush()


@pytest.fixture
def make_session(app: Flask) -> Callable[[], LiveSession]:
    def make() -> LiveSession:
        body = organiser_client(app).post("/api/sessions", json={}).get_json()
        token = body["screen_url"].split("#token=")[1]
        return LiveSession(app, body["code"], body["moderator_secret"], token)

    return make


@pytest.fixture
def live(make_session: Callable[[], LiveSession]) -> LiveSession:
    return make_session()


def names(client: Any) -> list[str]:
    return [m["name"] for m in client.get_received()]
