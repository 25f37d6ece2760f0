"""The results API and the export downloads for a session of every item type, over HTTP."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import Flask

from her2poll.store.db import get_db
from tests.exports.all_types import EXPECTED, AllTypes, run_all_types


@pytest.fixture
def session(app: Flask) -> AllTypes:
    return run_all_types(get_db(app))


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def results(app: Flask, s: AllTypes) -> dict[str, dict]:
    r = app.test_client().get(f"/api/sessions/{s.code}/results", headers=auth(s.secret))
    assert r.status_code == 200, r.get_json()
    return {q["question_id"]: q for q in r.get_json()["questions"]}


def test_each_type_has_its_own_summary_and_settings(app: Flask, session: AllTypes) -> None:
    q = results(app, session)
    assert {k: v["type"] for k, v in q.items()} == {
        "CASE1": "single", "SCREEN": "multiple", "LIKELY": "rating", "SHARE": "numeric",
        "BARRIER": "text", "PRIORITY": "ranking",
    }  # fmt: skip
    assert q["CASE1"]["live"]["correct"] == EXPECTED["CASE1"]["correct"]
    assert q["CASE1"]["live"]["confidence"]["counts"] == {"1": 1, "2": 1, "3": 1, "4": 2}
    assert q["CASE1"]["timer_seconds"] == 60 and q["CASE1"]["confidence"] is True
    screen = q["SCREEN"]["live"]
    assert (screen["n"], screen["selections"], screen["percent"]["DPD"]) == (5, 13, 20)
    assert screen["correct"] == {"n": 2, "of": 5, "percent": 40}
    likely = q["LIKELY"]["live"]
    low, high = likely["mean_ci95"]
    assert likely["median"] == 3 and low < likely["mean"] < high
    share = q["SHARE"]["live"]
    assert (share["median"], share["iqr"], share["outliers"]) == (27.5, 12.5, [95])
    assert sum(b["count"] for b in share["histogram"]) == 6
    assert (q["SHARE"]["min"], q["SHARE"]["max"], q["SHARE"]["unit"]) == (0, 100, "%")
    barrier = q["BARRIER"]["live"]
    assert (barrier["n"], barrier["shown"], barrier["hidden"]) == (5, 3, 2)
    assert all({"id", "text", "hidden"} <= set(a) for a in barrier["answers"])  # id: to hide it
    assert q["PRIORITY"]["live"]["order"] == EXPECTED["PRIORITY"]["order"]
    for item in q.values():
        assert item["published"] is None and item["comparison"] is None
        assert all(set(o) >= {"id", "text", "note"} for o in item["options"])


def test_a_rating_with_published_figures_is_compared(app: Flask) -> None:
    """The comparison stays for an item type that has published figures."""
    from her2poll.core.questions import parse_question_set
    from her2poll.services import sessions
    from her2poll.store.repository import SqlStore

    fig = {"status": "published", "quote": "half said so"}
    qs = parse_question_set({
        "format_version": 2, "id": "r", "title": "Rated", "published_n": {"value": 10},
        "questions": [{"id": "R", "type": "rating", "text": "How likely?", "options": [
            {"id": "A", "text": "Unlikely", "value": 1, "published": {"percent": 50, **fig}},
            {"id": "B", "text": "Likely", "value": 2, "published": {"percent": 50, **fig}},
        ]}],
    })  # fmt: skip
    new = sessions.create(SqlStore(get_db(app)), qs)
    s = AllTypes(get_db(app), new.state.code, new.moderator_secret, new.state.id, qs)
    rating = results(app, s)["R"]
    assert rating["published"]["options"][0]["percent"] == 50
    assert rating["comparison"]["verdict_code"] == "no_answers"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "pdf"])
def test_every_format_downloads_for_every_type(app: Flask, session: AllTypes, fmt: str) -> None:
    r = app.test_client().get(
        f"/api/sessions/{session.code}/export.{fmt}", headers=auth(session.secret)
    )
    assert r.status_code == 200
    body = r.get_data()
    if fmt == "csv":
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            assert b",numeric,10,10 %," in zf.read("responses.csv")
    elif fmt == "json":
        doc = json.loads(body)
        assert {q["type"] for q in doc["results"]["questions"]} >= {"numeric", "text", "ranking"}
    else:
        assert body[:4] in (b"%PDF", b"PK\x03\x04")
