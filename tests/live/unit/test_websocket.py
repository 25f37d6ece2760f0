"""The WebSocket under engineio (live/websocket.py), over a real socket pair.

The server side runs in a thread with one end of a socket pair as gunicorn's
socket; the test speaks to it through wsproto's client-side frame protocol.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from wsproto import ConnectionType
from wsproto.connection import Connection
from wsproto.events import BytesMessage, CloseConnection, Event, Ping, Pong, TextMessage
from wsproto.utilities import generate_accept_token

from her2poll.live.websocket import GeventWebSocket

KEY = "dGhlIHNhbXBsZSBub25jZQ=="


@dataclass
class FakeEngine:
    """What engineio gives the transport: a limit, and a handler that reads until None."""

    max_http_buffer_size: int = 100
    received: list[str | bytes | None] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    greeting: str | None = None  # sent before reading, as engineio's OPEN packet is

    def handler(self, ws: GeventWebSocket) -> None:
        if self.greeting:
            ws.send(self.greeting)
        while True:
            message = ws.wait()
            self.received.append(message)
            if message is None:
                return
            if message == "bye":
                ws.close()
            else:
                ws.send(message)  # echo


def environ(sock: socket.socket, **headers: str) -> dict[str, Any]:
    base = {
        "gunicorn.socket": sock,
        "HTTP_CONNECTION": "keep-alive, Upgrade",
        "HTTP_UPGRADE": "websocket",
        "HTTP_SEC_WEBSOCKET_VERSION": "13",
        "HTTP_SEC_WEBSOCKET_KEY": KEY,
    }
    return {**base, **headers}


class Client:
    """The phone's side: wsproto frames over the other end of the pair."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.conn = Connection(ConnectionType.CLIENT)
        self.buffer = b""

    def handshake(self) -> bytes:
        while b"\r\n\r\n" not in self.buffer:
            self.buffer += self.sock.recv(4096)
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        self.conn.receive_data(rest)
        return head

    def send(self, event: Event) -> None:
        self.sock.sendall(self.conn.send(event))

    def next_event(self) -> Event:
        while True:
            for event in self.conn.events():
                return event
            data = self.sock.recv(4096)
            self.conn.receive_data(data or None)


@pytest.fixture(params=[None, '0{"sid":"x"}'], ids=["client-first", "server-first"])
def served(request: Any) -> Iterator[tuple[Client, FakeEngine, threading.Thread]]:
    server_sock, client_sock = socket.socketpair()
    server_sock.settimeout(10)
    client_sock.settimeout(10)
    engine = FakeEngine(greeting=request.param)
    ws = GeventWebSocket(engine.handler, engine)

    def serve() -> None:
        with pytest.raises(StopIteration):  # gunicorn then closes the connection
            ws(environ(server_sock), lambda *_: None)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = Client(client_sock)
    head = client.handshake()
    assert head.startswith(b"HTTP/1.1 101 ")
    assert b"Sec-WebSocket-Accept: " + generate_accept_token(KEY.encode()) in head
    if engine.greeting:  # the upgrade's answer and the first frame went out together
        greeting = client.next_event()
        assert isinstance(greeting, TextMessage) and greeting.data == engine.greeting
    yield client, engine, thread
    client_sock.close()
    thread.join(10)
    server_sock.close()


def test_messages_are_echoed_whole_even_when_sent_in_fragments(served: Any) -> None:
    client, engine, _ = served
    client.send(TextMessage(data='42["vote",', message_finished=False))
    client.send(TextMessage(data="{}]", message_finished=True))
    client.send(BytesMessage(data=b"\x01\x02"))
    first, second = client.next_event(), client.next_event()
    assert isinstance(first, TextMessage) and first.data == '42["vote",{}]'
    assert isinstance(second, BytesMessage) and second.data == b"\x01\x02"
    assert engine.received == ['42["vote",{}]', b"\x01\x02"]


def test_a_ping_is_answered_with_a_pong(served: Any) -> None:
    client, _, _ = served
    client.send(Ping(payload=b"hi"))
    pong = client.next_event()
    assert isinstance(pong, Pong) and pong.payload == b"hi"


def test_a_close_from_the_phone_is_answered_and_ends_the_handler(served: Any) -> None:
    client, engine, thread = served
    client.send(CloseConnection(code=1000))
    answer = client.next_event()
    assert isinstance(answer, CloseConnection) and answer.code == 1000
    thread.join(10)
    assert engine.received == [None] and not thread.is_alive()


def test_a_close_from_the_server_sends_a_close_frame(served: Any) -> None:
    client, engine, thread = served
    client.send(TextMessage(data="bye"))
    close = client.next_event()
    assert isinstance(close, CloseConnection) and close.code == 1000
    thread.join(10)
    assert engine.received == ["bye", None] and not thread.is_alive()


def test_a_dropped_connection_ends_the_handler(served: Any) -> None:
    client, engine, thread = served
    client.sock.shutdown(socket.SHUT_RDWR)
    thread.join(10)
    assert engine.received == [None] and not thread.is_alive()


def test_a_message_over_the_limit_is_handed_over_at_once_for_engineio_to_refuse(
    served: Any,
) -> None:
    client, engine, _ = served
    client.send(TextMessage(data="x" * 80, message_finished=False))
    client.send(TextMessage(data="y" * 80, message_finished=False))  # never finished
    echoed = client.next_event()
    assert isinstance(echoed, TextMessage) and len(echoed.data) == 160
    assert engine.received == ["x" * 80 + "y" * 80]


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({"HTTP_UPGRADE": "h2c"}, "Upgrade: websocket"),
        ({"HTTP_CONNECTION": "keep-alive"}, "Connection: Upgrade"),
        ({"HTTP_SEC_WEBSOCKET_VERSION": "8"}, "version 13"),
        ({"HTTP_SEC_WEBSOCKET_KEY": ""}, "Sec-WebSocket-Key"),
    ],
)
def test_a_request_that_is_no_upgrade_gets_a_clear_400(headers: dict[str, str], says: str) -> None:
    server_sock, client_sock = socket.socketpair()
    engine = FakeEngine()
    answered: list[str] = []
    body = GeventWebSocket(engine.handler, engine)(
        environ(server_sock, **headers), lambda status, _headers: answered.append(status)
    )
    assert answered == ["400 Bad Request"] and says in b"".join(body).decode()
    assert engine.received == []  # the handler never ran
    server_sock.close()
    client_sock.close()


def test_a_message_larger_than_the_socket_buffer_arrives_whole() -> None:
    """The send loop finishes what one ``send`` left over."""
    server_sock, client_sock = socket.socketpair()
    client_sock.settimeout(10)
    big = "z" * 2_000_000
    engine = FakeEngine(greeting=big)
    ws = GeventWebSocket(engine.handler, engine)

    def serve() -> None:
        with pytest.raises(StopIteration):
            ws(environ(server_sock), lambda *_: None)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = Client(client_sock)
    client.handshake()
    received = ""
    while len(received) < len(big):
        event = client.next_event()
        assert isinstance(event, TextMessage)
        received += event.data
    assert received == big
    client_sock.close()
    thread.join(10)
    server_sock.close()
