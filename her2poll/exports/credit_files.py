"""Attendance CSV and certificates of participation (PDF, one per learner, or a zip).

The attendance sheet is per learner: it names the learner (in an identified
session) next to their *participation* (times, items answered of items asked),
never next to their answers. Its rows are sorted by name, and it carries no
learner key: the answer exports number learners P0001… in another order, so the
two files cannot be lined up row by row. Times are to the minute, as a sign-in
sheet's. A certificate is issued only to a learner who gave their identity and
met the provider's threshold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from ..core.commitments import Commitment
from ..core.errors import Forbidden, NotFound
from ..store.identities import AttendanceReport, LearnerRecord
from .cells import neutralise
from .pdf_chart import LIVE
from .pdf_fonts import BOLD, ITALIC, REGULAR

ATTENDANCE_COLUMNS = [
    "name", "email", "profession", "licence", "first_join", "last_seen",
    "connected_minutes", "items_answered", "items_asked", "share_answered", "threshold",
    "threshold_met", "identity_purged",
]  # fmt: skip


def _time(value: datetime | None) -> str:
    """To the minute: a check-in time, and too coarse to match an answer's timestamp."""
    return value.isoformat(timespec="minutes") if value else ""


def certificate_number(record: LearnerRecord) -> str:
    """A learner's stable number on their certificate, from their public id (never shown)."""
    return hashlib.sha256(record.public_id.encode()).hexdigest()[:8].upper()


def by_name(records: tuple[LearnerRecord, ...]) -> list[LearnerRecord]:
    """Learners by name, then e-mail; those without one after, in certificate-number order.

    Never in join order, which the pseudonyms of the answer exports would line up with.
    """

    def key(r: LearnerRecord) -> tuple[bool, str, str, str]:
        who = r.learner.identity
        return (who is None, who.name.casefold() if who else "",
                who.email if who else "", certificate_number(r))  # fmt: skip

    return sorted(records, key=key)


def attendance_rows(report: AttendanceReport) -> list[list[object]]:
    """The attendance sheet's rows, by name, header first."""
    rows: list[list[object]] = [list(ATTENDANCE_COLUMNS)]
    for r in by_name(report.records):
        a, who = r.attendance, r.learner.identity
        rows.append(
            [  # what the learner typed may start with "=": made inert, as in the follow-up file
                neutralise(who.name) if who else "",
                neutralise(who.email) if who else "",
                r.learner.profession.value if r.learner.profession else "",
                neutralise(who.licence or "") if who else "",
                _time(a.first_join),
                _time(a.last_seen),
                round(a.connected.total_seconds() / 60, 1),
                a.items_answered,
                a.items_asked,
                round(a.share, 4),
                a.threshold,
                "yes" if a.met else "no",
                "yes" if r.learner.purged else "no",
            ]
        )
    return rows


def attendance_csv(report: AttendanceReport) -> bytes:
    """The attendance sheet as UTF-8 CSV (with a BOM, so spreadsheet programs read accents)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(attendance_rows(report))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


FOLLOW_UP_COLUMNS = ["name", "email", "profession", "statement", "intent", "intent_value"]


def follow_up_csv(report: AttendanceReport, commitments: Sequence[Commitment[str]]) -> bytes:
    """The provider's follow-up file: who committed to what change, sorted by name.

    Keyed by the learners' public ids (``commitments``), written with their names:
    identity, statement and intent only, no test answer and no pseudonym.
    """
    people = {r.public_id: r for r in report.records if r.learner.identity is not None}
    said = {c.learner: c for c in commitments if c.learner in people}
    rows: list[list[object]] = [list(FOLLOW_UP_COLUMNS)]
    for r in by_name(tuple(people[learner] for learner in said)):
        c, who = said[r.public_id], r.learner.identity
        assert who is not None
        rows.append([neutralise(who.name), neutralise(who.email), who.profession.value,
                     neutralise(c.statement), c.intent, c.intent_value])  # fmt: skip
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def eligible(record: LearnerRecord) -> bool:
    """A certificate needs an identity (not purged) and the threshold met."""
    return record.learner.identity is not None and record.attendance.met


def certificate_pdf(report: AttendanceReport, record: LearnerRecord) -> bytes:
    """One learner's certificate of participation, an A4 landscape page."""
    if record.learner.identity is None:
        raise NotFound("No identity was given on this phone: there is no name to certify.")
    if not record.attendance.met:
        a = record.attendance
        raise Forbidden(
            f"The certificate needs {a.threshold:.0%} of the items answered; "
            f"this phone answered {a.items_answered} of {a.items_asked}."
        )
    out = io.BytesIO()
    _draw(Canvas(out, pagesize=landscape(A4)), report, record)
    return out.getvalue()


