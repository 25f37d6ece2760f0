"""Every item type on the three pages, in real Chromium against a real server.

examples/all-item-types.json with a moderator, a projector and two phones: answer,
close, reveal, the tallies on panel and projector, a hidden text answer gone from the
projector, a countdown extended and stopped, confidence kept off the room's pages, a
rating's interval on the projector only once the moderator shows the room statistics,
and a multiple-choice item with a limit ("up to 2"). axe-core (WCAG 2.2 AA) on phone,
panel and projector with each type open, answered and revealed. Screenshots of every
type, open and revealed, at phone, laptop and projector sizes: test-artifacts/screens/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from testkit.a11y import Checked
from testkit.cli import her2poll
from testkit.pages import LAPTOP, PHONE, PROJECTOR, SMALL_LAPTOP, act, card, shots
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "all-item-types.json"


@pytest.fixture(scope="module")
def types_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose new sessions ask examples/all-item-types.json."""
    with LiveServer.on_sqlite(
        tmp_path_factory.mktemp("item-types"), {"HER2POLL_QUESTIONS": str(EXAMPLE)}
    ) as server:
        yield server


@pytest.fixture
def screens(artifacts: Path) -> Path:
    folder = artifacts / "screens"
    folder.mkdir(exist_ok=True)
    return folder


def axe(check: Checked, state: str, phone: Any, moderator: Any, screen: Any) -> None:
    """axe-core on the phone, the panel and the projector as they are now."""
    check(phone, f"{state}: phone")
    check(moderator, f"{state}: panel")
    check(screen, f"{state}: projector")


