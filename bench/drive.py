"""The benchmark's phases against one server: connect, burst, steady, qa.

The coordinator holds the moderator's connection; the audience is split over
``procs`` load-generator processes (:mod:`bench.audience`), because one
Python process cannot read 15,000 sockets fast enough to time them honestly.
The same code drives her2poll and the Node.js peer.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from testkit.procs import cpu_seconds, rss_kb

from . import audience
from .moderator import Moderator
from .qa import qa_phase
from .stats import add_counts, latency_summary, merge

QUESTIONS = Path(__file__).resolve().parent.parent / "questions.json"


@dataclass(frozen=True)
class Plan:
    """How hard to push: every number is bounded, and every phase ends by itself."""

    n: int
    procs: int = 2
    ramp: float = 500.0  # new connections a second, all processes together
    concurrency: int = 200  # handshakes in flight per process
    deflate: bool = True  # offer permessage-deflate, as every browser does
    steady_rate: float = 1000.0
    steady_seconds: float = 10.0
    qa: bool = True  # the Q&A phase: every attendee upvotes once over qa_seconds
    qa_seconds: float = 10.0
    qa_questions: int = 5
    question: str = "PQ1"
    timeout: float = 60.0
    settle: float = 2.0  # seconds between phases, so memory and queues settle


def options_of(question: str) -> list[str]:
    data = json.loads(QUESTIONS.read_text())
    q = next(q for q in data["questions"] if q["id"] == question)
    return [o["id"] for o in q["options"]]


def create_session(url: str, db_url: str | None) -> dict[str, Any]:
    """her2poll: as the test organiser (added to its database), signed in like a browser.

    The Node peer and the python-socketio floor (``db_url`` None) have no accounts and
    hand out one fixed session to a plain POST.
    """
    import requests

    from testkit.accounts import organiser_http

    http = requests.Session() if db_url is None else organiser_http(url, db_url)
    r = http.post(f"{url}/api/sessions", json={}, timeout=30)
    r.raise_for_status()
    return r.json()  # type: ignore[no-any-return]


class Fleet:
    """The load-generator processes and the pipes that command them."""

    def __init__(self, url: str, code: str, plan: Plan) -> None:
        ctx = multiprocessing.get_context("spawn")
        sizes = [plan.n // plan.procs + (i < plan.n % plan.procs) for i in range(plan.procs)]
        self.pipes, self.procs = [], []
        first = 0
        for i, size in enumerate(sizes):
            mine, theirs = ctx.Pipe()
            part = audience.Slice(url, code, first, size, plan.deflate, seed=i)
            proc = ctx.Process(target=audience.main, args=(theirs, part), daemon=True)
            proc.start()
            self.pipes.append(mine)
            self.procs.append(proc)
            first += size
        self.pool = ThreadPoolExecutor(max_workers=len(self.pipes))

    async def ask(self, command: str, *args: object) -> list[Any]:
        """Send one command to every process and gather their answers."""
        loop = asyncio.get_running_loop()

        def call(pipe: Any) -> Any:
            pipe.send((command, args))
            return pipe.recv()

        return await asyncio.gather(*(loop.run_in_executor(self.pool, call, p) for p in self.pipes))

    async def ask_one(self, i: int, command: str, *args: object) -> Any:
        """Send one command to process ``i`` only and wait for its answer."""
        loop = asyncio.get_running_loop()

        def call() -> Any:
            self.pipes[i].send((command, args))
            return self.pipes[i].recv()

        return await loop.run_in_executor(self.pool, call)

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.ask("close"), 60)
        finally:
            for proc in self.procs:
                proc.join(10)
                if proc.is_alive():
                    proc.kill()
            self.pool.shutdown()


def _rss(pids: list[int]) -> float:
    return sum(rss_kb(p) for p in pids) / 1024


def _cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(p) for p in pids)


async def _connect(fleet: Fleet, plan: Plan, pids: list[int]) -> dict[str, Any]:
    before = _rss(pids)
    t0 = time.monotonic()
    raw = merge(await fleet.ask("connect", plan.ramp / plan.procs, plan.concurrency, plan.timeout))
    seconds = time.monotonic() - t0
    await asyncio.sleep(plan.settle)
    after = _rss(pids)
    joined = raw["connected"]
    return {
        "n": plan.n,
        "connected": joined,
        "errors": raw["errors"],
        "join_retried": raw["retried"],
        "seconds": round(seconds, 2),
        "join_ms": latency_summary(raw["latencies"]),
        "rss_before_mb": round(before, 1),
        "rss_after_mb": round(after, 1),
        "rss_per_conn_kb": round((after - before) * 1024 / joined, 1) if joined else None,
    }


async def _votes(
    fleet: Fleet, mod: Moderator, raw: dict[str, Any], seconds_label: str
) -> dict[str, Any]:
    """Figures shared by burst and steady, including the moderator's exact-tally check."""
    expected = add_counts(await fleet.ask("counts"))
    acked = len(raw["latencies"])
    first, last_ack = raw["first_send"], raw["last_ack"]
    since = raw["last_send"] or time.monotonic()
    seen = await mod.wait_for(expected, since, time.monotonic() + 30)
    span = (last_ack - first) if (first and last_ack) else None
    return {
        "sent": raw["sent"],
        "acked": acked,
        "errors": raw["errors"],
        seconds_label: round(span, 3) if span else None,
        "ack_ms": latency_summary(raw["latencies"]),
        "votes_per_s": round(acked / span) if span else None,
        "expected_tally": expected,
        "moderator_tally": mod.latest(),
        "tally_exact": seen is not None,
        "tally_after_last_ack_ms": (
            round((seen - last_ack) * 1000, 1) if (seen is not None and last_ack) else None
        ),
    }


