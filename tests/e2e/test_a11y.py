"""Accessibility in real Chromium: axe-core on every page in every state, the keyboard alone.

Every state a person meets is checked against the WCAG 2.2 AA rules of axe-core
(testkit/a11y.py): 0 violations. A whole vote and the moderator's open/close/reveal
are done with the keyboard only, and the pages' live regions are read as a screen
reader would hear them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from testkit import a11y
from testkit.a11y import Checked
from testkit.pages import LAPTOP, PHONE, PROJECTOR, SMALL_LAPTOP
from testkit.phones import Phone
from testkit.wait import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def connected(moderator: Any) -> Any:
    expect(moderator.locator("#connection")).to_have_text("Connected")
    return moderator


def card(moderator: Any, question_id: str) -> Any:
    return moderator.locator(f'[data-question="{question_id}"]')


def test_the_front_door_and_error_pages_break_no_wcag_rule(
    live_server: Any, open_page: Any
) -> None:
    check = Checked()
    home = open_page(f"{live_server.url}/", PHONE)
    check(home, "home")
    home.get_by_role("button", name="Join").click()  # empty: the browser's own message
    home.goto(f"{live_server.url}/join?code=")
    expect(home.locator("#code-error")).to_be_visible()
    check(home, "home, no code typed")
    home.goto(f"{live_server.url}/join?code=NOPE99")
    expect(home.locator("#code-error")).to_contain_text("NOPE99")  # the same page, code kept
    expect(home.get_by_label("Join code")).to_have_value("NOPE99")
    check(home, "join with a wrong code")
    home.goto(f"{live_server.url}/no/such/page")
    check(home, "unknown address (404 page)")
    check.done()


def test_the_sign_in_page_and_its_too_many_attempts_page_break_no_wcag_rule(
    open_page: Any, tmp_path: Path, artifacts: Path
) -> None:
    """A server of its own with a low sign-in limit: the shared one must not lock out the
    other tests' organiser (every browser here is 127.0.0.1)."""
    from testkit.servers import LiveServer

    server = LiveServer(
        f"sqlite:///{tmp_path / 'signin.db'}", tmp_path, env={"HER2POLL_LOGIN_RATE": "2 per minute"}
    ).start()
    try:
        check = Checked()
        page = open_page(f"{server.url}/login", LAPTOP, sign_in=False)
        expect(page.get_by_label("E-mail")).to_be_visible()
        check(page, "sign-in page")
        for _ in range(2):
            page.get_by_label("E-mail").fill("organiser@example.org")
            page.get_by_label("Password").fill("not the password")
            page.locator(".login-form button[type=submit]").click()
            expect(page.locator("body")).to_contain_text("do not match")
        check(page, "sign-in page, wrong password")
        page.get_by_label("Password").fill("still not the password")
        page.locator(".login-form button[type=submit]").click()
        expect(page.locator("body")).to_contain_text("Too many sign-in attempts")
        page.screenshot(path=artifacts / "signin-429.png")
        check(page, "too many sign-in attempts (429)")
        page.set_viewport_size(PHONE)
        check(page, "too many sign-in attempts (429), phone")
        check.done()
    finally:
        server.stop()


def test_attendee_pages_in_every_state_break_no_wcag_rule(live_server: Any, open_page: Any) -> None:
    session = live_server.create_session()
    check = Checked()
    moderator = connected(open_page(session["moderator_url"], LAPTOP))
    phone = open_page(session["attendee_url"], PHONE)
    expect(phone.locator("#status")).to_have_text("Connected.")
    check(phone, "attendee waiting")

    pq6 = card(moderator, "PQ6")
    pq6.get_by_role("button", name="Open", exact=True).click()
    expect(phone.locator("#q-text")).to_contain_text("tucatinib")
    check(phone, "attendee, single choice open")
    phone.get_by_role("button", name="Likely", exact=True).click()
    expect(phone.locator("#status")).to_contain_text("Answer recorded")
    check(phone, "attendee answered")
    pq6.get_by_role("button", name="Reveal results").click()
    expect(phone.locator("#results")).to_be_visible()
    check(phone, "attendee, results revealed while open")
    pq6.get_by_role("button", name="Close").click()
    expect(phone.locator("#status")).to_have_text(
        "Voting is closed. Your answer was recorded. Results shown below."
    )
    check(phone, "attendee closed and revealed")
    pq6.get_by_role("button", name="Hide results").click()
    expect(phone.locator("#results")).to_be_hidden()
    check(phone, "attendee closed")

    phone.get_by_role("tab", name="Q&A").click()
    expect(phone.locator("#panel-qa")).to_be_visible()
    check(phone, "attendee Q&A, empty")
    phone.get_by_label("Your question to the panel").fill("What about brain metastases?")
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#qa-mine")).to_contain_text("Waiting for the moderator")
    moderator.get_by_role("tab", name="Audience Q&A").click()
    moderator.locator(".qa-row").first.get_by_role("button", name="Approve").click()
    expect(phone.locator(".qa-item")).to_have_count(1)
    check(phone, "attendee Q&A with a question")
    moderator.get_by_label("Q&A open").uncheck()
    expect(phone.locator("#qa-closed")).to_be_visible()
    check(phone, "attendee Q&A closed")
    check.done()


