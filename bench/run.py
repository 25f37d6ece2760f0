"""Run the benchmark: ``python -m bench.run --target single --n 5000``.

Each N gets a fresh server, then (unless ``--no-floor``) a fresh bare
python-socketio server (:mod:`bench.floor`, the stack's own floor) and (unless
``--no-peer``) a fresh Node.js peer, all driven by the same load; figures go to
``bench/results/`` as JSON, markdown and a latency-vs-N plot. Everything is
bounded: ramped connects, one burst, ``--steady-seconds`` of fixed-rate votes,
one upvote per attendee over ``--qa-seconds`` (unless ``--no-qa``), then every
process is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from testkit.procs import raise_nofile, wait_quiet

from . import report, targets
from .drive import Plan, drive
from .profile import Profiler, summarize

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--target", choices=("single", "cluster", "floor", "peer"), default="single")
    p.add_argument("--workers", type=int, default=2, help="cluster: her2poll processes")
    p.add_argument("--n", default="5000", help="attendees; a comma list runs each (1000,5000)")
    p.add_argument("--procs", type=int, help="load-generator processes (default: N/4000, ≥ 2)")
    p.add_argument("--ramp", type=float, default=500.0, help="new connections a second")
    p.add_argument("--concurrency", type=int, default=200, help="handshakes in flight per proc")
    p.add_argument("--steady-rate", type=float, default=1000.0, help="votes a second")
    p.add_argument("--steady-seconds", type=float, default=10.0)
    p.add_argument("--no-qa", action="store_true", help="skip the Q&A upvote phase")
    p.add_argument("--qa-seconds", type=float, default=10.0, help="qa: upvotes spread over")
    p.add_argument("--no-deflate", action="store_true", help="don't offer permessage-deflate")
    p.add_argument("--no-peer", action="store_true", help="skip the Node.js reference run")
    p.add_argument(
        "--no-floor",
        action="store_true",
        help="single: skip the bare python-socketio run (the floor is one process)",
    )
    p.add_argument("--profile", action="store_true", help="py-spy the server, per phase")
    p.add_argument("--native", action="store_true", help="with --profile: C frames too")
    p.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="extra environment for the her2poll processes (what-if runs, e.g. GUNICORN_CMD_ARGS)",
    )
    p.add_argument("--db", help="cluster: PostgreSQL URL (default: a fresh database per N)")
    p.add_argument("--port", type=int, help="entry port (single 5200, cluster 8200)")
    p.add_argument("--backend-port", type=int, default=5201, help="cluster: first process port")
    p.add_argument("--peer-port", type=int, default=8290)
    p.add_argument("--floor-port", type=int, default=8291)
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument(
        "--quiet",
        type=float,
        default=0.25,
        help="before each server run, wait up to 3 min until the CPU is under this share busy",
    )
    return p.parse_args(argv)


def _server(args: argparse.Namespace) -> AbstractContextManager[targets.Target]:
    env = dict(kv.split("=", 1) for kv in args.server_env)
    if args.target == "single":
        return targets.single(args.port or 5200, env)
    if args.target == "cluster":
        return targets.cluster(args.workers, args.port or 8200, args.backend_port, args.db, env)
    if args.target == "floor":
        return targets.floor(args.floor_port)
    return targets.peer(args.peer_port)


def _one(
    server: AbstractContextManager[targets.Target],
    plan: Plan,
    profile_to: Path | None,
    native: bool = False,
    quiet: float = 1.0,
    logs_to: Path | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Start a server, drive it, stop it; return its figures and a profile per phase."""
    # Native unwinding pauses the server per sample: sample less often.
    rate = 50 if native else 100
    profiler = Profiler(profile_to, rate=rate, native=native) if profile_to else None
    busy = wait_quiet(quiet, 180)
    with server as target:
        print(f"-> {target.name}: N={plan.n:,} at {target.url}", flush=True)
        if target.cluster is not None and logs_to is not None:
            target.cluster.keep_logs_in = logs_to

        def hook(phase: str) -> None:
            assert profiler is not None
            profiler.stop()  # one file per phase: connecting and voting cost differently
            if phase != "done":
                profiler.start(target.pids(), phase)

        load_before = os.getloadavg()[0]
        result = asyncio.run(
            drive(target.url, plan, target.pids, hook if profiler else None, target.db_url)
        )
        result["server"] = target.name
        result["loadavg"] = [load_before, os.getloadavg()[0]]
        result["busy_before"] = busy
    profiles: dict[str, Any] = {}
    if profiler and profile_to:
        for f in profiler.files:
            profiles[f.stem.removeprefix(f"{profile_to.name}-")] = summarize(f)
    return result, profiles


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                         text=True)  # fmt: skip
    return out.stdout.strip() or "unknown"


def _plans(args: argparse.Namespace) -> Iterator[Plan]:
    for n in (int(x) for x in args.n.split(",")):
        yield Plan(
            n=n,
            procs=args.procs or max(2, math.ceil(n / 4000)),
            ramp=args.ramp,
            concurrency=args.concurrency,
            deflate=not args.no_deflate,
            steady_rate=args.steady_rate,
            steady_seconds=args.steady_seconds,
            qa=not args.no_qa,
            qa_seconds=args.qa_seconds,
        )


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    nofile = raise_nofile()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kind = args.target
    workers = f"{args.workers}" if kind == "cluster" else ""
    stem = f"{stamp}-{kind}{workers}-n{args.n.replace(',', '_')}"
    run: dict[str, Any] = {
        "title": f"her2poll benchmark: {kind}",
        "kind": kind,
        "command": "python -m bench.run " + shlex.join(argv if argv is not None else sys.argv[1:]),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "commit": _commit(),
        "machine": (
            f"{os.cpu_count()} cores shared by the server(s), nginx, the database and the load "
            f"generator; Python {platform.python_version()}; open-files limit {nofile}"
        ),
        "results": [],
        # what-if runs (server environment, no deflate) are plotted apart from plain ones
        "variant": " ".join([*args.server_env, *(["no-deflate"] if args.no_deflate else [])]),
    }
    for plan in _plans(args):
        item: dict[str, Any] = {"n": plan.n}
        if args.target in ("single", "cluster"):
            prof = args.out / f"{stem}-profile-n{plan.n}" if args.profile else None
            item["her2poll"], item["profile"] = _one(
                _server(args), plan, prof, args.native, args.quiet, args.out / f"{stem}-logs"
            )
        if args.target == "floor" or (args.target == "single" and not args.no_floor):
            prof = args.out / f"{stem}-floor-profile-n{plan.n}" if args.profile else None
            item["floor"], floor_profile = _one(
                targets.floor(args.floor_port), plan, prof, args.native, args.quiet
            )
            profiles = item.setdefault("profile", {})
            profiles.update({f"floor {k}": v for k, v in floor_profile.items()})
        if args.target == "peer" or not args.no_peer:
            item["peer"], _ = _one(targets.peer(args.peer_port), plan, None, quiet=args.quiet)
        labels = [k for k, _heading in report.SERVERS if k in item]
        item["loadavg"] = {k: item[k]["loadavg"] for k in labels}
        item["busy_before"] = {k: item[k]["busy_before"] for k in labels}
        run["results"].append(item)
        print(report.table(kind, item.get("her2poll"), item.get("peer"), item.get("floor")))
        print("\n".join(report.ours(item.get("her2poll"), item.get("floor"))), flush=True)
    if run["variant"]:
        run["title"] += f" ({run['variant']})"
    for path in report.write(run, args.out, stem):
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main()
