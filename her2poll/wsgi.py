"""The WSGI entry point gunicorn loads: ``gunicorn -k gevent -w 1 her2poll.wsgi:app``."""

import gc

from . import create_app

# The statistics (scipy, statsmodels, loaded by core.outcomes) are imported where used,
# so the CLI starts fast; a server imports them now, before it listens: imported inside
# the first live tally or report, they held the worker for seconds while every socket
# waited (an import does not yield to gevent; bench: a 5,000-vote burst took 5.05 s).
from .core import outcomes as _statistics  # noqa: F401

app = create_app()
socketio = app.extensions["socketio"]

# Everything alive now (modules, the app) lives as long as the process: move it
# out of the collector's sight, and collect young objects less often. With
# thousands of connections, full collections were 30-47% of the worker's CPU
# under a vote burst (py-spy --native, bench/README note in issue 7).
gc.freeze()
gc.set_threshold(50_000, 20, 50)

__all__ = ["app", "socketio"]
