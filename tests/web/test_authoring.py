"""The authoring pages: every edit through the forms, bad input answered next to its field."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from her2poll import create_app
from her2poll.core.questions import QuestionSet, loads_question_set
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from testkit.accounts import organiser_client

ROOT = Path(__file__).resolve().parents[2]
ALL_TYPES = ROOT / "examples" / "all-item-types.json"


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"database_url": f"sqlite:///{tmp_path / 'web.db'}", "secret_key": "test-secret-key"}
    )
    app.testing = True
    yield app
    get_db(app).dispose()


@pytest.fixture
def client(web_app: Flask) -> FlaskClient:
    """A signed-in organiser's browser (authoring is theirs); it sends the CSRF token."""
    return organiser_client(web_app)


@pytest.fixture
def store(web_app: Flask) -> SqlStore:
    return SqlStore(get_db(web_app))


def new_activity(client: FlaskClient, title: str = "Tumour board") -> str:
    res = client.post("/activities", data={"title": title})
    assert res.status_code == 303
    return str(res.location)


def errors_of(html: str) -> list[str]:
    return re.findall(r'class="field-error">([^<]*)<', html)


def exported(client: FlaskClient, url: str) -> QuestionSet:
    res = client.get(f"{url}/export.json")
    assert res.status_code == 200
    assert "attachment" in res.headers["Content-Disposition"]
    return loads_question_set(res.data)


def test_an_activity_needs_a_title_and_the_form_says_so_beside_it(client: FlaskClient) -> None:
    res = client.post("/activities", data={"title": "   "})
    assert res.status_code == 400
    assert errors_of(res.text) == ["Give the activity a title."]
    assert 'aria-describedby="err-title"' in res.text and "Traceback" not in res.text


def test_a_refused_item_comes_back_with_everything_typed_and_the_error_at_its_field(
    client: FlaskClient,
) -> None:
    url = new_activity(client)
    form = {
        "type": "numeric",
        "id": "DOSE",
        "text": "Which dose, in mg/kg?",
        "min": "10",
        "max": "5",
        "unit": "mg/kg",
        "timer_seconds": "30",
    }
    res = client.post(f"{url}/items", data=form)
    assert res.status_code == 400
    assert errors_of(res.text) == ["min (10.0) must be below max (5.0)"]
    for value in form.values():
        assert f'value="{value}"' in res.text or f">{value}<" in res.text
    assert "Nothing was saved" in res.text


def test_a_number_that_is_not_one_is_named_at_its_field(client: FlaskClient) -> None:
    url = new_activity(client)
    form = {"type": "text", "text": "Why?", "max_length": "lots", "timer_seconds": "2"}
    res = client.post(f"{url}/items", data=form)
    assert res.status_code == 400
    html = res.text
    assert 'id="err-max_length"' in html and 'id="err-timer_seconds"' in html
    assert 'value="lots"' in html


def test_items_of_every_type_authored_through_the_form_export_as_the_file(
    client: FlaskClient,
) -> None:
    from her2poll.core.authoring import item_form

    wanted = loads_question_set(ALL_TYPES.read_bytes())
    url = new_activity(client, wanted.title)
    for item in wanted.questions:
        res = client.post(f"{url}/items", data=item_form(item))
        assert res.status_code == 303, errors_of(res.text)
    res = client.post(
        f"{url}/settings", data={"title": wanted.title, "word_filter": "idiot\nstupid\n"}
    )
    assert res.status_code == 303
    got = exported(client, url)
    assert got.model_copy(update={"id": wanted.id}) == wanted


def test_the_item_form_offers_the_outcomes_roles_and_saves_the_one_chosen(
    client: FlaskClient,
) -> None:
    url = new_activity(client)
    page = client.get(f"{url}/items/new").text
    assert '<select id="f-role" name="role"' in page and 'value="eval_bias"' in page
    form = {"type": "text", "id": "CHANGE", "text": "What will you change?", "role": "commitment"}
    res = client.post(f"{url}/items", data=form)
    assert res.status_code == 303, errors_of(res.text)
    assert exported(client, url).questions[0].role == "commitment"
    choice = {"type": "single", "options-0-text": "Yes", "options-1-text": "No"}
    bad = client.post(f"{url}/items", data={**form, "id": "C2", **choice})
    assert bad.status_code == 400
    assert errors_of(bad.text) == ["role &#39;commitment&#39; needs an item of type text"]
    assert 'aria-describedby="hint-role err-role" aria-invalid="true"' in bad.text


