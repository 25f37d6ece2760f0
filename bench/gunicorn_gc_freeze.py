"""What-if gunicorn config for the benchmark only: keep old objects out of the collector.

py-spy --native shows CPython's cyclic garbage collector taking 30-47% of the
worker's CPU under load: thousands of connections are millions of long-lived
objects (greenlets, frames, sockets) that every full collection walks again.
``gc.freeze()`` moves everything alive into a permanent generation that
collections skip. Run with:
``python -m bench.run --target single --server-env GUNICORN_CMD_ARGS=-cbench/gunicorn_gc_freeze.py``
"""

from __future__ import annotations

import gc
from typing import Any

FREEZE_EVERY = 5.0  # seconds


def post_worker_init(worker: Any) -> None:
    import gevent

    def freezer() -> None:
        while True:
            gevent.sleep(FREEZE_EVERY)
            gc.freeze()

    gc.freeze()
    gevent.spawn(freezer)
