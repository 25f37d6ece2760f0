"""End-to-end fixtures: a real her2poll server in a subprocess, and headless Chromium.

The server is started the way people start it (``python -m her2poll.cli serve``:
gunicorn with the gevent worker) on a free port and a fresh SQLite file, and it
runs the code of this checkout (see :class:`testkit.servers.LiveServer`).

Browsers: with ``CI=true`` a missing Chromium fails the run; locally it skips.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit.accounts import EMAIL, PASSWORD
from testkit.browser import CHROMIUM_ARGS, chromium_path
from testkit.ci import IN_CI
from testkit.servers import LiveServer

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One real server for all browser tests; tests isolate themselves by session code."""
    with LiveServer.on_sqlite(tmp_path_factory.mktemp("live-server")) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from the system; skipped locally if missing, failed in CI."""
    executable = chromium_path()
    if executable is None:
        if IN_CI:
            pytest.fail("CI=true and Chromium is not installed")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import expect, sync_playwright

    # The panels wait for plotly.js (4.8 MB) to parse before they connect: seconds on a
    # shared, loaded CI host, more than expect's default 5 s allows.
    expect.set_options(timeout=15_000)
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

    def open_(
        url: str, viewport: dict[str, int] | None = None, sign_in: bool = True, **options: Any
    ) -> Any:
        """``options``: more of Playwright's context options (``locale="de-DE"``).

        A page that sends this new browser to the sign-in page is signed in as the test
        organiser (testkit.accounts), as a person would, then goes on where it was asked;
        ``sign_in=False`` stays on the sign-in page.
        """
        context = browser.new_context(viewport=viewport or LAPTOP, **options)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and problems.append(m.text),
        )
        page.goto(url)
        if sign_in and "/login?next=" in page.url and "/login" not in url:
            page.locator("#email").fill(EMAIL)
            page.locator("#password").fill(PASSWORD)
            page.locator(".login-form button[type=submit]").click()
            page.wait_for_url(lambda u: "/login" not in u)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)