def test_moderator_and_projector_in_every_state_break_no_wcag_rule(
    live_server: Any, open_page: Any
) -> None:
    session = live_server.create_session()
    check = Checked()
    home = open_page(f"{live_server.url}/moderator", LAPTOP)
    expect(home.locator("table.sessions")).to_be_visible()
    check(home, "moderator home with sessions")
    keyless = open_page(session["moderator_url"].split("#")[0], LAPTOP)
    expect(keyless.locator("#key-form")).to_be_visible()
    check(keyless, "moderator panel asking for its key")
    keyless.get_by_label("Moderator key").fill("not-the-key")
    keyless.get_by_role("button", name="Open panel").click()
    expect(keyless.locator("#alert")).to_contain_text("does not open this session")
    check(keyless, "moderator panel, wrong key")

    moderator = connected(open_page(session["moderator_url"], LAPTOP))
    screen = open_page(session["screen_url"], PROJECTOR)
    expect(screen.locator(".giant-code")).to_have_text(session["code"])
    check(moderator, "moderator panel, nothing asked")
    check(screen, "projector idle")

    moderator.get_by_role("tab", name="Audience Q&A").click()
    expect(moderator.locator("#qa-state")).to_have_text("Q&A is open")
    check(moderator, "moderator Q&A, empty")
    asker = Phone(live_server.url, session["code"]).connect()
    question = {"text": "What about brain metastases?", "client_id": "c1c1c1c1"}
    ack = asker.sio.call("qa_ask", question)
    assert ack and ack.get("ok"), ack
    row = moderator.locator(".qa-row").filter(has_text="brain metastases")
    expect(row).to_be_visible()
    check(moderator, "moderator Q&A, a question pending")
    row.get_by_role("button", name="Approve").click()
    moderator.locator("#qa-tab-approved").click()
    row.get_by_role("button", name="Pin “Now answering”").click()
    expect(screen.locator("#qa-stage")).to_be_visible()
    check(moderator, "moderator Q&A, a question pinned")
    check(screen, "projector, Q&A: now answering")
    moderator.get_by_role("tab", name="Polls").click()

    pq6 = card(moderator, "PQ6")
    pq6.get_by_role("button", name="Open", exact=True).click()
    expect(screen.locator("#s-text")).to_contain_text("tucatinib")
    phones = [asker]
    for option in ["LIKELY", "LIKELY", "VERY_UNLIKELY"]:
        p = Phone(live_server.url, session["code"]).connect()
        p.vote("PQ6", option)
        phones.append(p)
    assert wait_until(lambda: all(p.settled() for p in phones))
    expect(pq6.locator(".q-n")).to_have_text("3 answered")
    expect(pq6.locator(".verdict")).to_be_visible()
    check(moderator, "moderator panel, question open with answers")
    check(screen, "projector, question open (pinned question beside it)")
    pq6.get_by_role("button", name="Reveal results").click()
    expect(screen.locator("#s-n")).to_have_text("3 answers")
    expect(screen.locator("#s-verdict")).to_be_hidden()  # statistics stay on the panel
    check(screen, "projector, results revealed")
    moderator.get_by_role("switch", name="Show statistics to the room").check()
    expect(screen.locator("#s-verdict")).to_be_visible()
    check(moderator, "moderator panel, statistics shown to the room")
    check(screen, "projector, results revealed with statistics")
    pq6.get_by_role("button", name="Close").click()
    expect(pq6.locator(".badge").first).to_have_text("Closed")
    check(moderator, "moderator panel, closed and revealed")
    moderator.locator("#export summary").click()
    check(moderator, "moderator panel, export menu open")
    moderator.keyboard.press("Escape")
    for p in phones:
        p.close()
    check.done()


def tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Press Tab (as a keyboard user would) until ``target`` has the focus."""
    for _ in range(limit):
        if target.evaluate("(el) => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def assert_focus_visible(page: Any) -> None:
    """The focused element draws a ring of at least 2 px (WCAG 2.4.7, 2.4.13's spirit)."""
    ring = page.evaluate(
        """() => {
          const s = getComputedStyle(document.activeElement);
          return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), tag:
                  document.activeElement.tagName, visible: document.activeElement.matches(
                  ":focus-visible")};
        }"""
    )
    assert ring["visible"] and ring["style"] != "none" and ring["width"] >= 2, ring


def test_a_whole_vote_and_its_control_by_keyboard_alone_with_what_a_screen_reader_hears(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    moderator = connected(open_page(session["moderator_url"], LAPTOP))
    phone = open_page(session["attendee_url"], PHONE)
    status, announce = phone.locator("#status"), moderator.locator("#announce")
    expect(status).to_have_text("Connected.")
    for region in (status, announce, moderator.locator("#connection")):
        expect(region).to_have_attribute("role", "status")  # polite live regions

    # The moderator opens question 1 with Tab and Enter; focus stays in its controls.
    pq1 = card(moderator, "PQ1")
    tab_to(moderator, pq1.get_by_role("button", name="Open", exact=True))
    assert_focus_visible(moderator)
    moderator.keyboard.press("Enter")
    expect(announce).to_have_text("Question 1: Open for answers.")
    expect(pq1.get_by_role("button", name="Close")).to_be_focused()
    assert_focus_visible(moderator)
    expect(status).to_have_text("Question open: choose an answer.")

    # The phone answers with Tab and Space, changes its mind with Tab and Enter.
    first = phone.get_by_role("button", name="HER2CLIMB (NCT02614794)")
    tab_to(phone, first)
    assert_focus_visible(phone)
    phone.keyboard.press("Space")
    expect(status).to_have_text("Answer recorded. You can change it while the question is open.")
    expect(first).to_have_attribute("aria-pressed", "true")
    other = phone.get_by_role("button", name="Neoadjuvant studies")
    tab_to(phone, other)
    phone.keyboard.press("Enter")
    expect(other).to_have_attribute("aria-pressed", "true")
    expect(first).to_have_attribute("aria-pressed", "false")
    expect(pq1.locator(".q-n")).to_have_text("1 answered")
    expect(
        pq1.locator("tbody tr").filter(has_text="Neoadjuvant studies").locator("td").first
    ).to_have_text("1")
    phone.screenshot(path=artifacts / "a11y-phone-keyboard-answered.png", full_page=True)

    # Reveal (one Tab on from Close), then back to Close with Shift+Tab.
    moderator.keyboard.press("Tab")
    expect(pq1.get_by_role("button", name="Reveal results")).to_be_focused()
    moderator.keyboard.press("Enter")
    expect(announce).to_have_text("Question 1: Results shown.")
    expect(status).to_have_text(
        "Answer recorded. You can change it while the question is open. Results shown below."
    )
    expect(phone.locator("#results")).to_contain_text("Neoadjuvant studies (your answer)")
    expect(pq1.get_by_role("button", name="Hide results")).to_be_focused()
    moderator.keyboard.press("Shift+Tab")
    expect(pq1.get_by_role("button", name="Close")).to_be_focused()
    moderator.keyboard.press("Enter")
    expect(announce).to_have_text("Question 1: Closed.")
    expect(pq1.get_by_role("button", name="Reopen")).to_be_focused()
    assert_focus_visible(moderator)
    expect(status).to_have_text("Voting is closed. Your answer was recorded. Results shown below.")
    moderator.screenshot(path=artifacts / "a11y-panel-keyboard-closed.png")


# --- in German -----------------------------------------------------------------------

GERMAN = {"locale": "de-DE"}  # the browser sends Accept-Language: de-DE


def fits(page: Any) -> None:
    """Nothing sticks out sideways: long German words wrap instead."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def test_the_room_language_turns_phones_and_projector_german_and_they_stay_accessible(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    check = Checked()
    moderator = connected(open_page(session["moderator_url"], LAPTOP))
    phone = open_page(session["attendee_url"], PHONE)  # an English phone
    screen = open_page(session["screen_url"], PROJECTOR)
    expect(phone.locator("h1")).to_have_text("Waiting for the next question")
    expect(screen.locator("#idle-title")).to_have_text("Join the poll on your phone")

    moderator.get_by_label("Phones and projector show").select_option("de")
    expect(moderator.locator("#room-language-status")).to_have_text(
        "Phones and projector now show Deutsch."
    )
    expect(phone.locator("html")).to_have_attribute("lang", "de")  # reloaded in German
    expect(phone.locator("h1")).to_have_text("Warten auf die nächste Frage")
    expect(phone.locator(".lang-switch")).to_have_count(0)  # the room decides
    expect(screen.locator("#idle-title")).to_have_text(
        "Nehmen Sie mit Ihrem Handy an der Umfrage teil"
    )
    expect(moderator.locator("html")).to_have_attribute("lang", "en")  # the panel keeps its own
    check(phone, "German phone waiting")
    check(screen, "German projector idle")

    pq6 = card(moderator, "PQ6")
    pq6.get_by_role("button", name="Open", exact=True).click()
    expect(phone.locator("#q-pos")).to_have_text("Frage 6 von 6")
    expect(phone.locator("#q-text")).to_contain_text("tucatinib")  # the question as written
    expect(phone.locator("#status")).to_have_text("Frage offen: Wählen Sie eine Antwort.")
    phone.get_by_role("button", name="Likely", exact=True).click()
    expect(phone.locator("#status")).to_have_text(
        "Antwort gespeichert. Sie können sie ändern, solange die Frage offen ist."
    )
    pq6.get_by_role("button", name="Reveal results").click()
    expect(phone.locator("#results-n")).to_have_text("1 Antwort")
    expect(phone.locator("#results")).to_contain_text("Likely (Ihre Antwort)")
    expect(screen.locator("#s-n")).to_have_text("1 Antwort")
    expect(screen.locator("#s-status")).to_have_text(
        "Abstimmung offen · Ergebnisse aktualisieren sich live"
    )
    expect(screen.locator("#s-verdict")).to_be_hidden()  # statistics off: the plain chart
    expect(screen.locator("#s-chart")).to_contain_text("100% (1)")
    moderator.get_by_role("switch", name="Show statistics to the room").check()
    expect(screen.locator("#s-verdict")).to_have_text(
        "Zu wenige Antworten für eine Aussage (n = 1)."
    )
    check(phone, "German phone answered, results shown")
    check(screen, "German projector revealed")
    fits(phone)
    phone.screenshot(path=artifacts / "a11y-de-phone-390-revealed.png", full_page=True)
    screen.screenshot(path=artifacts / "a11y-de-projector-1920-revealed.png")

    phone.get_by_role("tab", name="Fragen").click()
    expect(phone.get_by_label("Ihre Frage an das Podium")).to_be_visible()
    check(phone, "German phone Q&A")
    fits(phone)
    phone.screenshot(path=artifacts / "a11y-de-phone-390-qa.png", full_page=True)

    moderator.get_by_label("Phones and projector show").select_option("")
    expect(moderator.locator("#room-language-status")).to_have_text(
        "Each phone and the projector now show their own language."
    )
    expect(phone.locator("html")).to_have_attribute("lang", "en")  # its browser's again
    check.done()


def test_the_panel_in_german_fits_a_laptop_and_breaks_no_wcag_rule(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    check = Checked()
    home = open_page(f"{live_server.url}/moderator", LAPTOP, **GERMAN)
    expect(home.locator("h1")).to_have_text("Eine Live-Umfrage leiten")
    check(home, "German moderator home")
    for size, name in ((LAPTOP, "1280"), (SMALL_LAPTOP, "1024")):
        moderator = open_page(session["moderator_url"], size, **GERMAN)
        expect(moderator.locator("#connection")).to_have_text("Verbunden")
        pq6 = card(moderator, "PQ6")
        if name == "1280":
            pq6.get_by_role("button", name="Öffnen", exact=True).click()
            expect(pq6.locator(".badge").first).to_have_text("Offen für Antworten")
        expect(pq6.get_by_role("button", name="Ergebnisse zeigen")).to_be_visible()
        check(moderator, f"German moderator panel at {name} px")
        fits(moderator)
        moderator.evaluate("window.scrollTo(0, 0)")
        moderator.screenshot(path=artifacts / f"a11y-de-panel-{name}.png")
        pq6.screenshot(path=artifacts / f"a11y-de-panel-{name}-pq6.png")
        moderator.get_by_role("tab", name="Fragen aus dem Publikum").click()
        expect(moderator.locator("#qa-state")).to_have_text("Fragerunde offen")
        check(moderator, f"German moderator Q&A at {name} px")
        fits(moderator)
        moderator.screenshot(path=artifacts / f"a11y-de-panel-{name}-qa.png")
    check.done()


def test_the_language_switch_on_the_phone(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    phone = open_page(f"{live_server.url}/", PHONE, **GERMAN)
    expect(phone.locator("h1")).to_have_text("An der Umfrage teilnehmen")
    expect(phone.get_by_role("navigation", name="Sprache")).to_be_visible()
    a11y.assert_accessible(phone, "German start page")
    fits(phone)
    phone.screenshot(path=artifacts / "a11y-de-phone-390-home.png", full_page=True)
    phone.get_by_role("link", name="English").click()
    expect(phone.locator("h1")).to_have_text("Join the poll")
    expect(phone.get_by_role("navigation", name="Language")).to_contain_text("Deutsch")
    phone.goto(f"{live_server.url}/join?code=")
    expect(phone.locator("html")).to_have_attribute("lang", "en")  # the choice is kept
    phone.get_by_role("link", name="Deutsch").click()  # back to the same page, in German
    expect(phone.locator("#code-error")).to_have_text(
        "Geben Sie den Code ein, der auf der Leinwand steht."
    )
