"""The CSV zip: responses.csv, votes.csv, summary.csv, results.csv, questions.csv and qa.csv,
read back with the csv module."""

from __future__ import annotations

import csv
import io
import zipfile

from her2poll.core.questions import QuestionSet, parse_question_set
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.exports.tables import QA_HEADER, RESPONSES_HEADER, SUMMARY_HEADER
from her2poll.store.db import Database
from her2poll.store.snapshot import read_snapshot
from tests.exports.conftest import EVIL, QA_ROWS, Voted, db_answers, db_qa, vote_session


def read_zip(db: Database, code: str) -> dict[str, list[dict[str, str]]]:
    data = b"".join(export_chunks(db, code, FORMATS["csv"]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == [
            "commitments.csv", "qa.csv", "questions.csv", "responses.csv", "results.csv",
            "summary.csv", "votes.csv",
        ]  # fmt: skip
        return {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }


def test_responses_are_one_row_per_answer_with_pseudonyms(voted: Voted) -> None:
    rows = read_zip(voted.db, voted.code)["responses.csv"]
    assert list(rows[0]) == RESPONSES_HEADER
    got = {(int(r["participant"][1:]), r["question_id"]): (r["answer"], int(r["changed_count"]))
           for r in rows}  # fmt: skip
    assert got == db_answers(voted.db, voted.session_id)
    assert rows[0]["question"] == "Which of the studies listed below is most relevant to you?"
    assert rows[0]["answered_at"].endswith("+00:00")


def test_summary_counts_are_the_tallies_and_percentages_add_up(voted: Voted) -> None:
    rows = read_zip(voted.db, voted.code)["summary.csv"]
    assert list(rows[0]) == SUMMARY_HEADER
    by_question = read_snapshot(voted.db, voted.session_id).tallies
    for qid, t in by_question.items():
        mine = [r for r in rows if r["question_id"] == qid]
        assert [int(r["live_count"]) for r in mine] == list(t.counts)
        if t.n:
            assert sum(int(r["live_percent"]) for r in mine) == 100
    pq6 = [r for r in rows if r["question_id"] == "PQ6"]
    assert [(r["printed_percent"], r["published_count"]) for r in pq6] == [
        ("22.0", "2"), ("45.0", "4"), ("11.0", "1"), ("22.0", "2"),
    ]  # fmt: skip


def test_differences_are_plain_numbers_even_when_negative(voted: Voted) -> None:
    rows = read_zip(voted.db, voted.code)["summary.csv"]
    diffs = [float(r["difference_pp"]) for r in rows if r["difference_pp"]]
    assert any(d < 0 for d in diffs)


def test_formula_text_is_neutralised_in_every_file(
    sqlite_db: Database, questions: QuestionSet
) -> None:
    data = questions.model_dump(mode="json")
    data["questions"][0]["text"] = '=HYPERLINK("http://evil.example","x")'
    data["questions"][0]["options"][0]["text"] = "@SUM(1)"
    data["questions"][0]["options"][1]["text"] = "-1+2"
    data["questions"][0]["options"][2]["text"] = "\t=cmd"
    v = vote_session(sqlite_db, parse_question_set(data))
    files = read_zip(sqlite_db, v.code)
    texts = [r["question"] for r in files["responses.csv"] + files["summary.csv"]]
    texts += [r["answer_text"] for r in files["responses.csv"] + files["votes.csv"]]
    texts += [r["option"] for r in files["summary.csv"] + files["questions.csv"]]
    texts += [r["question"] for r in files["results.csv"] + files["questions.csv"]]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert {"'@SUM(1)", "'-1+2", "'\t=cmd"} <= set(texts)


def test_qa_csv_is_the_questions_table_and_never_says_who_asked(asked: Voted) -> None:
    data = b"".join(export_chunks(asked.db, asked.code, FORMATS["csv"]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        raw = zf.read("qa.csv")
    assert raw.startswith(b"\xef\xbb\xbfid,text,name,status,votes,") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == QA_HEADER and len(rows) == len(QA_ROWS)
    got = [(r["text"], r["name"] or None, r["status"], int(r["votes"]), r["pinned"] == "true",
            r["edited"] == "true", r["filtered"] == "true",
            int(r["merged_into"][1:]) if r["merged_into"] else None) for r in rows]  # fmt: skip
    expected = db_qa(asked.db, asked.session_id)
    expected[1] = ("'" + EVIL, "'@Mallory", *expected[1][2:])  # neutralised, not dropped
    assert got == expected
    assert [r["id"] for r in rows][:3] == ["Q001", "Q002", "Q003"]
    assert rows[4]["merged_into"] == "Q001" and rows[0]["pinned"] == "true"
    assert rows[0]["created_at"] == "2026-12-02T09:00:00+00:00"
    assert not [v for r in rows for v in r.values() if v.startswith("P0")]  # no pseudonyms


def test_qa_csv_of_a_session_without_questions_is_the_header(voted: Voted) -> None:
    data = b"".join(export_chunks(voted.db, voted.code, FORMATS["csv"]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.read("qa.csv").decode("utf-8-sig") == ",".join(QA_HEADER) + "\r\n"