def test_reorder_duplicate_and_delete_keep_the_order_people_asked_for(
    client: FlaskClient,
) -> None:
    url = new_activity(client)
    for text in ("First?", "Second?"):
        form = {"type": "text", "text": text}
        assert client.post(f"{url}/items", data=form).status_code == 303
    assert client.post(f"{url}/items/Q2/up").status_code == 303
    assert client.post(f"{url}/items/Q2/duplicate").status_code == 303
    assert exported(client, url).question_ids == ["Q2", "Q2-copy1", "Q1"]
    assert client.post(f"{url}/items/Q2-copy1/delete").status_code == 303
    assert exported(client, url).question_ids == ["Q2", "Q1"]
    page = client.get(url).text
    assert page.index('id="item-Q2"') < page.index('id="item-Q1"')


def test_a_template_and_an_imported_file_become_activities(client: FlaskClient) -> None:
    res = client.post("/activities/from-template", data={"template": "founding"})
    founding = exported(client, str(res.location))
    assert founding.format_version == 2 and len(founding.questions) == 6
    data = {"file": (io.BytesIO(ALL_TYPES.read_bytes()), "all-item-types.json")}
    res = client.post("/activities/import", data=data, content_type="multipart/form-data")
    assert exported(client, str(res.location)) == loads_question_set(ALL_TYPES.read_bytes())


def test_an_invalid_file_is_refused_beside_the_file_field(client: FlaskClient) -> None:
    bad = json.dumps({"id": "x", "title": "X", "questions": [{"id": "Q", "text": "?"}]})
    data = {"file": (io.BytesIO(bad.encode()), "bad.json")}
    res = client.post("/activities/import", data=data, content_type="multipart/form-data")
    assert res.status_code == 400
    [error] = errors_of(res.text)
    assert error.startswith("bad.json: Invalid question set: question Q")


def answer(store: SqlStore, code: str, question_id: str, option_id: str) -> None:
    from her2poll.store.votes import VoteIn, record_votes

    state = store.session(code)
    store.apply_action(code, question_id, "open")
    person = store.join(state.id, None)
    record_votes(
        store.db, [VoteIn(state.id, person.id, question_id, option_id, f"v-{question_id}")]
    )
    store.apply_action(code, question_id, "close")


