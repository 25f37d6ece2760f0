"""The moderator's connection: opens the question and records every tally it receives.

It records every Q&A queue (``qa`` to room ``moderator:<id>``) too, as the
per-question upvotes it shows.

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
        #: (received_at, qa_seq, votes per question id) for every ``qa`` received
        self.qa: list[tuple[float, int, dict[str, int]]] = []

    def _on_event(self, name: str, data: Any, now: float) -> None:
        if name == "qa" and isinstance(data, dict):
            votes = {str(q.get("id")): int(q.get("votes") or 0) for q in data.get("questions", [])}
            self.qa.append((now, int(data.get("qa_seq", 0)), {k: v for k, v in votes.items() if v}))
            return
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

    async def qa_settings(self, settings: dict[str, Any], timeout: float = 30.0) -> dict[str, Any]:
        await self.ensure()
        ack = await self.client.call("qa_settings", settings, timeout)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"qa_settings refused: {ack}")
        return ack

    def first_match(self, expected: dict[str, int], since: float) -> float | None:
        """When the first tally received after ``since`` showed exactly ``expected``."""
        want = {k: v for k, v in expected.items() if v}
        return next((t for t, _seq, c in self.tallies if t >= since and c == want), None)

    def first_qa_match(self, expected: dict[str, int], since: float) -> float | None:
        """When the first ``qa`` received after ``since`` showed exactly ``expected`` votes."""
        want = {k: v for k, v in expected.items() if v}
        return next((t for t, _seq, c in self.qa if t >= since and c == want), None)

    def latest(self) -> dict[str, int]:
        return self.tallies[-1][2] if self.tallies else {}

    def latest_qa(self) -> dict[str, int]:
        """The votes of the newest ``qa`` (highest ``qa_seq``; older ones are ignored)."""
        return max(self.qa, key=lambda e: (e[1], e[0]))[2] if self.qa else {}

    async def wait_for(
        self, expected: dict[str, int], since: float, deadline: float, *, qa: bool = False
    ) -> float | None:
        """Wait (up to ``deadline``, monotonic) for a tally (or ``qa``) equal to ``expected``."""
        match = self.first_qa_match if qa else self.first_match
        while time.monotonic() < deadline:
            found = match(expected, since)
            if found is not None:
                return found
            await self.ensure()  # a dropped moderator would wait for nothing
            await asyncio.sleep(0.05)
        return None

    async def close(self) -> None:
        await self.client.close()
