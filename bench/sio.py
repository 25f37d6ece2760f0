"""A minimal Socket.IO v5 client over one raw WebSocket (Engine.IO v4), on aiohttp.

python-socketio's AsyncClient tops out near 2,000 connections per process
(a task pair, queues and timers per client); this speaks only what
``docs/protocol.md`` uses, which is little: the Engine.IO open packet
``0{…}``, the namespace connect ``40``, ping ``2`` answered by pong ``3``,
events ``42[…]`` and acks ``43<id>[…]`` to events sent as ``42<id>[…]``.
One reader task per connection; acks carry the time they were read, so
latency is measured where the bytes arrive, not when a task gets scheduled.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp

EventHandler = Callable[[str, Any, float], None]


class SioError(Exception):
    """The connection failed or closed before an answer came."""


def _split_ack(body: str) -> tuple[int, Any]:
    """``<id>[payload…]`` -> (id, first payload item)."""
    i = 0
    while i < len(body) and body[i].isdigit():
        i += 1
    args = json.loads(body[i:]) if i < len(body) else []
    return int(body[:i]), (args[0] if args else None)


class SioClient:
    """One Socket.IO connection to the default namespace, WebSocket transport only.

    :param deflate: offer permessage-deflate as browsers do (the server accepts
        it, and it costs the server memory and CPU per connection).
    :param on_event: called as ``on_event(name, data, received_at)`` for events
        the server sends (``tally``, ``state``); ``received_at`` is ``time.monotonic()``.
    """

    def __init__(
        self,
        http: aiohttp.ClientSession,
        base_url: str,
        *,
        deflate: bool = True,
        on_event: EventHandler | None = None,
    ) -> None:
        ws_base = base_url.replace("http://", "ws://", 1).replace("https://", "wss://", 1)
        self.url = f"{ws_base.rstrip('/')}/socket.io/?EIO=4&transport=websocket"
        self.http = http
        self.deflate = deflate
        self.on_event = on_event
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._acks: dict[int, asyncio.Future[tuple[float, Any]]] = {}
        self._next_id = 0
        self._reader: asyncio.Task[None] | None = None
        self._connected: asyncio.Future[None] | None = None

    async def connect(self, timeout: float = 30.0) -> None:
        """Open the WebSocket and connect to the namespace ``/``."""
        self.ws = await self.http.ws_connect(
            self.url, compress=15 if self.deflate else 0, autoping=True, timeout=timeout
        )
        self._connected = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(asyncio.shield(self._connected), timeout)

    async def emit(self, event: str, data: object) -> asyncio.Future[tuple[float, Any]]:
        """Send an event that asks for an ack; the future gives ``(received_at, ack)``."""
        if self.ws is None or self.ws.closed:
            raise SioError("not connected")
        self._next_id += 1
        ack_id = self._next_id
        fut: asyncio.Future[tuple[float, Any]] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = fut
        await self.ws.send_str(f"42{ack_id}" + json.dumps([event, data], separators=(",", ":")))
        return fut

    async def call(self, event: str, data: object, timeout: float = 30.0) -> Any:
        """Send an event and wait for its ack."""
        fut = await self.emit(event, data)
        _t, ack = await asyncio.wait_for(fut, timeout)
        return ack

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for msg in self.ws:
                if msg.type is aiohttp.WSMsgType.TEXT:
                    await self._packet(msg.data, time.monotonic())
                elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    break
        finally:
            self._fail(SioError("connection closed"))

    async def _packet(self, text: str, now: float) -> None:
        assert self.ws is not None
        kind = text[:1]
        if kind == "2":  # Engine.IO ping: answer or the server drops us
            await self.ws.send_str("3")
        elif kind == "0":  # Engine.IO open: join the default namespace
            await self.ws.send_str("40")
        elif kind == "4":
            self._message(text[1:], now)
        elif kind == "1":  # Engine.IO close
            await self.ws.close()

    def _message(self, text: str, now: float) -> None:
        sio = text[:1]
        if sio == "3":
            ack_id, data = _split_ack(text[1:])
            fut = self._acks.pop(ack_id, None)
            if fut is not None and not fut.done():
                fut.set_result((now, data))
        elif sio == "2" and self.on_event is not None:
            i = text.index("[")
            name, *args = json.loads(text[i:])
            self.on_event(name, args[0] if args else None, now)
        elif sio == "0" and self._connected is not None and not self._connected.done():
            self._connected.set_result(None)
        elif sio in ("1", "4"):  # disconnected by the server, or connect refused
            self._fail(SioError(f"server refused or closed the namespace: {text}"))

    def _fail(self, error: Exception) -> None:
        if self._connected is not None and not self._connected.done():
            self._connected.set_exception(error)
        for fut in self._acks.values():
            if not fut.done():
                fut.set_exception(error)
        self._acks.clear()

    @property
    def closed(self) -> bool:
        return self.ws is None or self.ws.closed

    async def close(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_str("41")
            except (ConnectionError, RuntimeError):
                pass
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