def test_every_item_type_on_phone_panel_and_projector(
    types_server: LiveServer, open_page: Any, screens: Path
) -> None:
    session = types_server.create_session()
    check = Checked()
    moderator = open_page(session["moderator_url"], LAPTOP)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    screen = open_page(session["screen_url"], PROJECTOR)
    a = open_page(session["attendee_url"], PHONE)
    b = open_page(session["attendee_url"], PHONE)
    for phone in (a, b):
        expect(phone.locator("#status")).to_have_text("Connected.")

    # --- single choice, knowledge check, confidence, countdown -------------------------
    act(moderator, "CASE1", "Open")
    for phone in (a, b):
        expect(phone.locator("#q-text")).to_contain_text("second-line therapy")
    for page in (a, moderator, screen):
        expect(page.get_by_text("Time left")).to_be_visible()
    axe(check, "single choice open", a, moderator, screen)
    a.get_by_role("button", name="Trastuzumab deruxtecan", exact=True).click()
    b.get_by_role("button", name="Lapatinib with capecitabine", exact=True).click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
        expect(phone.locator("#confidence")).to_contain_text("How sure are you?")
    a.get_by_role("button", name="3 · Fairly sure").click()
    expect(a.get_by_role("button", name="3 · Fairly sure")).to_have_attribute(
        "aria-pressed", "true"
    )
    case1 = card(moderator, "CASE1")
    expect(case1.locator(".confidence-line")).to_contain_text("1 rated, mean 3")
    expect(case1.locator(".q-n")).to_have_text("2 answered")
    expect(screen.locator("#s-count")).to_have_text("2 answers")
    # nothing of the key before the reveal, on the phones or the projector
    for page in (a, b, screen):
        expect(page.locator("body")).not_to_contain_text("DESTINY-Breast03")
    case1.get_by_role("button", name="Extend (+30 s)").click()
    expect(case1.locator(".clock-text")).to_have_text(lambda_over_a_minute())
    axe(check, "single choice answered", a, moderator, screen)
    shots("1-single-open", screens, a, moderator, screen, "CASE1")
    case1.get_by_role("button", name="Stop the countdown").click()
    for page in (a, moderator, screen):
        expect(page.get_by_text("Time left")).to_be_hidden()
    act(moderator, "CASE1", "Close")
    act(moderator, "CASE1", "Reveal results")
    expect(screen.locator("#s-chart")).to_contain_text("50% (1)")
    expect(screen.locator("#s-check")).to_contain_text("Correct answer: Trastuzumab deruxtecan")
    expect(screen.locator("#s-check")).to_contain_text("DESTINY-Breast03")
    expect(screen.locator("#s-check")).to_contain_text("50% answered correctly (1 of 2)")
    expect(screen.locator("#s-table")).to_contain_text("✓ Trastuzumab deruxtecan: 50% (1)")
    expect(screen.locator("#s-chart")).not_to_contain_text("not published")
    expect(screen.locator("#s-chart")).not_to_contain_text("Published")  # no empty legend
    # nor a "Published" column of dashes on the panel for an item with no published figures
    expect(case1.locator("table.tally thead th")).to_have_text(["Answer", "Live", "Live %"])
    expect(case1.locator(".verdict")).to_be_hidden()  # no "Nothing published to compare with."
    expect(moderator.locator("#legend-derived")).to_be_hidden()
    expect(moderator.locator("#legend-whiskers")).to_be_visible()  # the single-choice chart's
    expect(moderator.locator("#legend-whiskers-published")).to_be_hidden()
    expect(screen.locator("#s-verdict")).to_be_hidden()
    expect(a.locator("#results")).to_contain_text("50% answered correctly (1 of 2)")
    expect(a.locator("#results")).to_contain_text("✓ You answered correctly.")
    expect(b.locator("#results")).to_contain_text("✗ Your answer was not the correct one.")
    expect(b.locator("#results")).to_contain_text("DESTINY-Breast03")
    expect(case1.locator(".check-line")).to_have_text("✓ Correct: 1 of 2 (50%)")
    for page in (a, b, screen):  # confidence is the moderator's only
        expect(page.locator("body")).not_to_contain_text("mean 3")
    expect(a.locator("#results")).to_be_in_viewport()  # scrolled into view on reveal
    axe(check, "single choice revealed", a, moderator, screen)
    shots("1-single-revealed", screens, a, moderator, screen, "CASE1")

    # --- multiple choice: min/max, percent of respondents ----------------------------
    act(moderator, "SCREEN", "Open")
    expect(a.locator("#q-text")).to_contain_text("Select all that apply")
    expect(a.get_by_role("button", name="Send answer")).to_be_disabled()  # nothing ticked
    axe(check, "multiple choice open", a, moderator, screen)
    for label in (
        "Left ventricular ejection fraction",
        "Baseline chest imaging for interstitial lung disease",
        "Blood counts",
    ):
        a.get_by_label(label).check()
    a.get_by_role("button", name="Send answer").click()
    b.get_by_label("Left ventricular ejection fraction").check()
    b.get_by_label("DPD deficiency").check()
    b.get_by_role("button", name="Send answer").click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    expect(b.locator("#sent")).to_contain_text("Left ventricular ejection fraction; DPD deficiency")
    screen_card = card(moderator, "SCREEN")
    expect(screen_card.locator(".item-panel")).to_contain_text("2 respondents ticked 5 answers")
    expect(screen_card.locator(".item-panel li").first).to_contain_text("100% (2)")
    expect(screen.locator("#s-count")).to_have_text("2 answers")
    axe(check, "multiple choice answered", a, moderator, screen)
    shots("2-multiple-open", screens, a, moderator, screen, "SCREEN")
    act(moderator, "SCREEN", "Close")
    act(moderator, "SCREEN", "Reveal results")
    expect(screen.locator("#s-custom li").first).to_contain_text("100% (2)")
    expect(screen.locator("#s-custom")).to_contain_text("— correct answer")
    expect(a.locator("#results")).to_contain_text("✓ You answered correctly.")
    expect(b.locator("#results")).to_contain_text("✗ Your answer was not the correct one.")
    expect(screen_card.locator(".check-line")).to_have_text("✓ Correct: 1 of 2 (50%)")
    expect(screen.locator("#s-check")).to_contain_text("50% answered correctly (1 of 2)")
    axe(check, "multiple choice revealed", a, moderator, screen)
    shots("2-multiple-revealed", screens, a, moderator, screen, "SCREEN")

    # --- rating: distribution, median, mean; its interval the moderator's ---------------
    act(moderator, "LIKELY", "Open")
    expect(a.get_by_role("button", name="Likely", exact=True)).to_be_enabled()
    axe(check, "rating open", a, moderator, screen)
    a.get_by_role("button", name="Likely", exact=True).click()
    b.get_by_role("button", name="Very likely", exact=True).click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    likely = card(moderator, "LIKELY")
    expect(likely.locator(".stats-line")).to_contain_text(
        "Median: between Likely and Very likely (3.5)"
    )
    # 3.5 ± 6.35 from two answers: the interval stops at the scale's ends
    expect(likely.locator(".stats-line")).to_contain_text("mean 3.50 (95% interval 1.00 to 4.00)")
    expect(screen.locator("#s-count")).to_have_text("2 answers")
    axe(check, "rating answered", a, moderator, screen)
    shots("3-rating-open", screens, a, moderator, screen, "LIKELY")
    act(moderator, "LIKELY", "Close")
    act(moderator, "LIKELY", "Reveal results")
    expect(screen.locator("#s-chart")).to_contain_text("50% (1)")
    median = "Median: between Likely and Very likely (3.5) · mean 3.50"  # no interval
    expect(screen.locator("#s-check")).to_have_text(median)
    expect(a.locator("#results")).to_contain_text("Likely (your answer)50% (1)")
    expect(a.locator("#results .stats-line")).to_have_text(median)
    axe(check, "rating revealed", a, moderator, screen)
    shots("3-rating-revealed", screens, a, moderator, screen, "LIKELY")
    show_statistics(moderator, True)
    for page in (screen, a):
        expect(page.get_by_text("mean 3.50 (95% interval 1.00 to 4.00)")).to_be_visible()
    axe(check, "rating revealed, statistics shown", a, moderator, screen)
    screen.screenshot(path=screens / "3-rating-revealed-statistics-projector-1920.png")
    show_statistics(moderator, False)
    expect(screen.locator("#s-check")).to_have_text(median)

    # --- numeric: range checked on the phone, histogram, median, IQR --------------------
    act(moderator, "SHARE", "Open")
    expect(a.get_by_label("Your answer")).to_be_editable()
    axe(check, "numeric open", a, moderator, screen)
    a.get_by_label("Your answer").fill("150")
    a.get_by_role("button", name="Send answer").click()
    expect(a.locator(".field-error")).to_have_text("Type a number from 0 to 100.")
    expect(a.get_by_label("Your answer")).to_have_value("150")  # what was typed is kept
    a.get_by_label("Your answer").fill("30")
    a.get_by_role("button", name="Send answer").click()
    b.get_by_label("Your answer").fill("40")
    b.get_by_role("button", name="Send answer").click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    expect(a.locator("#sent")).to_contain_text("Your answer: 30%")
    share = card(moderator, "SHARE")
    expect(share.locator(".item-panel")).to_contain_text("Median 35")
    expect(share.locator(".item-panel")).to_contain_text("IQR")
    axe(check, "numeric answered", a, moderator, screen)
    shots("4-numeric-open", screens, a, moderator, screen, "SHARE")
    act(moderator, "SHARE", "Close")
    act(moderator, "SHARE", "Reveal results")
    expect(screen.locator("#s-custom")).to_contain_text("Median 35")
    expect(a.locator("#results")).to_contain_text("Median 35")
    expect(a.locator("#results")).to_contain_text("(your answer: 30%)")  # its bin, with the value
    axe(check, "numeric revealed", a, moderator, screen)
    shots("4-numeric-revealed", screens, a, moderator, screen, "SHARE")

    # --- open text: counter, words, hide an answer ----------------------------------------
    act(moderator, "BARRIER", "Open")
    expect(a.get_by_label("Your answer")).to_be_editable()
    axe(check, "open text open", a, moderator, screen)
    a.get_by_label("Your answer").fill("No MRI slots")
    expect(a.locator("#text-BARRIER-count")).to_have_text("12 / 280")
    a.get_by_role("button", name="Send answer").click()
    b.get_by_label("Your answer").fill("Scanner time is short for MRI")
    b.get_by_role("button", name="Send answer").click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    barrier = card(moderator, "BARRIER")
    expect(barrier.locator(".text-answers")).to_contain_text("Scanner time is short for MRI")
    expect(barrier.locator(".word-cloud")).to_contain_text("mri")
    axe(check, "open text answered", a, moderator, screen)
    shots("5-text-open", screens, a, moderator, screen, "BARRIER")
    act(moderator, "BARRIER", "Close")
    act(moderator, "BARRIER", "Reveal results")
    expect(screen.locator("#s-custom")).to_contain_text("Scanner time is short for MRI")
    axe(check, "open text revealed", a, moderator, screen)
    barrier.get_by_role("button", name="Hide from the room: Scanner time is short for MRI").click()
    expect(screen.locator("#s-custom")).not_to_contain_text("Scanner time")
    expect(screen.locator("#s-custom")).to_contain_text("No MRI slots")
    expect(a.locator("#results")).not_to_contain_text("Scanner time")
    expect(barrier.locator(".text-answers")).to_contain_text("hidden from the room")
    axe(check, "open text revealed, one hidden", a, moderator, screen)
    shots("5-text-revealed-one-hidden", screens, a, moderator, screen, "BARRIER")

    # --- ranking: up/down buttons, Borda, mean rank -----------------------------------
    act(moderator, "PRIORITY", "Open")
    expect(a.locator(".rank-list li")).to_have_count(4)
    axe(check, "ranking open", b, moderator, screen)
    a.get_by_role("button", name="Send ranking").click()  # as listed: QOL, PFS, CNS
    move_up = b.get_by_role("button", name="Move Activity in the brain up")
    move_up.click()
    expect(move_up).to_be_focused()  # the keyboard stays on the moved option
    move_up.click()
    expect(b.locator(".rank-list li").first).to_contain_text("Activity in the brain")
    b.get_by_role("button", name="Send ranking").click()
    for phone in (a, b):
        expect(phone.locator("#status")).to_contain_text("Answer recorded")
    expect(b.locator("#sent")).to_contain_text(
        "1. Activity in the brain  2. Quality of life  3. Progression-free survival"
    )
    priority = card(moderator, "PRIORITY")
    expect(priority.locator(".item-panel li").first).to_contain_text("Quality of life")
    expect(priority.locator(".item-panel li").first).to_contain_text("Borda 5")
    expect(priority.locator(".item-panel li").first).to_contain_text("mean rank 1.5")
    axe(check, "ranking answered", b, moderator, screen)
    shots("6-ranking-open", screens, b, moderator, screen, "PRIORITY")
    act(moderator, "PRIORITY", "Close")
    act(moderator, "PRIORITY", "Reveal results")
    expect(screen.locator("#s-custom li").first).to_contain_text("1. Quality of life")
    # The phone says the rank the learner gave each option, not only "(your answer)" on one.
    for said in (
        "Activity in the brain (your rank: 1)",
        "Quality of life (your rank: 2)",
        "Progression-free survival (your rank: 3)",
    ):
        expect(b.locator("#results")).to_contain_text(said)
    expect(b.locator("#results")).not_to_contain_text("(your answer)")
    axe(check, "ranking revealed", b, moderator, screen)
    shots("6-ranking-revealed", screens, b, moderator, screen, "PRIORITY")
    check.done()


