"""Pages in English and German: who chooses, what is translated, and that nothing is missing.

The language of a page: the room's (fixed by its moderator) on phone and projector, else
the visitor's switch (a cookie), else the browser's Accept-Language, else English.
The catalogs are checked against a fresh ``pybabel extract`` of templates, code and
browser modules: every string has a German translation, and the compiled catalogs the
app reads are those of the committed .po files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from her2poll import create_app
from her2poll.core.questions import load_question_set
from her2poll.services.sessions import create
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from her2poll.web.i18n import COOKIE, TRANSLATIONS
from testkit.accounts import organiser_client

ROOT = Path(__file__).resolve().parents[2]
DE = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.6"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}
DOMAINS = {"messages": ["-F", "babel.cfg"], "js": ["-F", "babel-js.cfg", "-k", "t", "-k", "nt:1,2"]}
#: Templates a visitor of the phone, projector, panel, start and error pages sees.
TRANSLATED_TEMPLATES = [
    "base.html",
    "_lang_switch.html",
    "home.html",
    "error.html",
    "attendee.html",
    "screen.html",
    "moderator.html",
    "moderator_home.html",
]


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'web.db'}", "secret_key": "k"})
    app.testing = True
    yield app
    get_db(app).dispose()


@pytest.fixture
def client(web_app: Flask) -> FlaskClient:
    """A signed-in organiser's browser: /moderator is theirs."""
    return organiser_client(web_app)


@pytest.fixture
def code(web_app: Flask) -> str:
    questions = load_question_set(ROOT / "questions.json")
    return create(SqlStore(get_db(web_app)), questions).state.code


def lang_of(html: str) -> str:
    found = re.search(r'<html lang="([a-z]+)">', html)
    assert found, html[:200]
    return found.group(1)


def strings_of(html: str) -> dict[str, object]:
    block = re.search(r'<script type="application/json" id="i18n-strings">(.*?)</script>', html)
    assert block, "the page carries its browser strings"
    return dict(json.loads(block.group(1)))


@pytest.mark.parametrize(
    "path", ["/", "/login", "/moderator", "/j/{code}", "/m/{code}", "/s/{code}"]
)
def test_the_browser_language_chooses_the_page_language(
    client: FlaskClient, code: str, path: str
) -> None:
    german = client.get(path.format(code=code), headers=DE).get_data(as_text=True)
    english = client.get(path.format(code=code), headers=EN).get_data(as_text=True)
    french = client.get(path.format(code=code), headers={"Accept-Language": "fr"})
    assert lang_of(german) == "de" and lang_of(english) == "en"
    assert lang_of(french.get_data(as_text=True)) == "en"  # not offered: English
    assert german != english
    assert strings_of(english) == {}  # the modules' own words
    assert strings_of(german)["Question {position} of {of}"] == "Frage {position} von {of}"
    assert strings_of(german)["{n} answer"] == ["{n} Antwort", "{n} Antworten"]


def test_the_phone_page_in_german_and_the_question_set_as_written(
    client: FlaskClient, code: str
) -> None:
    html = client.get(f"/j/{code}", headers=DE).get_data(as_text=True)
    assert "Warten auf die nächste Frage" in html and "Frage senden" in html
    assert "Waiting for the next question" not in html
    assert "Updates in HER2-Positive Metastatic Breast Cancer" in html  # the title as written


def test_the_switch_remembers_a_choice_over_the_browser_language(
    client: FlaskClient, code: str
) -> None:
    switch = client.get(f"/lang/de?next=/j/{code}", headers=EN)
    assert switch.status_code == 302 and switch.headers["Location"] == f"/j/{code}"
    assert f"{COOKIE}=de" in switch.headers["Set-Cookie"]
    assert lang_of(client.get(f"/j/{code}", headers=EN).get_data(as_text=True)) == "de"
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert 'href="/lang/en?next=/"' in page and '<span lang="de" aria-current="true">' in page
    client.get("/lang/en?next=/")
    assert lang_of(client.get(f"/j/{code}", headers=DE).get_data(as_text=True)) == "en"


