"""The live layer: Socket.IO events, rooms, the vote writer and the tally broadcaster."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from ..config import Settings
from ..services import qa as qa_service
from ..services.ports import QUESTIONS_CHANGED
from ..services.results import room_tallies
from ..store.db import get_db
from ..store.identities import record_disconnects
from ..store.qa import record_upvotes
from ..store.repository import SqlStore
from .broadcaster import Broadcaster
from .limiter import Limiter
from .presence import Presence
from .rooms import Registry, audience_room, moderator_room
from .service import Live
from .writer import VoteWriter


class _NoDeflate:
    """Decline per-message compression on the Socket.IO WebSocket.

    Our messages are small (an ack is tens of bytes), while a deflate context
    holds hundreds of KB per connection and costs CPU on every frame: at
    thousands of phones that is most of the server's memory, for no gain.
    """

    def __init__(self, wsgi_app: Any) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return self.wsgi_app(environ, start_response)


log = logging.getLogger(__name__)


class EngineLog(logging.Logger):
    """python-engineio's logger: its warnings and errors, and one line per oversized message.

    Engine.IO closes a connection whose message is over ``max_http_buffer_size``
    and says so only at info level, which would be a line per packet if shown;
    this logger keeps info quiet and turns just that close into one warning of ours
    (no traceback, no payload).
    """

    def __init__(self, limit: int) -> None:
        super().__init__("her2poll.live.engineio", logging.WARNING)
        self.parent = logging.getLogger("her2poll.live")
        self.limit = limit

    def info(self, msg: object, *args: object, **kwargs: Any) -> None:
        if args and args[-1] == "packet is too large":
            log.warning(
                "closed connection %s: a message over the %d-byte limit", args[0], self.limit
            )


def _never_called() -> tuple[str, int]:  # pragma: no cover - see init_app
    return "Socket.IO clients connect here.", 400


def init_app(app: Flask) -> SocketIO:
    """Attach a Socket.IO server to the app; background tasks start on first use.

    One :class:`SocketIO` per app (not a module global), so every test's app
    has its own server, rooms and writer.
    """
    settings: Settings = app.config["HER2POLL"]
    socketio = SocketIO(
        app,
        async_mode="gevent",
        message_queue=settings.message_queue,
        # None is same origin only; an empty list would turn the Origin check off.
        cors_allowed_origins=list(settings.cors_origins) or None,
        max_http_buffer_size=settings.max_message_bytes,
        engineio_logger=EngineLog(settings.max_message_bytes),
        transports=["websocket"],
        # Socket.IO's defaults: at 15,000 phones a 10 s interval is 1,500 pings a second.
        ping_interval=25,
        ping_timeout=20,
        # Run each event in its connection's own greenlet instead of a new one per
        # event: a client's events stay in order and a vote costs one greenlet less.
        async_handlers=False,
    )
    # Flask-SocketIO builds a request context for every event, and Flask matches its
    # URL; a rule for the Socket.IO path makes that match cheap instead of a 404
    # search. The middleware answers /socket.io/ before Flask, so the view never runs.
    app.add_url_rule("/socket.io/", "socketio_path", _never_called)
    app.wsgi_app = _NoDeflate(app.wsgi_app)  # type: ignore[method-assign]
    store = SqlStore(get_db(app))
    registry = Registry()
    presence = Presence(registry.connected_attendees, settings.message_queue)
    broadcaster = Broadcaster(
        socketio,
        lambda session_id: room_tallies(store, session_id, presence.connected(session_id)),
        registry.sessions,
        interval=settings.tally_interval,
    )
    writer = VoteWriter(
        store.db,
        socketio.server,
        broadcaster.mark_dirty,
        linger=settings.commit_linger,
    )
    qa_moderator = Broadcaster(
        socketio,
        lambda session_id: qa_service.moderator_message(store, session_id),
        registry.sessions,
        interval=settings.tally_interval,
        event="qa",
        rooms=lambda session_id: (moderator_room(session_id),),
    )
    # Phones hear Q&A at most once a second, never once per upvote.
    qa_room = Broadcaster(
        socketio,
        lambda session_id: qa_service.room_message(store, session_id),
        registry.sessions,
        interval=1.0,
        refresh=None,
        event="qa",
        rooms=lambda session_id: (audience_room(session_id),),
    )

    def qa_changed(session_ids: set[int]) -> None:
        qa_moderator.mark_dirty(session_ids)
        qa_room.mark_dirty(session_ids)

    svc = app.extensions["her2poll_live"] = Live(
        store=store,
        socketio=socketio,
        registry=registry,
        presence=presence,
        writer=writer,
        broadcaster=broadcaster,
        limiter=Limiter(settings.rate_per_second, settings.rate_burst),
        control_limiter=Limiter(20.0, 200),
        signing_key=settings.secret_key,
        qa_broadcasters=(qa_moderator, qa_room),
        upvotes=VoteWriter(
            store.db,
            socketio.server,
            qa_changed,
            record=record_upvotes,
            linger=settings.commit_linger,
        ),
        ask_limiter=Limiter(1 / 20, 3),
        upvote_limiter=Limiter(5.0, 20),
        disconnects=VoteWriter(
            store.db,
            socketio.server,
            lambda _sessions: None,
            record=record_disconnects,
            linger=settings.commit_linger,
        ),
    )
    app.extensions[QUESTIONS_CHANGED] = svc.questions_changed  # the authoring pages' news
    from . import events

    events.register(socketio, svc)
    return socketio