def show_statistics(moderator: Any, shown: bool) -> None:
    """The moderator's "Show statistics to the room" switch, as a person flips it."""
    switch = moderator.get_by_role("switch", name="Show statistics to the room")
    switch.set_checked(shown)
    expect(moderator.locator("#room-statistics-status")).to_contain_text(
        "now show the statistics" if shown else "now show plain charts"
    )


def lambda_over_a_minute() -> Any:
    """Time left after +30 s on a 60 s countdown: more than a minute."""
    import re

    return re.compile(r"Time left 1:[0-3]\d")


def test_a_long_join_code_fits_the_panel(types_server: LiveServer, open_page: Any) -> None:
    session = types_server.create_session()
    moderator = open_page(session["moderator_url"], LAPTOP)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.evaluate("document.querySelector('.big-code').textContent = 'MWMWMW'")
    for size in (LAPTOP, SMALL_LAPTOP):
        moderator.set_viewport_size(size)
        fits = moderator.evaluate(
            """() => {
              const code = document.querySelector('.big-code');
              const box = code.closest('.card').getBoundingClientRect();
              const r = code.getBoundingClientRect();
              const inside = r.left >= box.left && r.right <= box.right;
              return code.scrollWidth <= code.clientWidth && inside;
            }"""
        )
        assert fits, size


