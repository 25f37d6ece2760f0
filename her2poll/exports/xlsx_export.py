"""The XLSX export: Summary (with a bar chart per choice item), Results (every figure of
every item type), Responses, Comparison, Questions, Commitments (per learner, by
pseudonym), Q&A (the audience questions) and About sheets.

The workbook is write-only (openpyxl streams each sheet's rows to a temporary file
as they are appended), so the Responses sheet of a large session costs disk, not
memory. Write-only sheets take widths and frozen panes only before their first
row, which is why every sheet is set up before it is filled.

Excel has no time zones: timestamps are written as UTC and the headers say so.
Text is neutralised as in the CSV (:mod:`.cells`), which also keeps openpyxl from
storing a label that begins with ``=`` as a formula.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..store.export import SessionSnapshot
from .cells import Cell, neutralise
from .tables import (
    COMMITMENTS_HEADER,
    COMPARISON_HEADER,
    QA_HEADER,
    QUESTIONS_HEADER,
    RESPONSES_HEADER,
    RESULTS_HEADER,
    SUMMARY_HEADER,
    ResponseTexts,
    aggregate_results,
    commitment_rows,
    comparison_rows,
    qa_row,
    question_rows,
    result_rows,
    summary_rows,
)

_BOLD = Font(bold=True, color="FFFFFF")
_FILL = PatternFill("solid", fgColor="1F4E79")
_WRAP = Alignment(wrap_text=True, vertical="top")
#: Widths in characters; columns not named get 14.
_WIDTHS = {
    "question": 48, "option": 30, "text_quote": 60, "text_note": 40, "published_quote": 60,
    "published_note": 40, "verdict": 80, "test_method": 36, "effect_method": 50,
    "interval_method": 28, "difference_method": 40, "reconstruction": 50, "answered_at": 20,
    "updated_at": 20, "opened_at": 20, "closed_at": 20, "option_id": 20, "participant": 12,
    "text": 60, "name": 24, "created_at": 20, "id": 8, "votes": 8, "merged_into": 12,
    "answer": 24, "answer_text": 48, "settings": 30, "rationale": 60, "option_note": 40,
    "measure": 18, "key": 16, "label": 30, "received_at": 20, "statement": 70, "intent": 24,
}  # fmt: skip
_UTC_COLUMNS = {"answered_at", "updated_at", "opened_at", "closed_at", "created_at", "received_at"}
#: Summary columns charted: the live share and the published share, in percent.
_LIVE_COL = SUMMARY_HEADER.index("live_share_percent") + 1
_PUB_COL = SUMMARY_HEADER.index("published_percent") + 1
_LABEL_COL = SUMMARY_HEADER.index("option") + 1
_CHART_ROWS = 16


def _value(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # already UTC; Excel cannot hold a zone
    return neutralise(value)


def _sheet(wb: Workbook, title: str, header: list[str]) -> WriteOnlyWorksheet:
    """A write-only sheet with widths, a frozen styled header row and a filter."""
    ws = wb.create_sheet(title)
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = _WIDTHS.get(name, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}1"
    cells = []
    for name in header:
        cell = WriteOnlyCell(ws, f"{name} (UTC)" if name in _UTC_COLUMNS else name)
        cell.font, cell.fill = _BOLD, _FILL
        cells.append(cell)
    ws.append(cells)
    return ws


def _fill(ws: WriteOnlyWorksheet, rows: Iterable[list[Cell]]) -> int:
    count = 0
    for row in rows:
        ws.append([_value(v) for v in row])
        count += 1
    return count


def write_xlsx(snap: SessionSnapshot, out: IO[bytes]) -> None:
    """Write the workbook of one session snapshot to a binary file."""
    results = aggregate_results(snap)
    wb = Workbook(write_only=True)
    summary = _sheet(wb, "Summary", SUMMARY_HEADER)
    _summary(summary, results)
    _fill(_sheet(wb, "Results", RESULTS_HEADER), result_rows(results))
    responses = _sheet(wb, "Responses", RESPONSES_HEADER)
    texts = ResponseTexts(snap.state.questions)
    _fill(responses, (texts.row(r) for r in snap.responses()))
    _fill(_sheet(wb, "Comparison", COMPARISON_HEADER), comparison_rows(results))
    _fill(
        _sheet(wb, "Questions", QUESTIONS_HEADER), question_rows(snap.state.questions, snap.polls)
    )
    _fill(_sheet(wb, "Commitments", COMMITMENTS_HEADER), commitment_rows(snap))
    _fill(_sheet(wb, "Q&A", QA_HEADER), map(qa_row, snap.qa_questions()))
    _about(wb, snap, results)
    wb.save(out)


def _summary(ws: WriteOnlyWorksheet, results: dict[str, Any]) -> None:
    """The summary table, and beside it one chart per question of its rows."""
    rows = list(summary_rows(results))
    _fill(ws, rows)
    first, charted = 2, 0
    for q in results["questions"]:
        n_rows = sum(1 for r in rows if r[0] == q["question_id"])
        if not n_rows:
            continue
        chart = _chart(ws, q, first, first + n_rows - 1)
        anchor = f"{get_column_letter(len(SUMMARY_HEADER) + 2)}{2 + charted * _CHART_ROWS}"
        ws.add_chart(chart, anchor)
        first, charted = first + n_rows, charted + 1


def _chart(ws: WriteOnlyWorksheet, q: dict[str, Any], first: int, last: int) -> BarChart:
    """Live share against published share (from the reconstructed counts), in percent."""
    chart = BarChart()
    chart.type, chart.grouping = "col", "clustered"
    text = q["text"] if len(q["text"]) <= 70 else q["text"][:69] + "…"
    chart.title = f"{q['question_id']}: {text}"
    chart.y_axis.title, chart.y_axis.scaling.min, chart.y_axis.scaling.max = "%", 0, 100
    chart.y_axis.delete = chart.x_axis.delete = False
    chart.height, chart.width = 7.5, 16
    compared = q["comparison"] is not None and q["comparison"]["options"]
    for col in (_LIVE_COL, _PUB_COL) if compared else (_LIVE_COL,):
        chart.add_data(Reference(ws, min_col=col, min_row=first, max_row=last))
    for series, name in zip(chart.series, ("Live %", "Published %"), strict=False):
        series.tx = SeriesLabel(v=name)
    chart.set_categories(Reference(ws, min_col=_LABEL_COL, min_row=first, max_row=last))
    return chart


def _about(wb: Workbook, snap: SessionSnapshot, results: dict[str, Any]) -> None:
    """Key facts of the session and where the published figures come from."""
    ws = wb.create_sheet("About")
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 24, 100
    qs, counts = snap.state.questions, snap.counts
    pub_n = results["published_n"]
    facts: list[tuple[str, Cell]] = [
        ("Session", snap.state.title),
        ("Join code", snap.state.code),
        ("Created (UTC)", snap.state.created_at),
        ("Question set", qs.id),
        ("Source", qs.source.citation if qs.source else None),
        ("Published N", f"{pub_n['value']} ({pub_n['kind']})" if pub_n else None),
        ("Participants joined", counts.participants),
        ("Answers", counts.answers),
        ("Votes applied", counts.votes),
        ("Audience questions", counts.qa_questions),
        ("Generated by", "her2poll"),
    ]
    for key, value in facts:
        label = WriteOnlyCell(ws, key)
        label.font = Font(bold=True)
        cell = WriteOnlyCell(ws, _value(value))
        cell.alignment = _WRAP
        ws.append([label, cell])
