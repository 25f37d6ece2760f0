"""Authoring in a real browser: every item type of examples/all-item-types.json typed in.

From an empty database and without importing the file, a provider writes the
activity item by item and runs it: the session's question set (read back from
the session's JSON export) is the file's. Three phones then answer every item
while the moderator runs it from the panel (the knowledge check with confidence,
the countdown, an open-text answer hidden from the room), and the four exports,
downloaded from the panel's export menu, say what the phones did: each answer,
each confidence, the hidden answer marked hidden, and the figures worked out by
hand below. Screenshots of the authoring pages (laptop and phone sizes) and of
every item on phone, panel and projector are saved under test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from her2poll.core.authoring import item_form
from her2poll.core.items import ItemBase
from her2poll.core.questions import QuestionSet, load_question_set, parse_question_set
from testkit import a11y
from testkit.pages import LAPTOP, PROJECTOR, act, card, download_export, join_phones, shots
from testkit.pseudonyms import by_join_of
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ALL_TYPES = load_question_set(ROOT / "examples" / "all-item-types.json")
SIZES = {"1280x800": (1280, 800), "1024x768": (1024, 768), "phone": (390, 844)}

#: What each phone answers, in join order (their pseudonyms: testkit.pseudonyms.by_join).
ANSWERS: dict[str, list[Any]] = {
    "CASE1": ["TDXD", "LAP", "TDXD"],
    "SCREEN": [["LVEF", "ILD", "CBC"], ["LVEF", "DPD"], ["ILD", "CBC"]],
    "LIKELY": ["L", "VL", "SU"],
    "SHARE": [30, 40, 25],
    "BARRIER": ["No MRI slots", "Scanner time is short for MRI", "Waiting lists for scans"],
    "PRIORITY": [["QOL", "PFS", "CNS"], ["CNS", "QOL", "PFS"], ["QOL", "PFS", "TOX"]],
}
#: "How sure are you?" after the CASE1 answer (the only item that asks).
CONFIDENCE = [3, 1, 4]
#: The open-text answer the moderator hides from the room.
HIDDEN = "Scanner time is short for MRI"
#: Right or wrong per phone for the knowledge checks (CASE1: TDXD; SCREEN: LVEF, ILD, CBC).
CORRECT = {"CASE1": [True, False, True], "SCREEN": [True, False, False]}

#: The figures of each item, worked out by hand from ANSWERS.
EXPECTED: dict[str, dict[str, Any]] = {
    "CASE1": {"n": 3, "counts": {"TDXD": 2, "TDM1": 0, "LAP": 1, "NER": 0},
              "percent": {"TDXD": 67, "TDM1": 0, "LAP": 33, "NER": 0},
              "correct": {"n": 2, "of": 3, "percent": 67},
              "confidence": {"n": 3, "counts": {"1": 1, "2": 0, "3": 1, "4": 1}, "mean": 8 / 3}},
    "SCREEN": {"n": 3, "selections": 7, "counts": {"LVEF": 2, "ILD": 2, "CBC": 2, "DPD": 1},
               "percent": {"LVEF": 67, "ILD": 67, "CBC": 67, "DPD": 33},
               "correct": {"n": 1, "of": 3, "percent": 33}},
    "LIKELY": {"n": 3, "counts": {"VU": 0, "SU": 1, "L": 1, "VL": 1}, "median": 3.0, "mean": 3.0},
    # np.percentile's linear interpolation of 25, 30, 40: q1 27.5, q3 35.
    "SHARE": {"n": 3, "median": 30.0, "q1": 27.5, "q3": 35.0, "iqr": 7.5, "min": 25, "max": 40},
    "BARRIER": {"n": 3, "shown": 2, "hidden": 1},
    # Borda with 4 options: first 3 points, second 2, third 1, unranked 0.
    "PRIORITY": {"n": 3, "order": ["QOL", "PFS", "CNS", "TOX"],
                 "borda": {"QOL": 8, "PFS": 5, "CNS": 4, "TOX": 1},
                 "mean_rank": {"QOL": 4 / 3, "PFS": 7 / 3, "CNS": 2.0, "TOX": 3.0},
                 "ranked_by": {"QOL": 3, "PFS": 3, "CNS": 2, "TOX": 1},
                 "first": {"QOL": 2, "PFS": 0, "CNS": 1, "TOX": 0}},
}  # fmt: skip
PHONES = 3


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own on a fresh database: nothing in it but what the test types."""
    with LiveServer.on_sqlite(tmp_path_factory.mktemp("authoring-server")) as server:
        yield server


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