def test_an_answered_item_takes_typo_fixes_but_not_a_removed_option(
    client: FlaskClient, store: SqlStore
) -> None:
    res = client.post("/activities/from-template", data={"template": "all-item-types"})
    url = str(res.location)
    started = client.post(f"{url}/start")
    code = re.search(r'id="started-code">(\w+)<', started.text).group(1)  # type: ignore[union-attr]
    answer(store, code, "CASE1", "TDM1")
    form = client.get(f"{url}/items/CASE1").text
    assert "already has answers" in form
    # what a save would refuse does not look changeable: one type, one phase, ids read-only
    for name, only in (("type", "single"), ("phase", "talk")):
        select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', form, re.S)
        assert select and re.findall(r'<option value="([^"]*)"', select.group(1)) == [only]
    for name in ("id", "options-0-id", "options-3-id"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*readonly', form), name
    assert not re.search(r'<input[^>]*name="options-0-text"[^>]*readonly', form)  # typos: yes
    fresh = client.get(f"{url}/items/SCREEN").text  # no answers: every type on offer
    offered = re.search(r'name="type"[^>]*>(.*?)</select>', fresh, re.S)
    assert offered and len(re.findall(r'<option value="', offered.group(1))) == 6
    assert not re.search(r'<input[^>]*name="id"[^>]*readonly', fresh)

    fields = {k: v for k, v in _fields(form).items()}
    fields["text"] = fields["text"].replace("preferred", "prefered")
    assert client.post(f"{url}/items/CASE1", data=fields).status_code == 303
    assert store.session(code).question("CASE1").text == fields["text"]  # type: ignore[union-attr]

    fields.pop("options-1-id"), fields.pop("options-1-text")
    res = client.post(f"{url}/items/CASE1", data=fields)
    assert res.status_code == 400
    assert "Option TDM1 cannot be removed: it has answers." in errors_of(res.text)
    assert client.post(f"{url}/items/CASE1/delete").status_code == 400


def _fields(html: str) -> dict[str, str]:
    """The values an item form shows, as a browser would submit them."""
    found: dict[str, str] = {}
    for m in re.finditer(r"<input ([^>]*)>", html):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs or attrs.get("type") == "file":
            continue
        if attrs.get("type") == "checkbox":
            if " checked" in m.group(1):
                found[attrs["name"]] = "on"
        elif attrs.get("value"):
            found[attrs["name"]] = attrs["value"]
    for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', html):
        if m.group(2):
            found[m.group(1)] = m.group(2)
    for m in re.finditer(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'value="([^"]*)"\s*selected', m.group(2))
        if chosen:
            found[m.group(1)] = chosen.group(1)
    import html as h

    return {k: h.unescape(v) for k, v in found.items()}


def test_a_live_session_cannot_be_deleted_and_a_finished_one_can(
    client: FlaskClient, store: SqlStore
) -> None:
    url = str(client.post("/activities/from-template", data={"template": "founding"}).location)
    started = client.post(f"{url}/start")
    code = re.search(r'id="started-code">(\w+)<', started.text).group(1)  # type: ignore[union-attr]
    first = store.session(code).questions.question_ids[0]
    store.apply_action(code, first, "open")
    for page in (f"/sessions/{code}/delete", f"{url}/delete"):  # says so instead of asking
        confirm = client.get(page).text
        assert "Delete for good?" not in confirm and 'type="submit"' not in confirm
        assert f"Session {code}" in confirm and "is live: a question is open" in confirm
    res = client.post(f"/sessions/{code}/delete")
    assert res.status_code == 409
    assert f"Session {code} is live: a question is open for answers. Close it" in res.text
    res = client.post(f"{url}/delete")
    assert res.status_code == 409 and "is live" in res.text
    store.apply_action(code, first, "close")
    store.apply_action(code, first, "reveal")  # results on show do not make it live
    assert "Delete for good?" in client.get(f"/sessions/{code}/delete").text
    assert client.post(f"/sessions/{code}/delete").status_code == 303
    assert code not in client.get("/moderator").text


def test_archiving_moves_an_activity_aside_and_restoring_brings_it_back(
    client: FlaskClient,
) -> None:
    url = new_activity(client, "Old talk")
    activity_id = url.rsplit("/", 1)[1]
    client.post(f"{url}/archive", data={"archived": "1"})
    home = client.get("/moderator").text
    assert home.index("Archived (1)") < home.index("Old talk")
    client.post(f"{url}/archive", data={"archived": "0"})
    assert "Archived (" not in client.get("/moderator").text
    assert f'id="activity-{activity_id}"' in client.get("/moderator").text


@pytest.mark.parametrize(
    ("origin", "with_token", "status"),
    [
        ("https://evil.example", True, 403),
        ("https://evil.example", False, 400),
        ("null", False, 400),
    ],
)
def test_a_form_from_another_site_changes_nothing(
    client: FlaskClient, origin: str, with_token: bool, status: int
) -> None:
    token = client.environ_base.pop("HTTP_X_CSRFTOKEN")  # another site has no token
    headers = {"Origin": origin, **({"X-CSRFToken": token} if with_token else {})}
    res = client.post("/activities", data={"title": "X"}, headers=headers)
    assert res.status_code == status
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    assert "No activities yet" in client.get("/moderator").text


def test_an_activity_can_be_run_again_and_each_run_is_its_own_session(
    client: FlaskClient, store: SqlStore
) -> None:
    url = str(client.post("/activities/from-template", data={"template": "founding"}).location)
    codes = [
        re.search(r'id="started-code">(\w+)<', client.post(f"{url}/start").text).group(1)  # type: ignore[union-attr]
        for _ in range(2)
    ]
    assert len(set(codes)) == 2
    [summary] = store.list_activities()
    assert [s.code for s in summary.sessions] == codes[::-1]
    assert "Run again" in client.get(url).text


def test_the_founding_items_authored_through_the_form_keep_their_figures_and_notes(
    client: FlaskClient,
) -> None:
    """Published percentages (printed with their quote, or derived), reconstructed wording
    with its quote and note, editorial notes on options: typed, not imported."""
    from her2poll.core.authoring import item_form

    wanted = loads_question_set((ROOT / "questions.json").read_bytes())
    url = new_activity(client, wanted.title)
    for item in wanted.questions:
        res = client.post(f"{url}/items", data=item_form(item))
        assert res.status_code == 303, errors_of(res.text)
    assert exported(client, url).questions == wanted.questions
    form = client.get(f"{url}/items/PQ1").text
    assert '<details class="source" id="source" open>' in form
    assert 'name="options-3-published-percent"' in form and 'value="16"' in form
    assert '<option value="derived" selected>' in form


def test_a_refused_figure_comes_back_typed_with_its_errors_at_its_fields(
    client: FlaskClient,
) -> None:
    url = new_activity(client)
    form = {
        "type": "single",
        "id": "PQ6",
        "text": "How likely are you to use tucatinib?",
        "text_status": "reconstructed",
        "text_note": "Caption lost; from the narrative.",
        "options-0-text": "Likely",
        "options-0-note": "Not itemised in the source.",
        "options-0-published-percent": "145",
        "options-0-published-status": "derived",
        "options-1-text": "Very likely",
        "options-1-published-percent": "22%",
        "options-1-published-status": "published",
        "options-1-published-note": "Rounded in the source.",
    }
    res = client.post(f"{url}/items", data=form)
    assert res.status_code == 400
    assert errors_of(res.text) == [
        "Type the percentage as a number from 0 to 100.",
        "A figure printed in the source needs the quote it comes from: paste the sentence, "
        "or mark the figure as derived.",
    ]
    html = res.text
    assert 'id="f-options-0-published-percent"' in html and 'value="145"' in html
    assert 'aria-describedby="err-options-0-published-percent"' in html
    assert 'aria-describedby="err-options-1-published-quote"' in html
    assert 'value="22%"' in html and 'value="Rounded in the source."' in html
    assert ">Caption lost; from the narrative.</textarea>" in html
    assert '<option value="reconstructed" selected>' in html
    assert '<details class="source" id="source" open>' in html  # the errors are in view
    assert exported_items(client, url) == []  # nothing saved

    form["options-0-published-percent"] = "45"
    form["options-1-published-quote"] = "22% said very likely"
    assert client.post(f"{url}/items", data=form).status_code == 303
    [item] = exported(client, url).questions
    likely, very = item.options  # type: ignore[attr-defined]
    assert likely.note == "Not itemised in the source." and likely.published.percent == 45
    assert very.published.quote == "22% said very likely" and very.published.percent == 22
    assert item.text_status.value == "reconstructed"


def exported_items(client: FlaskClient, url: str) -> list[str]:
    """The activity's item ids (an activity without items exports nothing)."""
    res = client.get(f"{url}/export.json")
    return [] if res.status_code == 400 else loads_question_set(res.data).question_ids


def test_archiving_a_session_marks_it_and_restoring_clears_the_mark(
    client: FlaskClient, store: SqlStore
) -> None:
    url = str(client.post("/activities/from-template", data={"template": "founding"}).location)
    kept, aside = (
        re.search(r'id="started-code">(\w+)<', client.post(f"{url}/start").text).group(1)  # type: ignore[union-attr]
        for _ in range(2)
    )

    def row(code: str) -> str:
        home = client.get("/moderator").text
        found = re.search(rf"<tr[^>]*>\s*<td><code>{code}</code>.*?</tr>", home, re.S)
        assert found, code
        return found.group(0)

    res = client.post(f"/sessions/{aside}/archive", data={"archived": "1"})
    assert res.status_code == 303
    assert f"Session {aside} archived." in client.get(str(res.location)).text
    marked = '<tr class="archived">'
    assert row(aside).startswith(marked) and f"Restore session {aside}" in row(aside)
    assert not row(kept).startswith(marked) and f"Archive session {kept}" in row(kept)
    [summary] = store.list_activities()
    assert {s.code: s.archived for s in summary.sessions} == {kept: False, aside: True}
    assert store.session(aside).code == aside  # archived, not deleted

    res = client.post(f"/sessions/{aside}/archive", data={"archived": "0"})
    assert f"Session {aside} restored." in client.get(str(res.location)).text
    assert not row(aside).startswith(marked) and f"Archive session {aside}" in row(aside)
    [summary] = store.list_activities()
    assert not any(s.archived for s in summary.sessions)
    assert client.post("/sessions/NOSUCH/archive", data={"archived": "1"}).status_code == 404
