"""Audience Q&A in real Chromium against a real server: a moderator, a projector, three phones.

Assertions are on what each page shows; every wait is on the page (``expect``), never a
sleep. Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
PANEL = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}

TYPO = "What about brain metastses?"
FIXED = "What about brain metastases?"
DUPLICATE = "Brain mets: what do we do?"
OTHER = "Is tucatinib worth it after T-DXd?"


def open_phone(open_page: Any, session: dict[str, Any]) -> Any:
    phone = open_page(session["attendee_url"], PHONE)
    expect(phone.locator("#status")).to_have_text("Connected.")
    tab = phone.get_by_role("tab", name="Q&A")
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")
    return phone


def ask(phone: Any, text: str) -> None:
    phone.get_by_label("Your question to the panel").fill(text)
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#qa-mine")).to_contain_text(text)


def room_item(phone: Any, text: str) -> Any:
    return phone.locator(".qa-item").filter(has_text=text)


def upvote(phone: Any, text: str) -> Any:
    return room_item(phone, text).locator("button.upvote")


def queue_row(moderator: Any, text: str) -> Any:
    return moderator.locator(".qa-row").filter(has_text=text)


def show_tab(moderator: Any, name: str) -> None:
    tab = moderator.locator(f"#qa-tab-{name}")
    tab.click()
    expect(tab).to_have_attribute("aria-pressed", "true")


def test_audience_qa_from_asking_to_closing(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    moderator = open_page(session["moderator_url"], PANEL)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.get_by_role("tab", name="Audience Q&A").click()
    expect(moderator.locator("#qa-state")).to_have_text("Q&A is open")
    screen = open_page(session["screen_url"], PROJECTOR)
    expect(screen.locator(".giant-code")).to_have_text(session["code"])
    ana, ben, cy = (open_phone(open_page, session) for _ in range(3))

    # Pre-moderation is on: the question waits until the moderator approves it.
    ask(ana, TYPO)
    expect(ana.locator("#qa-mine")).to_contain_text("Waiting for the moderator")
    expect(ana.get_by_label("Your question to the panel")).to_have_value("")
    expect(moderator.locator("#qa-counts")).to_contain_text("1 pending")
    expect(moderator.get_by_role("tab", name="Audience Q&A")).to_contain_text("1 pending")
    expect(room_item(ben, TYPO)).to_have_count(0)
    moderator.screenshot(path=artifacts / "qa-panel-1-pending.png")
    queue_row(moderator, TYPO).get_by_role("button", name="Approve").click()
    expect(room_item(ben, TYPO)).to_be_visible()
    expect(ana.locator("#qa-mine")).to_contain_text("Shown to the room")

    # Without pre-moderation questions go straight to the room; a filtered word still waits.
    moderator.get_by_label("Pre-moderation").uncheck()
    expect(moderator.get_by_label("Pre-moderation")).not_to_be_checked()
    moderator.get_by_role("textbox", name="Word filter").fill("advert\nspam")
    moderator.get_by_role("button", name="Save filter").click()
    expect(moderator.locator("#qa-filter-status")).to_have_text("Saved: 2 words.")
    ask(ben, DUPLICATE)
    ask(cy, OTHER)
    ask(cy, "Come to our advert booth")
    expect(room_item(ana, DUPLICATE)).to_be_visible()
    expect(room_item(ana, OTHER)).to_be_visible()
    expect(cy.locator("#qa-mine")).to_contain_text("Waiting for the moderator")
    show_tab(moderator, "pending")
    expect(queue_row(moderator, "advert booth")).to_contain_text("held: filtered word")

    # Upvotes toggle; the count follows.
    upvote(ben, TYPO).click()
    upvote(cy, TYPO).click()
    upvote(ana, DUPLICATE).click()
    expect(upvote(ben, TYPO)).to_have_attribute("aria-pressed", "true")
    expect(upvote(ana, TYPO)).to_have_text("▲ 2")
    upvote(cy, TYPO).click()
    expect(upvote(cy, TYPO)).to_have_attribute("aria-pressed", "false")
    expect(upvote(ana, TYPO)).to_have_text("▲ 1")
    upvote(cy, TYPO).click()
    expect(upvote(ana, TYPO)).to_have_text("▲ 2")
    expect(ana.locator(".qa-item").first).to_contain_text(TYPO)  # most votes first
    ana.get_by_role("button", name="Newest", exact=True).click()
    expect(ana.get_by_role("button", name="Newest", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(ana.locator(".qa-item").first).to_contain_text(OTHER)
    ana.get_by_role("button", name="Top", exact=True).click()

    # A typo fixed by the moderator reaches every phone.
    show_tab(moderator, "approved")
    typo = queue_row(moderator, TYPO)
    typo.get_by_role("button", name="Edit").click()
    typo.get_by_label("Corrected question").fill(FIXED)
    typo.get_by_role("button", name="Save", exact=True).click()
    expect(queue_row(moderator, FIXED)).to_contain_text("edited")
    expect(room_item(cy, FIXED)).to_be_visible()
    expect(ana.locator("#qa-mine")).to_contain_text(FIXED)  # the asker sees the fix too

    # Pinned: the projector shows it large, the phones mark it.
    queue_row(moderator, FIXED).get_by_role("button", name="Pin “Now answering”").click()
    expect(screen.locator("#qa-stage")).to_be_visible()
    expect(screen.locator("#qa-now-label")).to_have_text("Now answering")
    expect(screen.locator("#qa-now-text")).to_have_text(FIXED)
    expect(screen.locator("#qa-now-meta")).to_have_text("2 votes")
    expect(screen.locator("#qa-top")).to_contain_text(DUPLICATE)
    expect(screen.locator("#qa-stage")).not_to_contain_text("advert")  # held: never shown
    expect(room_item(ben, FIXED)).to_contain_text("Now answering")
    screen.screenshot(path=artifacts / "qa-screen-1-now-answering.png")
    ben.screenshot(path=artifacts / "qa-phone-1-now-answering.png", full_page=True)
    assert ben.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # A duplicate merged: its upvote (Ana's) moves to the pinned question.
    target = f"#{_id(moderator, FIXED)}: {FIXED}"
    duplicate = queue_row(moderator, DUPLICATE)
    duplicate.get_by_role("button", name="Merge into…").click()
    duplicate.get_by_label("Merge into which question").select_option(label=target)
    duplicate.get_by_role("button", name="Merge", exact=True).click()
    expect(screen.locator("#qa-now-meta")).to_have_text("3 votes")
    expect(room_item(ana, DUPLICATE)).to_have_count(0)
    expect(upvote(ana, FIXED)).to_have_text("▲ 3")
    show_tab(moderator, "dismissed")
    expect(queue_row(moderator, DUPLICATE)).to_contain_text("merged into")
    moderator.screenshot(path=artifacts / "qa-panel-2-merged.png")

    # Answered: unpinned, marked on the phones; the projector goes back to how to join.
    show_tab(moderator, "approved")
    queue_row(moderator, FIXED).get_by_role("button", name="Mark answered").click()
    expect(room_item(cy, FIXED)).to_contain_text("Answered")
    expect(upvote(cy, FIXED)).to_be_hidden()
    expect(screen.locator("#qa-stage")).to_be_hidden()
    expect(screen.locator("#idle")).to_be_visible()
    expect(moderator.locator("#qa-counts")).to_contain_text("1 answered")

    # Closed: phones say so and cannot send or upvote.
    moderator.get_by_label("Q&A open").uncheck()
    expect(moderator.locator("#qa-state")).to_have_text("Q&A is closed")
    for phone in (ana, ben, cy):
        expect(phone.locator("#qa-closed")).to_be_visible()
        expect(phone.get_by_role("button", name="Send question")).to_be_disabled()
        expect(upvote(phone, OTHER)).to_be_disabled()
    ana.screenshot(path=artifacts / "qa-phone-2-closed.png", full_page=True)


def _id(moderator: Any, text: str) -> str:
    """The id the panel shows before a question's text ("#17 What about…")."""
    return queue_row(moderator, text).locator(".qa-id").first.inner_text().strip().lstrip("#")