def test_a_wrong_join_code_keeps_what_was_typed(types_server: LiveServer, open_page: Any) -> None:
    home = open_page(f"{types_server.url}/", PHONE)
    home.get_by_label("Join code").fill("ZZZZZZ")
    home.get_by_role("button", name="Join").click()
    expect(home.get_by_label("Join code")).to_have_value("ZZZZZZ")
    expect(home.get_by_role("alert")).to_contain_text("No session has the code ZZZZZZ")


LIMITED = {
    "format_version": 2,
    "id": "limited",
    "title": "A multiple-choice item with a limit",
    "questions": [
        {
            "id": "TOP2",
            "type": "multiple",
            "text": "Which two side effects do you discuss first with a patient starting "
            "trastuzumab deruxtecan?",
            "options": [
                {"id": "ILD", "text": "Interstitial lung disease"},
                {"id": "NAUSEA", "text": "Nausea"},
                {"id": "HAIR", "text": "Hair loss"},
                {"id": "FATIGUE", "text": "Fatigue"},
            ],
            "max_choices": 2,
        }
    ],
}


def limited_session(server: LiveServer, folder: Path) -> dict[str, str]:
    """A session of :data:`LIMITED` in the server's database, made as a person would: the CLI."""
    path = folder / "limited.json"
    path.write_text(json.dumps(LIMITED), encoding="utf-8")
    ran = her2poll(
        "session", "new", "--questions", str(path), "--db", server.db_url,
        "--base-url", server.url,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    links = dict(line.split(":", 1) for line in ran.stdout.splitlines() if ":" in line)
    return {k: links[v].strip() for k, v in LINKS.items()}


LINKS = {"attendee_url": "Attendees", "moderator_url": "Moderator", "screen_url": "Projector"}


def test_a_multiple_choice_item_with_a_limit_stops_at_it(
    types_server: LiveServer, open_page: Any, screens: Path, tmp_path: Path
) -> None:
    session = limited_session(types_server, tmp_path)
    check = Checked()
    moderator = open_page(session["moderator_url"], LAPTOP)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    screen = open_page(session["screen_url"], PROJECTOR)
    a = open_page(session["attendee_url"], PHONE)
    act(moderator, "TOP2", "Open")
    expect(a.locator(".hint-line")).to_have_text("Choose up to 2 answers, then send.")
    axe(check, "multiple choice up to 2 open", a, moderator, screen)
    a.get_by_label("Interstitial lung disease").check()
    a.get_by_label("Fatigue").check()
    for full in ("Nausea", "Hair loss"):  # two ticked: the others wait
        expect(a.get_by_label(full)).to_be_disabled()
    a.get_by_role("button", name="Send answer").click()
    expect(a.locator("#status")).to_contain_text("Answer recorded")
    expect(screen.locator("#s-count")).to_have_text("1 answer")
    axe(check, "multiple choice up to 2 answered", a, moderator, screen)
    shots("2b-multiple-up-to-2-open", screens, a, moderator, screen, "TOP2")
    act(moderator, "TOP2", "Close")
    act(moderator, "TOP2", "Reveal results")
    expect(screen.locator("#s-custom li").first).to_contain_text("100% (1)")
    expect(a.locator("#results")).to_contain_text("Interstitial lung disease (your answer)")
    expect(moderator.locator("#legend-whiskers")).to_be_hidden()  # no card draws whiskers
    axe(check, "multiple choice up to 2 revealed", a, moderator, screen)
    shots("2b-multiple-up-to-2-revealed", screens, a, moderator, screen, "TOP2")
    check.done()