def _draw(c: Canvas, report: AttendanceReport, record: LearnerRecord) -> None:
    who, a = record.learner.identity, record.attendance
    assert who is not None
    w, h = landscape(A4)
    c.setTitle(f"Certificate of participation: {who.name}")
    c.setAuthor("her2poll")
    c.setStrokeColor(LIVE)
    c.setLineWidth(2)
    c.rect(12 * mm, 12 * mm, w - 24 * mm, h - 24 * mm)
    c.setFillColor(LIVE)
    c.setFont(BOLD, 28)
    c.drawCentredString(w / 2, h - 45 * mm, "Certificate of participation")
    c.setFillColor(colors.black)
    c.setFont(REGULAR, 13)
    c.drawCentredString(w / 2, h - 62 * mm, "This certifies that")
    c.setFont(BOLD, 22)
    c.drawCentredString(w / 2, h - 78 * mm, _fit(who.name, BOLD, 22, w - 60 * mm))
    c.setFont(REGULAR, 11)
    role = "Physician" if who.profession.value == "physician" else "Health professional"
    licence = f" · licence/board ID {who.licence}" if who.licence else ""
    c.drawCentredString(w / 2, h - 87 * mm, f"{role}{licence}")
    c.setFont(REGULAR, 13)
    c.drawCentredString(w / 2, h - 103 * mm, "participated in")
    c.setFont(BOLD, 16)
    c.drawCentredString(w / 2, h - 115 * mm, _fit(report.state.title, BOLD, 16, w - 60 * mm))
    c.setFont(REGULAR, 11)
    day = (a.first_join or report.state.created_at).strftime("%d %B %Y")
    minutes = round(a.connected.total_seconds() / 60)
    lines = [
        f"on {day} (session {report.state.code})",
        f"connected {minutes} min · answered {a.items_answered} of {a.items_asked} items "
        f"asked ({a.share:.0%}; required {a.threshold:.0%})",
    ]
    for i, line in enumerate(lines):
        c.drawCentredString(w / 2, h - (130 + 7 * i) * mm, line)
    c.setFont(ITALIC, 8)
    c.setFillColor(colors.grey)
    c.drawCentredString(
        w / 2, 20 * mm,
        f"Issued by her2poll on {report.now.strftime('%Y-%m-%d %H:%M UTC')} · certificate "
        f"{certificate_number(record)}. A record of participation, not a statement of credit "
        "hours.",
    )  # fmt: skip
    c.showPage()
    c.save()


def _fit(text: str, font: str, size: float, width: float) -> str:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "learner"


def certificate_name(report: AttendanceReport, record: LearnerRecord) -> str:
    name = record.learner.identity.name if record.learner.identity else "learner"
    return f"certificate-{report.state.code}-{_slug(name)}-{certificate_number(record)}.pdf"


def certificates_zip(report: AttendanceReport) -> tuple[bytes, int]:
    """Every eligible learner's certificate in one zip, and how many there are."""
    out = io.BytesIO()
    issued = [r for r in report.records if eligible(r)]
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for r in issued:
            z.writestr(certificate_name(report, r), certificate_pdf(report, r))
        z.writestr("attendance.csv", attendance_csv(report))
    return out.getvalue(), len(issued)


def summary(report: AttendanceReport) -> dict[str, Any]:
    """The attendance figures the panel and the outcomes report show (counts only)."""
    records = report.records
    return {
        "identity_mode": report.credit.mode.value,
        "threshold": report.credit.threshold,
        "items_asked": len(report.asked),
        "learners": len(records),
        "answered_any": sum(1 for r in records if r.attendance.items_answered),
        "identified": sum(1 for r in records if r.learner.identity is not None),
        "threshold_met": sum(1 for r in records if r.attendance.met),
        "certificates": sum(1 for r in records if eligible(r)),
        "pars": report.pars(),
    }
