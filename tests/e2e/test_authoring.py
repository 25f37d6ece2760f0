"""Authoring in a real browser: every item type of examples/all-item-types.json typed in.

From an empty database and without importing the file, a provider writes the
activity item by item, runs it, and the session's question set (read back from
the session's JSON export) is the file's. Screenshots at laptop and phone sizes
are saved under test-artifacts/ for people to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from her2poll.core.authoring import item_form
from her2poll.core.questions import QuestionSet, load_question_set, parse_question_set
from testkit import a11y
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ALL_TYPES = load_question_set(ROOT / "examples" / "all-item-types.json")
SIZES = {"1280x800": (1280, 800), "1024x768": (1024, 768), "phone": (390, 844)}


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own on a fresh database: nothing in it but what the test types."""
    workdir = tmp_path_factory.mktemp("authoring-server")
    server = LiveServer(f"sqlite:///{workdir / 'authoring.db'}", workdir).start()
    try:
        yield server
    finally:
        server.stop()


def shoot(page: Any, artifacts: Path, name: str) -> None:
    """Screenshots at laptop and phone sizes; axe finds no WCAG 2.2 AA violation either."""
    a11y.assert_accessible(page, f"authoring {name}")
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(artifacts / f"authoring-{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def type_item(page: Any, item: Any) -> None:
    """Fill the item form the way a person does: type chosen, then field by field."""
    from playwright.sync_api import expect

    fields = item_form(item)
    page.select_option("#new-type", fields["type"])
    page.click("#add-item")
    expect(page.locator("h1")).to_have_text("New item")
    for name, value in fields.items():
        if name == "type":
            continue
        target = page.locator(f'[name="{name}"]')
        if not target.is_visible() and name.startswith("options-"):
            page.click("#more-options")
        kind = target.get_attribute("type")
        if kind == "checkbox":
            target.check()
        elif target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    page.click("#save-item")
    expect(page.locator("#notice")).to_have_text(f"Item {item.id} saved.")


def test_every_item_type_authored_in_the_browser_runs_as_the_file_says(
    empty_server: LiveServer, open_page: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    page = open_page(f"{empty_server.url}/moderator", {"width": 1280, "height": 800})
    expect(page.locator("#no-activities")).to_be_visible()
    page.click("#create-activity")  # no title: refused beside the field
    expect(page.locator("#err-title")).to_have_text("Give the activity a title.")
    page.fill("#f-title", ALL_TYPES.title)
    page.click("#create-activity")
    expect(page.locator("#activity-title")).to_have_text(ALL_TYPES.title)
    shoot(page, artifacts, "empty-activity")

    first, *rest = ALL_TYPES.questions
    type_item(page, first)
    # A bad number is refused next to its field and nothing typed is lost.
    page.select_option("#new-type", "numeric")
    page.click("#add-item")
    page.fill("#f-text", "How many mg/kg?")
    page.fill("#f-min", "0")
    page.fill("#f-max", "ten")
    page.click("#save-item")
    expect(page.locator("#err-max")).to_have_text("Type a number here.")
    expect(page.locator("#f-max")).to_have_value("ten")
    expect(page.locator("#f-text")).to_have_value("How many mg/kg?")
    expect(page.locator("#f-max")).to_have_attribute("aria-invalid", "true")
    shoot(page, artifacts, "item-error")
    page.click("text=Cancel")

    for item in rest:
        type_item(page, item)
    page.fill("#f-word_filter", "\n".join(ALL_TYPES.word_filter))
    page.click("#save-settings")
    expect(page.locator("#notice")).to_have_text("Saved.")
    expect(page.locator(".item")).to_have_count(len(ALL_TYPES.questions))
    shoot(page, artifacts, "activity")
    page.click(f'a[aria-label="Edit item {ALL_TYPES.questions[0].id}"]')
    shoot(page, artifacts, "item-form")
    page.go_back()

    # Reordering with the keyboard: focus "Move down" on the first item and press Enter.
    page.focus(f'button[aria-label="Move down: item {first.id}"]')
    page.keyboard.press("Enter")
    expect(page.locator(".item").nth(1)).to_have_attribute("data-item", first.id)
    page.focus(f'button[aria-label="Move up: item {first.id}"]')
    page.keyboard.press("Enter")
    expect(page.locator(".item").first).to_have_attribute("data-item", first.id)

    page.click("#start")
    code = page.locator("#started-code").inner_text()
    key = page.locator("#started-key").inner_text()
    shoot(page, artifacts, "started")
    res = page.request.get(
        f"{empty_server.url}/api/sessions/{code}/export.json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert res.ok, res.text()
    ran: QuestionSet = parse_question_set(json.loads(res.text())["question_set"])
    assert ran.model_copy(update={"id": ALL_TYPES.id}) == ALL_TYPES

    page.click("#open-panel")
    expect(page.locator("body")).to_contain_text(code)
    page.goto(f"{empty_server.url}/moderator")
    expect(page.locator(".sessions-mini")).to_contain_text(code)
    shoot(page, artifacts, "home")

    # Deleting a session asks first, on a page of its own.
    page.get_by_role("link", name=f"Delete session {code}").click()
    expect(page.locator("main")).to_contain_text(f"session {code}")
    shoot(page, artifacts, "delete-session")
    page.go_back()
    expect(page.locator(".sessions-mini")).to_contain_text(code)  # nothing deleted
