"""A phone that reloads while its vote is in flight: counted once, never lost.

The vote frame is held back on its way to the server (Playwright intercepts the
page's WebSocket), so the tap is pending when the page reloads; the reloaded
page must send it again from localStorage, and the server must count it once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def results(server: Any, session: dict[str, Any]) -> dict[str, Any]:
    r = requests.get(
        f"{server.url}/api/sessions/{session['code']}/results",
        headers={"Authorization": f"Bearer {session['moderator_secret']}"},
        timeout=10,
    )
    r.raise_for_status()
    return next(q for q in r.json()["questions"] if q["question_id"] == "PQ6")


def test_a_vote_pending_at_reload_is_sent_again_and_counted_once(
    live_server: Any, browser: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    m = socketio.Client(reconnection=False)
    m.connect(live_server.url, transports=["websocket"])
    m.call(
        "join",
        {"code": session["code"], "role": "moderator", "secret": session["moderator_secret"]},
    )
    assert m.call("control", {"action": "open", "question_id": "PQ6"})["ok"]

    hold_votes = {"on": True}
    held: list[str] = []

    def relay(ws: Any) -> None:
        server = ws.connect_to_server()

        def to_server(message: str | bytes) -> None:
            if hold_votes["on"] and isinstance(message, str) and '"vote"' in message:
                held.append(message)  # swallowed: the server never sees this frame
                return
            server.send(message)

        ws.on_message(to_server)

    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.route_web_socket("**/socket.io/**", relay)
    page.goto(session["attendee_url"])
    expect(page.locator("#q-text")).to_contain_text("tucatinib")
    page.get_by_role("button", name="Likely", exact=True).click()
    expect(page.locator("#status")).not_to_contain_text("Answer recorded")
    assert held, "the vote frame was sent and held back"
    assert results(live_server, session)["live"]["n"] == 0
    page.screenshot(path=artifacts / "attendee-5-pending-before-reload.png")

    hold_votes["on"] = False
    page.reload()
    expect(page.locator("#status")).to_contain_text("Answer recorded")
    expect(page.get_by_role("button", name="Likely", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    page.screenshot(path=artifacts / "attendee-6-recorded-after-reload.png")
    pq6 = results(live_server, session)
    assert pq6["live"]["n"] == 1
    assert pq6["live"]["counts"]["LIKELY"] == 1
    page.reload()  # and once more: nothing is sent twice
    expect(page.locator("#status")).to_contain_text("Answer recorded")
    assert results(live_server, session)["live"]["n"] == 1
    context.close()
    m.disconnect()
