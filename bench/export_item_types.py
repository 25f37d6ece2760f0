"""Time the CSV and XLSX (and JSON, PDF) exports of a session of every item type.

Like ``export_bench.py`` (whose child process does the timing), but the session is
examples/all-item-types.json answered by every participant: single choice with a
confidence, multiple choice, rating, a number, an open text, a ranking.

    .venv/bin/python bench/export_item_types.py [--participants 10000] [--db URL]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from her2poll.core.questions import load_question_set
from her2poll.services.sessions import create
from her2poll.store import polls
from her2poll.store.db import Database
from her2poll.store.models import ParticipantRow, utcnow
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_votes

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent / "export_bench.py"
WORDS = "MRI access time cost staff slots referral imaging guidelines waiting list".split()


def answer(rng: random.Random, item_id: str, options: list[str]) -> dict[str, object]:
    """A random answer in the field its item type takes."""
    if item_id == "SCREEN":
        return {"option_ids": tuple(o for o in options if rng.random() < 0.6) or (options[0],)}
    if item_id == "PRIORITY":
        return {"option_ids": tuple(rng.sample(options, 3))}
    if item_id == "SHARE":
        return {"value": float(rng.randint(0, 100))}
    if item_id == "BARRIER":
        return {"text": " ".join(rng.sample(WORDS, rng.randint(1, 5)))}
    return {"option_id": rng.choice(options)}


def build(url: str, participants: int) -> str:
    db = Database(url)
    db.upgrade()
    qs = load_question_set(ROOT / "examples" / "all-item-types.json")
    new = create(SqlStore(db), qs, "Export benchmark, every item type")
    sid, code = new.state.id, new.state.code
    with db.begin() as conn:
        conn.execute(
            ParticipantRow.__table__.insert(),
            [{"session_id": sid, "public_id": f"bench{i:08d}", "created_at": utcnow()}
             for i in range(participants)],
        )  # fmt: skip
        ids = list(
            conn.execute(
                select(ParticipantRow.id).where(ParticipantRow.session_id == sid)
            ).scalars()
        )
    rng = random.Random(1)
    for q in qs.questions:
        polls.apply_action(db, code, q.id, "open")
        options = [o.id for o in getattr(q, "options", ())]
        votes = []
        for p in ids:
            fields = answer(rng, q.id, options)
            votes.append(VoteIn(
                sid, p, q.id, fields.pop("option_id", None), f"{q.id}-{p}",
                confidence=rng.randint(1, 4) if q.confidence else None, **fields,  # type: ignore[arg-type]
            ))  # fmt: skip
        for start in range(0, len(votes), 2000):
            record_votes(db, votes[start : start + 2000])
        polls.apply_action(db, code, q.id, "close")
    db.dispose()
    return code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--formats", default="csv,xlsx,json,pdf")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        code = build(url, args.participants)
        print(f"built {args.participants} participants × 6 item types in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        print(f"{'format':6} {'seconds':>8} {'CPU s':>6} {'MB':>7} {'peak RSS MiB':>13}")
        for fmt in args.formats.split(","):
            cmd = [sys.executable, str(BENCH), "--child", url, code, fmt]
            r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            print(f"{fmt:6} {r['seconds']:8.2f} {r['cpu_seconds']:6.2f} {r['bytes'] / 1e6:7.2f} "
                  f"{r['peak_rss_mib']:13.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
