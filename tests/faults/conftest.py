"""Fault tests kill servers under live clients; collect what that leaves behind here."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def collect_dead_client_sockets() -> Iterator[None]:
    """websocket-client drops a socket without closing it when its server dies.

    Collect those objects inside the fault test (whose marks ignore the
    ResourceWarning), not later in some unrelated test's set-up.
    """
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
