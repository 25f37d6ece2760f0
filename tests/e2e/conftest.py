"""End-to-end fixtures: a real her2poll server in a subprocess, and headless Chromium.

The server is started the way people start it (``python -m her2poll.cli serve``:
gunicorn with the gevent worker) on a free port and a fresh SQLite file, and it
runs the code of this checkout. Other suites that need a live server can use
:func:`start_server` / :class:`LiveServer` directly or the ``live_server`` fixture.

Browsers: with ``CI=true`` a missing Chromium fails the run; locally it skips.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _port_range() -> range | None:
    """``HER2POLL_TEST_PORTS=5100-5199`` confines test servers to a range (shared hosts)."""
    spec = os.environ.get("HER2POLL_TEST_PORTS", "")
    if not spec:
        return None
    low, _, high = spec.partition("-")
    return range(int(low), int(high or low) + 1)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now: from HER2POLL_TEST_PORTS, else any the OS offers."""
    candidates = _port_range() or [0]
    for port in candidates:
        with socket.socket() as s:
            try:
                s.bind((host, port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise RuntimeError(f"no free port in {os.environ.get('HER2POLL_TEST_PORTS')}")


@dataclass
class LiveServer:
    """A running ``her2poll serve`` process and how to reach it."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def create_session(self, **body: Any) -> dict[str, Any]:
        """POST /api/sessions: the code, the moderator secret and every link."""
        response = self.http.post(f"{self.url}/api/sessions", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def stop(self) -> None:
        """SIGTERM (gunicorn stops gracefully), then SIGKILL if it lingers."""
        self.http.close()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


def start_server(workdir: Path, db_url: str | None = None, timeout: float = 30.0) -> LiveServer:
    """Start ``python -m her2poll.cli serve`` and wait until /healthz answers 200."""
    port = free_port()
    db_url = db_url or f"sqlite:///{workdir / 'e2e.db'}"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "HER2POLL_INSTANCE": str(workdir),
        "HER2POLL_SECRET_KEY": "e2e-test-secret-key",
    }
    cmd = [sys.executable, "-m", "her2poll.cli", "serve", "--port", str(port), "--db", db_url]
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        # A session of its own, so stop() can signal gunicorn and its workers together.
        process = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server not healthy after {timeout} s:\n{server.log_tail()}")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for the test session; tests isolate themselves by session code."""
    server = start_server(tmp_path_factory.mktemp("live-server"))
    try:
        yield server
    finally:
        server.stop()


def chromium_path() -> str | None:
    return (
        os.environ.get("HER2POLL_CHROMIUM")
        or shutil.which("chromium")
        or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system; skipped locally if missing, failed in CI."""
    executable = chromium_path()
    if executable is None:
        if IN_CI:
            pytest.fail("CI=true and Chromium is not installed")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts() -> Path:
    """Where tests save screenshots for people to look at (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


LAPTOP = {"width": 1440, "height": 900}
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a URL in a fresh browser context (its own storage: one person, one device).

    Script errors and Content Security Policy violations on any page fail the test.
    """
    contexts: list[Any] = []
    problems: list[str] = []

    def open_(url: str, viewport: dict[str, int] | None = None) -> Any:
        context = browser.new_context(viewport=viewport or LAPTOP)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and problems.append(m.text),
        )
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)
