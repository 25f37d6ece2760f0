"""The app's pages in a browser test: phones, the moderator panel and the projector.

Shared by the browser tests that run a session by hand (every item type from a file,
or authored in the pages): window sizes, a question's card on the panel and its
buttons, phones that have joined, screenshots of the three pages, and the panel's
export menu as a person uses it. Playwright is imported lazily (``import testkit``
stays cheap).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
SMALL_LAPTOP = {"width": 1024, "height": 768}
PROJECTOR = {"width": 1920, "height": 1080}

#: The panel's export menu: button label → the format's extension in its file name.
EXPORTS = {"CSV (zip)": "zip", "Excel": "xlsx", "JSON": "json", "PDF report": "pdf"}


def card(moderator: Any, question_id: str) -> Any:
    """A question's card on the moderator panel."""
    return moderator.locator(f'[data-question="{question_id}"]')


def act(moderator: Any, question_id: str, name: str) -> None:
    """Press one of a card's controls (Open, Close, Reveal results, …) by its label."""
    card(moderator, question_id).get_by_role("button", name=name, exact=True).click()


def join_phones(open_page: Callable[..., Any], url: str, n: int) -> list[Any]:
    """``n`` phones (a browser context each), joined one after another.

    One at a time, each waiting for "Connected.", so the join order (the exports'
    P0001, P0002, …) is the order of the list.
    """
    from playwright.sync_api import expect

    phones = []
    for _ in range(n):
        phone = open_page(url, PHONE)
        expect(phone.locator("#status")).to_have_text("Connected.")
        phones.append(phone)
    return phones


def shots(name: str, folder: Path, phone: Any, moderator: Any, screen: Any, qid: str) -> None:
    """The phone, the panel at both laptop sizes (this card in view) and the projector."""
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=folder / f"{name}-phone-390.png", full_page=True)
    for size, label in ((LAPTOP, "1280"), (SMALL_LAPTOP, "1024")):
        moderator.set_viewport_size(size)
        card(moderator, qid).scroll_into_view_if_needed()
        # nothing wider than the window, once plotly has followed the resize
        moderator.wait_for_function(
            "w => document.documentElement.scrollWidth <= w", arg=size["width"]
        )
        moderator.screenshot(path=folder / f"{name}-panel-{label}.png")
    moderator.set_viewport_size(LAPTOP)
    screen.screenshot(path=folder / f"{name}-projector-1920.png")


def download_export(moderator: Any, label: str, code: str) -> bytes:
    """Download one format from the panel's export menu (it sends the moderator key).

    :param label: the menu's button, a key of :data:`EXPORTS`.
    :return: the file's bytes, once the panel says it saved it.
    """
    from playwright.sync_api import expect

    menu = moderator.locator("#export")
    if menu.get_attribute("open") is None:
        menu.locator("summary").click()
    with moderator.expect_download() as download:
        menu.get_by_role("button", name=label, exact=True).click()
    name = download.value.suggested_filename
    assert name.startswith(f"her2poll-{code}") and name.endswith(f".{EXPORTS[label]}"), name
    expect(menu.locator("#export-status")).to_have_text(f"Saved {name}.")
    failure = download.value.failure()
    assert failure is None, failure
    return Path(download.value.path()).read_bytes()
