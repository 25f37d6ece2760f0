"""Socket.IO event handlers: parse, call one service, ack with a stable code.

Handlers hold no rules of their own: the payload shapes are in :mod:`.protocol`,
the steps in :mod:`her2poll.services`, who sees what in :mod:`her2poll.core.views`,
durability in the store and the writer. Each handler's return value is the ack.

The two hot events, ``join`` (every phone, every reconnect) and ``vote``, are
registered on the python-socketio server itself: Flask-SocketIO's per-event path
(a Flask request context, URL matching and session handling per event) cost about
225 µs of each event's ~700 µs and they need nothing of it; they get their
connection id from python-socketio and the app's parts by closure. Every other
event keeps Flask-SocketIO's path.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import SocketIO

from ..core.access import Role
from ..core.errors import BadRequest, Her2pollError, RateLimited
from ..services import control, credit, joining, qa, sessions, voting
from ..services.joining import JoinRequest, Member
from . import protocol
from .limiter import Limiter
from .protocol import (
    AskPayload,
    ControlPayload,
    HideAnswerPayload,
    JoinPayload,
    ModeratePayload,
    QASettingsPayload,
    RoomStatisticsPayload,
    SubmitBlockPayload,
    UpvotePayload,
    VotePayload,
)
from .rooms import rooms_for, session_room
from .service import Live, live

log = logging.getLogger(__name__)
Ack = dict[str, object]


def acked(handler: Callable[..., Ack]) -> Callable[..., Ack]:
    """Turn a domain error into an error ack; anything else is a logged bug."""

    @functools.wraps(handler)
    def wrapper(*args: Any) -> Ack:
        try:
            if len(args) > 1:
                raise BadRequest(f"Send one payload object, not {len(args)} arguments.")
            return handler(*args)
        except Her2pollError as e:
            return e.to_dict()
        except Exception:
            return _internal_error(handler.__name__)

    return wrapper


def _internal_error(name: str) -> Ack:
    ref = secrets.token_hex(4)
    log.exception("handler %s failed (ref %s)", name, ref)
    return {"ok": False, "code": "internal_error", "message": f"Server error (ref {ref})."}


HotHandler = Callable[[Live, str, object], Ack]


def hot(svc: Live, handler: HotHandler) -> Callable[..., Ack]:
    """A handler for the python-socketio server directly: ``(sid, *args) -> ack``.

    The same contract as :func:`acked` (one payload, an error ack for a domain
    error, a logged ``internal_error`` for a bug), with no Flask context.
    """

    def on_event(sid: str, *args: object) -> Ack:
        try:
            if len(args) > 1:
                raise BadRequest(f"Send one payload object, not {len(args)} arguments.")
            return handler(svc, sid, args[0] if args else None)
        except Her2pollError as e:
            return e.to_dict()
        except Exception:
            return _internal_error(handler.__name__)

    on_event.__name__ = handler.__name__
    return on_event


def _sid() -> str:
    sid: str = request.sid  # type: ignore[attr-defined]
    return sid


def _throttle(svc: Live, limiter: Limiter | None = None, sid: str | None = None) -> None:
    """Every event is throttled per connection, joined or not; moderators get more room."""
    if not (limiter or svc.limiter).allow(sid or _sid()):
        raise RateLimited("Too many requests from this device; slow down.")


def on_join(svc: Live, sid: str, payload: object = None) -> Ack:
    _throttle(svc, sid=sid)
    join = protocol.parse(JoinPayload, payload)
    request_ = JoinRequest(join.code, join.role, join.token, join.secret)
    joined = joining.join(svc.store, svc.signing_key, request_, svc.presence.connected)
    _enter(svc, sid, joined.member)
    return joined.ack


def _enter(svc: Live, sid: str, member: Member) -> None:
    """Move the connection into its rooms; an attendee changes the head count."""
    server = svc.socketio.server
    previous = svc.registry.add(sid, member)
    if previous is not None:
        for room in rooms_for(previous.role, previous.session_id):
            server.leave_room(sid, room)
    for room in rooms_for(member.role, member.session_id):
        server.enter_room(sid, room)
    if member.role is Role.ATTENDEE:
        # Moderator and projector joins carried their snapshot in the ack already.
        svc.broadcaster.mark_dirty(member.session_id)


def on_vote(svc: Live, sid: str, payload: object = None) -> Ack:
    _throttle(svc, sid=sid)  # before the role check: a flood before joining is throttled too
    member = svc.registry.require(sid, Role.ATTENDEE)
    vote = protocol.parse(VotePayload, payload)
    return voting.cast_vote(
        svc.writer, member, vote.question_id, vote.option_id, vote.vote_id, **vote.answer_fields()
    )


def on_control(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    action = protocol.parse(ControlPayload, payload)
    done = control.control(
        svc.store, member.code, action.action, action.question_id, action.phase, action.pacing
    )
    svc.state_changed(done.session_id, done.state)
    return {"ok": True, "state": done.state}


def on_submit_block(payload: object = None) -> Ack:
    """A learner pressed Submit on a self-paced block; the panel's count changes."""
    svc = live()
    _throttle(svc)
    member = svc.registry.require(_sid(), Role.ATTENDEE)
    block = protocol.parse(SubmitBlockPayload, payload)
    ack = voting.submit_block(svc.store, member, block.phase)
    svc.broadcaster.mark_dirty(member.session_id)
    return ack


