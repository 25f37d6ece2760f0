"""Percentiles and merging of the per-process phase figures."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of ``values`` (already sorted), or None if empty.

    Nearest rank, not interpolation: every figure reported is a latency that
    some vote actually had.
    """
    if not values:
        return None
    rank = max(1, math.ceil(p / 100 * len(values)))
    return values[rank - 1]


def latency_summary(latencies: Iterable[float]) -> dict[str, float | None]:
    """p50/p95/p99/max in milliseconds."""
    ordered = sorted(latencies)
    ms = {f"p{p}": percentile(ordered, p) for p in (50, 95, 99)}
    ms["max"] = ordered[-1] if ordered else None
    return {k: (None if v is None else round(v * 1000, 1)) for k, v in ms.items()}


def merge(parts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Join the raw figures of one phase from every load-generator process."""
    errors: Counter[str] = Counter()
    for p in parts:
        errors.update(p["errors"])

    def pick(key: str, fn: Any) -> float | None:
        found = [p[key] for p in parts if p.get(key) is not None]
        return fn(found) if found else None

    return {
        "latencies": [x for p in parts for x in p["latencies"]],
        "errors": dict(errors),
        "sent": sum(p["sent"] for p in parts),
        "first_send": pick("first_send", min),
        "last_send": pick("last_send", max),
        "last_ack": pick("last_ack", max),
        "connected": sum(p.get("connected", 0) for p in parts),
        "retried": sum(p.get("retried", 0) for p in parts),
    }


def add_counts(parts: Sequence[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for p in parts:
        total.update(p)
    return dict(total)
