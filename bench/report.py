"""The run's outputs: a markdown table, a JSON file and a latency-vs-N plot.

Every her2poll figure sits beside the Node.js peer's and their ratio
and the bare python-socketio floor's (:mod:`bench.floor`), with both ratios
(her2poll ÷ floor, her2poll ÷ peer: above 1 means more time or memory; below 1
fewer votes/s), and a line per phase saying how much of the CPU is the stack's.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The issue's targets, per kind of deployment, for the "target" column.
GOALS: dict[str, dict[str, str]] = {
    "single": {
        "connected": "5,000",
        "connect_errors": "0",
        "rss_per_conn_kb": "≤ 60",
        "cpu_per_join": "≤ 1.5",
        "cpu_per_vote": "≤ 0.35",
        "votes_per_s": "≥ 0.6× peer",
        "all_acked_s": "≤ 1.5",
        "steady_p99": "≤ 500",
        "tally_ms": "≤ 250",
        "qa_acked": "N within 10 s",
        "qa_db": "yes",
    },
    "cluster": {
        "connected": "15,000",
        "connect_errors": "0",
        "all_acked_s": "all acked",
        "exact": "exact",
        "steady_p99": "≤ 500",
        "join_p99": "≤ 2,000",
    },
}


def _num(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "**no**"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:,.1f}" if abs(v) >= 10 else f"{v:,.3g}"
    return f"{int(v):,}" if isinstance(v, int | float) else str(v)


def _ratio(a: Any, b: Any) -> str:
    if isinstance(a, bool) or not isinstance(a, int | float) or not isinstance(b, int | float):
        return ""
    return f"{a / b:.2f}×" if b > 0 and a >= 0 else ""  # a signed delay has no ratio


def _errors(phase: dict[str, Any]) -> int:
    return sum(v for k, v in phase["errors"].items() if k != "skipped_busy")


PHASES = ("connect", "burst", "steady", "qa")


def _restarted(r: dict[str, Any]) -> str:
    """A killed worker (gunicorn's WORKER TIMEOUT) drops every connection it held."""
    hit = [p for p in PHASES if r.get(p, {}).get("server_restarted")]
    return f"**yes ({', '.join(hit)})**" if hit else "no"


def _qa_rows(q: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """The Q&A phase's rows; every value ``None`` when this server did not run it."""
    ack = q.get("ack_ms") or {}
    sent, acked = q.get("sent"), q.get("acked")
    both = f"{acked:,} / {sent:,}" if sent is not None and acked is not None else None
    errors = _errors(q) if "errors" in q else None
    asked = q.get("questions_asked")
    approved = f"{q['questions_approved']} / {asked}" if asked is not None else None
    return [
        ("qa", "questions approved on ask", approved),
        ("qa", "upvotes acked / sent", both),
        ("qa", "upvote errors", errors),
        ("qa", "acked upvotes/s", q.get("upvotes_per_s")),
        ("qa", "ack p50 ms", ack.get("p50")),
        ("qa", "ack p99 ms", ack.get("p99")),
        ("qa", "ack max ms", ack.get("max")),
        ("qa", "server CPU ms per upvote", q.get("server_cpu_ms_each")),
        ("qa", "moderator votes exact", q.get("moderator_exact")),
        ("qa", "moderator after last ack ms", q.get("moderator_after_last_ack_ms")),
        # as received: the client's reads can bunch what the server spaced ≥ 100 ms apart
        ("qa", "moderator qa messages received, most in 1 s", q.get("qa_max_per_s")),
        ("qa", "moderator counts = DB counts", q.get("moderator_equals_db")),
    ]


def rows(r: dict[str, Any], qa: bool | None = None) -> list[tuple[str, str, Any]]:
    """(phase, metric, value) for one server's result (``qa``: with the Q&A rows)."""
    c, b, s = r["connect"], r["burst"], r["steady"]
    qa_rows = _qa_rows(r.get("qa", {})) if (qa if qa is not None else "qa" in r) else []
    return [
        ("all", "server process restarted", _restarted(r)),
        ("connect", "connected", c["connected"]),
        ("connect", "connect errors", _errors(c)),
        ("connect", "joins retried (retryable refusals)", c.get("join_retried")),
        ("connect", "connect+join p50 ms", c["join_ms"]["p50"]),
        ("connect", "connect+join p99 ms", c["join_ms"]["p99"]),
        ("connect", "server RSS after connect MB", c["rss_after_mb"]),
        ("connect", "RSS per connection KB", c["rss_per_conn_kb"]),
        ("connect", "server CPU ms per connect+join", c.get("server_cpu_ms_each")),
        ("burst", "votes acked", b["acked"]),
        ("burst", "vote errors", _errors(b)),
        ("burst", "all acked in s", b["all_acked_s"]),
        ("burst", "ack p50 ms", b["ack_ms"]["p50"]),
        ("burst", "ack p95 ms", b["ack_ms"]["p95"]),
        ("burst", "ack p99 ms", b["ack_ms"]["p99"]),
        ("burst", "durable votes/s", b["votes_per_s"]),
        ("burst", "server CPU ms per vote", b.get("server_cpu_ms_each")),
        ("burst", "moderator tally exact", b["tally_exact"]),
        ("burst", "tally after last ack ms", b["tally_after_last_ack_ms"]),
        ("steady", "votes acked / sent", f"{s['acked']:,} / {s['sent']:,}"),
        ("steady", "vote errors", _errors(s)),
        ("steady", "ack p50 ms", s["ack_ms"]["p50"]),
        ("steady", "ack p99 ms", s["ack_ms"]["p99"]),
        ("steady", "ack max ms", s["ack_ms"]["max"]),
        ("steady", "server CPU ms per vote", s.get("server_cpu_ms_each")),
        ("steady", "moderator tally exact", s["tally_exact"]),
        ("steady", "tally after last ack ms", s["tally_after_last_ack_ms"]),
        *qa_rows,
    ]


_GOAL_OF = {
    "connected": "connected",
    "connect errors": "connect_errors",
    "RSS per connection KB": "rss_per_conn_kb",
    "all acked in s": "all_acked_s",
    "tally after last ack ms": "tally_ms",
    "moderator tally exact": "exact",
    "upvotes acked / sent": "qa_acked",
    "moderator counts = DB counts": "qa_db",
}


#: The servers of one run, in the table's order: (result key, column heading).
SERVERS = (("her2poll", "her2poll"), ("floor", "python-socketio floor"), ("peer", "Node peer"))


def table(
    kind: str,
    main: dict[str, Any] | None,
    peer: dict[str, Any] | None,
    floor: dict[str, Any] | None = None,
) -> str:
    """One markdown table: metric, target, her2poll, floor, peer, her2poll ÷ floor, ÷ peer."""
    goals = GOALS.get(kind, {})
    lines = [
        "| phase | metric | target | her2poll | python-socketio floor | Node peer "
        "| her2poll ÷ floor | her2poll ÷ peer |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    qa = any("qa" in r for r in (main, floor, peer) if r)
    base = rows(main or floor or peer, qa)  # type: ignore[arg-type]
    mine = rows(main, qa) if main else [None] * len(base)
    bare = rows(floor, qa) if floor else [None] * len(base)
    theirs = rows(peer, qa) if peer else [None] * len(base)
    for (phase, metric, _v), m, f, p in zip(base, mine, bare, theirs, strict=True):
        goal = goals.get(_GOAL_OF.get(metric, ""), "")
        if metric == "ack p99 ms" and phase == "steady":
            goal = goals.get("steady_p99", "")
        if metric == "connect+join p99 ms":
            goal = goals.get("join_p99", "")
        if metric == "server CPU ms per vote":
            goal = goals.get("cpu_per_vote", "")
        if metric == "server CPU ms per connect+join":
            goal = goals.get("cpu_per_join", "")
        if metric == "durable votes/s" and phase == "burst":
            goal = goals.get("votes_per_s", "")
        if phase == "qa" and metric == "moderator counts = DB counts" and not main:
            goal = ""  # the peer keeps no database
        mv, fv, pv = (m[2] if m else None), (f[2] if f else None), (p[2] if p else None)
        lines.append(
            f"| {phase} | {metric} | {goal} | {_num(mv)} | {_num(fv)} | {_num(pv)} "
            f"| {_ratio(mv, fv)} | {_ratio(mv, pv)} |"
        )
    return "\n".join(lines)


def ours(main: dict[str, Any] | None, floor: dict[str, Any] | None) -> list[str]:
    """How much of her2poll's server CPU the bare stack spends too, and how much is ours."""
    if not main or not floor:
        return []
    out = []
    for phase, what in (("connect", "connect+join"), ("burst", "vote"), ("steady", "vote")):
        m = main.get(phase, {}).get("server_cpu_ms_each")
        f = floor.get(phase, {}).get("server_cpu_ms_each")
        if isinstance(m, int | float) and isinstance(f, int | float) and m > 0:
            out.append(
                f"- {phase}: {m:.3f} ms server CPU per {what}; the stack's floor {f:.3f} ms "
                f"({f / m:.0%}), ours {m - f:.3f} ms ({(m - f) / m:.0%})"
            )
    return out


def markdown(run: dict[str, Any]) -> str:
    parts = [
        f"# {run['title']}",
        "",
        f"`{run['command']}`  ",
        f"{run['started']}, commit `{run['commit']}`; {run['machine']}",
        "",
    ]
    for item in run["results"]:
        load = ", ".join(f"{k} {v[0]:.1f} → {v[1]:.1f}" for k, v in item.get("loadavg", {}).items())
        busy = ", ".join(f"{k} {v:.0%}" for k, v in item.get("busy_before", {}).items())
        parts += [f"## N = {item['n']:,}", ""]
        parts += [f"Load average (start → end): {load}; CPU busy before start: {busy}.", ""]
        parts += [table(run["kind"], item.get("her2poll"), item.get("peer"), item.get("floor"))]
        parts += ["", *ours(item.get("her2poll"), item.get("floor")), ""]
        for label, _heading in SERVERS:
            errs = _all_errors(item.get(label))
            if errs:
                parts.append(f"- {label} errors: `{json.dumps(errs)}`")
            qa = (item.get(label) or {}).get("qa")
            if qa and qa.get("settings_error"):
                parts.append(f"- {label} qa_settings failed: `{qa['settings_error']}`")
            if qa and "expected_votes" in qa:
                views = {k: qa.get(k) for k in ("expected_votes", "moderator_votes", "db_votes")}
                parts.append(f"- {label} qa upvotes per question (acked, moderator, DB): "
                             f"`{json.dumps(views)}`")  # fmt: skip
        for name, summary in (item.get("profile") or {}).items():
            parts += ["", f"### py-spy {name}: share of samples", ""]
            parts.append(f"- {summary.get('samples', [('', 0)])[0][1]} samples")
            parts += [f"  - self {pct}% `{f}`" for f, pct in summary["self"][:12]]
            parts += [f"  - total {pct}% `{f}`" for f, pct in summary["total"][:20]]
        parts.append("")
    return "\n".join(parts)


def _all_errors(r: dict[str, Any] | None) -> dict[str, dict[str, int]]:
    if not r:
        return {}
    return {ph: r[ph]["errors"] for ph in PHASES if r.get(ph, {}).get("errors")}


def write(run: dict[str, Any], out_dir: Path, stem: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    js, md = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    js.write_text(json.dumps(run, indent=1, default=str))
    md.write_text(markdown(run))
    return [js, md, *plot(out_dir, run["kind"], stem, run.get("variant", ""))]


def _history(out_dir: Path, kind: str, variant: str) -> dict[tuple[str, int], dict[str, Any]]:
    """Newest result per (server, N) of this kind and variant, from every run in ``out_dir``."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for path in sorted(out_dir.glob("*.json")):
        try:
            run = json.loads(path.read_text())
        except (ValueError, OSError):
            continue
        if run.get("kind") != kind or run.get("variant", "") != variant:
            continue
        for item in run.get("results", []):
            for label, _heading in SERVERS:
                if item.get(label):
                    found[(label, item["n"])] = item[label]
    return found


def plot(out_dir: Path, kind: str, stem: str, variant: str = "") -> Sequence[Path]:
    """Ack latency against N for this kind, from all its runs so far (HTML, and PNG if kaleido)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    history = _history(out_dir, kind, variant)
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=("burst: ack latency", "steady: ack latency")
    )
    for label, dash in (("her2poll", "solid"), ("floor", "dash"), ("peer", "dot")):
        ns = sorted(n for (lab, n) in history if lab == label)
        for col, phase, keys in ((1, "burst", ("p50", "p99")), (2, "steady", ("p50", "p99"))):
            for key in keys:
                ys = [history[(label, n)][phase]["ack_ms"][key] for n in ns]
                fig.add_trace(
                    go.Scatter(x=ns, y=ys, name=f"{label} {phase} {key}", mode="lines+markers",
                               line={"dash": dash}),
                    row=1, col=col,
                )  # fmt: skip
    fig.update_xaxes(title_text="connected attendees (N)")
    fig.update_yaxes(title_text="ms", rangemode="tozero")
    title = f"her2poll vs python-socketio floor vs Node peer: {kind}"
    title += f" ({variant})" if variant else ""
    fig.update_layout(title=title, width=1100, height=450)
    html = out_dir / f"{stem}-latency.html"
    fig.write_html(html, include_plotlyjs=True)
    written: list[Path] = [html]
    png = out_dir / f"{stem}-latency.png"
    try:
        if Path("/usr/bin/chromium").exists():  # kaleido finds no Chrome of its own here
            os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
        fig.write_image(png)
        written.append(png)
    except Exception as e:  # noqa: BLE001 - kaleido or Chromium missing: HTML only
        print(f"PNG not written ({type(e).__name__}: {e}); HTML only")
    return written
