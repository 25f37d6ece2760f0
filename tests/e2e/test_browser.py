"""The three pages in real Chromium against a real server: what people see.

Assertions are on the text the pages show; screenshots go to test-artifacts/ for
a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from testkit.accounts import EMAIL, PASSWORD
from testkit.phones import Phone
from testkit.wait import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 740}
BUDGET_BYTES = 50 * 1024


def card(moderator: Any, question_id: str) -> Any:
    return moderator.locator(f'[data-question="{question_id}"]')


def row(question_card: Any, option_text: str, exact: bool = True) -> Any:
    """The tally table's row of one option, found by the option's text."""
    header = question_card.page.get_by_role("rowheader", name=option_text, exact=exact)
    return question_card.locator("tbody tr").filter(has=header)


def live_count(question_card: Any, option_text: str) -> Any:
    """The tally table's live count of one option (the row's first cell)."""
    return row(question_card, option_text).locator("td").first


def open_moderator(open_page: Any, session: dict[str, Any]) -> Any:
    moderator = open_page(session["moderator_url"])
    expect(moderator.locator("#connection")).to_have_text("Connected")
    return moderator


def answered(moderator: Any, question_id: str) -> Any:
    return card(moderator, question_id).locator(".q-n")


def error_bars(page: Any, chart: str) -> list[dict[str, Any]]:
    """The chart's error bars (live, published) as plotly holds them: what is drawn."""
    return page.evaluate(
        "(sel) => document.querySelector(sel).data.slice(0, 2).map((t) => t.error_x)", chart
    )


def next_route(page: Any, held: list[Any]) -> Any:
    """The next intercepted request; waiting in the page lets Playwright deliver it."""
    for _ in range(200):
        if held:
            return held.pop(0)
        page.wait_for_timeout(50)
    raise AssertionError("the page sent no request")


def vote(url: str, code: str, question: str, answers: dict[str, int]) -> None:
    """Many attendees at once, without a browser each (testkit/phones.py)."""
    phones = []
    for option, times in answers.items():
        for _ in range(times):
            phone = Phone(url, code).connect()
            phone.vote(question, option)
            phones.append(phone)
    assert wait_until(lambda: all(p.settled() for p in phones))
    for phone in phones:
        assert not phone.refused, phone.refused
        phone.close()


