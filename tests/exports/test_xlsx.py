"""The XLSX export, read back with openpyxl: sheets, numbers, charts, frozen headers, Q&A."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from her2poll.core.questions import QuestionSet, parse_question_set
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.exports.tables import COMPARISON_HEADER, QA_HEADER, SUMMARY_HEADER
from her2poll.store.db import Database
from her2poll.store.snapshot import read_snapshot
from tests.exports.conftest import EVIL, QA_ROWS, Voted, db_answers, db_qa, vote_session


def workbook(db: Database, code: str) -> Workbook:
    return load_workbook(io.BytesIO(b"".join(export_chunks(db, code, FORMATS["xlsx"]))))


def records(wb: Workbook, sheet: str) -> list[dict[str, object]]:
    rows = list(wb[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_the_sheets_have_frozen_headers_and_widths(voted: Voted) -> None:
    wb = workbook(voted.db, voted.code)
    assert wb.sheetnames == [
        "Summary", "Results", "Responses", "Comparison", "Questions", "Commitments", "Q&A", "About",
    ]  # fmt: skip
    for name in wb.sheetnames[:6]:
        assert wb[name].freeze_panes == "A2"
    assert wb["Summary"].column_dimensions["B"].width == 48


def test_responses_match_the_answers_table(voted: Voted) -> None:
    rows = records(workbook(voted.db, voted.code), "Responses")
    got = {(int(str(r["participant"])[1:]), r["question_id"]): (r["answer"], r["changed_count"])
           for r in rows}  # fmt: skip
    assert got == db_answers(voted.db, voted.session_id)
    assert rows[0]["answered_at (UTC)"].year >= 2024  # type: ignore[union-attr]


def test_summary_numbers_and_one_bar_chart_per_question(voted: Voted) -> None:
    wb = workbook(voted.db, voted.code)
    rows = records(wb, "Summary")
    assert list(rows[0]) == SUMMARY_HEADER
    for qid, t in read_snapshot(voted.db, voted.session_id).tallies.items():
        assert [r["live_count"] for r in rows if r["question_id"] == qid] == list(t.counts)
    negative = [r["difference_pp"] for r in rows if isinstance(r["difference_pp"], float)]
    assert min(negative) < 0  # a number, not text
    charts = wb["Summary"]._charts
    assert len(charts) == 6
    assert all(c.tagname == "barChart" and len(c.series) == 2 for c in charts)


def test_comparison_names_its_methods(voted: Voted) -> None:
    rows = records(workbook(voted.db, voted.code), "Comparison")
    assert list(rows[0]) == COMPARISON_HEADER
    pq6 = next(r for r in rows if r["question_id"] == "PQ6")
    assert pq6["verdict_code"] == "no_answers"
    tested = [r for r in rows if r["p_value"] is not None]
    assert tested and all("Fisher" in str(r["test_method"]) for r in tested)
    assert all(r["interval_method"] == "Wilson score interval, 95%" for r in rows)


def test_questions_keep_their_provenance(voted: Voted, questions: QuestionSet) -> None:
    rows = records(workbook(voted.db, voted.code), "Questions")
    assert len(rows) == sum(len(q.options) for q in questions.questions)
    likely = next(r for r in rows if r["option_id"] == "LIKELY")
    assert likely["published_percent"] == 45 and likely["published_status"] == "published"
    assert "45%" in str(likely["published_quote"])


def test_formula_text_is_stored_as_text(sqlite_db: Database, questions: QuestionSet) -> None:
    data = questions.model_dump(mode="json")
    data["questions"][0]["options"][0]["text"] = "=1+1"
    v = vote_session(sqlite_db, parse_question_set(data))
    wb = workbook(sqlite_db, v.code)
    cells = [c for row in wb["Responses"].iter_rows() for c in row if c.value == "'=1+1"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_qa_sheet_is_the_questions_table_with_real_dates(asked: Voted) -> None:
    wb = workbook(asked.db, asked.code)
    ws = wb["Q&A"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 60
    rows = records(wb, "Q&A")
    header = [h.removesuffix(" (UTC)") for h in rows[0]]
    assert header == QA_HEADER and "created_at (UTC)" in rows[0]
    got = [(r["text"], r["name"], r["status"], r["votes"], r["pinned"], r["edited"],
            r["filtered"], r["merged_into"] and int(str(r["merged_into"])[1:]))
           for r in rows]  # fmt: skip
    expected = db_qa(asked.db, asked.session_id)
    expected[1] = ("'" + EVIL, "'@Mallory", *expected[1][2:])
    assert got == expected and len(rows) == len(QA_ROWS)
    assert rows[0]["created_at (UTC)"] == datetime(2026, 12, 2, 9, 0, 0, 123000)  # ms in Excel
    evil = [c for row in ws.iter_rows() for c in row if c.value == "'" + EVIL]
    assert evil and all(c.data_type == "s" for c in evil)
    about = dict(wb["About"].iter_rows(values_only=True))
    assert about["Audience questions"] == len(QA_ROWS)


def test_the_qa_sheet_of_a_session_without_questions_has_only_the_header(voted: Voted) -> None:
    wb = workbook(voted.db, voted.code)
    assert records(wb, "Q&A") == []
    assert dict(wb["About"].iter_rows(values_only=True))["Audience questions"] == 0
