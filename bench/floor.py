"""The stack's own floor: a bare python-socketio ``Server`` under gevent, votes in memory.

No Flask, no Flask-SocketIO, no database: the same gunicorn gevent worker,
python-engineio, simple-websocket and Socket.IO settings as her2poll
(:func:`her2poll.live.init_app`), answering the protocol subset the load generator
speaks, the way the Node.js peer (``bench/peer/server.js``) does. What it costs is
what the stack costs before any of her2poll's work; what her2poll costs above it is
ours. ``bench.targets.floor`` serves it with::

    gunicorn -k gevent -w 1 --worker-connections 10000 bench.floor:app
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from typing import Any

import socketio

sio = socketio.Server(
    async_mode="gevent",
    transports=["websocket"],
    ping_interval=25,
    ping_timeout=20,
    max_http_buffer_size=4096,
    async_handlers=False,
    cors_allowed_origins=None,
)

receipts: set[str] = set()  # participant:vote_id already applied (idempotent retries)
answers: dict[tuple[str, str], str] = {}  # (participant, question) -> option
counts: dict[str, Counter[str]] = {}  # question -> option -> n
pids: dict[str, str | None] = {}  # sid -> participant
state = {"vote_seq": 0, "dirty": False, "participants": 0, "qa_seq": 0, "qa_dirty": False}
qa_settings: dict[str, Any] = {"open": True, "premoderate": True, "names": False, "filter": []}
qa_questions: dict[int, dict[str, Any]] = {}
qa_upvotes: set[tuple[str, int]] = set()


@sio.on("join")
def on_join(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    role = p.get("role") or "attendee"
    if role == "moderator":
        sio.enter_room(sid, "moderator")
        pids[sid] = None
    else:
        state["participants"] += 1
        pids[sid] = f"p{state['participants']}"
    pid = pids[sid]
    return {"ok": True, "role": role, "participant": pid, "participant_token": pid,
            "answers": {}, "state": {}}  # fmt: skip


@sio.on("vote")
def on_vote(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    pid = pids.get(sid)
    key = f"{pid}:{p['vote_id']}"
    if key in receipts:
        return {"ok": True, "dup": True}
    receipts.add(key)
    q = counts.setdefault(p["question_id"], Counter())
    slot = (str(pid), p["question_id"])
    if slot in answers:
        q[answers[slot]] -= 1
    answers[slot] = p["option_id"]
    q[p["option_id"]] += 1
    state["vote_seq"] += 1
    state["dirty"] = True
    return {"ok": True, "dup": False}


@sio.on("control")
def on_control(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "state": {}}


@sio.on("qa_settings")
def on_qa_settings(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    for k in qa_settings:
        if k in p:
            qa_settings[k] = p[k]
    state["qa_seq"] += 1
    state["qa_dirty"] = True
    return {"ok": True, "settings": dict(qa_settings)}


@sio.on("qa_ask")
def on_qa_ask(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    if not qa_settings["open"]:
        return {"ok": False, "code": "qa_closed", "message": "Q&A is closed"}
    qid = len(qa_questions) + 1
    status = "pending" if qa_settings["premoderate"] else "approved"
    q = {"id": qid, "text": str(p.get("text")).strip(), "name": None, "status": status, "votes": 0}
    qa_questions[qid] = q
    state["qa_seq"] += 1
    state["qa_dirty"] = True
    return {"ok": True, "dup": False,
            "question": {"id": qid, "text": q["text"], "name": None, "status": status}}  # fmt: skip


@sio.on("qa_upvote")
def on_qa_upvote(sid: str, p: dict[str, Any]) -> dict[str, Any]:
    q = qa_questions.get(p.get("question_id"))  # type: ignore[arg-type]
    if q is None or q["status"] != "approved":
        return {"ok": False, "code": "qa_not_found", "message": "no such question"}
    key, up = (str(pids.get(sid)), int(q["id"])), p.get("up") is True
    changed = up != (key in qa_upvotes)
    if changed:
        (qa_upvotes.add if up else qa_upvotes.discard)(key)
        q["votes"] += 1 if up else -1
        state["qa_seq"] += 1
        state["qa_dirty"] = True
    return {"ok": True, "up": up, "changed": changed}


@sio.on("disconnect")
def on_disconnect(sid: str, *_: Any) -> None:
    pids.pop(sid, None)


def _coalescer() -> None:
    """Tally and Q&A queue to the moderator room, at most 10 Hz, as the peer does."""
    while True:
        sio.sleep(0.1)
        if state["dirty"]:
            state["dirty"] = False
            tallies = {qid: {"n": sum(c.values()), "counts": dict(c)} for qid, c in counts.items()}
            sio.emit("tally", {"vote_seq": state["vote_seq"], "tallies": tallies}, to="moderator")
        if state["qa_dirty"]:
            state["qa_dirty"] = False
            questions = [{**q, "pinned": False, "edited": False, "filtered": False,
                          "merged_into": None} for q in qa_questions.values()]  # fmt: skip
            by_status = Counter(q["status"] for q in questions)
            sio.emit(
                "qa",
                {"qa_seq": state["qa_seq"], "settings": dict(qa_settings),
                 "counts": dict(by_status), "questions": questions},
                to="moderator",
            )  # fmt: skip


def _http(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """``POST /api/sessions`` (one fixed session) and ``/healthz``."""
    if environ.get("PATH_INFO") == "/api/sessions":
        status, body = "201 Created", {"code": "FLOOR", "moderator_secret": "floor"}
    else:
        status, body = "200 OK", {"status": "ok"}
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(data)))])  # fmt: skip
    return [data]


class _NoDeflate:
    """Decline per-message compression, as her2poll does (``her2poll.live._NoDeflate``)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.app(environ, start_response)


app = _NoDeflate(socketio.WSGIApp(sio, _http))
sio.start_background_task(_coalescer)

# As her2poll.wsgi does: keep what lives as long as the process out of the collector.
gc.freeze()
gc.set_threshold(50_000, 20, 50)
