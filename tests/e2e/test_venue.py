"""Phones must reach it: the panel says when its join link only works on this computer.

The live server binds 127.0.0.1 as in every test; HER2POLL_PUBLIC_URL is a name that
is never opened (the pages are opened on 127.0.0.1 and only their text is checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLIC = "https://poll.example.org"
SCREENSHOT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose phones reach it at PUBLIC (as behind nginx with TLS)."""
    with LiveServer.on_sqlite(
        tmp_path_factory.mktemp("proxied-server"), {"HER2POLL_PUBLIC_URL": PUBLIC + "/"}
    ) as server:
        yield server


def panel(open_page: Any, server: LiveServer, session: dict[str, str]) -> Any:
    """The moderator panel opened on the server itself (127.0.0.1), with the session's key."""
    url = f"{server.url}/m/{session['code']}#key={session['moderator_secret']}"
    page = open_page(url, SCREENSHOT)
    expect(page.locator("#connection")).to_have_text("Connected")
    return page


def test_the_panel_on_127001_warns_that_phones_cannot_open_its_link(
    live_server: LiveServer, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    page = panel(open_page, live_server, session)
    join = page.locator(".join-card")
    note = join.get_by_role("note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Phones cannot open 127.0.0.1")
    expect(note).to_contain_text("her2poll serve --lan")
    expect(note).to_contain_text("HER2POLL_PUBLIC_URL")
    page.screenshot(path=str(artifacts / "moderator-loopback-warning.png"))

    screen = open_page(session["screen_url"], SCREENSHOT)
    expect(screen.locator("body")).to_contain_text(session["code"])
    expect(screen.get_by_text("Phones cannot open")).to_have_count(0)


def test_the_panel_behind_a_public_url_shows_it_and_no_warning(
    proxied_server: LiveServer, open_page: Any
) -> None:
    session = proxied_server.create_session()
    assert session["attendee_url"] == f"{PUBLIC}/j/{session['code']}"
    page = panel(open_page, proxied_server, session)
    join = page.locator(".join-card")
    expect(join.get_by_role("link")).to_have_text(f"{PUBLIC}/j/{session['code']}")
    expect(join.get_by_role("img")).to_have_attribute(
        "alt", f"QR code for {PUBLIC}/j/{session['code']}"
    )
    expect(page.get_by_text("Phones cannot open")).to_have_count(0)