def test_a_live_session_from_open_to_reveal(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    code = session["code"]
    moderator = open_moderator(open_page, session)
    assert "key=" not in moderator.url, "the moderator key must leave the address bar"
    expect(moderator.locator(".big-code")).to_have_text(code)
    expect(moderator.locator("#screen-link")).to_have_attribute("href", session["screen_url"])

    screen = open_page(session["screen_url"], PROJECTOR)
    expect(screen.locator(".giant-code")).to_have_text(code)
    expect(screen.locator("#idle")).to_contain_text(session["attendee_url"])
    screen.screenshot(path=artifacts / "screen-1-idle.png")

    pq6 = card(moderator, "PQ6")
    pq6.get_by_role("button", name="Open", exact=True).click()
    expect(pq6.locator(".badge").first).to_have_text("Open for answers")

    phones = [open_page(session["attendee_url"], PHONE), open_page(session["attendee_url"])]
    phones.append(open_page(f"{live_server.url}/"))
    phones[2].get_by_label("Join code").fill(code.lower())
    phones[2].get_by_role("button", name="Join").click()
    for phone, answer in zip(phones, ["Likely", "Likely", "Very unlikely"], strict=True):
        expect(phone.locator("#q-text")).to_contain_text("tucatinib")
        phone.get_by_role("button", name=answer, exact=True).click()
    for phone in phones:
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    assert phones[0].evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phones[0].screenshot(path=artifacts / "attendee-1-recorded-360px.png", full_page=True)

    expect(answered(moderator, "PQ6")).to_have_text("3 answered")
    likely = row(pq6, "Likely")
    expect(likely).to_contain_text("67%")
    expect(likely).to_contain_text("45%")  # published, beside the live share
    expect(row(card(moderator, "PQ1"), "Other studies", exact=False)).to_contain_text(
        "16% (derived)"
    )
    expect(moderator.locator("#participants")).to_have_text("3")
    expect(pq6.locator("table.tally thead th")).to_have_text(
        ["Answer", "Live", "Live %", "Published"]
    )
    expect(moderator.locator("#legend-derived")).to_be_visible()  # PQ1 has a derived figure
    expect(moderator.locator("#legend-whiskers-published")).to_be_visible()
    expect(pq6.locator(".chart")).to_contain_text("67% (2)")
    expect(pq6.locator(".verdict")).to_have_text("Too few answers to tell (n = 3).")
    live_bars, published_bars = error_bars(moderator, '[data-question="PQ6"] .chart')
    assert all(plus > 0 for plus in live_bars["array"]), live_bars  # 3 answers: wide intervals
    assert all(x is not None for x in published_bars["array"]), published_bars
    moderator.evaluate("window.scrollTo(0, 0)")
    moderator.screenshot(path=artifacts / "moderator-1-three-answers.png", full_page=True)

    expect(screen.locator("#s-text")).to_contain_text("tucatinib")
    expect(screen.locator("#s-options")).to_contain_text("Somewhat unlikely")
    expect(screen.locator("#s-results")).to_be_hidden()  # not revealed yet
    screen.screenshot(path=artifacts / "screen-2-open.png")

    pq6.get_by_role("button", name="Reveal results").click()
    expect(screen.locator("#s-n")).to_have_text("3 answers")
    expect(screen.locator("#s-chart")).to_contain_text("67% (2)")
    expect(screen.locator("#s-chart")).to_contain_text("33% (1)")
    expect(screen.locator("#s-chart")).to_contain_text("Published")
    # Statistics stay on the panel unless the moderator shows them to the room (issue 12).
    expect(screen.locator("#s-verdict")).to_be_hidden()
    expect(screen.locator("#s-ci")).to_be_hidden()
    assert not any(bars["visible"] for bars in error_bars(screen, "#s-chart"))
    screen.screenshot(path=artifacts / "screen-3-revealed.png")
    expect(phones[0].locator("#results")).to_contain_text("Likely (your answer)67% (2)")
    phones[0].screenshot(path=artifacts / "attendee-2-revealed-360px.png", full_page=True)

    pq6.get_by_role("button", name="Close").click()
    expect(phones[1].locator("#status")).to_have_text(
        "Voting is closed. Your answer was recorded. Results shown below."
    )
    expect(screen.locator("#s-status")).to_have_text("Voting is closed")


@pytest.mark.parametrize(
    ("locale", "connected"), [("en-US", "Connected."), ("de-DE", "Verbunden.")]
)
def test_the_attendee_page_transfers_at_most_50_kb(
    live_server: Any, browser: Any, artifacts: Path, locale: str, connected: str
) -> None:
    """In German too: the page then carries its modules' German strings."""
    session = live_server.create_session()
    context = browser.new_context(viewport=PHONE, locale=locale)
    page = context.new_page()
    finished: list[Any] = []
    frames: list[int] = []
    page.on("requestfinished", lambda request: finished.append(request))
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(len(payload))),
    )
    page.goto(session["attendee_url"], wait_until="networkidle")
    expect(page.locator("#status")).to_have_text(connected)

    rows = []
    for request in finished:
        sizes = request.sizes()
        headers = request.response().headers if request.response() else {}
        rows.append(
            {
                "url": request.url,
                "bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                "encoding": headers.get("content-encoding", "none"),
            }
        )
    http = sum(r["bytes"] for r in rows)
    total = http + sum(frames)
    report = {"total_bytes": total, "http_bytes": http, "ws_bytes": sum(frames), "rows": rows}
    (artifacts / f"attendee-weight-{locale}.json").write_text(json.dumps(report, indent=2))
    context.close()

    assert {r["url"].rsplit("/", 1)[-1] for r in rows} >= {"socket.io.min.js", "attendee.js"}
    assert all(r["encoding"] != "none" for r in rows if r["bytes"] > 2000), rows  # compressed
    assert total <= BUDGET_BYTES, report


