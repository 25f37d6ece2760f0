"""The CME outcomes report: one document, three files (PDF, JSON, XLSX) with the same numbers."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from ..core.errors import BadRequest, NotFound
from ..core.outcomes import Design
from ..core.outcomes_report import report as outcomes_document
from ..exports.credit_files import summary
from ..store import identities
from ..store.db import Database
from . import credit

KINDS = {
    "pdf": "application/pdf",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class OutcomesFile:
    filename: str
    mimetype: str
    data: bytes


#: The designs a caller may ask for; "auto" lets the documented rule choose.
DESIGNS = {"auto": None, "matched": Design.MATCHED, "unmatched": Design.UNMATCHED}


def design_of(value: object) -> Design | None:
    """The design a request names (``auto``, ``matched``, ``unmatched``); ``None``: the rule's."""
    name = "auto" if value is None or value == "" else value
    if not isinstance(name, str) or name not in DESIGNS:
        raise BadRequest("The design is 'auto', 'matched' or 'unmatched'.")
    return DESIGNS[name]


def document(
    db: Database, code: str, design: Design | None = None, bowker: bool = False
) -> dict[str, Any]:
    """The outcomes report's numbers for one session, read in one snapshot."""
    attendance = credit.report(db, code)
    state = attendance.state
    with db.snapshot() as conn:
        answers, sure = identities.learner_answers(conn, state.id, state.questions)
    doc = outcomes_document(
        state.questions, answers, sure, summary(attendance), attendance.identified, design, bowker
    )
    return {"title": state.title, "code": state.code, **doc}


def outcomes_file(
    db: Database, code: str, fmt: str, design: Design | None = None, bowker: bool = False
) -> OutcomesFile:
    """The outcomes report as ``pdf``, ``json`` or ``xlsx``."""
    if fmt not in KINDS:
        raise NotFound(f"No outcomes report format {fmt!r}: use pdf, json or xlsx.")
    doc = document(db, code, design, bowker)
    out = io.BytesIO()
    if fmt == "pdf":
        from ..exports.outcomes_pdf import write_pdf

        write_pdf(doc, doc["title"], doc["code"], out)
    elif fmt == "xlsx":
        from ..exports.outcomes_xlsx import write_xlsx

        write_xlsx(doc, out)
    else:
        out.write(json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False).encode())
    return OutcomesFile(f"her2poll-{doc['code']}-outcomes.{fmt}", KINDS[fmt], out.getvalue())
