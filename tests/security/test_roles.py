"""What each role cannot do, and what never leaks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio
import websocket
from flask import Flask
from itsdangerous import URLSafeSerializer

from testkit.accounts import organiser_client
from testkit.servers import LiveServer
from testkit.wait import wait_until


def _session(app: Flask) -> dict:
    return organiser_client(app).post("/api/sessions", json={}).get_json()


def test_a_forged_token_for_someone_else_reads_none_of_their_answers(app: Flask) -> None:
    s = _session(app)
    sio = app.extensions["socketio"]
    mod = sio.test_client(app)
    mod.emit(
        "join",
        {"code": s["code"], "role": "moderator", "secret": s["moderator_secret"]},
        callback=True,
    )
    mod.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
    victim = sio.test_client(app)
    v = victim.emit("join", {"code": s["code"]}, callback=True)
    victim.emit(
        "vote", {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "victim-01"}, callback=True
    )
    forged = URLSafeSerializer("guessed-key", salt="her2poll.participant.v1").dumps(
        {"s": s["code"], "p": v["participant"]}
    )
    attacker = sio.test_client(app)
    a = attacker.emit("join", {"code": s["code"], "token": forged}, callback=True)
    assert a["participant"] != v["participant"]
    assert a["answers"] == {}


def test_nobody_without_the_secret_reads_results_or_links(app: Flask) -> None:
    s = _session(app)
    c = app.test_client()
    for path in ("results", "links"):
        for headers in (
            {},
            {"Authorization": "Bearer " + s["moderator_secret"][:-1]},
            {"Authorization": "Basic " + s["moderator_secret"]},
            {"Authorization": "Bearer " + s["screen_url"].split("#token=")[1]},
        ):
            r = c.get(f"/api/sessions/{s['code']}/{path}", headers=headers)
            assert r.status_code == 403, (path, headers)


def test_the_projector_token_does_not_open_the_moderator_role(app: Flask) -> None:
    s = _session(app)
    c = app.extensions["socketio"].test_client(app)
    token = s["screen_url"].split("#token=")[1]
    ack = c.emit("join", {"code": s["code"], "role": "moderator", "secret": token}, callback=True)
    assert ack["code"] == "bad_secret"


@pytest.mark.slow
def test_an_oversized_message_is_refused_and_harms_nobody(live_server: LiveServer) -> None:
    s = live_server.create_session()
    ws = websocket.WebSocket()
    ws.connect(f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket")
    ws.recv()
    ws.send("40")
    ws.recv()
    ws.send('420["join",' + json.dumps({"code": s["code"], "token": "x" * 20_000}) + "]")
    try:
        with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError)):
            for _ in range(5):  # the server closes a connection that sends more than it allows
                if ws.recv() == "":
                    raise ConnectionError("closed")
    finally:
        ws.shutdown()
    ok = socketio.Client(reconnection=False)
    ok.connect(live_server.url, transports=["websocket"])
    assert ok.call("join", {"code": s["code"]})["ok"]
    ok.disconnect()
    # The server says why it closed that connection, once, without a traceback.
    said = "a message over the 4096-byte limit"
    assert wait_until(lambda: said in live_server.log.read_text(), 10), "no log line"
    log = live_server.log.read_text()
    assert log.count(said) == 1 and "Traceback" not in log
    assert "x" * 100 not in log, "the payload is not logged"


@pytest.fixture
def logged_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A live server that also writes gunicorn's access log (every request line) to its log."""
    env = {"GUNICORN_CMD_ARGS": "--access-logfile -"}  # stdout, which LiveServer keeps
    server = LiveServer(f"sqlite:///{tmp_path / 'live.db'}", tmp_path / "instance", env).start()
    yield server
    server.stop()


@pytest.mark.slow
def test_secrets_never_reach_the_server_log(logged_server: LiveServer) -> None:
    live_server = logged_server
    s = live_server.create_session()
    secret = s["moderator_secret"]
    requests.get(
        f"{live_server.url}/api/sessions/{s['code']}/results",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=10,
    )
    requests.get(
        f"{live_server.url}/api/sessions/{s['code']}/results",
        headers={"Authorization": "Bearer wrong-guess"},
        timeout=10,
    )
    requests.get(s["moderator_url"], timeout=10)  # the fragment never leaves the browser
    mod = socketio.Client(reconnection=False)
    mod.connect(live_server.url, transports=["websocket"])
    assert mod.call("join", {"code": s["code"], "role": "moderator", "secret": secret})["ok"]
    mod.disconnect()
    # The control: a marker in a URL, sent last, must reach the log; a secret sent the
    # same way would too. Once it is there, the requests before it are logged as well.
    marker = f"log-marker-{uuid.uuid4().hex}"
    requests.get(f"{live_server.url}/healthz?{marker}", timeout=10)
    assert wait_until(lambda: marker in live_server.log.read_text(), 10), "no access log"
    log = live_server.log.read_text()
    assert f"/api/sessions/{s['code']}/results" in log  # the requests above were logged
    assert secret not in log
    assert "wrong-guess" not in log


def test_a_socket_from_another_site_is_refused(app) -> None:
    """Same origin only by default: a page elsewhere cannot open a Socket.IO connection."""
    client = app.test_client()
    url = "/socket.io/?EIO=4&transport=polling"
    foreign = client.get(url, headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 400 and "Not an accepted origin" in foreign.get_data(True)
    own = client.get(url, headers={"Origin": "http://localhost"})
    assert "Not an accepted origin" not in own.get_data(True), "the app's own origin passes"
