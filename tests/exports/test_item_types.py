"""Every item type in every export format, from a session of examples/all-item-types.json
run through the services (tests/exports/all_types.py), checked against hand-worked figures."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from her2poll.exports.formats import FORMATS, export_chunks
from her2poll.exports.json_export import InvalidExport, load_document
from her2poll.exports.tables import RESPONSES_HEADER, RESULTS_HEADER, VOTES_HEADER
from her2poll.services import exports, results
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from testkit.pseudonyms import by_join
from tests.exports.all_types import (
    ANSWERS,
    CONFIDENCE,
    EVIL_TEXT,
    EXPECTED,
    FIRST_CASE1_OF_P4,
    P1_ANSWER_TEXT,
    AllTypes,
    run_all_types,
)

TYPES = {"CASE1": "single", "SCREEN": "multiple", "LIKELY": "rating", "SHARE": "numeric",
         "BARRIER": "text", "PRIORITY": "ranking"}  # fmt: skip


@pytest.fixture
def session(sqlite_db: Database) -> AllTypes:
    return run_all_types(sqlite_db)


def download(s: AllTypes, fmt: str) -> bytes:
    return b"".join(export_chunks(s.db, s.code, FORMATS[fmt]))


def csv_files(s: AllTypes) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(io.BytesIO(download(s, "csv"))) as zf:
        return {
            name: list(csv.DictReader(io.StringIO(zf.read(name).decode("utf-8-sig"))))
            for name in zf.namelist()
        }


def sheet(wb: Any, name: str) -> list[dict[str, Any]]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def pdf_text(data: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", re.sub(r"her2poll · session \w+ · .*? page \d+", " ", text))


# --- results (the document every format is built from) ------------------------------------


def test_the_results_have_every_type_with_its_figures_and_no_comparison(session: AllTypes) -> None:
    doc = results.results(SqlStore(session.db), session.code, session.secret)
    by_id = {q["question_id"]: q for q in doc["questions"]}
    assert {q: by_id[q]["type"] for q in by_id} == TYPES
    for qid, expected in EXPECTED.items():
        live = by_id[qid]["live"]
        for key, value in expected.items():
            if key in ("borda", "mean_rank", "ranked_by"):
                got = {row["option_id"]: row[key] for row in live["options"]}
            else:
                got = live[key]
            if isinstance(value, dict) and "mean" in value:  # confidence
                assert got == {**value, "mean": pytest.approx(value["mean"])}, (qid, key)
            else:
                assert got == pytest.approx(value), (qid, key)
        assert by_id[qid]["published"] is None and by_id[qid]["comparison"] is None
    assert all("note" in o for q in doc["questions"] for o in q["options"])
    assert [o["value"] for o in by_id["LIKELY"]["options"]] == [1, 2, 3, 4]
    assert by_id["SHARE"]["unit"] == "%" and by_id["PRIORITY"]["rank_count"] == 3
    assert by_id["CASE1"]["correct"] == ["TDXD"] and by_id["CASE1"]["rationale"]
    texts = {a["text"]: a["hidden"] for a in by_id["BARRIER"]["live"]["answers"]}
    assert texts == {"No MRI slots": False, "Time and MRI access": False, "stupid rules": True,
                     "Cost of MRI": True, EVIL_TEXT: False}  # fmt: skip
    assert "confidence" not in by_id["SCREEN"]["live"]  # it does not ask


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_names_every_item_and_its_type(session: AllTypes, fmt: str) -> None:
    data = download(session, fmt)
    if fmt == "csv":
        rows = csv_files(session)["responses.csv"]
        seen = {(r["question_id"], r["type"]) for r in rows}
    elif fmt == "xlsx":
        rows = sheet(load_workbook(io.BytesIO(data)), "Responses")
        seen = {(r["question_id"], r["type"]) for r in rows}
    elif fmt == "json":
        doc = json.loads(data)
        seen = {(q["question_id"], q["type"]) for q in doc["results"]["questions"]}
    else:
        text = pdf_text(data)
        names = {"single": "Single choice", "multiple": "Multiple choice", "rating": "Rating scale",
                 "numeric": "Number", "text": "Open text", "ranking": "Ranking"}  # fmt: skip
        seen = {(q, t) for q, t in TYPES.items() if f"{q}. " in text and names[t] in text}
    assert seen == set(TYPES.items())


# --- CSV -------------------------------------------------------------------------------


def learners(s: AllTypes) -> list[str]:
    """The pseudonyms of learners P1…P6 of all_types.py (numbered apart from the join)."""
    return by_join(s.db, s.session_id)


def test_csv_responses_read_as_a_person_reads_them(session: AllTypes) -> None:
    files = csv_files(session)
    rows = files["responses.csv"]
    assert list(rows[0]) == RESPONSES_HEADER
    P = learners(session)  # noqa: N806 - P[0] is learner P1
    p1 = {r["question_id"]: r for r in rows if r["participant"] == P[0]}
    assert {q: r["answer_text"] for q, r in p1.items()} == P1_ANSWER_TEXT
    assert p1["SCREEN"]["answer"] == "LVEF;ILD;CBC" and p1["SHARE"]["answer"] == "10"
    assert p1["PRIORITY"]["answer"] == "QOL;PFS;CNS"
    by = {(r["participant"], r["question_id"]): r for r in rows}
    assert [by[(P[i], "CASE1")]["confidence"] for i in range(6)] == [
        str(c) if c else "" for c in CONFIDENCE
    ]
    assert [by[(P[i], "CASE1")]["correct"] for i in range(6)] == [
        "true", "true", "true", "false", "false", "true",
    ]  # fmt: skip
    assert by[(P[4], "SCREEN")]["correct"] == "true"  # ticked in another order
    assert by[(P[4], "SCREEN")]["answer"] == "LVEF;ILD;CBC"  # kept in display order
    assert by[(P[0], "LIKELY")]["correct"] == ""  # no key: neither right nor wrong
    hidden = {r["participant"]: r["hidden"] for r in rows if r["question_id"] == "BARRIER"}
    assert hidden == {P[0]: "false", P[1]: "false", P[2]: "true", P[3]: "true",
                      P[4]: "false"}  # fmt: skip
    assert by[(P[4], "BARRIER")]["answer"] == "'" + EVIL_TEXT  # neutralised, kept
    assert by[(P[3], "CASE1")]["changed_count"] == "1"
    counted = sum(a is not None for answers in ANSWERS.values() for a in answers)
    assert len(rows) == counted


def test_csv_votes_are_the_log_with_the_changed_answer(session: AllTypes) -> None:
    rows = csv_files(session)["votes.csv"]
    assert list(rows[0]) == VOTES_HEADER
    P = learners(session)  # noqa: N806
    p4 = [r["answer"] for r in rows if (r["participant"], r["question_id"]) == (P[3], "CASE1")]
    assert p4 == [FIRST_CASE1_OF_P4, "TDM1"]
    ranked = next(r for r in rows if (r["participant"], r["question_id"]) == (P[1], "PRIORITY"))
    assert ranked["answer_text"] == "1. Activity in the brain; 2. Quality of life; 3. Toxicity"


def test_csv_results_hold_every_figure_of_every_type(session: AllTypes) -> None:
    rows = csv_files(session)["results.csv"]
    assert list(rows[0]) == RESULTS_HEADER
    fig = {(r["question_id"], r["measure"], r["key"]): r["value"] for r in rows}
    assert fig[("CASE1", "correct_percent", "")] == "67"
    assert fig[("CASE1", "confidence_counts", "4")] == "2"
    assert fig[("CASE1", "confidence_mean", "")] == "2.8"
    assert fig[("SCREEN", "percent", "LVEF")] == "80" and fig[("SCREEN", "n", "")] == "5"
    assert fig[("SCREEN", "correct_percent", "")] == "40"
    assert fig[("LIKELY", "median", "")] == "3.0"
    assert (
        float(fig[("LIKELY", "mean_ci95_low", "")])
        < 16 / 6
        < float(fig[("LIKELY", "mean_ci95_high", "")])
    )
    assert fig[("SHARE", "iqr", "")] == "12.5" and fig[("SHARE", "outliers", "")] == "95"
    assert fig[("SHARE", "histogram", "20-40")] == "4"
    assert fig[("BARRIER", "hidden", "")] == "2" and fig[("BARRIER", "words", "mri")] == "3"
    assert fig[("PRIORITY", "borda", "QOL")] == "10"
    assert fig[("PRIORITY", "mean_rank", "CNS")] == "2.25"
    labels = {(r["question_id"], r["key"]): r["label"] for r in rows if r["measure"] == "borda"}
    assert labels[("PRIORITY", "QOL")] == "Quality of life"


def test_csv_questions_and_summary_cover_the_types_they_fit(session: AllTypes) -> None:
    files = csv_files(session)
    questions = files["questions.csv"]
    assert [r["question_id"] for r in questions].count("SHARE") == 1  # no options: one row
    share = next(r for r in questions if r["question_id"] == "SHARE")
    assert share["settings"] == "min=0.0; max=100.0; unit=%; integer=true"
    assert [r["correct"] for r in questions if r["question_id"] == "SCREEN"] == [
        "true", "true", "true", "false",
    ]  # fmt: skip
    assert [r["option_value"] for r in questions if r["question_id"] == "LIKELY"] == [
        "1.0", "2.0", "3.0", "4.0",
    ]  # fmt: skip
    summary = files["summary.csv"]
    assert {r["question_id"] for r in summary} == {"CASE1", "SCREEN", "LIKELY"}
    screen = {r["option_id"]: r["live_percent"] for r in summary if r["question_id"] == "SCREEN"}
    assert screen == {"LVEF": "80", "ILD": "80", "CBC": "80", "DPD": "20"}  # of respondents


# --- XLSX ------------------------------------------------------------------------------


def test_xlsx_has_every_type_with_numbers_as_numbers(session: AllTypes) -> None:
    wb = load_workbook(io.BytesIO(download(session, "xlsx")))
    responses = sheet(wb, "Responses")
    p1 = {r["question_id"]: r for r in responses if r["participant"] == learners(session)[0]}
    assert {q: r["answer_text"] for q, r in p1.items()} == P1_ANSWER_TEXT
    assert p1["SHARE"]["answer"] == 10 and p1["CASE1"]["confidence"] == 4
    assert p1["CASE1"]["correct"] is True
    hidden = [r["hidden"] for r in responses if r["question_id"] == "BARRIER"]
    assert hidden == [False, True, True, False, False]  # P5 first: the order given
    figures = {(r["question_id"], r["measure"], r["key"]): r["value"] for r in sheet(wb, "Results")}
    assert figures[("SHARE", "outliers", None)] == 95
    assert figures[("PRIORITY", "borda", "QOL")] == 10
    assert figures[("CASE1", "correct_percent", None)] == 67
    assert len(wb["Summary"]._charts) == 3  # the choice items
    assert sheet(wb, "Comparison") == []  # nothing published


# --- JSON ------------------------------------------------------------------------------


def test_json_holds_each_answer_as_its_type_takes_it(session: AllTypes) -> None:
    doc = json.loads(download(session, "json"))
    assert doc["version"] == 3
    by = {(r["participant"], r["question_id"]): r for r in doc["responses"]}
    P = learners(session)  # noqa: N806
    assert by[(P[4], "SCREEN")]["answer"] == ["LVEF", "ILD", "CBC"]
    assert by[(P[1], "PRIORITY")]["answer"] == ["CNS", "QOL", "TOX"]
    assert by[(P[5], "SHARE")]["answer"] == 95.0
    assert by[(P[2], "BARRIER")] | {"answered_at": 0, "updated_at": 0} == {
        "participant": P[2], "question_id": "BARRIER", "answer": "stupid rules",
        "confidence": None, "hidden": True, "answered_at": 0, "updated_at": 0, "changed_count": 0,
    }  # fmt: skip
    assert by[(P[0], "CASE1")]["confidence"] == 4
    barrier = next(q for q in doc["results"]["questions"] if q["question_id"] == "BARRIER")
    assert [a["participant"] for a in barrier["live"]["answers"]] == [  # in the order given
        P[4], P[3], P[2], P[1], P[0],
    ]  # fmt: skip
    assert "id" not in barrier["live"]["answers"][0]


def test_json_round_trip_of_every_type_is_byte_identical(db: Database, other_db: Database) -> None:
    s = run_all_types(db, "Every type =1+1 ≥ 3")
    first = download(s, "json")
    exports.restore(other_db, load_document(io.BytesIO(first)))
    again = b"".join(export_chunks(other_db, s.code, FORMATS["json"]))
    assert again == first
    for fmt in ("csv", "xlsx"):  # the other formats read the imported answers too
        assert b"".join(export_chunks(other_db, s.code, FORMATS[fmt]))


def _set(doc: dict[str, Any], who: str, qid: str, **fields: Any) -> None:
    next(r for r in doc["responses"] if (r["participant"], r["question_id"]) == (who, qid)).update(
        fields
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d, who: _set(d, who, "SHARE", answer=101), "Answer between 0 and 100 %"),
        (lambda d, who: _set(d, who, "SHARE", answer=10.5), "whole number"),
        (lambda d, who: _set(d, who, "SHARE", answer="ten"), "takes 'value'"),
        (lambda d, who: _set(d, who, "PRIORITY", answer=["QOL"]), "ranks 3 options"),
        (lambda d, who: _set(d, who, "SCREEN", answer=["LVEF", "NOPE"]), "not an option"),
        (lambda d, who: _set(d, who, "BARRIER", answer="x" * 281), "at most 280 characters"),
        (lambda d, who: _set(d, who, "BARRIER", answer=["No"]), "takes 'text'"),
        (lambda d, who: _set(d, who, "CASE1", confidence=5), "less than or equal to 4"),
        (lambda d, who: _set(d, who, "LIKELY", confidence=2), "does not ask for one"),
    ],
)
def test_an_answer_its_item_would_refuse_is_refused_on_import(
    session: AllTypes, change: Any, message: str
) -> None:
    doc = json.loads(download(session, "json"))
    change(doc, learners(session)[0])  # learner P1 answered every item
    with pytest.raises(InvalidExport, match=re.escape(message)):
        load_document(io.BytesIO(json.dumps(doc).encode()))


# --- PDF -------------------------------------------------------------------------------


def test_the_report_shows_each_type_its_own_way(session: AllTypes) -> None:
    text = pdf_text(download(session, "pdf"))
    assert "Knowledge check: 4 of 6 answered correctly (67%). Correct: Trastuzumab deruxtecan." in (
        text
    )
    assert "5 rated it, 1: 1 · 2: 1 · 3: 1 · 4: 2; mean 2.80" in text  # confidence
    assert text.count("· countdown") == 1 and "countdown 60 s." in text  # CASE1's timer only
    assert "Knowledge check: 2 of 5 answered correctly (40%)" in text
    assert "5 respondents ticked 13 options" in text
    assert "Median 3, mean 2.67 (95% CI 1.58 to 3.75, t-interval)" in text
    assert "Median 27.5 %; interquartile range 21.25 to 33.75 % (IQR 12.5)" in text
    assert "kept in the histogram): 95." in text
    assert "5 answers, 2 of them hidden from the room" in text
    assert "stupid rules hidden" in text and "Cost of MRI hidden" in text
    assert "No MRI slots shown" in text
    assert "Quality of life 10 1.50 4 2" in text and "Toxicity 1 3.00 1 0" in text
    assert "first by Borda: Quality of life" in text  # the overview's headline
    assert "reconstruct" not in text.split("Methods")[-1]  # nothing was compared


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_poppler_renders_every_page_of_the_report(session: AllTypes, tmp_path: Path) -> None:
    pdf = tmp_path / "all.pdf"
    pdf.write_bytes(download(session, "pdf"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    assert len(list(tmp_path.glob("p-*.png"))) == len(PdfReader(pdf).pages) >= 3
