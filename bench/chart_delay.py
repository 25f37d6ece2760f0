"""How long from a vote's ack until the moderator's page shows it (run by hand).

Starts a real server, opens the moderator panel in headless Chromium, then
votes from N python-socketio clients one at a time; for each, the time from
the ack to the panel's "k answered" changing. Prints p50/p95/max in ms.

    .venv/bin/python -m bench.chart_delay --votes 30
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import socketio
from playwright.sync_api import sync_playwright

from testkit.browser import CHROMIUM_ARGS
from testkit.servers import LiveServer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(f"sqlite:///{Path(tmp) / 'delay.db'}", Path(tmp)).start()
        try:
            delays = measure(server, args.votes)
        finally:
            server.stop()
    ms = sorted(d * 1000 for d in delays)
    print(
        f"vote ack -> moderator chart, n={len(ms)}: p50 {statistics.median(ms):.0f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms"
    )


def measure(server: LiveServer, votes: int) -> list[float]:
    session = server.create_session()
    delays = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(session["moderator_url"])
        page.wait_for_function(
            "() => document.querySelector('#connection').textContent === 'Connected'"
        )
        mod = socketio.Client(reconnection=False)
        mod.connect(server.url, transports=["websocket"])
        mod.call(
            "join",
            {"code": session["code"], "role": "moderator", "secret": session["moderator_secret"]},
        )
        mod.call("control", {"action": "open", "question_id": "PQ6"})
        selector = '[data-question="PQ6"] .q-n'
        for i in range(votes):
            phone = socketio.Client(reconnection=False)
            phone.connect(server.url, transports=["websocket"])
            phone.call("join", {"code": session["code"]})
            ack = phone.call(
                "vote", {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": f"delay-{i:05d}"}
            )
            acked = time.monotonic()
            assert ack["ok"], ack
            page.wait_for_function(
                "([sel, n]) => document.querySelector(sel).textContent.startsWith(n + ' ')",
                arg=[selector, i + 1],
                polling=5,
            )
            delays.append(time.monotonic() - acked)
            phone.disconnect()
            time.sleep(0.25)  # let the coalescing tick pass so votes are measured alone
        mod.disconnect()
        browser.close()
    return delays


if __name__ == "__main__":
    main()