def author(page: Any, artifacts: Path) -> str:
    """Type the whole activity in, with one refused save on the way, and reorder.

    :return: the activity's page.
    """
    from playwright.sync_api import expect

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
    for item in ALL_TYPES.questions:  # the form of each type, as it shows a saved item
        page.click(f'a[aria-label="Edit item {item.id}"]')
        shoot(page, artifacts, f"item-form-{item.type}")
        if item is first:
            source_fields_refused(page, artifacts)
        page.click("text=Cancel")

    # Reordering with the keyboard: focus "Move down" on the first item and press Enter.
    page.focus(f'button[aria-label="Move down: item {first.id}"]')
    page.keyboard.press("Enter")
    expect(page.locator(".item").nth(1)).to_have_attribute("data-item", first.id)
    page.focus(f'button[aria-label="Move up: item {first.id}"]')
    page.keyboard.press("Enter")
    expect(page.locator(".item").first).to_have_attribute("data-item", first.id)
    return str(page.url).split("?")[0].split("#")[0]


def source_fields_refused(page: Any, artifacts: Path) -> None:
    """The source section: a figure out of range is refused beside it, and kept as typed."""
    from playwright.sync_api import expect

    page.click("#source summary")
    expect(page.locator(".option-extra").first).to_contain_text("Option 1: Trastuzumab deruxtecan")
    page.fill("#f-options-0-published-percent", "140")
    page.fill("#f-options-1-note", "Not itemised in the source.")
    page.click("#save-item")
    expect(page.locator("#err-options-0-published-percent")).to_have_text(
        "Type the percentage as a number from 0 to 100."
    )
    expect(page.locator("#source")).to_have_attribute("open", "")
    expect(page.locator("#f-options-0-published-percent")).to_have_value("140")
    expect(page.locator("#f-options-1-note")).to_have_value("Not itemised in the source.")
    shoot(page, artifacts, "item-source-error")


