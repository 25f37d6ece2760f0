"""The CSV zip: responses.csv and summary.csv, read back with the csv module."""

from __future__ import annotations

import csv
import io
import zipfile

from her2poll.core.questions import QuestionSet, parse_question_set
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.exports.tables import RESPONSES_HEADER, SUMMARY_HEADER
from her2poll.store.db import Database
from her2poll.store.snapshot import read_snapshot
from tests.exports.conftest import Voted, db_answers, vote_session


def read_zip(db: Database, code: str) -> dict[str, list[dict[str, str]]]:
    data = b"".join(export_chunks(db, code, FORMATS["csv"]))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sorted(zf.namelist()) == ["responses.csv", "summary.csv"]
        return {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }


def test_responses_are_one_row_per_answer_with_pseudonyms(voted: Voted) -> None:
    rows = read_zip(voted.db, voted.code)["responses.csv"]
    assert list(rows[0]) == RESPONSES_HEADER
    got = {(int(r["participant"][1:]), r["question_id"]): (r["option_id"], int(r["changed_count"]))
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
    texts += [r["option"] for r in files["responses.csv"] + files["summary.csv"]]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert '\'=HYPERLINK("http://evil.example","x")' in texts
    assert {"'@SUM(1)", "'-1+2", "'\t=cmd"} <= set(texts)
