"""Commitments per learner: by pseudonym in the answer exports, by name in the follow-up file."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

import pytest
from flask import Flask

from her2poll.store.db import get_db
from testkit.cli import her2poll
from testkit.cme import STATEMENTS, Activity, run_cme_activity


@pytest.fixture
def named(app: Flask) -> Iterator[Activity]:
    yield run_cme_activity(get_db(app), app.config["HER2POLL"].secret_key, learners=12)


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _plan(i: int) -> str:
    """What learner i of testkit.cme said they will change (0–2 left after the pre-test)."""
    return f"{STATEMENTS[i % len(STATEMENTS)]} ({i})"


def test_the_follow_up_file_names_each_learner_beside_their_statement_only(
    app: Flask, named: Activity
) -> None:
    c = app.test_client()
    auth = {"Authorization": f"Bearer {named.secret}"}
    res = c.get(f"/api/sessions/{named.code}/follow-up.csv", headers=auth)
    assert res.status_code == 200 and res.mimetype == "text/csv"
    assert "attachment" in res.headers["Content-Disposition"]
    rows = _csv(res.data)
    assert list(rows[0]) == ["name", "email", "profession", "statement", "intent", "intent_value"]
    # learners 3–9 identified and committed; 10 and 11 stayed anonymous: not in this file
    assert [r["name"] for r in rows] == [f"Dr Learner {i:02d}" for i in range(3, 10)]
    assert all(r["statement"] == _plan(int(r["name"][-2:])) for r in rows)
    assert {r["intent_value"] for r in rows} <= {"2.0", "3.0", "4.0"}
    assert not any(v.startswith("P0") for r in rows for v in r.values())  # no pseudonym
    assert c.get(f"/api/sessions/{named.code}/follow-up.csv").status_code == 403


def test_the_answer_export_lists_commitments_by_pseudonym_and_never_a_name(
    app: Flask, named: Activity
) -> None:
    c = app.test_client()
    auth = {"Authorization": f"Bearer {named.secret}"}
    data = c.get(f"/api/sessions/{named.code}/export.csv", headers=auth).data
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        rows = _csv(zf.read("commitments.csv"))
        responses = _csv(zf.read("responses.csv"))
    assert list(rows[0]) == ["participant", "statement", "intent", "intent_value"]
    assert sorted(r["statement"] for r in rows) == sorted(_plan(i) for i in range(3, 12))
    assert [r["participant"] for r in rows] == sorted(r["participant"] for r in rows)
    said = {r["participant"]: r["answer"] for r in responses if r["question_id"] == "CHANGE_TEXT"}
    assert {r["participant"]: r["statement"] for r in rows} == said  # the same pseudonyms
    assert "Dr Learner" not in data.decode("latin-1")


def test_an_anonymous_session_has_no_follow_up_file(app: Flask) -> None:
    a = run_cme_activity(get_db(app), app.config["HER2POLL"].secret_key, 8, identified=False)
    res = app.test_client().get(
        f"/api/sessions/{a.code}/follow-up.csv", headers={"Authorization": f"Bearer {a.secret}"}
    )
    assert res.status_code == 400 and "commitments.csv" in res.get_json()["message"]


def test_the_cli_writes_the_follow_up_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from her2poll.store.db import Database

    url = f"sqlite:///{tmp_path / 'x.db'}"
    db = Database(url)
    db.upgrade()
    a = run_cme_activity(db, "cli-key", learners=8)
    db.dispose()
    out = tmp_path / "follow.csv"
    r = her2poll("credit", "follow-up", a.code, "-o", str(out), "--db", url)
    assert r.returncode == 0, r.stderr
    assert [row["name"] for row in _csv(out.read_bytes())] == [
        f"Dr Learner {i:02d}" for i in range(3, 6)
    ]
