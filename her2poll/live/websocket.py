"""The WebSocket under python-engineio in gunicorn's gevent worker: wsproto, no extra greenlet.

python-engineio's gevent driver hands each WebSocket to simple-websocket, which
re-serialises the request's headers and parses them again with h11 to answer
the upgrade, keeps that HTTP state for the connection's life, and reads the
socket in a greenlet of its own that wakes the request's greenlet for every
message. At thousands of phones that was about 15% of a connect's server CPU,
one greenlet switch more per message and about 14 KB more per connection (a
greenlet, an h11 connection, an event).

:class:`GeventWebSocket` speaks the same interface to engineio (``wait``,
``send``, ``close``) with wsproto's frame protocol (the library simple-websocket
uses too) and reads in the request's own greenlet; gunicorn has parsed the
request already, so the upgrade is only the ``101`` answer. Any other server
(the test client, a WSGI server without ``gunicorn.socket``) keeps engineio's
own driver.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from wsproto import ConnectionType
from wsproto.connection import Connection, ConnectionState
from wsproto.events import (
    BytesMessage,
    CloseConnection,
    Message,
    Ping,
    TextMessage,
)
from wsproto.frame_protocol import CloseReason
from wsproto.utilities import LocalProtocolError, generate_accept_token

log = logging.getLogger(__name__)

#: Bytes read from the socket at a time: Socket.IO messages here are far smaller.
RECEIVE_BYTES = 4096


def _bad_request(start_response: Callable[..., Any], why: str) -> list[bytes]:
    body = f"Not a WebSocket upgrade: {why}.".encode()
    start_response(
        "400 Bad Request",
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
    )
    return [body]


def _problem(environ: dict[str, Any]) -> str | None:
    """What makes this request no WebSocket upgrade (RFC 6455, 4.2.1), if anything."""
    if "upgrade" not in environ.get("HTTP_CONNECTION", "").lower():
        return "no 'Connection: Upgrade'"
    if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return "no 'Upgrade: websocket'"
    if environ.get("HTTP_SEC_WEBSOCKET_VERSION") != "13":
        return "only WebSocket version 13 is spoken"
    if not environ.get("HTTP_SEC_WEBSOCKET_KEY"):
        return "no Sec-WebSocket-Key"
    return None


class GeventWebSocket:
    """One WebSocket for python-engineio: the ``websocket`` entry of its async driver.

    :param handler: engineio's per-connection handler, called with this object.
    :param server: the engineio server (for its message size limit).
    """

    def __init__(self, handler: Callable[[GeventWebSocket], Any], server: Any) -> None:
        self.app = handler
        self.server = server
        self.sock: Any = None
        self.conn: Connection | None = None
        self._parts: list[str | bytes | bytearray] = []
        self._size = 0
        self._unsent = b""

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        sock = environ.get("gunicorn.socket")
        if sock is None:  # not gunicorn: engineio's own driver knows the server
            return _fallback()(self.app, self.server)(environ, start_response)
        problem = _problem(environ)
        if problem:
            return _bad_request(start_response, problem)
        self.sock = sock
        accept = generate_accept_token(environ["HTTP_SEC_WEBSOCKET_KEY"].encode())
        # Sent with the first frame (engineio's OPEN packet follows at once): one
        # system call fewer per connection; the client sends nothing before both.
        self._unsent = (
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
        )
        self.conn = Connection(ConnectionType.SERVER)
        try:
            self.app(self)
        finally:
            self._shutdown()
        # gunicorn closes the connection instead of writing an HTTP response.
        raise StopIteration()

    def wait(self) -> str | bytes | None:
        """The next whole message, or None once the connection is closed."""
        if self._unsent:
            # Let engineio's writer send its first packet with the upgrade answer; a
            # client that speaks first (a polling upgrade) must get that answer anyway.
            self.server.sleep(0)
            if self._unsent:
                self._write(b"")
        while self.conn is not None:
            message = self._next_message(self.conn)
            if message is not None or self.conn is None:
                return message
            try:
                data = self.sock.recv(RECEIVE_BYTES)
            except OSError:
                data = b""
            if not data or self.conn is None:
                break
            self.conn.receive_data(data)
        return self._closed()

    def send(self, message: str | bytes) -> None:
        """Send one message; OSError once closed (engineio's writer then stops)."""
        if self.conn is None or self.conn.state is not ConnectionState.OPEN:
            raise OSError("the WebSocket is closed")
        event = Message(data=message) if isinstance(message, bytes) else TextMessage(data=message)
        self._write(self.conn.send(event))

    def close(self) -> None:
        """Say goodbye (a close frame) and wake a ``wait`` still reading the socket."""
        conn = self.conn
        if conn is not None and conn.state is ConnectionState.OPEN:
            try:
                self._write(conn.send(CloseConnection(CloseReason.NORMAL_CLOSURE)))
            except OSError:
                pass
        self._shutdown()

    def _next_message(self, conn: Connection) -> str | bytes | None:
        """A whole message from what was received, answering pings and a close on the way."""
        for event in conn.events():
            if isinstance(event, TextMessage | BytesMessage):
                self._parts.append(event.data)
                self._size += len(event.data)
                if event.message_finished or self._size > self.server.max_http_buffer_size:
                    # engineio refuses (and logs) a message over its limit: no need to read on
                    return self._whole()
            elif isinstance(event, Ping):
                self._reply(conn, event.response())
            elif isinstance(event, CloseConnection):
                if conn.state is ConnectionState.REMOTE_CLOSING:
                    self._reply(conn, event.response())
                return self._closed()
        return None

    def _whole(self) -> str | bytes:
        parts, self._parts, self._size = self._parts, [], 0
        if len(parts) == 1:
            return bytes(parts[0]) if isinstance(parts[0], bytearray) else parts[0]
        if isinstance(parts[0], str):
            return "".join(p for p in parts if isinstance(p, str))
        return b"".join(p for p in parts if isinstance(p, bytes | bytearray))

    def _reply(self, conn: Connection, event: Any) -> None:
        try:
            self._write(conn.send(event))
        except (OSError, LocalProtocolError):
            pass

    def _write(self, data: bytes) -> None:
        """Send all of ``data``: ``send`` in a loop, as gevent's ``sendall`` asks the
        kernel for the send buffer's size first (a system call more per message)."""
        if self._unsent:
            data, self._unsent = self._unsent + data, b""
        while data:
            data = data[self.sock.send(data) :]

    def _closed(self) -> str | bytes | None:
        """Forget the connection: ``wait`` answers None (closed) from now on."""
        self.conn = None
        return None

    def _shutdown(self) -> None:
        """End both directions, so a greenlet blocked reading the socket returns."""
        self.conn = None
        if self.sock is not None:
            try:
                self.sock.shutdown(2)  # socket.SHUT_RDWR
            except OSError:
                pass


def _fallback() -> Any:
    from engineio.async_drivers import gevent

    return gevent._async["websocket"]


def install(eio_server: Any) -> None:
    """Use :class:`GeventWebSocket` for this engineio server's WebSocket connections."""
    # A copy: the driver's table is shared by every server in the process.
    eio_server._async = {**eio_server._async, "websocket": GeventWebSocket}
