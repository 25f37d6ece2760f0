"""One load-generator process: a slice of the audience, driven phase by phase.

The coordinator (:mod:`bench.drive`) sends commands over a pipe; each command
runs one phase on this process's attendees and answers with its raw figures
(latencies in seconds, monotonic timestamps, error counts). ``time.monotonic``
is one clock for every process on a Linux machine, so the coordinator can line
up "the last ack of any process" against "the moderator's tally".
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import aiohttp

from .sio import SioClient, SioError


@dataclass
class Slice:
    """What one process drives: attendees ``first .. first+count-1`` of the run."""

    url: str
    code: str
    first: int
    count: int
    deflate: bool = True
    seed: int = 0


@dataclass
class Attendee:
    client: SioClient
    index: int
    option: str | None = None  # last acknowledged answer: what the tally must show
    busy: bool = False  # a vote is in flight: never two at once, so the last ack is the answer


@dataclass
class Outcome:
    """Raw figures of one phase from one process."""

    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    retried: int = 0  # joins refused as retryable and sent again (not errors)
    first_send: float | None = None
    last_send: float | None = None
    last_ack: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "errors": dict(self.errors)}


def _error_code(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return "timeout"
    if isinstance(exc, SioError):
        return "closed"
    return type(exc).__name__


class Audience:
    def __init__(self, part: Slice, http: aiohttp.ClientSession) -> None:
        self.part = part
        self.http = http
        self.attendees: list[Attendee] = []
        self.rng = random.Random(part.seed)

    async def connect(self, rate: float, concurrency: int, timeout: float) -> dict[str, Any]:
        """Connect and join every attendee, ``rate`` new ones a second at most."""
        out = Outcome()
        gate = asyncio.Semaphore(concurrency)
        start = time.monotonic()

        async def one(i: int) -> None:
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            async with gate:
                t0 = time.monotonic()
                client = SioClient(self.http, self.part.url, deflate=self.part.deflate)
                try:
                    await client.connect(timeout)
                    ack = await self._join(client, timeout, out)
                except Exception as e:  # noqa: BLE001 - every failure is a counted error
                    out.errors[_error_code(e)] += 1
                    await client.close()
                    return
                if not (isinstance(ack, dict) and ack.get("ok")):
                    out.errors[str(ack.get("code") if isinstance(ack, dict) else ack)] += 1
                    await client.close()
                    return
                out.latencies.append(time.monotonic() - t0)
                self.attendees.append(Attendee(client, self.part.first + i))

        await asyncio.gather(*(one(i) for i in range(self.part.count)))
        out.sent = self.part.count
        return out.to_dict() | {"connected": len(self.attendees)}

    async def _join(self, client: SioClient, timeout: float, out: Outcome) -> Any:
        """Join; a retryable refusal is sent again with backoff, as the pages do.

        ``static/js/live.js``: ``unavailable`` and ``rate_limited`` (or ``retryable``)
        are tried again after 1 s, 2 s, 4 s … (capped at 30 s), times 0.5 to 1.
        Each retry is counted in ``join_retried``, not as an error.
        """
        for attempt in range(6):
            ack = await client.call("join", {"code": self.part.code}, timeout)
            retry = (
                isinstance(ack, dict)
                and not ack.get("ok")
                and (
                    ack.get("retryable") is True
                    or ack.get("code") in ("unavailable", "rate_limited")
                )
            )
            if not retry:
                return ack
            out.retried += 1
            await asyncio.sleep(min(30.0, 2.0**attempt) * (0.5 + self.rng.random() / 2))
        return ack

    async def _vote(self, a: Attendee, question: str, option: str, out: Outcome) -> None:
        if a.client.closed:  # dropped earlier: nothing is sent, so nothing is unknown
            out.errors["dropped_before_send"] += 1
            return
        a.busy = True
        t0 = time.monotonic()
        out.first_send = out.first_send or t0
        out.last_send = t0
        out.sent += 1
        try:
            fut = await a.client.emit(
                "vote", {"question_id": question, "option_id": option, "vote_id": uuid.uuid4().hex}
            )
            t1, ack = await asyncio.wait_for(fut, 60.0)
        except Exception as e:  # noqa: BLE001
            out.errors[_error_code(e)] += 1
            a.option = "?"  # unknown whether it counted: the exact-tally check says so
            return
        finally:
            a.busy = False
        if isinstance(ack, dict) and ack.get("ok"):
            out.latencies.append(t1 - t0)
            out.last_ack = max(out.last_ack or t1, t1)
            a.option = option
        else:
            out.errors[str(ack.get("code") if isinstance(ack, dict) else ack)] += 1

    async def burst(self, at: float, question: str, options: list[str]) -> dict[str, Any]:
        """Every attendee votes at once (attendee i chooses option i mod k) at ``at``."""
        out = Outcome()
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        tasks = [
            asyncio.create_task(self._vote(a, question, options[a.index % len(options)], out))
            for a in self.attendees
        ]
        await asyncio.gather(*tasks)
        return out.to_dict()

    async def steady(
        self, at: float, rate: float, duration: float, question: str, options: list[str]
    ) -> dict[str, Any]:
        """Open-loop changed votes at ``rate`` a second for ``duration`` seconds."""
        out = Outcome()
        tasks: list[asyncio.Task[None]] = []
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        start, due, cursor = time.monotonic(), 0, 0
        while (elapsed := time.monotonic() - start) < duration:
            target = int(elapsed * rate)
            while due < target and self.attendees:
                a = self.attendees[cursor % len(self.attendees)]
                cursor += 1
                if a.busy:  # still waiting for its last ack: skip, count as not sent
                    out.errors["skipped_busy"] += 1
                else:
                    option = self.rng.choice(options)
                    tasks.append(asyncio.create_task(self._vote(a, question, option, out)))
                due += 1
            await asyncio.sleep(0.005)
        await asyncio.gather(*tasks)
        return out.to_dict()

    async def qa_ask(self, count: int, timeout: float) -> list[Any]:
        """The first ``count`` attendees of this slice ask one question each; their acks.

        One question per attendee: the protocol allows three before rate-limiting.
        """
        acks: list[Any] = []
        for a in self.attendees[:count]:
            payload = {
                "text": f"Bench question {len(acks) + 1}: what about attendee {a.index}'s case?",
                "name": None,
                "client_id": f"bench-{a.index}-{uuid.uuid4().hex[:12]}",
            }
            try:
                acks.append(await a.client.call("qa_ask", payload, timeout))
            except Exception as e:  # noqa: BLE001 - reported with the phase
                acks.append({"ok": False, "code": _error_code(e)})
        return acks

    async def qa_upvote(
        self, at: float, duration: float, n: int, question_ids: list[int], timeout: float
    ) -> dict[str, Any]:
        """Every attendee upvotes once, evenly over ``duration`` seconds from ``at``.

        Attendee ``i`` of the run (0 ≤ i < ``n``, all processes together) sends at
        ``at + duration * i / n``, on ``question_ids[i % len(question_ids)]``: a known
        split, the same on every server. Answers the raw figures and, per question,
        the upvotes acknowledged (what the moderator and the database must show).
        """
        out = Outcome()
        acked: Counter[str] = Counter()
        unknown = unchanged = 0

        async def one(a: Attendee) -> None:
            nonlocal unknown, unchanged
            await asyncio.sleep(max(0.0, at + duration * a.index / n - time.monotonic()))
            qid = question_ids[a.index % len(question_ids)]
            if a.client.closed:
                out.errors["dropped_before_send"] += 1
                return
            t0 = time.monotonic()
            out.first_send = min(out.first_send or t0, t0)
            out.last_send = max(out.last_send or t0, t0)
            out.sent += 1
            try:
                fut = await a.client.emit("qa_upvote", {"question_id": qid, "up": True})
                t1, ack = await asyncio.wait_for(fut, timeout)
            except Exception as e:  # noqa: BLE001 - every failure is a counted error
                out.errors[_error_code(e)] += 1
                unknown += 1  # it may have been committed: the exact checks will say
                return
            if isinstance(ack, dict) and ack.get("ok"):
                out.latencies.append(t1 - t0)
                out.last_ack = max(out.last_ack or t1, t1)
                acked[str(qid)] += 1
                unchanged += ack.get("changed") is False
            else:
                out.errors[str(ack.get("code") if isinstance(ack, dict) else ack)] += 1

        await asyncio.gather(*(one(a) for a in self.attendees))
        return out.to_dict() | {"upvoted": dict(acked), "unknown": unknown, "unchanged": unchanged}

    def counts(self) -> dict[str, int]:
        """Each attendee's last acknowledged answer, counted: the tally that must result."""
        return dict(Counter(a.option for a in self.attendees if a.option is not None))

    async def close(self) -> None:
        await asyncio.gather(*(a.client.close() for a in self.attendees), return_exceptions=True)


async def _serve(pipe: Connection, part: Slice) -> None:
    loop = asyncio.get_running_loop()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as http:
        audience = Audience(part, http)
        while True:
            command, args = await loop.run_in_executor(None, pipe.recv)
            if command == "close":
                await audience.close()
                pipe.send({})
                return
            if command == "counts":
                pipe.send(audience.counts())
                continue
            pipe.send(await getattr(audience, command)(*args))


def main(pipe: Connection, part: Slice) -> None:
    """Process entry point (multiprocessing, spawn)."""
    from testkit.procs import raise_nofile

    raise_nofile()
    asyncio.run(_serve(pipe, part))
