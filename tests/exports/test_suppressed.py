"""Identified sessions: the aggregate sheets of every export apply the small-cell rule.

The session is examples/all-item-types.json answered by six learners
(tests/exports/all_types.py), made identified for credit. Every count there is 1–4,
so the sheets must show "<5" (or "hidden") where the anonymous export shows numbers,
while the per-respondent sheets (responses, votes) keep every answer under its
pseudonym: they carry no identity.
"""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from her2poll.core import suppressed
from her2poll.core.learners import IdentityMode
from her2poll.core.results import session_results
from her2poll.core.suppression import PRIMARY, SECONDARY
from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.store import identities
from her2poll.store.db import Database
from her2poll.store.export import snapshot
from tests.exports.all_types import AllTypes, run_all_types


@pytest.fixture
def named(sqlite_db: Database) -> AllTypes:
    s = run_all_types(sqlite_db)
    identities.set_credit(sqlite_db, s.code, IdentityMode.IDENTIFIED, 0.75)
    return s


def _results(s: AllTypes) -> dict[str, Any]:
    with snapshot(s.db, s.code) as snap:
        assert snap.identified
        return suppressed.results(session_results(snap.state, snap.tallies))


def test_the_results_document_hides_every_small_count_and_what_rests_on_it(
    named: AllTypes,
) -> None:
    by_id = {q["question_id"]: q["live"] for q in _results(named)["questions"]}
    case = by_id["CASE1"]  # TDXD 4, TDM1 1, LAP 1, NER 0 of 6
    assert case["n"] == 6
    assert case["counts"] == {"TDXD": PRIMARY, "TDM1": PRIMARY, "LAP": PRIMARY, "NER": 0}
    assert set(case["percent"].values()) == {SECONDARY, 0}
    assert case["correct"] == {"n": PRIMARY, "of": 6, "percent": SECONDARY}
    assert case["confidence"]["counts"] == dict.fromkeys("1234", PRIMARY)
    assert case["confidence"]["mean"] == SECONDARY
    screen = by_id["SCREEN"]  # ticks 4, 4, 4, 1 of 13 selections by 5 respondents
    assert (screen["n"], screen["selections"]) == (5, 13)
    assert set(screen["counts"].values()) == {PRIMARY}
    likely = by_id["LIKELY"]
    assert (likely["mean"], likely["median"], likely["mean_ci95"]) == (
        SECONDARY, SECONDARY, [SECONDARY, SECONDARY]
    )  # fmt: skip
    share = by_id["SHARE"]  # bins 1, 4, 0, 0, 1; one learner's values are withheld
    assert [b["count"] for b in share["histogram"]] == [PRIMARY, PRIMARY, 0, 0, PRIMARY]
    assert share["median"] == 27.5  # of 6 answers: shown
    assert (share["min"], share["max"], share["outliers"]) == (SECONDARY, SECONDARY, [SECONDARY])
    ranking = by_id["PRIORITY"]  # 4 respondents: the whole table is "<5", zeros too
    assert ranking["n"] == PRIMARY
    assert [r["first"] for r in ranking["options"]] == [PRIMARY] * 4
    assert {r["borda"] for r in ranking["options"]} == {SECONDARY}
    text = by_id["BARRIER"]  # texts are listed: their number is no secret
    assert (text["n"], text["hidden"]) == (5, 2) and len(text["answers"]) == 5
    assert {w["count"] for w in text["words"]} == {PRIMARY}


def test_summary_and_results_csv_are_suppressed_responses_csv_is_not(named: AllTypes) -> None:
    with zipfile.ZipFile(io.BytesIO(b"".join(export_chunks(named.db, named.code,
                                                           FORMATS["csv"])))) as zf:  # fmt: skip
        files = {n: list(csv.DictReader(io.StringIO(zf.read(n).decode("utf-8-sig"))))
                 for n in zf.namelist()}  # fmt: skip
    case = {r["option_id"]: r for r in files["summary.csv"] if r["question_id"] == "CASE1"}
    assert [case[o]["live_count"] for o in ("TDXD", "TDM1", "LAP", "NER")] == ["<5"] * 3 + ["0"]
    assert case["TDXD"]["live_share_percent"] == SECONDARY
    figures = {(r["question_id"], r["measure"], r["key"]): r["value"] for r in files["results.csv"]}
    assert figures[("CASE1", "counts", "TDXD")] == "<5"
    assert (figures[("CASE1", "correct_n", "")], figures[("CASE1", "correct_of", "")]) == (
        "<5",
        "6",
    )
    assert figures[("SHARE", "max", "")] == SECONDARY
    responses = [r for r in files["responses.csv"] if r["question_id"] == "CASE1"]
    assert len(responses) == 6 and {r["answer"] for r in responses} >= {"TDXD", "TDM1", "LAP"}


def test_the_xlsx_summary_and_the_pdf_show_the_markers(named: AllTypes) -> None:
    data = b"".join(export_chunks(named.db, named.code, FORMATS["xlsx"]))
    wb = load_workbook(io.BytesIO(data))
    rows = list(wb["Summary"].iter_rows(values_only=True))
    head = rows[0]
    case = [dict(zip(head, r, strict=True)) for r in rows[1:] if r[0] == "CASE1"]
    assert [r["live_count"] for r in case] == ["<5", "<5", "<5", 0]
    assert len(list(wb["Responses"].iter_rows())) > 30  # every answer, by pseudonym
    pdf = b"".join(export_chunks(named.db, named.code, FORMATS["pdf"]))
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Knowledge check: <5 of 6 answered correctly (hidden)" in text
    assert "Learners are identified" in text


def test_an_anonymous_session_is_exported_as_before(sqlite_db: Database) -> None:
    s = run_all_types(sqlite_db)
    with snapshot(s.db, s.code) as snap:
        assert not snap.identified
    data = b"".join(export_chunks(s.db, s.code, FORMATS["xlsx"]))
    rows = list(load_workbook(io.BytesIO(data))["Summary"].iter_rows(values_only=True))
    assert [r[4] for r in rows[1:] if r[0] == "CASE1"] == [4, 1, 1, 0]
