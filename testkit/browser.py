"""Headless Chromium as the browser tests and the chart-delay benchmark launch it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    """The system's Chromium: ``HER2POLL_CHROMIUM``, else ``chromium`` on the PATH."""
    return (
        os.environ.get("HER2POLL_CHROMIUM")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )
