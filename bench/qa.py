"""The Q&A phase: thousands of phones upvote a few questions within seconds.

The moderator turns pre-moderation off (``qa_settings``), a few attendees ask
(``qa_ask``), then every attendee sends one ``qa_upvote`` spread evenly over
``plan.qa_seconds``, on a known split of those questions. Three views must then
agree: what the phones were acknowledged, what the moderator's ``qa`` queue
shows, and what the database holds in ``qa_upvotes``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from sqlalchemy import column, create_engine, func, select, table

from .moderator import Moderator
from .sio import SioError
from .stats import add_counts, latency_summary, merge

if TYPE_CHECKING:
    from .drive import Fleet, Plan

_UPVOTES = table("qa_upvotes", column("question_id"), column("session_id"))
_SESSIONS = table("sessions", column("id"), column("code"))


def db_counts(db_url: str, code: str) -> dict[str, int]:
    """Committed upvotes per question id of the session ``code``, counted in the database."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(_UPVOTES.c.question_id, func.count())
                .join(_SESSIONS, _SESSIONS.c.id == _UPVOTES.c.session_id)
                .where(_SESSIONS.c.code == code)
                .group_by(_UPVOTES.c.question_id)
            ).all()
    finally:
        engine.dispose()
    return dict(sorted(((str(qid), int(n)) for qid, n in rows if n), key=_by_id))


def _by_id(item: tuple[str, int]) -> int:
    return int(item[0])


def planned_split(n: int, ids: list[int]) -> dict[str, int]:
    """Upvotes each question gets if all ``n`` attendees are connected and acked."""
    return dict(Counter(str(ids[i % len(ids)]) for i in range(n)))


async def qa_phase(
    fleet: Fleet, mod: Moderator, plan: Plan, db_url: str | None, code: str
) -> dict[str, Any]:
    try:
        settings = await mod.qa_settings({"open": True, "premoderate": False}, plan.timeout)
    except (RuntimeError, TimeoutError, SioError) as e:  # e.g. a server without Q&A
        return {
            "seconds": plan.qa_seconds,
            "settings_error": f"{type(e).__name__}: {e}",
            "sent": 0,
            "acked": 0,
            "errors": {"qa_settings_failed": 1},
            "ack_ms": {},
        }
    asks = await fleet.ask_one(0, "qa_ask", plan.qa_questions, plan.timeout)
    questions = [a["question"] for a in asks if isinstance(a, dict) and a.get("ok")]
    ids = [int(q["id"]) for q in questions]
    out: dict[str, Any] = {
        "seconds": plan.qa_seconds,
        "settings_ack": settings.get("settings"),
        "questions_asked": len(asks),
        "questions_ok": len(questions),
        "questions_approved": sum(q.get("status") == "approved" for q in questions),
        "ask_errors": dict(Counter(str(a.get("code")) for a in asks if not a.get("ok"))),
        "question_ids": ids,
    }
    if not ids:
        return out | {"sent": 0, "acked": 0, "errors": {"no_question": 1}, "ack_ms": {}}
    at = time.monotonic() + 0.5
    parts = await fleet.ask("qa_upvote", at, plan.qa_seconds, plan.n, ids, plan.timeout)
    raw = merge(parts)
    expected = dict(sorted(add_counts([p["upvoted"] for p in parts]).items(), key=_by_id))
    acked = len(raw["latencies"])
    first, last_ack = raw["first_send"], raw["last_ack"]
    since = raw["last_send"] or time.monotonic()
    seen = await mod.wait_for(expected, since, time.monotonic() + 30, qa=True)
    moderator = dict(sorted(mod.latest_qa().items(), key=_by_id))
    db = await asyncio.to_thread(db_counts, db_url, code) if db_url else None
    during = [t for t, _seq, _votes in mod.qa if t >= at]
    span = (last_ack - first) if (first and last_ack) else None
    want = {k: v for k, v in expected.items() if v}
    return out | {
        "sent": raw["sent"],
        "acked": acked,
        "errors": raw["errors"],
        "unknown": sum(p["unknown"] for p in parts),
        "unchanged": sum(p["unchanged"] for p in parts),
        "send_spread_s": round(raw["last_send"] - first, 3) if raw["sent"] else None,
        "span_s": round(span, 3) if span else None,
        "ack_ms": latency_summary(raw["latencies"]),
        "upvotes_per_s": round(acked / span) if span else None,
        "planned_split": planned_split(plan.n, ids),
        "expected_votes": expected,
        "moderator_votes": moderator,
        "db_votes": db,
        "moderator_exact": seen is not None,
        "moderator_after_last_ack_ms": (
            round((seen - last_ack) * 1000, 1) if (seen is not None and last_ack) else None
        ),
        "qa_messages": len(during),
        # the protocol: at most 10 a second to the moderator (counted here as received)
        "qa_max_per_s": max((sum(t <= u < t + 1 for u in during) for t in during), default=0),
        # None: no database to ask (the in-memory peer)
        "moderator_equals_db": None if db is None else moderator == db,
        "db_equals_acked": None if db is None else db == want,
    }
