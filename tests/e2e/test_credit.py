"""The phone's credit form in an identified session: asked once, kept, never on the room."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import expect

from testkit import a11y
from testkit.servers import LiveServer

from .conftest import PHONE

PHONE_390 = {"width": 390, "height": 844}


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


def test_the_certificate_button_enables_itself_once_the_threshold_is_met(
    live_server: LiveServer, open_page: Any, artifacts: Path
) -> None:
    """No "Update" pressed: the phone reads its progress again when the poll closes."""
    from pypdf import PdfReader

    from testkit import a11y

    s = live_server.create_session()
    code, auth = s["code"], {"Authorization": f"Bearer {s['moderator_secret']}"}
    r = requests.put(f"{live_server.url}/api/sessions/{code}/credit",
                     json={"identity_mode": "identified", "threshold": 1.0}, headers=auth,
                     timeout=10)  # fmt: skip
    assert r.ok, r.text
    phone = open_page(f"{live_server.url}/j/{code}", PHONE_390)
    expect(phone.locator("#status")).not_to_have_text("Connecting…")
    form = phone.locator("#credit-form")
    form.get_by_label("Name (as on your certificate)").fill("Dr Grace Example")
    form.get_by_label("E-mail", exact=True).fill("grace@example.org")
    form.get_by_label("Physician").check()
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Save for my certificate").click()
    certificate = phone.get_by_role("button", name="Download my certificate")
    expect(phone.locator("#credit-name")).to_have_text("Dr Grace Example")
    expect(certificate).to_be_disabled()

    moderator = open_page(s["moderator_url"])
    expect(moderator.locator("#connection")).to_have_text("Connected")
    moderator.get_by_role("button", name="Next question").click()
    pq1 = moderator.locator('[data-question="PQ1"]')
    expect(pq1.locator(".badge").first).to_have_text("Open for answers")
    expect(phone.locator("#credit-progress")).to_have_text("0 / 1")  # read on the opening
    phone.get_by_role("button", name="HER2CLIMB (NCT02614794)").click()
    expect(pq1.locator(".q-n")).to_contain_text("1")
    pq1.get_by_role("button", name="Close").click()
    expect(phone.locator("#credit-progress")).to_have_text("1 / 1")
    expect(certificate).to_be_enabled()
    a11y.assert_accessible(phone, "phone with its certificate ready")
    phone.screenshot(path=str(artifacts / "credit-phone-certificate-390.png"), full_page=True)
    with phone.expect_download() as info:
        certificate.click()
    assert info.value.suggested_filename == f"certificate-{code}.pdf"
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF-")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Dr Grace Example" in text and "answered 1 of 1" in text
