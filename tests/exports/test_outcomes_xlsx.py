"""The outcomes workbook is as safe to open as every other export."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from her2poll.core.outcomes_report import report
from her2poll.core.questions import load_question_set
from her2poll.exports.outcomes_xlsx import write_xlsx
from testkit import outcomes_plan


def test_a_statement_a_spreadsheet_would_run_is_written_as_text() -> None:
    """A learner's commitment is free text: "=HYPERLINK(…)" must not become a formula."""
    answers, sure = outcomes_plan.answers_and_sure()
    answers["L1"] = answers["L1"] | {"CHANGE_TEXT": '=HYPERLINK("http://x.example","y")'}
    qs = load_question_set(outcomes_plan.EXAMPLE)
    doc = report(qs, answers, sure, {"learners": 8}, identified=False)
    out = io.BytesIO()
    write_xlsx(doc, out)
    ws = load_workbook(io.BytesIO(out.getvalue()))["Statements"]
    said = [row[2] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x.example","y")' in said
    assert not any(isinstance(s, str) and s.startswith("=") for s in said)
    assert "Check LVEF every 3 months during trastuzumab" not in said  # L1's, replaced
