"""Time every export format on a large session and report its peak memory.

Builds a session of 10,000 participants × 6 questions (60,000 answers, a tenth of
them changed once) in a temporary SQLite database, or in the PostgreSQL database
given with ``--db``, then exports it in each format in a fresh child process, so
each peak RSS (``resource.getrusage``) is that format's alone. CPU seconds are
printed beside wall seconds because a shared machine's wall clock also counts its
neighbours. ``--tracemalloc``
also reports the peak of Python allocations (slower).

    .venv/bin/python bench/export_bench.py [--participants 10000] [--db URL]
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import resource
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
FORMATS = ("csv", "xlsx", "json", "pdf")


def build(url: str, participants: int) -> str:
    """Create the session through the store's own vote path, in batches like the writer's."""
    db = Database(url)
    db.upgrade()
    questions = load_question_set(ROOT / "questions.json")
    new = create(SqlStore(db), questions, "Export benchmark")
    sid, code = new.state.id, new.state.code
    with db.begin() as conn:
        conn.execute(
            ParticipantRow.__table__.insert(),
            [
                {"session_id": sid, "public_id": f"bench{i:08d}", "created_at": utcnow()}
                for i in range(participants)
            ],
        )
        stmt = select(ParticipantRow.id).where(ParticipantRow.session_id == sid)
        ids = list(conn.execute(stmt).scalars())
    rng = random.Random(1)
    for q in questions.questions:
        polls.apply_action(db, code, q.id, "open")
        votes = [VoteIn(sid, p, q.id, rng.choice(q.option_ids), f"{q.id}-{p}") for p in ids]
        votes += [  # a tenth change their answer
            VoteIn(sid, p, q.id, rng.choice(q.option_ids), f"{q.id}-{p}-b") for p in ids[::10]
        ]
        for start in range(0, len(votes), 2000):
            record_votes(db, votes[start : start + 2000])
        polls.apply_action(db, code, q.id, "close")
    db.dispose()
    return code


def export_once(url: str, code: str, fmt: str, out: Path, trace: bool) -> dict[str, float]:
    """Run in the child: export one format, measure time and memory."""
    import tracemalloc

    from her2poll.exports.formats import FORMATS as SPECS
    from her2poll.exports.formats import export_chunks

    db = Database(url)
    # The writers import their libraries (and the statistics) on first use; load them
    # before the clock starts, so this times the export and not the imports.
    import her2poll.core.results  # noqa: F401

    for module in ("csv_export", "xlsx_export", "json_export", "pdf_report"):
        importlib.import_module(f"her2poll.exports.{module}")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    with out.open("wb") as f:
        for chunk in export_chunks(db, code, SPECS[fmt]):
            f.write(chunk)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_py = tracemalloc.get_traced_memory()[1] if trace else 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "bytes": out.stat().st_size,
        "peak_rss_mib": round(rss / 1024, 1),
        "rss_growth_mib": round((rss - base) / 1024, 1),
        "tracemalloc_peak_mib": round(peak_py / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--child", nargs=3, metavar=("URL", "CODE", "FMT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.child:
            url, code, fmt = args.child
            print(json.dumps(export_once(url, code, fmt, Path(tmp) / "out", args.tracemalloc)))
            return
        url = args.db or f"sqlite:///{tmp}/bench.db"
        t0 = time.perf_counter()
        code = build(url, args.participants)
        took = time.perf_counter() - t0
        print(f"built {args.participants} participants × 6 questions in {took:.1f} s")
        print(f"{'format':6} {'seconds':>8} {'CPU s':>6} {'MB':>7} {'peak RSS MiB':>13}", end="")
        print(f" {'RSS growth':>11} {'tracemalloc':>12}")
        for fmt in FORMATS:
            cmd = [sys.executable, __file__, "--child", url, code, fmt]
            if args.tracemalloc:
                cmd.append("--tracemalloc")
            r = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            print(
                f"{fmt:6} {r['seconds']:8.2f} {r['cpu_seconds']:6.2f} {r['bytes'] / 1e6:7.2f} "
                f"{r['peak_rss_mib']:13.1f} {r['rss_growth_mib']:11.1f} "
                f"{r['tracemalloc_peak_mib']:12.1f}"
            )


if __name__ == "__main__":
    main()
