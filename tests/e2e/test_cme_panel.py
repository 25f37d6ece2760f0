"""The moderator panel's CME card in Chromium: identity mode, threshold, counts and every file.

A realistic activity (testkit.cme: 12 phones, identified) is written into the live
server's database; the moderator opens the panel with the key, changes the mode and
the threshold, and downloads each file the card offers. axe-core checks each state;
screenshots at laptop, small laptop, projector and phone sizes go to test-artifacts/.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from her2poll.store.db import Database
from testkit import a11y
from testkit.cme import Activity, run_cme_activity
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SIZES = {"1280": (1280, 800), "1024": (1024, 768), "1920": (1920, 1080), "390": (390, 844)}


@pytest.fixture(scope="module")
def activity(live_server: LiveServer) -> Activity:
    db = Database(live_server.db_url)
    try:
        return run_cme_activity(db, live_server.env["HER2POLL_SECRET_KEY"], learners=12)
    finally:
        db.dispose()


def _panel(open_page: Any, live_server: LiveServer, a: Activity, size: tuple[int, int]) -> Any:
    page = open_page(f"{live_server.url}/m/{a.code}#key={a.secret}",
                     {"width": size[0], "height": size[1]})  # fmt: skip
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("#cme-n-learners")).to_have_text("12")  # read from GET …/credit
    return page


def _download(page: Any, button: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.locator(f"#{button}").click()
    d = info.value
    return d.suggested_filename, Path(d.path()).read_bytes()


def test_the_card_shows_the_counts_and_changes_the_mode_and_threshold(
    live_server: LiveServer, open_page: Any, activity: Activity, artifacts: Path
) -> None:
    page = _panel(open_page, live_server, activity, SIZES["1280"])
    card = page.locator("#cme")
    # 12 joined, 10 identified; learners 3–9 answered enough (threshold 50%): 7 met it
    expect(card.locator("#cme-n-identified")).to_have_text("10")
    expect(card.locator("#cme-n-threshold_met")).to_have_text("9")
    expect(card.locator("#cme-n-certificates")).to_have_text("7")
    expect(card.locator("#cme-pars")).to_have_text("PARS: 6 physicians, 4 other learners")
    expect(card.get_by_label("Identified for credit")).to_be_checked()
    expect(card.get_by_label("Participation threshold (% of the items asked)")).to_have_value("50")
    expect(card.locator("#cme-identified-note")).to_contain_text("asked once")
    expect(card.get_by_role("button", name="Follow-up by name (CSV)")).to_be_visible()
    a11y.assert_accessible(page, "panel with the CME card")
    card.screenshot(path=str(artifacts / "cme-card-1280.png"))
    page.screenshot(path=str(artifacts / "cme-panel-1280.png"), full_page=True)

    threshold = card.get_by_label("Participation threshold (% of the items asked)")
    threshold.fill("0")
    card.get_by_role("button", name="Save credit settings").click()
    expect(card.locator("#cme-status")).to_have_text(
        "Give the threshold as a percent above 0 and at most 100."
    )
    a11y.assert_accessible(page, "CME card with a refused threshold")
    card.get_by_label("Anonymous", exact=True).check()
    threshold.fill("60")
    card.get_by_role("button", name="Save credit settings").click()
    expect(card.locator("#cme-status")).to_have_text("Saved: anonymous, threshold 60%.")
    expect(card.locator("#cme-mode-now")).to_have_text("Anonymous")
    expect(card.get_by_role("button", name="Follow-up by name (CSV)")).to_be_hidden()
    auth = {"Authorization": f"Bearer {activity.secret}"}
    saved = requests.get(f"{live_server.url}/api/sessions/{activity.code}/credit", headers=auth,
                         timeout=10).json()  # fmt: skip
    assert (saved["identity_mode"], saved["threshold"]) == ("anonymous", 0.6)
    a11y.assert_accessible(page, "CME card saved anonymous")
    card.screenshot(path=str(artifacts / "cme-card-saved-1280.png"))
    card.get_by_label("Identified for credit").check()
    threshold.fill("50")
    card.get_by_role("button", name="Save credit settings").click()
    expect(card.locator("#cme-status")).to_have_text("Saved: identified for credit, threshold 50%.")
    expect(card.get_by_role("button", name="Follow-up by name (CSV)")).to_be_visible()


def test_every_file_of_the_card_downloads_with_the_moderator_key(
    live_server: LiveServer, open_page: Any, activity: Activity
) -> None:
    page = _panel(open_page, live_server, activity, SIZES["1280"])
    name, pdf = _download(page, "cme-report-pdf")
    assert (name, pdf[:5]) == (f"her2poll-{activity.code}-outcomes.pdf", b"%PDF-")
    expect(page.locator("#cme-download-status")).to_have_text(f"Saved {name}.")
    name, xlsx = _download(page, "cme-report-xlsx")
    assert name.endswith("-outcomes.xlsx") and "xl/workbook.xml" in zipfile.ZipFile(
        io.BytesIO(xlsx)).namelist()  # fmt: skip
    name, data = _download(page, "cme-report-json")
    doc = json.loads(data)
    assert doc["identified"] is True and doc["methods"]["bowker"] is False
    page.locator("#cme-bowker").check()
    _name, data = _download(page, "cme-report-json")
    assert json.loads(data)["methods"]["bowker"] is True
    name, sheet = _download(page, "cme-attendance")
    assert name == f"attendance-{activity.code}.csv"
    assert sheet.decode("utf-8-sig").startswith("name,email,profession")
    name, zipped = _download(page, "cme-certificates")
    pdfs = [n for n in zipfile.ZipFile(io.BytesIO(zipped)).namelist() if n.endswith(".pdf")]
    assert name == f"certificates-{activity.code}.zip" and len(pdfs) == 7
    name, follow = _download(page, "cme-follow-up")
    assert name == f"follow-up-{activity.code}.csv"
    rows = follow.decode("utf-8-sig").splitlines()
    assert rows[0] == "name,email,profession,statement,intent,intent_value" and len(rows) == 8
    a11y.assert_accessible(page, "CME card after the downloads")


def test_a_failed_download_says_why(
    live_server: LiveServer, open_page: Any, activity: Activity
) -> None:
    page = _panel(open_page, live_server, activity, SIZES["1280"])
    # the session turns anonymous behind the panel's back: the follow-up file is refused
    auth = {"Authorization": f"Bearer {activity.secret}"}
    requests.put(f"{live_server.url}/api/sessions/{activity.code}/credit", headers=auth,
                 json={"identity_mode": "anonymous"}, timeout=10).raise_for_status()  # fmt: skip
    page.locator("#cme-follow-up").click()
    expect(page.locator("#cme-download-status")).to_contain_text(
        "Export failed: This session is anonymous"
    )
    a11y.assert_accessible(page, "CME card with a failed download")
    requests.put(f"{live_server.url}/api/sessions/{activity.code}/credit", headers=auth,
                 json={"identity_mode": "identified"}, timeout=10).raise_for_status()  # fmt: skip


@pytest.mark.parametrize("size", ["1024", "1920", "390"])
def test_the_card_at_other_sizes(
    live_server: LiveServer, open_page: Any, activity: Activity, artifacts: Path, size: str
) -> None:
    page = _panel(open_page, live_server, activity, SIZES[size])
    card = page.locator("#cme")
    card.scroll_into_view_if_needed()
    a11y.assert_accessible(page, f"CME card at {size} px")
    card.screenshot(path=str(artifacts / f"cme-card-{size}.png"))
    page.screenshot(path=str(artifacts / f"cme-panel-{size}.png"), full_page=True)
    if size != "390":  # the sidebar sticks and scrolls on its own: its foot stays reachable
        page.evaluate("window.scrollTo(0, 3000)")
        side = page.locator(".panel-side")
        side.evaluate("e => { e.scrollTop = e.scrollHeight; }")
        expect(page.locator("#key-toggle")).to_be_in_viewport()
        page.screenshot(path=str(artifacts / f"cme-panel-{size}-scrolled.png"))


def test_the_card_in_german(
    live_server: LiveServer, open_page: Any, activity: Activity, artifacts: Path
) -> None:
    page = open_page(f"{live_server.url}/m/{activity.code}#key={activity.secret}",
                     {"width": 1280, "height": 1400}, locale="de-DE")  # fmt: skip
    card = page.locator("#cme")
    expect(card.locator("#cme-n-learners")).to_have_text("12")
    expect(card.get_by_role("heading", name="CME-Punkte und Lernerfolg")).to_be_visible()
    expect(card.locator("#cme-pars")).to_have_text(
        "PARS: 6 Ärztinnen und Ärzte, 4 weitere Teilnehmende"
    )
    a11y.assert_accessible(page, "CME card in German")
    card.screenshot(path=str(artifacts / "cme-card-de-1280.png"))
