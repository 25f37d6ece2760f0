"""The moderator's connection: opens the question and records every tally it receives.

The question is whether the moderator's screen ends up showing exactly what
the audience was told was recorded, and how long after the last ack it does.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp

from .sio import SioClient


class Moderator:
    def __init__(self, http: aiohttp.ClientSession, url: str, question: str) -> None:
        self.question = question
        self.http = http
        self.url = url
        self.client = SioClient(http, url, on_event=self._on_event)
        self.reconnects = 0
        self._join: dict[str, str] = {}
        #: (received_at, vote_seq, counts of ``question``) for every tally received
        self.tallies: list[tuple[float, int, dict[str, int]]] = []

    def _on_event(self, name: str, data: Any, now: float) -> None:
        if name != "tally" or not isinstance(data, dict):
            return
        entry = data.get("tallies", {}).get(self.question) or {}
        counts = {k: v for k, v in entry.get("counts", {}).items() if v}
        self.tallies.append((now, int(data.get("vote_seq", 0)), counts))

    async def join(self, code: str, secret: str) -> None:
        self._join = {"code": code, "role": "moderator", "secret": secret}
        await self.client.connect()
        ack = await self.client.call("join", self._join)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"moderator join refused: {ack}")

    async def ensure(self) -> None:
        """Reconnect and join again if the server dropped us, as the protocol says."""
        if self.client.closed:
            self.reconnects += 1
            self.client = SioClient(self.http, self.url, on_event=self._on_event)
            await self.join(self._join["code"], self._join["secret"])

    async def open(self, question: str) -> None:
        await self.ensure()
        ack = await self.client.call("control", {"action": "open", "question_id": question})
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"control open refused: {ack}")

    def first_match(self, expected: dict[str, int], since: float) -> float | None:
        """When the first tally received after ``since`` showed exactly ``expected``."""
        want = {k: v for k, v in expected.items() if v}
        return next((t for t, _seq, c in self.tallies if t >= since and c == want), None)

    def latest(self) -> dict[str, int]:
        return self.tallies[-1][2] if self.tallies else {}

    async def wait_for(
        self, expected: dict[str, int], since: float, deadline: float
    ) -> float | None:
        """Wait (up to ``deadline``, monotonic) for a tally equal to ``expected``."""
        while time.monotonic() < deadline:
            found = self.first_match(expected, since)
            if found is not None:
                return found
            await self.ensure()  # a dropped moderator would wait for nothing
            await asyncio.sleep(0.05)
        return None

    async def close(self) -> None:
        await self.client.close()