@pytest.mark.parametrize("target", ["https://elsewhere.example/", "//elsewhere.example/x", "x"])
def test_the_switch_goes_back_only_to_a_page_of_this_site(client: FlaskClient, target: str) -> None:
    response = client.get("/lang/de", query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_an_unknown_language_sets_nothing(client: FlaskClient) -> None:
    response = client.get("/lang/fr?next=/")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers
    assert lang_of(client.get("/", headers=EN).get_data(as_text=True)) == "en"


def test_the_room_language_wins_on_phone_and_projector_not_on_the_panel(
    web_app: Flask, client: FlaskClient, code: str
) -> None:
    SqlStore(get_db(web_app)).set_room_language(code, "de")
    client.get("/lang/en?next=/")  # this visitor chose English, and is in a German room
    for path in (f"/j/{code}", f"/s/{code}"):
        html = client.get(path, headers=EN).get_data(as_text=True)
        assert lang_of(html) == "de", path
        assert 'data-room-language="de"' in html
        assert 'class="lang-switch"' not in html, "the room's language is not the phone's choice"
    panel = client.get(f"/m/{code}", headers=EN).get_data(as_text=True)
    assert lang_of(panel) == "en" and 'class="lang-switch"' in panel
    assert '<option value="de" lang="de" selected>Deutsch</option>' in panel


def test_a_wrong_code_answers_in_the_visitors_language(client: FlaskClient) -> None:
    response = client.get("/j/NOPE99", headers=DE)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Nicht gefunden</h1>" in page
    assert "Keine Sitzung hat diesen Code. Prüfen Sie den Code auf der Leinwand." in page
    english = client.get("/j/NOPE99", headers=EN).get_data(as_text=True)
    assert "No session has this code. Check the code shown on the screen." in english
    empty = client.get("/join?code=", headers=DE)
    assert empty.status_code == 400
    assert "Geben Sie den Code ein, der auf der Leinwand steht." in empty.get_data(as_text=True)


# --- the catalogs --------------------------------------------------------------------


def extracted(domain: str, tmp_path: Path) -> dict[object, object]:
    """The strings a fresh ``pybabel extract`` finds, as ids (a plural: its tuple)."""
    out = tmp_path / f"{domain}.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", *DOMAINS[domain]]
        + ["--no-location", "-o", str(out), "."],
        cwd=ROOT,
        check=True,
    )
    with out.open("rb") as f:
        return {_key(m.id): m for m in read_po(f) if m.id}


def _key(message_id: object) -> object:
    return tuple(message_id) if isinstance(message_id, list | tuple) else message_id


@pytest.mark.parametrize("domain", ["messages", "js"])
def test_every_string_has_its_german_translation(domain: str, tmp_path: Path) -> None:
    wanted = extracted(domain, tmp_path)
    assert len(wanted) > 50, "the extraction found the strings"
    with (TRANSLATIONS / "de" / "LC_MESSAGES" / f"{domain}.po").open("rb") as f:
        catalog = {_key(m.id): m for m in read_po(f, locale="de") if m.id}
    missing = sorted(str(k) for k in wanted if k not in catalog)
    empty = sorted(
        str(k)
        for k, m in catalog.items()
        if k in wanted
        and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    )
    assert not missing, f"not in de/{domain}.po (run scripts/i18n.sh): {missing}"
    assert not empty, f"untranslated or fuzzy in de/{domain}.po: {empty}"


@pytest.mark.parametrize("domain", ["messages", "js"])
def test_the_compiled_catalog_is_the_committed_po(domain: str) -> None:
    folder = TRANSLATIONS / "de" / "LC_MESSAGES"
    with (folder / f"{domain}.po").open("rb") as f:
        po = {_key(m.id): _key(m.string) for m in read_po(f, locale="de") if m.id and m.string}
    with (folder / f"{domain}.mo").open("rb") as f:
        mo = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    assert mo == po, f"run scripts/i18n.sh compile: de/{domain}.mo is older than its .po"


class _Text(HTMLParser):
    """Visible text and named attributes of a template with its Jinja taken out."""

    ATTRIBUTES = {"aria-label", "alt", "title", "placeholder"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "code"}:
            self.skip += 1
        self.found += [v for k, v in attrs if k in self.ATTRIBUTES and v and _words(v)]

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "code"}:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and _words(data):
            self.found.append(data.strip())


#: Words that are the same in every language: names and file formats.
SAME_IN_EVERY_LANGUAGE = {"her2poll", "CSV", "Excel", "JSON", "zip", "English", "Deutsch"}


def _words(text: str) -> bool:
    words = re.findall(r"[^\W\d_]{2,}", text.replace("her2poll", ""))
    return any(w not in SAME_IN_EVERY_LANGUAGE for w in words)


@pytest.mark.parametrize("name", TRANSLATED_TEMPLATES)
def test_no_template_text_is_left_out_of_the_catalog(name: str) -> None:
    source = (ROOT / "templates" / name).read_text(encoding="utf-8")
    source = re.sub(r"\{% block body_class %\}.*?\{% endblock %\}", "", source)  # a class name
    bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", " ", source, flags=re.S)
    parser = _Text()
    parser.feed(bare)
    assert not parser.found, f"{name}: text not wrapped in _(): {parser.found}"