def test_names_show_only_when_allowed_and_an_open_poll_takes_the_stage(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    moderator = open_page(session["moderator_url"], PANEL)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.get_by_role("tab", name="Audience Q&A").click()
    screen = open_page(session["screen_url"], PROJECTOR)
    phone = open_phone(open_page, session)
    expect(phone.get_by_label("Your name")).to_be_hidden()

    moderator.get_by_label("Allow names").check()
    moderator.get_by_label("Pre-moderation").uncheck()
    expect(moderator.get_by_label("Pre-moderation")).not_to_be_checked()
    phone.get_by_label("Your name").fill("Dr Ana Ruiz")
    ask(phone, OTHER)
    expect(room_item(phone, OTHER)).to_contain_text("Dr Ana Ruiz")
    show_tab(moderator, "approved")
    expect(queue_row(moderator, OTHER)).to_contain_text("Dr Ana Ruiz")
    queue_row(moderator, OTHER).get_by_role("button", name="Pin “Now answering”").click()
    expect(screen.locator("#qa-now-meta")).to_have_text("0 votes · Dr Ana Ruiz")

    moderator.get_by_label("Allow names").uncheck()
    expect(screen.locator("#qa-now-meta")).to_have_text("0 votes")
    expect(room_item(phone, OTHER)).not_to_contain_text("Dr Ana Ruiz")
    expect(phone.get_by_label("Your name")).to_be_hidden()

    # The room votes on a poll: the poll takes the stage, the pinned question one line.
    moderator.get_by_role("tab", name="Polls").click()
    moderator.get_by_role("button", name="Next question").click()
    expect(screen.locator("#live")).to_be_visible()
    expect(screen.locator("#qa-stage")).to_be_hidden()
    expect(screen.locator("#s-qa-now")).to_contain_text(f"Now answering: {OTHER}")
    expect(phone.get_by_role("tab", name="Poll · new question")).to_be_visible()
    screen.screenshot(path=artifacts / "qa-screen-2-poll-open.png")
    phone.get_by_role("tab", name="Poll").click()
    expect(phone.locator("#q-text")).to_be_visible()
    expect(phone.locator("#tab-poll-new")).to_be_hidden()


def test_a_question_asked_offline_is_sent_once_even_when_sent_again(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    session = live_server.create_session()
    slot = f"her2poll:qa-ask:{session['code']}"
    moderator = open_page(session["moderator_url"], PANEL)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.get_by_role("tab", name="Audience Q&A").click()
    phone = open_phone(open_page, session)

    phone.context.set_offline(True)
    expect(phone.locator("#qa-status")).to_have_text("Offline — reconnecting…")
    phone.get_by_label("Your question to the panel").fill(TYPO)
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#qa-status")).to_have_text(
        "Offline — your question will be sent when you reconnect."
    )
    expect(phone.get_by_label("Your question to the panel")).to_have_value(TYPO)
    phone.screenshot(path=artifacts / "qa-phone-3-offline.png", full_page=True)
    unsent = phone.evaluate(f"localStorage.getItem('{slot}')")
    assert json.loads(unsent)["text"] == TYPO

    phone.context.set_offline(False)
    expect(phone.locator("#qa-mine")).to_contain_text("Waiting for the moderator")
    expect(phone.get_by_label("Your question to the panel")).to_have_value("")
    expect(moderator.locator("#qa-counts")).to_contain_text("1 pending")
    assert phone.evaluate(f"localStorage.getItem('{slot}')") == "null"

    # The ack was lost just before the page closed: the reload sends it again, same client_id.
    phone.evaluate(f"localStorage.setItem('{slot}', {json.dumps(unsent)})")
    phone.reload()
    phone.get_by_role("tab", name="Q&A").click()
    expect(phone.locator("#qa-status")).to_have_text("Sent: the moderator will review it.")
    assert phone.evaluate(f"localStorage.getItem('{slot}')") == "null"
    # A later question on the same connection: once the panel counts it, a second copy
    # of the first (sent before it) would have been counted too.
    ask(phone, OTHER)
    expect(moderator.locator("#qa-counts")).to_contain_text("2 pending")
    expect(moderator.locator(".qa-row")).to_have_count(2)
    expect(phone.locator("#qa-mine li")).to_have_count(2)


def test_the_panel_saves_the_largest_word_filter_and_refuses_a_larger_one_before_sending(
    live_server: Any, open_page: Any, artifacts: Path
) -> None:
    """End to end: the largest filter the limits allow, typed in the panel, is saved over the
    browser's own connection; a larger one is refused by the panel with what to change,
    and the connection stays (a message over 4 KB would have closed it)."""
    from tests.core.test_qa import maximal_filter

    session = live_server.create_session()
    moderator = open_page(session["moderator_url"], PANEL)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.get_by_role("tab", name="Audience Q&A").click()
    box = moderator.get_by_role("textbox", name="Word filter")
    words = maximal_filter()
    box.fill("\n".join(words))
    moderator.get_by_role("button", name="Save filter").click()
    expect(moderator.locator("#qa-filter-status")).to_have_text("Saved: 100 words.")
    box.fill("\n".join([*words, "one-more"]))
    moderator.get_by_role("button", name="Save filter").click()
    expect(moderator.locator("#qa-filter-status")).to_have_text("At most 100 words: remove 1.")
    expect(box).to_have_attribute("aria-invalid", "true")
    box.fill("\n".join([*words[:-1], words[-1][:-1] + "ü"]))
    moderator.get_by_role("button", name="Save filter").click()
    expect(moderator.locator("#qa-filter-status")).to_contain_text(
        "The words are too long together"
    )
    moderator.screenshot(path=artifacts / "qa-panel-3-filter-too-long.png")
    moderator.get_by_label("Pre-moderation").uncheck()  # still connected: the switch saves
    expect(moderator.get_by_label("Pre-moderation")).not_to_be_checked()
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.reload()
    moderator.get_by_role("tab", name="Audience Q&A").click()
    expect(box).to_have_value("\n".join(words))  # the saved one, not the refused ones
    expect(moderator.get_by_label("Pre-moderation")).not_to_be_checked()  # saved after them