def test_a_reload_after_voting_still_shows_the_answer_recorded(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    moderator = open_moderator(open_page, session)
    moderator.get_by_role("button", name="Next question").click()
    expect(card(moderator, "PQ1").locator(".badge").first).to_have_text("Open for answers")

    phone = open_page(session["attendee_url"], PHONE)
    phone.get_by_role("button", name="HER2CLIMB (NCT02614794)").click()
    expect(phone.locator("#status")).to_contain_text("Answer recorded")
    phone.reload()
    expect(phone.locator("#status")).to_contain_text("Answer recorded")
    expect(phone.get_by_role("button", name="HER2CLIMB (NCT02614794)")).to_have_attribute(
        "aria-pressed", "true"
    )
    phone.screenshot(path=artifacts / "attendee-3-after-reload.png", full_page=True)

    expect(answered(moderator, "PQ1")).to_have_text("1 answered")
    expect(moderator.locator("#participants")).to_have_text("1")  # the same person, not two
    # A later vote on the same connection: once the moderator shows it, anything the page
    # sent before it (a late duplicate would be a second answer) has been counted too.
    phone.get_by_role("button", name="Neoadjuvant studies").click()
    expect(live_count(card(moderator, "PQ1"), "Neoadjuvant studies")).to_have_text("1")
    expect(live_count(card(moderator, "PQ1"), "HER2CLIMB (NCT02614794)")).to_have_text("0")
    expect(answered(moderator, "PQ1")).to_have_text("1 answered")


def test_a_vote_made_offline_is_sent_once_back_online(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    moderator = open_moderator(open_page, session)
    moderator.get_by_role("button", name="Next question").click()
    phone = open_page(session["attendee_url"], PHONE)
    expect(phone.locator("#status")).to_have_text("Question open: choose an answer.")

    phone.context.set_offline(True)
    expect(phone.locator("#status")).to_have_text("Offline — reconnecting…")
    phone.get_by_role("button", name="Neoadjuvant studies").click()
    expect(phone.locator("#status")).to_have_text(
        "Offline — your answer will be sent when you reconnect."
    )
    phone.screenshot(path=artifacts / "attendee-4-offline.png", full_page=True)
    # Someone else votes after the offline tap: once the moderator shows that vote, its
    # tally is newer than the tap, and the tap is not in it.
    other = Phone(live_server.url, session["code"]).connect()
    other.vote("PQ1", "OTHER")
    assert wait_until(other.settled)
    other.close()
    other_text = "Other studies"
    expect(live_count(card(moderator, "PQ1"), other_text)).to_have_text("1")
    expect(live_count(card(moderator, "PQ1"), "Neoadjuvant studies")).to_have_text("0")
    expect(answered(moderator, "PQ1")).to_have_text("1 answered")

    phone.context.set_offline(False)
    expect(phone.locator("#status")).to_contain_text("Answer recorded")
    expect(answered(moderator, "PQ1")).to_have_text("2 answered")
    expect(live_count(card(moderator, "PQ1"), "Neoadjuvant studies")).to_have_text("1")
    expect(row(card(moderator, "PQ1"), "Neoadjuvant studies")).to_contain_text("50%")
    pending = phone.evaluate(f"localStorage.getItem('her2poll:pending:{session['code']}')")
    assert json.loads(pending) == {}
    # A later vote on the phone's own connection: once the moderator shows it, a second
    # sending of the offline vote (before it on that connection) would have been counted.
    phone.get_by_role("button", name="HER2CLIMB (NCT02614794)").click()
    expect(live_count(card(moderator, "PQ1"), "HER2CLIMB (NCT02614794)")).to_have_text("1")
    expect(live_count(card(moderator, "PQ1"), "Neoadjuvant studies")).to_have_text("0")
    expect(answered(moderator, "PQ1")).to_have_text("2 answered")


def sign_in_page(page: Any) -> None:
    """Sign in on the page's sign-in form as the test organiser (testkit.accounts)."""
    page.get_by_label("E-mail").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # Until the next page has loaded its modules, a key typed and sent with Enter would
    # submit the bare form (no listener yet): wait for "load", as a person would see it.
    page.wait_for_url(lambda u: "/login" not in u, wait_until="load")


def test_the_moderator_creates_a_session_and_reopens_it_with_its_key(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    home = open_page(
        f"{live_server.url}/moderator", viewport={"width": 1280, "height": 800}, sign_in=False
    )
    expect(home).to_have_url(f"{live_server.url}/login?next=/moderator")
    home.screenshot(path=str(artifacts / "login-1280x800.png"), full_page=True)
    sign_in_page(home)
    expect(home).to_have_url(f"{live_server.url}/moderator")
    home.get_by_role("button", name="Create session").click()
    expect(home.locator("#connection")).to_have_text("Connected")
    code = home.locator(".big-code").inner_text()
    assert home.url == f"{live_server.url}/m/{code}"
    # Hidden until asked for: a projector mirroring the laptop must not show it.
    toggle = home.get_by_role("button", name="Show key")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(home.locator("#key-text")).to_be_hidden()
    home.screenshot(path=str(artifacts / "panel-key-hidden-1280x800.png"))
    toggle.click()
    expect(home.get_by_role("button", name="Hide key")).to_have_attribute("aria-expanded", "true")
    expect(home.locator("#key-text")).to_be_visible()
    key = home.locator("#key-text").inner_text()
    assert len(key) > 20  # reopening the panel with it below proves it is the key
    home.get_by_role("button", name="Hide key").click()
    expect(home.locator("#key-text")).to_be_hidden()

    other = open_page(f"{live_server.url}/login", viewport={"width": 390, "height": 844})
    other.screenshot(path=str(artifacts / "login-390x844.png"), full_page=True)
    sign_in_page(other)
    other.get_by_label(f"Moderator key for session {code}").fill("not-the-key")
    other.get_by_label(f"Moderator key for session {code}").press("Enter")
    expect(other.locator("#alert")).to_contain_text("That key does not open this session")
    other.get_by_label("Moderator key").fill(key)
    other.get_by_role("button", name="Open panel").click()
    expect(other.locator("#connection")).to_have_text("Connected")
    expect(card(other, "PQ1")).to_contain_text("Which of the studies")


def test_the_comparison_shows_intervals_a_verdict_and_the_test_in_small_print(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    code = session["code"]
    moderator = open_moderator(open_page, session)
    screen = open_page(session["screen_url"], PROJECTOR)
    pq1, pq6 = card(moderator, "PQ1"), card(moderator, "PQ6")
    expect(pq6.locator(".summary")).to_have_text(
        "Published counts: Consistent only with n = 9 (largest remainder): 2/4/1/2."
    )
    # Known before anyone answers: the article's own figures do not add up.
    expect(pq1.locator(".inconsistent")).to_have_text(
        "The article's figures for this question are inconsistent: no audience of ≤ 12 gives "
        "34%, 25% and 25% together — compared against the printed percentages scaled to 12."
    )

    pq1.get_by_role("button", name="Open", exact=True).click()
    vote(live_server.url, code, "PQ1", {"HER2CLIMB": 4, "NEOADJUVANT": 2})
    expect(answered(moderator, "PQ1")).to_have_text("6 answered")
    expect(pq1.locator(".verdict")).to_contain_text("No clear difference from the published")
    live_bars, published_bars = error_bars(moderator, '[data-question="PQ1"] .chart')
    assert all(plus is not None for plus in live_bars["array"]), live_bars
    # Scaled percentages are not counts: no interval pretends they are.
    assert published_bars["array"] == [None] * 4 and not published_bars["visible"]
    pq1.get_by_role("button", name="Close").click()

    pq6.get_by_role("button", name="Open", exact=True).click()
    answers = {"VERY_LIKELY": 1, "LIKELY": 2, "SOMEWHAT_UNLIKELY": 5, "VERY_UNLIKELY": 14}
    vote(live_server.url, code, "PQ6", answers)
    expect(answered(moderator, "PQ6")).to_have_text("22 answered")
    expect(pq6.locator(".verdict")).to_contain_text(
        "This room leans more towards 'Very unlikely' than the published panel"
    )
    expect(pq6.locator(".test")).to_contain_text("Fisher–Freeman–Halton exact test (2×4), p = ")
    expect(pq6.locator(".test")).to_contain_text("; n = 22 vs 9.")
    live_bars, published_bars = error_bars(moderator, '[data-question="PQ6"] .chart')
    assert len(live_bars["array"]) == 4 and all(x > 0 for x in live_bars["arrayminus"])
    assert all(x > 0 for x in published_bars["array"]), published_bars
    expect(row(pq6, "Very unlikely")).to_contain_text("95% interval")

    # A newcomer changes the head count, not the answers: the charts are not redrawn.
    moderator.evaluate(
        """() => {
          window.redraws = 0;
          const react = window.Plotly.react;
          window.Plotly.react = (...args) => { window.redraws += 1; return react(...args); };
        }"""
    )
    Phone(live_server.url, code).connect().close()
    expect(moderator.locator("#participants")).to_have_text("29")
    assert moderator.evaluate("window.redraws") == 0
    moderator.evaluate("window.scrollTo(0, 0)")
    moderator.screenshot(path=artifacts / "moderator-2-comparison.png", full_page=True)
    pq6.screenshot(path=artifacts / "moderator-3-pq6-card.png")
    pq1.screenshot(path=artifacts / "moderator-4-pq1-inconsistent.png")

    pq6.get_by_role("button", name="Reveal results").click()
    expect(screen.locator("#s-n")).to_have_text("22 answers")
    expect(screen.locator("#s-chart")).to_contain_text("64% (14)")
    # Off by default (issue 12): live beside published, and no statistic on the projector.
    for statistic in ("#s-verdict", "#s-ci", "#s-inconsistent"):
        expect(screen.locator(statistic)).to_be_hidden()
    assert not any(bars["visible"] for bars in error_bars(screen, "#s-chart"))
    screen.screenshot(path=artifacts / "screen-4-revealed-no-statistics.png")

    show_statistics = moderator.get_by_role("switch", name="Show statistics to the room")
    expect(show_statistics).not_to_be_checked()
    show_statistics.check()
    expect(screen.locator("#s-verdict")).to_contain_text("This room leans more towards")
    expect(screen.locator("#s-ci")).to_be_visible()
    assert all(x > 0 for x in error_bars(screen, "#s-chart")[1]["array"])
    screen.screenshot(path=artifacts / "screen-4-verdict.png")

    pq6.get_by_role("button", name="Hide results").click()
    pq1.get_by_role("button", name="Reveal results").click()
    expect(screen.locator("#s-inconsistent")).to_contain_text("inconsistent")
    expect(screen.locator("#s-verdict")).to_contain_text("No clear difference")
    screen.screenshot(path=artifacts / "screen-5-inconsistent.png")
    show_statistics.uncheck()  # and off again: gone from the projector at once
    for statistic in ("#s-verdict", "#s-ci", "#s-inconsistent"):
        expect(screen.locator(statistic)).to_be_hidden()
    expect(moderator.locator('[data-question="PQ1"] .inconsistent')).to_be_visible()


def test_the_export_menu_downloads_with_the_moderator_key(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    code, secret = session["code"], session["moderator_secret"]
    moderator = open_moderator(open_page, session)
    held: list[Any] = []
    moderator.route("**/export.*", lambda route: held.append(route))  # answered below, by hand

    menu = moderator.locator("#export")
    summary = menu.locator("summary")
    summary.focus()
    moderator.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    moderator.keyboard.press("Tab")
    expect(menu.get_by_role("button", name="CSV (zip)")).to_be_focused()
    moderator.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    summary.click()
    with moderator.expect_download() as download:
        menu.get_by_role("button", name="PDF report").click()
        route = next_route(moderator, held)
        expect(menu.locator("#export-status")).to_have_text("Preparing…")  # until it answers
        assert route.request.url == f"{live_server.url}/api/sessions/{code}/export.pdf"
        assert route.request.headers["authorization"] == f"Bearer {secret}"
        route.fulfill(
            status=200,
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="her2poll-{code}-report.pdf"'},
            body=b"%PDF-1.7\n%stub\n",
        )
    assert download.value.suggested_filename == f"her2poll-{code}-report.pdf"
    expect(menu.locator("#export-status")).to_have_text(f"Saved her2poll-{code}-report.pdf.")
    moderator.screenshot(path=artifacts / "moderator-5-export-menu.png")

    with moderator.expect_download() as download:
        menu.get_by_role("button", name="JSON").click()
        next_route(moderator, held).fulfill(status=200, content_type="application/json", body=b"{}")
    assert download.value.suggested_filename == f"her2poll-{code}.json"  # no header: fallback

    menu.get_by_role("button", name="Excel").click()
    next_route(moderator, held).fulfill(
        status=403,
        content_type="application/json",
        body=json.dumps({"ok": False, "code": "bad_secret", "message": "Wrong moderator key."}),
    )
    expect(menu.locator("#export-status")).to_have_text("Export failed: Wrong moderator key.")
