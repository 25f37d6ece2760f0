"""The phone's credit form in an identified session: asked once, kept, never on the room."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import expect

from testkit import a11y
from testkit.servers import LiveServer

from .conftest import PHONE


def test_an_identified_phone_asks_once_and_keeps_the_identity(
    live_server: LiveServer, open_page: Any, artifacts: Path
) -> None:
    s = live_server.create_session()
    code, auth = s["code"], {"Authorization": f"Bearer {s['moderator_secret']}"}
    r = requests.put(f"{live_server.url}/api/sessions/{code}/credit",
                     json={"identity_mode": "identified"}, headers=auth, timeout=10)  # fmt: skip
    assert r.ok, r.text
    phone = open_page(f"{live_server.url}/j/{code}", PHONE)
    expect(phone.locator("#status")).not_to_have_text("Connecting…")
    form = phone.locator("#credit-form")
    expect(form).to_be_visible()
    a11y.assert_accessible(phone, "credit form, empty")
    form.get_by_label("Name (as on your certificate)").fill("Dr Ada Example")
    form.get_by_label("E-mail", exact=True).fill("ada@example")
    form.get_by_label("Physician").check()
    form.get_by_role("button", name="Save for my certificate").click()
    # no consent ticked: refused, nothing kept, the message says why
    expect(phone.locator("#credit-status")).to_contain_text("consent")
    a11y.assert_accessible(phone, "credit form, refused (no consent)")
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Save for my certificate").click()
    expect(phone.locator("#credit-status")).to_contain_text("e-mail")
    form.get_by_label("E-mail", exact=True).fill("ada@example.org")
    form.get_by_role("button", name="Save for my certificate").click()
    expect(phone.locator("#credit-name")).to_have_text("Dr Ada Example")
    expect(phone.get_by_role("button", name="Download my certificate")).to_be_disabled()
    a11y.assert_accessible(phone, "credit form, identity kept")
    phone.screenshot(path=str(artifacts / "credit-phone-390.png"), full_page=True)
    # a reload finds the identity again: the form is not asked twice
    phone.reload()
    expect(phone.locator("#credit-name")).to_have_text("Dr Ada Example")
    expect(phone.locator("#credit-form")).to_be_hidden()
    summary = requests.get(f"{live_server.url}/api/sessions/{code}/credit", headers=auth,
                           timeout=10).json()  # fmt: skip
    assert (summary["identified"], summary["pars"]["physicians"]) == (1, 1)