async def _burst(fleet: Fleet, mod: Moderator, plan: Plan) -> dict[str, Any]:
    await mod.open(plan.question)
    at = time.monotonic() + 0.5
    raw = merge(await fleet.ask("burst", at, plan.question, options_of(plan.question)))
    out = await _votes(fleet, mod, raw, "all_acked_s")
    out["send_spread_s"] = round(raw["last_send"] - raw["first_send"], 3) if raw["sent"] else None
    return out


async def _steady(fleet: Fleet, mod: Moderator, plan: Plan) -> dict[str, Any]:
    at = time.monotonic() + 0.5
    per_proc = plan.steady_rate / plan.procs
    raw = merge(
        await fleet.ask(
            "steady", at, per_proc, plan.steady_seconds, plan.question, options_of(plan.question)
        )
    )
    out = await _votes(fleet, mod, raw, "span_s")
    return {"rate": plan.steady_rate, "seconds": plan.steady_seconds, **out}


async def drive(
    url: str,
    plan: Plan,
    server_pids: Callable[[], list[int]],
    hook: Callable[[str], None] | None = None,
    db_url: str | None = None,
) -> dict[str, Any]:
    """Run connect, burst, steady (and qa) against the server at ``url``; return the figures.

    :param server_pids: the processes whose memory counts (gunicorn workers, node).
    :param hook: told each phase's name as it starts, and ``"done"`` (to profile).
    :param db_url: the server's database, where the qa phase counts the upvotes.
    """
    session = await asyncio.to_thread(create_session, url, db_url)
    pids = server_pids()
    fleet = Fleet(url, session["code"], plan)
    result: dict[str, Any] = {"n": plan.n, "plan": plan.__dict__, "server_pids": pids}
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        mod = Moderator(http, url, plan.question)
        try:
            await mod.join(session["code"], session["moderator_secret"])
            phases: list[tuple[str, Callable[[], Awaitable[dict[str, Any]]]]] = [
                ("connect", lambda: _connect(fleet, plan, pids)),
                ("burst", lambda: _burst(fleet, mod, plan)),
                ("steady", lambda: _steady(fleet, mod, plan)),
            ]
            if plan.qa:
                code = session["code"]
                phases.append(("qa", lambda: qa_phase(fleet, mod, plan, db_url, code)))
            for name, phase in phases:
                if hook:
                    hook(name)
                cpu0 = _cpu(pids)
                result[name] = await phase()
                cpu = _cpu(pids) - cpu0
                done = result[name].get("connected", result[name].get("acked"))
                restarted = sorted(server_pids()) != sorted(pids)  # e.g. WORKER TIMEOUT
                result[name]["server_restarted"] = restarted
                if not restarted:
                    result[name]["server_cpu_s"] = round(cpu, 2)
                    each = round(1000 * cpu / done, 3) if done else None
                    result[name]["server_cpu_ms_each"] = each
                pids = server_pids()
                await asyncio.sleep(plan.settle)
            if hook:
                hook("done")
            result["rss_end_mb"] = round(_rss(pids), 1)
            result["tally_messages"] = len(mod.tallies)
            result["qa_messages"] = len(mod.qa)
            result["moderator_reconnects"] = mod.reconnects
        finally:
            await fleet.close()
            await mod.close()
    return result