def on_hide_answer(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    hide = protocol.parse(HideAnswerPayload, payload)
    done = control.hide_answer(svc.store, member.code, hide.answer_id, hide.hidden)
    svc.state_changed(done.session_id, done.state)
    return {"ok": True, "state": done.state}


def on_room_statistics(payload: object = None) -> Ack:
    """The moderator shows the room the statistics, or takes them off it."""
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    switch = protocol.parse(RoomStatisticsPayload, payload)
    done = control.room_statistics(svc.store, member.code, switch.shown)
    svc.state_changed(done.session_id, done.state)  # the projector's tally changes with it
    return {"ok": True, "shown": switch.shown, "state": done.state}


def _limit(limiter: Limiter, member: Member, what: str) -> None:
    """Q&A limits are per participant, so a reconnect does not refill them."""
    if not limiter.allow(f"{member.session_id}:{member.participant_id}"):
        raise RateLimited(f"Too many {what} from this device; wait a little.")


def on_qa_ask(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc)
    member = svc.registry.require(_sid(), Role.ATTENDEE)
    ask = protocol.parse(AskPayload, payload)
    _limit(svc.ask_limiter, member, "questions")
    ack = qa.ask(svc.store, member, ask.text, ask.name, ask.client_id)
    svc.qa_changed(member.session_id)
    return ack


def on_qa_upvote(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc)
    member = svc.registry.require(_sid(), Role.ATTENDEE)
    upvote = protocol.parse(UpvotePayload, payload)
    _limit(svc.upvote_limiter, member, "upvotes")
    return qa.upvote(svc.upvotes, member, upvote.question_id, upvote.up)


def on_qa_moderate(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    m = protocol.parse(ModeratePayload, payload)
    ack = qa.moderate(svc.store, member, m.action, m.question_id, m.text, m.into)
    svc.qa_changed(member.session_id)
    return ack


def on_qa_settings(payload: object = None) -> Ack:
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    s = protocol.parse(QASettingsPayload, payload)
    ack = qa.settings(svc.store, member, s.open, s.premoderate, s.names, s.filter)
    svc.qa_changed(member.session_id)
    return ack


def on_room_language(payload: object = None) -> Ack:
    """The moderator fixes the room's language; open phones and projector follow."""
    svc = live()
    _throttle(svc, svc.control_limiter)
    member = svc.registry.require(_sid(), Role.MODERATOR)
    if not isinstance(payload, dict) or "language" not in payload:
        raise BadRequest('Send {"language": "de"}, or null for each device its own.')
    chosen = sessions.set_room_language(svc.store, member.code, payload["language"])
    svc.socketio.emit("language", {"language": chosen}, to=session_room(member.session_id))
    return {"ok": True, "language": chosen}


def unknown(svc: Live) -> Callable[..., Ack]:
    """Every event without a handler: counted against the rate limit, answered ``bad_request``.

    python-socketio sends the ack only when the client asked for one; without this
    a client waiting for one would wait until its own deadline.
    """
    manager = svc.socketio.server.manager

    def on_unknown(*args: object) -> Ack:
        # As the catch-all: (event, sid, *payload). An event named "*" itself matches
        # this handler exactly and comes as (sid, *payload): tell them apart by which
        # argument is this connection's id.
        event: object = "*"
        sid = args[0]
        if len(args) > 1 and isinstance(args[1], str) and manager.is_connected(args[1], "/"):
            event, sid = args[0], args[1]
        try:
            _throttle(svc, sid=str(sid))
        except Her2pollError as e:
            return e.to_dict()
        return BadRequest(f"Unknown event {str(event)[:40]!r}.").to_dict()

    return on_unknown


def on_disconnect(*_args: object) -> Ack | None:
    svc = live()
    if svc.socketio.server.manager.is_connected(_sid(), "/"):
        # A real disconnect is announced after python-socketio marks the connection as
        # leaving; a client can also send an event named "disconnect" (a reserved name its
        # library would refuse, not a raw client): that must not unjoin it or end its
        # attendance interval while it stays connected.
        return BadRequest("Unknown event 'disconnect'.").to_dict()
    member = svc.registry.remove(_sid())
    svc.limiter.forget(_sid())
    svc.control_limiter.forget(_sid())
    if member is not None:
        svc.broadcaster.mark_dirty(member.session_id)
        if member.connection_id is not None:
            if svc.disconnects is None:
                credit.disconnected(svc.store.db, member.connection_id)
            else:
                credit.disconnected_batched(
                    svc.disconnects, member.session_id, member.connection_id
                )
    return None


def register(socketio: SocketIO, svc: Live) -> None:
    # The hot events on the python-socketio server; the rest through Flask-SocketIO.
    socketio.server.on("join", hot(svc, on_join))
    socketio.server.on("vote", hot(svc, on_vote))
    socketio.on_event("control", acked(on_control))
    socketio.on_event("submit_block", acked(on_submit_block))
    socketio.on_event("hide_answer", acked(on_hide_answer))
    socketio.on_event("qa_ask", acked(on_qa_ask))
    socketio.on_event("qa_upvote", acked(on_qa_upvote))
    socketio.on_event("qa_moderate", acked(on_qa_moderate))
    socketio.on_event("qa_settings", acked(on_qa_settings))
    socketio.on_event("room_language", acked(on_room_language))
    socketio.on_event("room_statistics", acked(on_room_statistics))
    socketio.on_event("disconnect", on_disconnect)
    socketio.server.on("*", unknown(svc))
