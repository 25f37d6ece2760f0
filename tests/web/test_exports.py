"""Export downloads over HTTP: the moderator secret, media types, file names, streaming."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import Flask

from her2poll.core.questions import QuestionSet
from her2poll.store.db import get_db
from tests.exports.conftest import Voted, vote_session

FORMATS = {
    "csv": ("application/zip", "csv.zip"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/json", "json"),
    "pdf": ("application/pdf", "pdf"),
}


@pytest.fixture
def session(app: Flask, questions: QuestionSet) -> Voted:
    return vote_session(get_db(app), questions)


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_needs_the_moderator_secret(app: Flask, session: Voted, fmt: str) -> None:
    c = app.test_client()
    url = f"/api/sessions/{session.code}/export.{fmt}"
    r = c.get(url)
    assert (r.status_code, r.get_json()["code"]) == (403, "forbidden")
    assert c.get(url, headers=auth("wrong")).get_json()["code"] == "bad_secret"
    assert c.get(url, headers=auth(session.secret + "x")).status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_downloads_with_its_type_and_name(
    app: Flask, session: Voted, fmt: str
) -> None:
    r = app.test_client().get(
        f"/api/sessions/{session.code}/export.{fmt}", headers=auth(session.secret)
    )
    mimetype, ext = FORMATS[fmt]
    assert r.status_code == 200 and r.mimetype == mimetype
    assert r.is_streamed
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="her2poll-{session.code}-20')
    assert disposition.endswith(f'.{ext}"')
    assert r.headers["Cache-Control"] == "no-store"
    body = r.get_data()
    if fmt == "csv":
        assert zipfile.ZipFile(io.BytesIO(body)).testzip() is None
    elif fmt == "json":
        assert json.loads(body)["counts"]["answers"] == 51
    elif fmt == "pdf":
        assert body.startswith(b"%PDF-")


def test_unknown_format_and_session_are_404(app: Flask, session: Voted) -> None:
    c = app.test_client()
    r = c.get(f"/api/sessions/{session.code}/export.docx", headers=auth(session.secret))
    assert r.status_code == 404
    r = c.get("/api/sessions/NOPE99/export.csv", headers=auth(session.secret))
    assert (r.status_code, r.get_json()["code"]) == (404, "session_not_found")


def test_the_export_matches_the_results_api(app: Flask, session: Voted) -> None:
    c = app.test_client()
    results = c.get(f"/api/sessions/{session.code}/results", headers=auth(session.secret))
    exported = c.get(f"/api/sessions/{session.code}/export.json", headers=auth(session.secret))
    assert (
        json.loads(exported.get_data())["results"]["questions"] == results.get_json()["questions"]
    )
