"""Socket.IO event handlers: validate, call the store, ack with a stable code.

Handlers hold no rules of their own: the payload shapes are in
:mod:`.protocol`, the poll rules in :mod:`her2poll.core`, durability in the
store and the writer. Each handler's return value is the client's ack.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_socketio import SocketIO, join_room, leave_room

from ..core.errors import Her2pollError, RateLimited
from ..store import sessions
from ..store.votes import VoteIn, answers_of
from . import identity, protocol
from .protocol import ControlPayload, JoinPayload, Role, VotePayload
from .rooms import Conn, rooms_for, session_room
from .service import Live, live

log = logging.getLogger(__name__)
Ack = dict[str, object]


def acked(handler: Callable[..., Ack]) -> Callable[..., Ack]:
    """Turn a domain error into an error ack; anything else is a logged bug."""

    @functools.wraps(handler)
    def wrapper(*args: Any) -> Ack:
        try:
            return handler(*args)
        except Her2pollError as e:
            return e.to_dict()
        except Exception:
            ref = secrets.token_hex(4)
            log.exception("handler %s failed (ref %s)", handler.__name__, ref)
            return {"ok": False, "code": "internal_error", "message": f"Server error (ref {ref})."}

    return wrapper


def _throttle(svc: Live) -> None:
    if not svc.limiter.allow(request.sid):  # type: ignore[attr-defined]
        raise RateLimited("Too many requests from this device; slow down.")


def on_join(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc)
    join = protocol.parse(JoinPayload, payload)
    state = sessions.get_session(svc.db, join.code)
    if join.role is Role.MODERATOR:
        sessions.check_moderator(svc.db, state.code, join.secret)
        conn, extra = Conn(Role.MODERATOR, state.id, state.code), _moderator_extra(svc, state)
    elif join.role is Role.SCREEN:
        sessions.check_screen(svc.db, state.code, join.token)
        conn, extra = Conn(Role.SCREEN, state.id, state.code), _screen_extra(svc, state)
    else:
        conn, extra = _attendee(svc, state, join.token)
    _enter(svc, conn)
    return {"ok": True, "role": conn.role.value, "state": svc.state_message(state), **extra}


def _attendee(svc: Live, state: sessions.SessionState, token: str | None) -> tuple[Conn, Ack]:
    key = current_app.config["SECRET_KEY"]
    known = identity.verify(key, state.code, token)
    participant = sessions.join(svc.db, state.id, known)
    extra: Ack = {
        "participant": participant.public_id,
        "participant_token": identity.sign(key, state.code, participant.public_id),
        "answers": answers_of(svc.db, state.id, participant.id),
    }
    return Conn(Role.ATTENDEE, state.id, state.code, participant.id), extra


def _moderator_extra(svc: Live, state: sessions.SessionState) -> Ack:
    moderator, _screen = svc.broadcaster.snapshots(state.id)
    return {"tally": moderator, "questions": state.questions.model_dump(mode="json")}


def _screen_extra(svc: Live, state: sessions.SessionState) -> Ack:
    _moderator, screen = svc.broadcaster.snapshots(state.id)
    return {"tally": screen, "questions": _published_only(state)}


def _published_only(state: sessions.SessionState) -> list[dict[str, object]]:
    """What the projector needs beside the live chart: published percentages."""
    return [
        {
            "id": q.id,
            "published": {
                o.id: (
                    {"percent": o.published.percent, "status": o.published.status.value}
                    if o.published
                    else None
                )
                for o in q.options
            },
        }
        for q in state.questions.questions
    ]


def _enter(svc: Live, conn: Conn) -> None:
    sid = request.sid  # type: ignore[attr-defined]
    previous = svc.registry.add(sid, conn)
    if previous is not None:
        for room in rooms_for(previous.role, previous.session_id):
            leave_room(room)
    for room in rooms_for(conn.role, conn.session_id):
        join_room(room)
    svc.broadcaster.mark_dirty(conn.session_id)


def on_vote(payload: object = None) -> Ack:
    svc = live()
    conn = svc.registry.require(request.sid, Role.ATTENDEE)  # type: ignore[attr-defined]
    _throttle(svc)
    vote = protocol.parse(VotePayload, payload)
    assert conn.participant_id is not None
    result = svc.writer.submit(
        VoteIn(conn.session_id, conn.participant_id, vote.question_id, vote.option_id, vote.vote_id)
    )
    if result.error is not None:
        raise result.error
    return {"ok": True, "dup": result.dup}


def on_control(payload: object = None) -> Ack:
    svc = live()
    conn = svc.registry.require(request.sid, Role.MODERATOR)  # type: ignore[attr-defined]
    control = protocol.parse(ControlPayload, payload)
    state = sessions.apply_action(svc.db, conn.code, control.question_id, control.action)
    message = svc.state_message(state)
    svc.socketio.emit("state", message, to=session_room(state.id))
    svc.broadcaster.mark_dirty(state.id)
    return {"ok": True, "state": message}


def on_disconnect(*_args: object) -> None:
    svc = live()
    conn = svc.registry.remove(request.sid)  # type: ignore[attr-defined]
    svc.limiter.forget(request.sid)  # type: ignore[attr-defined]
    if conn is not None:
        svc.broadcaster.mark_dirty(conn.session_id)


def register(socketio: SocketIO) -> None:
    socketio.on_event("join", acked(on_join))
    socketio.on_event("vote", acked(on_vote))
    socketio.on_event("control", acked(on_control))
    socketio.on_event("disconnect", on_disconnect)
