"""CME credit over HTTP: mode, identity form, attendance CSV, certificates (own and zip)."""

from __future__ import annotations

import csv
import io
import zipfile

from flask import Flask
from pypdf import PdfReader

from her2poll.core import views
from her2poll.core.polls import Action
from her2poll.core.questions import QuestionSet
from her2poll.services import identity
from her2poll.services.sessions import create
from her2poll.store import joins, polls
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_vote

FORM = {"consent": True, "name": "Dr Ada Example", "email": "ada@example.org",
        "profession": "physician", "licence": ""}  # fmt: skip


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_identified_session_certificates_end_to_end(app: Flask, questions: QuestionSet) -> None:
    db = get_db(app)
    new = create(SqlStore(db), questions)
    code, secret = new.state.code, new.moderator_secret
    c = app.test_client()
    # Neither a key nor a CSRF token: refused by the CSRF check before the key is asked for.
    assert (
        c.put(f"/api/sessions/{code}/credit", json={"identity_mode": "identified"}).status_code
        == 400
    )
    # A wrong key (a Bearer header needs no CSRF token): refused by the key check.
    wrong = c.put(f"/api/sessions/{code}/credit", json={"identity_mode": "identified"},
                  headers=auth("not-the-key"))  # fmt: skip
    assert wrong.status_code == 403
    r = c.put(f"/api/sessions/{code}/credit", json={"identity_mode": "identified",
              "threshold": 0.5}, headers=auth(secret))  # fmt: skip
    assert r.get_json() == {"ok": True, "identity_mode": "identified", "threshold": 0.5}
    key = app.config["HER2POLL"].secret_key
    people = [joins.attendee_join(db, code, None, views.shows_results) for _ in range(2)]
    tokens = [identity.sign(key, code, p.participant.public_id) for p in people]
    bad = c.post(f"/api/sessions/{code}/identity", json={**FORM, "token": tokens[0],
                 "email": "not-an-address"})  # fmt: skip
    assert (bad.status_code, bad.get_json()["code"]) == (400, "invalid_identity")
    ok = c.post(f"/api/sessions/{code}/identity", json={**FORM, "token": tokens[0]})
    assert ok.get_json()["identity"]["licence"] is None
    for qid in ("PQ1", "PQ2"):
        polls.apply_action(db, code, qid, Action.OPEN)
        record_vote(db, VoteIn(new.state.id, people[0].participant.id, qid,
                               new.state.question(qid).option_ids[0], f"v-{qid}"))  # type: ignore[union-attr]  # fmt: skip
        polls.apply_action(db, code, qid, Action.CLOSE)
    me = c.post(f"/api/sessions/{code}/me", json={"token": tokens[0]}).get_json()
    assert me["certificate"] is True and me["attendance"]["items_answered"] == 2
    pdf = c.post(f"/api/sessions/{code}/certificate.pdf", json={"token": tokens[0]})
    assert pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Dr Ada Example" in text and "answered 2 of 2" in text
    # the other phone gave no identity: no certificate, a clear error
    other = c.post(f"/api/sessions/{code}/certificate.pdf", json={"token": tokens[1]})
    assert (other.status_code, other.get_json()["code"]) == (404, "not_found")
    sheet = c.get(f"/api/sessions/{code}/attendance.csv", headers=auth(secret))
    rows = list(csv.DictReader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert [(r["name"], r["items_answered"], r["threshold_met"]) for r in rows] == [
        ("Dr Ada Example", "2", "yes"), ("", "0", "no")
    ]  # fmt: skip
    z = c.get(f"/api/sessions/{code}/certificates.zip", headers=auth(secret))
    names = zipfile.ZipFile(io.BytesIO(z.data)).namelist()
    assert len(names) == 2 and "attendance.csv" in names
    assert c.get(f"/api/sessions/{code}/certificates.zip").status_code == 403
    summary = c.get(f"/api/sessions/{code}/credit", headers=auth(secret)).get_json()
    assert summary["pars"] == {"physicians": 1, "other_learners": 0}
    assert (summary["certificates"], summary["learners"]) == (1, 2)


def test_the_attendance_sheet_and_the_answer_export_do_not_line_up(
    app: Flask, questions: QuestionSet
) -> None:
    """Four learners join as Dr D, Dr C, Dr B, Dr A and each answers PQ1 differently.

    Their public ids are set to sort in join order, so P0001 is the first to join (Dr D).
    The attendance sheet lists them by name (Dr A first) with no learner key: read row by
    row beside responses.csv, every row would name the wrong person.
    """
    from sqlalchemy import update

    from her2poll.core.attendance import Profession
    from her2poll.core.learners import Identity
    from her2poll.store import identities
    from her2poll.store.models import ParticipantRow

    db = get_db(app)
    new = create(SqlStore(db), questions)
    code, sid, secret = new.state.code, new.state.id, new.moderator_secret
    c = app.test_client()
    c.put(f"/api/sessions/{code}/credit", json={"identity_mode": "identified"},
          headers=auth(secret))  # fmt: skip
    people = [joins.attendee_join(db, code, None, views.shows_results) for _ in range(4)]
    names = ["Dr D", "Dr C", "Dr B", "Dr A"]
    options = new.state.question("PQ1").option_ids  # type: ignore[union-attr]
    polls.apply_action(db, code, "PQ1", Action.OPEN)
    for i, (p, name) in enumerate(zip(people, names, strict=True)):
        given = Identity(name, f"{i}@example.org", Profession.PHYSICIAN)
        identities.save_identity(db, sid, p.participant.public_id, given)
        assert record_vote(db, VoteIn(sid, p.participant.id, "PQ1", options[i], f"v{i}")).ok
    with db.begin() as conn:
        for i, p in enumerate(people):
            conn.execute(update(ParticipantRow).where(ParticipantRow.id == p.participant.id)
                         .values(public_id=f"~{i}"))  # fmt: skip
    sheet = c.get(f"/api/sessions/{code}/attendance.csv", headers=auth(secret))
    rows = list(csv.DictReader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Dr A", "Dr B", "Dr C", "Dr D"]
    assert "learner" not in rows[0] and not any(
        v.startswith("P0") for r in rows for v in r.values()
    )
    assert all(len(r["first_join"]) == len("2026-01-01T10:00+00:00") for r in rows)  # minutes
    export = c.get(f"/api/sessions/{code}/export.csv", headers=auth(secret))
    with zipfile.ZipFile(io.BytesIO(export.data)) as zf:
        answers = list(csv.DictReader(io.StringIO(zf.read("responses.csv").decode("utf-8-sig"))))
    who = {r["participant"]: names[options.index(r["answer"])] for r in answers}
    assert who == {"P0001": "Dr D", "P0002": "Dr C", "P0003": "Dr B", "P0004": "Dr A"}
    lined_up = dict(zip(sorted(who), [r["name"] for r in rows], strict=True))
    assert all(lined_up[p] != who[p] for p in who)  # row by row: always the wrong person


def test_what_a_learner_typed_reaches_the_attendance_sheet_as_text(
    app: Flask, questions: QuestionSet
) -> None:
    """Name and licence are the learner's own text: "=…" must not run as a formula
    in the provider's spreadsheet (as in the follow-up file and every export)."""
    db = get_db(app)
    new = create(SqlStore(db), questions)
    code, secret = new.state.code, new.moderator_secret
    c = app.test_client()
    r = c.put(f"/api/sessions/{code}/credit", json={"identity_mode": "identified"},
              headers=auth(secret))  # fmt: skip
    assert r.status_code == 200
    person = joins.attendee_join(db, code, None, views.shows_results)
    token = identity.sign(app.config["HER2POLL"].secret_key, code, person.participant.public_id)
    typed = {**FORM, "name": "=HYPERLINK(\"http://x.example\",\"Dr\")", "licence": "+4930",
             "token": token}  # fmt: skip
    assert c.post(f"/api/sessions/{code}/identity", json=typed).status_code == 200
    sheet = c.get(f"/api/sessions/{code}/attendance.csv", headers=auth(secret))
    [row] = csv.DictReader(io.StringIO(sheet.data.decode("utf-8-sig")))
    assert row["name"] == '\'=HYPERLINK("http://x.example","Dr")'
    assert row["licence"] == "'+4930" and row["email"] == "ada@example.org"