def test_every_item_type_authored_in_the_browser_runs_as_the_file_says(
    empty_server: LiveServer, open_page: Any, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    page = open_page(f"{empty_server.url}/moderator", LAPTOP)
    activity_url = author(page, artifacts)

    page.click("#start")
    shoot(page, artifacts, "started")
    code = page.locator("#started-code").inner_text()
    key = page.locator("#started-key").inner_text()
    attendee_url = page.locator("#started-attendee").get_attribute("href")
    screen_url = page.locator("#started-screen").inner_text()
    res = page.request.get(
        f"{empty_server.url}/api/sessions/{code}/export.json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert res.ok, res.text()
    ran: QuestionSet = parse_question_set(json.loads(res.text())["question_set"])
    assert ran.model_copy(update={"id": ALL_TYPES.id}) == ALL_TYPES

    page.click("#open-panel")
    expect(page.locator("#connection")).to_have_text("Connected")
    expect(page.locator("body")).to_contain_text(code)
    screen = open_page(screen_url, PROJECTOR)
    phones = join_phones(open_page, attendee_url, PHONES)
    folder = artifacts / "authored"
    folder.mkdir(exist_ok=True)
    run_every_item(page, screen, phones, folder)

    files = {label: download_export(page, label, code) for label in EXPORTS_CHECKED}
    people = by_join_of(empty_server.db_url, code)  # each phone's P-number, in join order
    check_csv(files["CSV (zip)"], people)
    check_xlsx(files["Excel"], people)
    check_json(files["JSON"], people)
    check_pdf(files["PDF report"])
    tab = open_page(activity_url, LAPTOP)
    fix_a_typo_between_questions(tab, page, screen, phones, artifacts)
    no_deletion_while_live(tab, page, f"{empty_server.url}/sessions/{code}/delete", artifacts)

    page.goto(f"{empty_server.url}/moderator")
    expect(page.locator(".sessions-mini")).to_contain_text(code)
    shoot(page, artifacts, "home")

    # Deleting a session asks first, on a page of its own.
    page.get_by_role("link", name=f"Delete session {code}").click()
    expect(page.locator("main")).to_contain_text(f"session {code}")
    shoot(page, artifacts, "delete-session")
    page.go_back()
    expect(page.locator(".sessions-mini")).to_contain_text(code)  # nothing deleted


# --- running it: the panel, the projector and three phones ------------------------------


def item(qid: str) -> ItemBase:
    found = ALL_TYPES.question(qid)
    assert found is not None, qid
    return found


def text_of(qid: str, option_id: str) -> str:
    option = item(qid).option(option_id)  # type: ignore[attr-defined]
    return str(option.text)


def answer(phone: Any, qid: str, given: Any) -> None:
    """Answer as a person does on the phone, whatever the item's type."""
    kind = item(qid).type
    if kind in ("single", "rating"):
        phone.get_by_role("button", name=text_of(qid, given), exact=True).click()
    elif kind == "multiple":
        for option_id in given:
            phone.get_by_label(text_of(qid, option_id)).check()
        phone.get_by_role("button", name="Send answer").click()
    elif kind in ("numeric", "text"):
        phone.get_by_label("Your answer").fill(str(given))
        phone.get_by_role("button", name="Send answer").click()
    else:
        rank(phone, qid, given)
    from playwright.sync_api import expect

    expect(phone.locator("#status")).to_contain_text("Answer recorded")


def rank(phone: Any, qid: str, wanted: list[str]) -> None:
    """Move each wanted option up into its place with the phone's buttons, then send."""
    order = [o.id for o in item(qid).options]  # type: ignore[attr-defined]
    for place, option_id in enumerate(wanted):
        while order.index(option_id) > place:
            name = f"Move {text_of(qid, option_id)} up"
            phone.get_by_role("button", name=name).click()
            at = order.index(option_id)
            order[at - 1], order[at] = order[at], order[at - 1]
    phone.get_by_role("button", name="Send ranking").click()


def run_every_item(moderator: Any, screen: Any, phones: list[Any], folder: Path) -> None:
    """Open each item, let every phone answer, close and reveal it; the panel counts them."""
    from playwright.sync_api import expect

    for position, q in enumerate(ALL_TYPES.questions, start=1):
        act(moderator, q.id, "Open")
        for phone in phones:
            expect(phone.locator("#q-text")).to_have_text(q.text)
        if q.timer_seconds:
            countdown(moderator, screen, phones, q.id)
        for phone, given in zip(phones, ANSWERS[q.id], strict=True):
            answer(phone, q.id, given)
        if q.confidence:
            for phone, level in zip(phones, CONFIDENCE, strict=True):
                phone.get_by_role("button", name=re.compile(rf"^{level} · ")).click()
                expect(phone.locator(f'#confidence [data-level="{level}"]')).to_have_attribute(
                    "aria-pressed", "true"
                )
            expect(card(moderator, q.id).locator(".confidence-line")).to_contain_text(
                "3 rated, mean 2.67"
            )
        expect(card(moderator, q.id).locator(".q-n")).to_have_text(f"{len(phones)} answered")
        expect(screen.locator("#s-count")).to_have_text(f"{len(phones)} answers")
        if q.timer_seconds:
            card(moderator, q.id).get_by_role("button", name="Stop the countdown").click()
            for page in (*phones, moderator, screen):
                expect(page.get_by_text("Time left")).to_be_hidden()
        act(moderator, q.id, "Close")
        act(moderator, q.id, "Reveal results")
        for phone in phones:
            expect(phone.locator("#results")).to_be_visible()
        if q.type == "text":
            hide_one(moderator, screen, phones, q.id)
        shots(f"{position}-{q.type}-revealed", folder, phones[1], moderator, screen, q.id)


def countdown(moderator: Any, screen: Any, phones: list[Any], qid: str) -> None:
    """The timed item's clock runs on every page; the moderator gives 30 s more."""
    from playwright.sync_api import expect

    for page in (*phones, moderator, screen):
        expect(page.get_by_text("Time left")).to_be_visible()
    card(moderator, qid).get_by_role("button", name="Extend (+30 s)").click()
    expect(card(moderator, qid).locator(".clock-text")).to_have_text(
        re.compile(r"Time left 1:[0-3]\d")
    )


def hide_one(moderator: Any, screen: Any, phones: list[Any], qid: str) -> None:
    """Hide one open-text answer: gone from the projector and the phones, kept on the panel."""
    from playwright.sync_api import expect

    expect(screen.locator("#s-custom")).to_contain_text(HIDDEN)
    card(moderator, qid).get_by_role("button", name=f"Hide from the room: {HIDDEN}").click()
    expect(screen.locator("#s-custom")).not_to_contain_text(HIDDEN)
    for phone in phones:
        expect(phone.locator("#results")).not_to_contain_text(HIDDEN)
    expect(card(moderator, qid).locator(".text-answers")).to_contain_text("hidden from the room")


def fix_a_typo_between_questions(
    tab: Any, moderator: Any, screen: Any, phones: list[Any], artifacts: Path
) -> None:
    """In another tab, the organiser fixes the wording of the item on show (closed,
    answered): the open panel's card, the projector and the phones show it at once."""
    from playwright.sync_api import expect

    last = ALL_TYPES.questions[-1]
    fixed = last.text.replace("third-line therapy", "a third-line therapy")
    shoot(tab, artifacts, "activity-run")
    tab.click(f'a[aria-label="Edit item {last.id}"]')
    expect(tab.locator("#answered-note")).to_be_visible()  # it has answers: typos only
    shoot(tab, artifacts, "item-form-answered")
    tab.fill("#f-text", fixed)
    tab.click("#save-item")
    expect(tab.locator("#notice")).to_have_text(f"Item {last.id} saved.")
    expect(card(moderator, last.id).locator("h3")).to_contain_text(fixed)
    expect(card(moderator, last.id).locator(".q-n")).to_have_text(f"{len(phones)} answered")
    expect(screen.locator("#s-text")).to_have_text(fixed)
    for phone in phones:
        expect(phone.locator("#q-text")).to_have_text(fixed)
        expect(phone.locator("#results")).to_be_visible()


def no_deletion_while_live(tab: Any, moderator: Any, delete_url: str, artifacts: Path) -> None:
    """While a question is open the delete page says why not; once closed it asks."""
    from playwright.sync_api import expect

    last = ALL_TYPES.questions[-1].id
    act(moderator, last, "Reopen")
    expect(card(moderator, last).locator(".badge").first).to_have_text("Open for answers")
    tab.goto(delete_url)
    expect(tab.locator("#live-refusal")).to_contain_text("is live: a question is open")
    expect(tab.get_by_role("button", name="Delete")).to_have_count(0)
    shoot(tab, artifacts, "delete-live")
    act(moderator, last, "Close")
    expect(card(moderator, last).locator(".badge").first).to_have_text("Closed")
    tab.goto(delete_url)
    expect(tab.locator("h1")).to_have_text("Delete for good?")
    shoot(tab, artifacts, "delete-confirm")


# --- the exports, against what the phones did -------------------------------------------

EXPORTS_CHECKED = ("CSV (zip)", "Excel", "JSON", "PDF report")


def answer_cell(qid: str, given: Any) -> str:
    """An answer as the CSV's ``answer`` column writes it (several: ids joined by ';')."""
    return ";".join(given) if isinstance(given, list) else str(given)


def answer_words(qid: str, given: Any) -> str:
    """An answer as the exports' ``answer_text`` column words it for a person."""
    kind = item(qid).type
    if kind == "multiple":
        return "; ".join(text_of(qid, o) for o in given)
    if kind == "ranking":
        return "; ".join(f"{i}. {text_of(qid, o)}" for i, o in enumerate(given, start=1))
    if kind in ("single", "rating"):
        return text_of(qid, given)
    if kind == "numeric":
        return f"{given} {item(qid).unit}"  # type: ignore[attr-defined]
    return str(given)


def expected_rows(people: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (participant, item): the answer, its words, right or wrong, confidence, hidden."""
    rows = {}
    for qid, answers in ANSWERS.items():
        for i, (who, given) in enumerate(zip(people, answers, strict=True)):
            rows[(who, qid)] = {
                "answer": given,
                "answer_text": answer_words(qid, given),
                "correct": CORRECT[qid][i] if qid in CORRECT else None,
                "confidence": CONFIDENCE[i] if item(qid).confidence else None,
                "hidden": given == HIDDEN,
            }
    return rows


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def check_csv(data: bytes, people: list[str]) -> None:
    """responses.csv: one row per answer; results.csv: every figure of every item."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        files = {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }
    got = {(r["participant"], r["question_id"]): r for r in files["responses.csv"]}
    assert len(files["responses.csv"]) == len(expected_rows(people))
    for key, want in expected_rows(people).items():
        row = got[key]
        assert row["answer"] == answer_cell(key[1], want["answer"]), key
        assert row["answer_text"] == want["answer_text"], key
        for name in ("correct", "confidence", "hidden"):
            assert row[name] == csv_text(want[name]), (key, name)
    fig = {(r["question_id"], r["measure"], r["key"]): r["value"] for r in files["results.csv"]}
    for qid, figures in EXPECTED.items():
        for measure, value in figures.items():
            if isinstance(value, dict) and measure not in ("correct", "confidence"):
                for k, v in value.items():
                    assert float(fig[(qid, measure, k)]) == pytest.approx(v), (qid, measure, k)
            elif measure in ("correct", "confidence"):
                check_nested_csv(fig, qid, measure, value)
            elif isinstance(value, list):
                continue  # the ranking's order is the Borda scores' order, checked there
            else:
                assert float(fig[(qid, measure, "")]) == pytest.approx(value), (qid, measure)
    questions = files["questions.csv"]
    assert {r["question_id"] for r in questions} == set(ANSWERS)
    case1 = next(r for r in questions if r["question_id"] == "CASE1")
    assert case1["timer_seconds"] == "60" and case1["asks_confidence"] == "true"


def check_nested_csv(fig: dict[Any, str], qid: str, measure: str, value: dict[str, Any]) -> None:
    if measure == "correct":
        assert fig[(qid, "correct_n", "")] == str(value["n"])
        assert fig[(qid, "correct_percent", "")] == str(value["percent"])
        return
    assert fig[(qid, "confidence_n", "")] == str(value["n"])
    for level, n in value["counts"].items():
        assert fig[(qid, "confidence_counts", level)] == str(n), (qid, level)
    assert float(fig[(qid, "confidence_mean", "")]) == pytest.approx(value["mean"], abs=0.01)


def check_xlsx(data: bytes, people: list[str]) -> None:
    """The Responses sheet holds numbers as numbers and flags as booleans."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))

    def sheet(name: str) -> list[dict[str, Any]]:
        rows = list(wb[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]

    got = {(r["participant"], r["question_id"]): r for r in sheet("Responses")}
    assert len(got) == len(expected_rows(people))
    for key, want in expected_rows(people).items():
        row = got[key]
        given = want["answer"]
        assert row["answer"] == (given if isinstance(given, int) else answer_cell(key[1], given))
        assert row["answer_text"] == want["answer_text"], key
        assert row["correct"] == want["correct"], key
        assert row["confidence"] == want["confidence"], key
        assert row["hidden"] is want["hidden"], key
    fig = {(r["question_id"], r["measure"], r["key"]): r["value"] for r in sheet("Results")}
    assert fig[("CASE1", "correct_percent", None)] == 67
    assert fig[("CASE1", "confidence_mean", None)] == pytest.approx(8 / 3, abs=0.01)
    assert fig[("SCREEN", "selections", None)] == 7
    assert fig[("SHARE", "median", None)] == 30
    assert fig[("BARRIER", "hidden", None)] == 1
    assert fig[("PRIORITY", "borda", "QOL")] == 8
    summary = {(r["question_id"], r["option_id"]): r["live_count"] for r in sheet("Summary")}
    assert summary[("CASE1", "TDXD")] == 2 and summary[("LIKELY", "VL")] == 1
    timers = {(r["question_id"], r["timer_seconds"]) for r in sheet("Questions")}
    assert ("CASE1", 60) in timers and ("SCREEN", None) in timers  # the countdown, per item


def check_json(data: bytes, people: list[str]) -> None:
    """Each answer as its type takes it, and the results document's figures."""
    doc = json.loads(data)
    got = {(r["participant"], r["question_id"]): r for r in doc["responses"]}
    assert len(got) == len(expected_rows(people))
    for key, want in expected_rows(people).items():
        row = got[key]
        assert row["answer"] == want["answer"], key
        assert row["confidence"] == want["confidence"], key
        assert row["hidden"] is want["hidden"], key
    live = {q["question_id"]: q["live"] for q in doc["results"]["questions"]}
    for qid, figures in EXPECTED.items():
        for measure, value in figures.items():
            if measure in ("borda", "mean_rank", "ranked_by", "first"):
                by_option = {row["option_id"]: row[measure] for row in live[qid]["options"]}
                assert by_option == pytest.approx(value), (qid, measure)
            elif measure == "confidence":
                assert live[qid][measure] == {**value, "mean": pytest.approx(value["mean"])}
            else:
                assert live[qid][measure] == pytest.approx(value), (qid, measure)
    texts = {a["text"]: a["hidden"] for a in live["BARRIER"]["answers"]}
    assert texts == {a: a == HIDDEN for a in ANSWERS["BARRIER"]}


def check_pdf(data: bytes) -> None:
    """The report words each item's figures, and marks the hidden answer."""
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(data)).pages
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))
    for line in (
        "Single choice · answered by 3 participants · poll closed · countdown 60 s.",
        "Trastuzumab deruxtecan (correct) 2 67% Trastuzumab emtansine 0 0% Lapatinib with "
        "capecitabine 1 33% Neratinib with capecitabine 0 0%",
        "Knowledge check: 2 of 3 answered correctly (67%). Correct: Trastuzumab deruxtecan.",
        "3 rated it, 1: 1 · 2: 0 · 3: 1 · 4: 1; mean 2.67",
        "3 respondents ticked 7 options",
        "Knowledge check: 1 of 3 answered correctly (33%)",
        "Median 3, mean 3.00 (95% CI",
        "Median 30 %; interquartile range 27.5 to 35 % (IQR 7.5)",
        "3 answers, 1 of them hidden from the room",
        f"{HIDDEN} hidden",
        "No MRI slots shown",
        "Waiting lists for scans shown",
        "Quality of life 8 1.33 3 2",
        "Progression-free survival 5 2.33 3 0",
        "Activity in the brain 4 2.00 2 1",
        "Toxicity 1 3.00 1 0",
    ):
        assert line in text, line
