"""The JSON export: its shape, its numbers, and the round trip through 'import' (both backends)."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from her2poll.core.access import check_moderator
from her2poll.core.questions import QuestionSet
from her2poll.core.results import session_results
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.exports.json_export import InvalidExport, load_document
from her2poll.services.exports import restore
from her2poll.store import sessions
from her2poll.store.db import Database
from her2poll.store.export import snapshot
from her2poll.store.models import QAQuestionRow
from her2poll.store.restore import CodeTaken
from her2poll.store.snapshot import read_snapshot
from testkit.pseudonyms import by_join
from tests.exports.conftest import (
    PARTICIPANTS,
    QA_ROWS,
    Voted,
    add_qa,
    db_answers,
    db_qa,
    vote_session,
)

DEFAULT_QA = {
    "settings": {"open": True, "premoderate": True, "names": False, "filter": []},
    "questions": [],
}


def export_json(db: Database, code: str) -> bytes:
    return b"".join(export_chunks(db, code, FORMATS["json"]))


def test_the_document_has_everything_and_matches_the_results_api(voted: Voted) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    assert (doc["format"], doc["version"]) == ("her2poll-export", 3)
    assert doc["counts"] == {
        "participants": PARTICIPANTS,
        "answers": 51,
        "votes": 55,
        "qa_questions": 0,
    }
    state = sessions.get_session(voted.db, voted.code)
    api = session_results(state, read_snapshot(voted.db, state.id).tallies)
    assert doc["results"]["questions"] == api["questions"]
    assert [p["state"] for p in doc["polls"]] == ["closed"] * 4 + ["open", "pending"]
    got = {(int(r["participant"][1:]), r["question_id"]): (r["answer"], r["changed_count"])
           for r in doc["responses"]}  # fmt: skip
    assert got == db_answers(voted.db, voted.session_id)
    assert len(doc["votes"]) == 55 and "vote_id" not in doc["votes"][0]


def test_no_secret_or_public_id_leaves_the_database(voted: Voted) -> None:
    text = export_json(voted.db, voted.code).decode()
    with voted.db.begin() as conn:
        public = conn.exec_driver_sql("SELECT public_id FROM participants").scalars().all()
        digest = conn.exec_driver_sql("SELECT moderator_secret_hash FROM sessions").scalar_one()
    assert not [p for p in public if p in text]
    assert voted.secret not in text and digest not in text


def test_import_then_export_gives_the_identical_document(
    db: Database, other_db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions, "Tumour board: =1+1 – ≥ 3 lines")
    first = export_json(db, v.code)
    new = restore(other_db, load_document(io.BytesIO(first)))
    assert new.state.code == v.code and new.moderator_secret != v.secret
    check_moderator(sessions.digests(other_db, v.code), new.moderator_secret)
    assert export_json(other_db, v.code) == first


def test_the_rooms_settings_survive_the_round_trip(
    db: Database, other_db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    sessions.set_room_language(db, v.code, "de")
    sessions.set_room_statistics(db, v.code, True)
    first = export_json(db, v.code)
    session = json.loads(first)["session"]
    assert (session["language"], session["room_statistics"]) == ("de", True)
    new = restore(other_db, load_document(io.BytesIO(first)))
    assert (new.state.language, new.state.room_statistics) == ("de", True)
    assert export_json(other_db, v.code) == first


def test_a_document_without_the_rooms_settings_imports_with_them_off(voted: Voted) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    for key in ("language", "room_statistics"):
        del doc["session"][key]
    doc["session"]["code"] = "OLDDOC"
    new = restore(voted.db, load_document(io.BytesIO(json.dumps(doc).encode())))
    assert (new.state.language, new.state.room_statistics) == (None, False)


def test_a_version_2_document_imports_and_a_newer_one_is_refused_by_its_version(
    voted: Voted,
) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    for key in ("language", "room_statistics"):
        del doc["session"][key]
    doc["version"], doc["session"]["code"] = 2, "V2DOC"
    assert (
        restore(voted.db, load_document(io.BytesIO(json.dumps(doc).encode()))).state.code == "V2DOC"
    )
    doc["version"] = 4
    with pytest.raises(InvalidExport, match="version 4 is not supported.*imports versions 1, 2, 3"):
        load_document(io.BytesIO(json.dumps(doc).encode()))


def test_the_statistics_switch_is_a_json_boolean(voted: Voted) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    doc["session"]["room_statistics"] = "yes"
    with pytest.raises(InvalidExport, match="room_statistics"):
        load_document(io.BytesIO(json.dumps(doc).encode()))


def test_a_room_language_her2poll_does_not_speak_is_refused(voted: Voted) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    doc["session"]["language"] = "xx"
    with pytest.raises(InvalidExport, match="language must be one of en, de"):
        load_document(io.BytesIO(json.dumps(doc).encode()))


def test_the_qa_section_is_the_tables_with_askers_as_pseudonyms(asked: Voted) -> None:
    text = export_json(asked.db, asked.code).decode()
    doc = json.loads(text)
    assert doc["counts"]["qa_questions"] == len(QA_ROWS)
    assert doc["qa"]["settings"] == {
        "open": False, "premoderate": False, "names": True, "filter": ["spam", "advert"],
    }  # fmt: skip
    qs = doc["qa"]["questions"]
    assert [q["id"] for q in qs] == [f"Q{i:03d}" for i in range(1, len(QA_ROWS) + 1)]
    got = [(q["text"], q["name"], q["status"], q["votes"], q["pinned"], q["edited"],
            q["filtered"], q["merged_into"] and int(q["merged_into"][1:])) for q in qs]  # fmt: skip
    assert got == db_qa(asked.db, asked.session_id)
    names = by_join(asked.db, asked.session_id)  # QA_ROWS name people by their join rank
    assert [q["asker"] for q in qs] == [names[row[0] - 1] for row in QA_ROWS]
    assert [q["upvoters"] for q in qs] == [sorted(names[r - 1] for r in row[8]) for row in QA_ROWS]
    assert qs[2]["created_at"].endswith(".123456+00:00")
    assert '"q-00000000"' not in text and "client_id" not in text  # live idempotency keys


def test_import_then_export_with_audience_questions_is_identical(
    db: Database, other_db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    add_qa(db, v.session_id)
    first = export_json(db, v.code)
    new = restore(other_db, load_document(io.BytesIO(first)))
    assert export_json(other_db, v.code) == first
    assert db_qa(other_db, new.state.id) == db_qa(db, v.session_id)
    with other_db.begin() as conn:
        client_ids = conn.execute(
            select(QAQuestionRow.client_id).order_by(QAQuestionRow.id)
        ).scalars().all()  # fmt: skip
    assert client_ids == [f"import-{i:04d}" for i in range(1, len(QA_ROWS) + 1)]


def test_a_document_from_before_the_qa_still_imports(voted: Voted) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    assert doc["qa"] == DEFAULT_QA  # a session without Q&A
    del doc["qa"], doc["counts"]["qa_questions"]
    new = restore(voted.db, load_document(io.BytesIO(json.dumps(doc).encode())), new_code=True)
    again = json.loads(export_json(voted.db, new.state.code))
    assert again["qa"] == DEFAULT_QA
    assert again["responses"] == doc["responses"] and again["votes"] == doc["votes"]
    with snapshot(voted.db, new.state.code) as snap:
        assert snap.counts.qa_questions == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda q: q[0].update(asker="P9999"), "Q001 names an unknown participant"),
        (lambda q: q[0]["upvoters"].append("P9999"), "Q001 names an unknown participant"),
        (lambda q: q[0].update(votes=99), "Q001: votes must be"),
        (lambda q: q[0]["upvoters"].append("P0001"), "Q001: votes must be"),
        (lambda q: q[4].update(merged_into="Q099"), "Q005 is merged into no other"),
        (lambda q: q[4].update(merged_into="Q005"), "Q005 is merged into no other"),
        (lambda q: q.pop(0), "Q001, Q002"),
        (lambda q: q[1].update(status="hidden"), "qa.questions.1.status"),
        (lambda q: q[1].update(text=""), "qa.questions.1.text"),
    ],
)
def test_damaged_audience_questions_are_refused_with_the_reason(
    asked: Voted, change: object, message: str
) -> None:
    doc = json.loads(export_json(asked.db, asked.code))
    change(doc["qa"]["questions"])  # type: ignore[operator]
    with pytest.raises(InvalidExport, match=message):
        load_document(io.BytesIO(json.dumps(doc).encode()))


def test_a_taken_code_is_refused_or_replaced(voted: Voted) -> None:
    data = load_document(io.BytesIO(export_json(voted.db, voted.code)))
    with pytest.raises(CodeTaken, match="--new-code"):
        restore(voted.db, data)
    new = restore(voted.db, data, new_code=True)
    assert new.state.code != voted.code
    again = json.loads(export_json(voted.db, new.state.code))
    original = json.loads(export_json(voted.db, voted.code))
    assert again["responses"] == original["responses"]
    assert again["results"]["questions"] == original["results"]["questions"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="other"), "'format' is not"),
        (lambda d: d.update(version=4), "version 4 is not supported"),
        (lambda d: d["responses"][0].update(participant="P9999"), "unknown participant"),
        (lambda d: d["responses"][0].update(answer="NOPE"), "not an option of question PQ1"),
        (lambda d: d["responses"][0].update(question_id="PQ9"), "which the question set"),
        (lambda d: d["votes"][0].update(answer=["HER2CLIMB"]), "takes 'option_id'"),
        (lambda d: d["responses"][0].update(confidence=3), "does not ask for one"),
        (lambda d: d["participants"].pop(0), "P0001, P0002"),
        (lambda d: d["polls"].pop(), "polls do not match"),
        (lambda d: d["votes"][0].update(received_at="yesterday"), "votes.0.received_at"),
        (lambda d: d["responses"].append(dict(d["responses"][0])), "two responses"),
    ],
)
def test_a_damaged_document_is_refused_with_the_reason(
    voted: Voted, change: object, message: str
) -> None:
    doc = json.loads(export_json(voted.db, voted.code))
    change(doc)  # type: ignore[operator]
    with pytest.raises(InvalidExport, match=message):
        load_document(io.BytesIO(json.dumps(doc).encode()))


def test_not_json_is_refused() -> None:
    with pytest.raises(InvalidExport, match="not valid JSON"):
        load_document(io.BytesIO(b"PK\x03\x04"))


def test_a_version_1_document_still_imports(voted: Voted) -> None:
    """Version 1 had one option per answer, as ``option_id``; it imports as version 3."""
    doc = json.loads(export_json(voted.db, voted.code))
    old = {**doc, "version": 1}
    old["responses"] = [
        {k: v for k, v in r.items() if k not in ("answer", "confidence", "hidden")}
        | {"option_id": r["answer"]}
        for r in doc["responses"]
    ]
    old["votes"] = [
        {k: v for k, v in r.items() if k != "answer"} | {"option_id": r["answer"]}
        for r in doc["votes"]
    ]
    new = restore(voted.db, load_document(io.BytesIO(json.dumps(old).encode())), new_code=True)
    again = json.loads(export_json(voted.db, new.state.code))
    assert again["version"] == 3
    assert again["responses"] == doc["responses"] and again["votes"] == doc["votes"]
