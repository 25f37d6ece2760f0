"""A CME activity run by phases, in real Chromium against a real server.

examples/cme-activity.json: the panel runs a self-paced pre-test on three phones (one
answers part, reloads mid-block and keeps its answers; one answers offline and
reconnects), then a moderator-paced talk item, then a self-paced post-test and the
evaluation (a "No" on commercial bias shows the comment box). The stored answers and
submissions are read back from the database. axe on the block form and the phase strip;
screenshots at phone, laptop and projector sizes: test-artifacts/phases/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from her2poll.services import identity
from testkit.a11y import assert_accessible
from testkit.pages import LAPTOP, PHONE, PROJECTOR, SMALL_LAPTOP
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cme-activity.json"


@pytest.fixture(scope="module")
def cme_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose new sessions run examples/cme-activity.json."""
    with LiveServer.on_sqlite(
        tmp_path_factory.mktemp("phases"), {"HER2POLL_QUESTIONS": str(EXAMPLE)}
    ) as server:
        yield server


@pytest.fixture
def shots(artifacts: Path) -> Path:
    folder = artifacts / "phases"
    folder.mkdir(exist_ok=True)
    return folder


def item(phone: Any, question_id: str) -> Any:
    """One item's fieldset in the phone's block form."""
    return phone.locator(f'#block [data-question="{question_id}"]')


def tap(phone: Any, question_id: str, option: str) -> None:
    item(phone, question_id).get_by_role("button", name=option, exact=True).click()


def saved(phone: Any, question_id: str) -> None:
    expect(item(phone, question_id).locator(".block-note")).to_have_text("✓ Saved")


def phone_shots(phone: Any, folder: Path, name: str) -> None:
    """What the learner sees now (the sticky progress and status in place), and the whole
    form from the top (a full-page shot draws sticky lines where the page was scrolled)."""
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=folder / f"{name}-390.png")
    at = phone.evaluate("window.scrollY")
    phone.evaluate("window.scrollTo(0, 0)")
    phone.screenshot(path=folder / f"{name}-390-full.png", full_page=True)
    phone.evaluate(f"window.scrollTo(0, {at})")


def strip(moderator: Any, phase: str) -> Any:
    return moderator.locator(f'#phases [data-phase="{phase}"]')


def stored(server: LiveServer, code: str) -> tuple[dict[str, dict[str, str]], dict[str, int]]:
    """Every answer (participant -> question -> option or value) and submissions per phase."""
    engine = create_engine(server.db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.public_id, a.question_id, COALESCE(a.option_id, a.value) "
                "FROM answers a JOIN participants p ON p.id = a.participant_id "
                "JOIN sessions s ON s.id = a.session_id WHERE s.code = :code"
            ),
            {"code": code},
        ).all()
        subs = conn.execute(
            text(
                "SELECT b.phase, COUNT(*) FROM block_submissions b "
                "JOIN sessions s ON s.id = b.session_id WHERE s.code = :code GROUP BY b.phase"
            ),
            {"code": code},
        ).all()
    engine.dispose()
    answers: dict[str, dict[str, str]] = {}
    for who, qid, answer in rows:
        answers.setdefault(who, {})[qid] = answer
    return answers, dict(subs)


def token(phone: Any, code: str) -> str:
    """The participant token this phone keeps (from its join)."""
    return str(phone.evaluate(f"JSON.parse(localStorage.getItem('her2poll:token:{code}'))"))


def test_an_activity_run_by_phases_on_three_phones(
    cme_server: LiveServer, open_page: Any, shots: Path
) -> None:
    session = cme_server.create_session()
    code = session["code"]
    moderator = open_page(session["moderator_url"], LAPTOP)
    expect(moderator.locator("#connection")).to_have_text("Connected")
    screen = open_page(session["screen_url"], PROJECTOR)
    phones = [open_page(session["attendee_url"], PHONE) for _ in range(3)]
    a, b, c = phones
    for phone in phones:
        expect(phone.locator("#status")).to_have_text("Connected.")

    # --- the panel: a phase strip, the cards grouped by phase ---------------------------
    expect(moderator.locator("#phases")).to_be_visible()
    for phase, name in (("pre", "Pre-test"), ("talk", "Talk"), ("post", "Post-test"),
                        ("evaluation", "Evaluation")):  # fmt: skip
        expect(strip(moderator, phase).locator("h3")).to_have_text(name)
        expect(moderator.locator(f"#group-{phase}")).to_have_text(name)
    expect(strip(moderator, "pre").get_by_label("Pacing")).to_have_value("self")
    assert_accessible(moderator, "panel with the phase strip")
    moderator.screenshot(path=shots / "1-panel-before-1280.png")

    # --- a self-paced pre-test ---------------------------------------------------------
    strip(moderator, "pre").get_by_role("button", name="Open Pre-test").click()
    expect(strip(moderator, "pre").locator(".badge")).to_have_text("Open for answers, self-paced")
    for phone in phones:
        expect(phone.locator("#block h1")).to_have_text("Pre-test")
        expect(phone.locator("#block .block-progress")).to_have_text("0 of 5 answered")
    expect(screen.locator("#block-name")).to_have_text("Pre-test")
    expect(screen.locator("#block-submitted")).to_have_text("0 have submitted")
    for page in (*phones, screen):  # no key, no rationale while the block is open
        expect(page.locator("body")).not_to_contain_text("DESTINY-Breast03:")

    # Phone A answers two, reloads mid-block, keeps them, answers the rest and submits.
    tap(a, "K1_PRE", "Trastuzumab deruxtecan")
    tap(a, "K2_PRE", "Hyperglycaemia")
    saved(a, "K1_PRE")
    saved(a, "K2_PRE")
    expect(a.locator("#block .block-progress")).to_have_text("2 of 5 answered")
    assert_accessible(a, "phone: the block form, two answered")
    phone_shots(a, shots, "2-phone-pre-two-answered")
    a.reload()
    expect(a.locator("#block .block-progress")).to_have_text("2 of 5 answered")
    expect(
        item(a, "K1_PRE").get_by_role("button", name="Trastuzumab deruxtecan", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    # K1 asks "How sure are you?" once answered: this phone's own, kept off the room
    item(a, "K1_PRE").get_by_role("button", name="3 · Fairly sure").click()
    expect(item(a, "K1_PRE").get_by_role("button", name="3 · Fairly sure")).to_have_attribute(
        "aria-pressed", "true"
    )
    tap(a, "K3_PRE", "Tucatinib + trastuzumab + capecitabine")
    tap(a, "K4_PRE", "Once a year")
    tap(a, "CONF_PRE", "Confident")
    expect(a.locator("#block .block-progress")).to_have_text("5 of 5 answered")
    a.get_by_role("button", name="Submit answers").click()
    expect(a.locator("#status")).to_have_text(
        "Submitted. You can still change your answers while the block is open."
    )

    # Phone B answers offline: kept on the phone, sent on reconnecting.
    b.context.set_offline(True)
    expect(b.locator("#status")).to_contain_text("Offline")
    tap(b, "K1_PRE", "Trastuzumab emtansine")
    tap(b, "K4_PRE", "Every 3 months")
    expect(b.locator("#status")).to_have_text(
        "Offline — your answer will be sent when you reconnect."
    )
    expect(item(b, "K1_PRE").locator(".block-note")).to_have_text(
        "Kept on this phone until you are back online"
    )
    item(b, "K4_PRE").scroll_into_view_if_needed()
    phone_shots(b, shots, "3-phone-pre-offline")
    b.get_by_role("button", name="Submit answers").click()  # offline too: kept, sent later
    expect(b.get_by_role("button", name="✓ Submitted")).to_be_disabled()
    b.context.set_offline(False)
    saved(b, "K1_PRE")
    saved(b, "K4_PRE")
    expect(b.locator("#status")).to_have_text(
        "Submitted. You can still change your answers while the block is open."
    )

    # Phone C answers one and does not submit: its answer is kept all the same.
    tap(c, "K2_PRE", "Interstitial lung disease / pneumonitis")
    saved(c, "K2_PRE")

    pre = strip(moderator, "pre")
    expect(pre.locator(".phase-count")).to_have_text("3 answered / 2 submitted")
    expect(screen.locator("#block-submitted")).to_have_text("2 have submitted")
    expect(screen.locator("#s-chart")).to_be_hidden()  # never a result while it is open
    assert_accessible(moderator, "panel with an open block")
    for size, label in ((LAPTOP, "1280"), (SMALL_LAPTOP, "1024")):
        moderator.set_viewport_size(size)
        moderator.evaluate("window.scrollTo(0, 0)")
        moderator.screenshot(path=shots / f"4-panel-pre-open-{label}.png")
    moderator.set_viewport_size(LAPTOP)
    screen.screenshot(path=shots / "4-projector-pre-open-1920.png")
    assert_accessible(screen, "projector during a block")

    pre.get_by_role("button", name="Close Pre-test").click()
    for phone in phones:
        expect(phone.locator("#status")).to_have_text(
            "This block is closed. Your answers were kept."
        )
        expect(phone.locator("#block > p.status")).to_be_in_viewport()  # said at the top too
    expect(
        item(c, "K1_PRE").get_by_role("button", name="Trastuzumab deruxtecan", exact=True)
    ).to_be_disabled()
    assert_accessible(c, "phone: a closed block")
    phone_shots(c, shots, "5-phone-pre-closed")

    # --- the talk, moderator-paced: one item at a time, as before ------------------------
    moderator.get_by_role("button", name="Next question").click()
    for phone in phones:
        expect(phone.locator("#q-text")).to_contain_text("who selects second-line")
        expect(phone.locator("#block")).to_be_hidden()
    a.get_by_role("button", name="The tumour board", exact=True).click()
    expect(a.locator("#status")).to_contain_text("Answer recorded")
    moderator.locator('[data-question="TALK1"]').get_by_role("button", name="Close").click()

    # --- a self-paced post-test ------------------------------------------------------------
    strip(moderator, "post").get_by_role("button", name="Open Post-test").click()
    expect(a.locator("#block h1")).to_have_text("Post-test")
    tap(a, "K1_POST", "Trastuzumab deruxtecan")
    tap(c, "K1_POST", "Lapatinib plus capecitabine")
    saved(a, "K1_POST")
    saved(c, "K1_POST")
    c.get_by_role("button", name="Submit answers").click()
    # By keyboard: from the block's heading, Tab reaches the first option; Enter answers.
    b.locator("#block h1").focus()
    b.keyboard.press("Tab")
    first = item(b, "K1_POST").get_by_role("button", name="Trastuzumab deruxtecan", exact=True)
    expect(first).to_be_focused()
    b.keyboard.press("Enter")
    saved(b, "K1_POST")
    expect(strip(moderator, "post").locator(".phase-count")).to_have_text(
        "3 answered / 1 submitted"
    )
    strip(moderator, "post").get_by_role("button", name="Close Post-test").click()

    # --- the evaluation: the bias comment only after a "No" -------------------------------
    strip(moderator, "evaluation").get_by_role("button", name="Open Evaluation").click()
    expect(a.locator("#block h1")).to_have_text("Evaluation")
    expect(item(a, "EVAL_BIAS_COMMENT")).to_be_hidden()
    expect(a.locator("#block .block-progress")).to_have_text("0 of 6 answered")
    expect(item(a, "EVAL_FORMAT").locator(".q-pos")).to_have_text("Question 6 of 6")
    tap(a, "EVAL_BIAS", "No")
    expect(item(a, "EVAL_BIAS_COMMENT")).to_be_visible()
    expect(a.locator("#block .block-progress")).to_have_text("1 of 7 answered")
    expect(item(a, "EVAL_FORMAT").locator(".q-pos")).to_have_text("Question 7 of 7")
    item(a, "EVAL_BIAS_COMMENT").get_by_label("Your answer").fill("One slide named a brand.")
    item(a, "EVAL_BIAS_COMMENT").get_by_role("button", name="Send answer").click()
    saved(a, "EVAL_BIAS_COMMENT")
    tap(b, "EVAL_BIAS", "Yes")
    saved(b, "EVAL_BIAS")
    expect(item(b, "EVAL_BIAS_COMMENT")).to_be_hidden()
    assert_accessible(a, "phone: the evaluation with the comment box")
    item(a, "EVAL_BIAS_COMMENT").scroll_into_view_if_needed()
    phone_shots(a, shots, "6-phone-evaluation")
    a.get_by_role("button", name="Submit answers").click()
    expect(screen.locator("#block-submitted")).to_have_text("1 has submitted")
    screen.screenshot(path=shots / "6-projector-evaluation-1920.png")
    strip(moderator, "evaluation").get_by_role("button", name="Close Evaluation").click()
    expect(a.locator("#status")).to_have_text("This block is closed. Your answers were kept.")

    # --- what the database kept ----------------------------------------------------------
    answers, submissions = stored(cme_server, code)
    key = cme_server.env["HER2POLL_SECRET_KEY"]
    ids = [identity.verify(key, code, token(p, code)) for p in phones]
    assert answers[ids[0]] == {
        "K1_PRE": "TDXD", "K2_PRE": "HYPERGLY", "K3_PRE": "TUC", "K4_PRE": "Q12M",
        "CONF_PRE": "C3", "TALK1": "MDT", "K1_POST": "TDXD", "EVAL_BIAS": "NO",
        "EVAL_BIAS_COMMENT": '"One slide named a brand."',
    }  # fmt: skip
    assert answers[ids[1]] == {
        "K1_PRE": "TDM1", "K4_PRE": "Q3M", "K1_POST": "TDXD", "EVAL_BIAS": "YES"
    }  # fmt: skip
    assert answers[ids[2]] == {"K2_PRE": "ILD", "K1_POST": "LAP"}
    assert submissions == {"pre": 2, "post": 1, "evaluation": 1}
