"""The PDF outcomes report a CME provider can attach to its activity file.

Built with reportlab: a pip wheel with no system libraries, no browser and no
network, so it works on a fresh machine through ``scripts/setup.sh`` alone and
offline at a venue. The alternatives were checked here: kaleido ≥ 1 renders
plotly figures by driving a Chrome, which the app's set-up does not install
(Debian's chromium is only a test dependency), and WeasyPrint needs Debian's
Pango, present on test machines only because chromium pulls it in. Charts are
vector graphics (:mod:`.pdf_chart`), crisp at any zoom and a few kilobytes each.

The report takes every number from ``session_results`` (the results API's
document); nothing is recomputed here. The audience questions close the results:
what was answered and what was left, with their upvotes, never who asked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import IO, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..core import stats
from ..core.results import session_results
from ..core.wording import format_p
from ..store.export import QARecord, SessionSnapshot
from .pdf_chart import LIVE, comparison_chart
from .pdf_fonts import BOLD, REGULAR

_BASE = ParagraphStyle("base", fontName=REGULAR, fontSize=9, leading=12, alignment=TA_LEFT)
STYLES = {
    "title": ParagraphStyle("title", _BASE, fontName=BOLD, fontSize=17, leading=21,
                            textColor=LIVE),
    "subtitle": ParagraphStyle("subtitle", _BASE, fontSize=11.5, leading=15, spaceAfter=4 * mm),
    "h2": ParagraphStyle("h2", _BASE, fontName=BOLD, fontSize=11, leading=14, spaceBefore=5 * mm,
                         spaceAfter=1.5 * mm, textColor=LIVE),
    "body": _BASE,
    "para": ParagraphStyle("para", _BASE, spaceAfter=2 * mm),
    "small": ParagraphStyle("small", _BASE, fontSize=7.5, leading=9.5, textColor=colors.grey),
    "cell": ParagraphStyle("cell", _BASE, fontSize=7.5, leading=9.5),
    "head": ParagraphStyle("head", _BASE, fontName=BOLD, fontSize=7.5, leading=9.5,
                           textColor=colors.white),
    "verdict": ParagraphStyle("verdict", _BASE, fontName=BOLD, fontSize=9, leading=12,
                              spaceBefore=2 * mm),
    "h2_next": ParagraphStyle("h2_next", _BASE, fontName=BOLD, fontSize=11, leading=14,
                              spaceBefore=5 * mm, spaceAfter=1.5 * mm, textColor=LIVE,
                              keepWithNext=1),
    "lead": ParagraphStyle("lead", _BASE, spaceAfter=2 * mm, keepWithNext=1),
    "h3": ParagraphStyle("h3", _BASE, fontName=BOLD, fontSize=9, leading=12, spaceBefore=2 * mm,
                         spaceAfter=1 * mm, keepWithNext=1),
}  # fmt: skip
_GRID = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), REGULAR, 7.5),
        ("FONT", (0, 0), (-1, 0), BOLD, 7.5),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("BACKGROUND", (0, 0), (-1, 0), LIVE),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F2F5F9")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, colors.HexColor("#BBBBBB")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
)


def _p(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text), STYLES[style])


_VERDICTS = {
    "differs": "differs",
    "no_clear_difference": "no clear difference",
    "depends_on_reconstruction": "depends on the reconstruction",
    "too_few": "too few answers",
    "no_answers": "no answers",
    "no_published": "nothing published",
}


def _head(*names: str) -> list[Any]:
    return [_p(n, "head") for n in names]


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _ci(interval: list[float] | None) -> str:
    return "–" if not interval else f"{interval[0]:.1f} to {interval[1]:.1f}"


def write_pdf(snap: SessionSnapshot, out: IO[bytes]) -> None:
    """Write the outcomes report of one session snapshot to a binary file."""
    results = session_results(snap.state, snap.tallies)
    story: list[Any] = [
        _p("Audience poll outcomes report", "title"),
        _p(snap.state.title, "subtitle"),
        _metadata(snap, results),
        _p("Results by question", "h2"),
        _overview(results),
    ]
    for q in results["questions"]:
        story.extend(_question(q))
    story.extend(_audience_questions(list(snap.qa_questions())))
    story.extend(_methods(results))
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"Outcomes report: {snap.state.title}",
        author="her2poll", subject=f"Session {snap.state.code}",
    )  # fmt: skip
    footer = f"her2poll · session {snap.state.code} · {snap.state.title}"
    doc.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))


def _footer(text: str):  # type: ignore[no-untyped-def]
    def draw(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(REGULAR, 7)
        canvas.setFillColor(colors.grey)
        short = text if len(text) <= 110 else text[:109] + "…"
        canvas.drawString(18 * mm, 10 * mm, short)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"page {doc.page}")
        canvas.restoreState()

    return draw


def _metadata(snap: SessionSnapshot, results: dict[str, Any]) -> Table:
    """Session facts: date, code, questions asked, participants, answers."""
    state, counts = snap.state, snap.counts
    asked = sum(1 for p in snap.polls if p.state != "pending")
    qs = state.questions
    pub_n = results["published_n"]
    rows = [
        ("Session date", f"{state.created_at:%d %B %Y} (created {state.created_at:%H:%M} UTC)"),
        ("Join code", state.code),
        ("Questions asked", f"{asked} of {len(qs.questions)}"),
        ("Participants joined", f"{counts.participants:,}"),
        ("Answers recorded", f"{counts.answers:,} ({counts.votes:,} votes incl. changes)"),
        ("Audience questions", f"{counts.qa_questions:,}"),
        ("Question set", qs.id),
        ("Published source", qs.source.citation if qs.source else "–"),
        ("Published N", f"{pub_n['value']} ({'upper bound' if pub_n['kind'] == 'cap' else 'exact'})"
         if pub_n else "–"),
        ("Report generated", f"{datetime.now(UTC):%d %B %Y %H:%M} UTC"),
    ]  # fmt: skip
    table = Table([[_p(k, "cell"), _p(v, "cell")] for k, v in rows], colWidths=[38 * mm, 136 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, -1), BOLD, 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#DDDDDD")),
            ]
        )
    )
    return table


def _overview(results: dict[str, Any]) -> Table:
    """One line per question: state, answered, published n, verdict."""
    rows: list[list[Any]] = [_head("", "Question", "State", "Answered", "Published n", "Verdict")]
    for q in results["questions"]:
        cmp = q["comparison"]
        rows.append([
            q["question_id"], _p(q["text"], "cell"), q["state"] or "–", f"{q['live']['n']:,}",
            str(cmp["published_n"]) if cmp["published_n"] else "–",
            _p("not asked" if _not_asked(q) else _VERDICTS.get(cmp["verdict_code"], ""), "cell"),
        ])  # fmt: skip
    table = Table(rows, colWidths=[11 * mm, 72 * mm, 15 * mm, 19 * mm, 22 * mm, 35 * mm])
    table.setStyle(_GRID)
    return table


def _question(q: dict[str, Any]) -> list[Any]:
    """Heading, chart, numbers, verdict and provenance of one question, kept on one page."""
    cmp = q["comparison"]
    heading = _p(f"{q['question_id']}. {q['text']}", "h2")
    if _not_asked(q):
        return [KeepTogether([heading, _p("Not asked in this session.", "small")])]
    parts: list[Any] = [
        heading,
        _p(_answered_line(q), "small"),
        Spacer(1, 1.5 * mm),
        comparison_chart(q),
        Spacer(1, 2 * mm),
    ]
    if cmp["options"]:
        parts.append(_numbers(q))
    parts.append(_p(cmp["verdict"], "verdict"))
    parts.append(_p(_method_line(q), "small"))
    return [KeepTogether(parts)]


def _not_asked(q: dict[str, Any]) -> bool:
    return q["state"] in (None, "pending") and not q["live"]["n"]


def _answered_line(q: dict[str, Any]) -> str:
    wording = (
        "Wording reconstructed from the article's text"
        if q["published"]["text_status"] == "reconstructed"
        else "Wording as printed in the source"
    )
    state = q["state"] or "not in this session"
    return f"Answered by {q['live']['n']:,} participants · poll {state} · {wording}."


def _numbers(q: dict[str, Any]) -> Table:
    """Per column: live count and share, printed figure, reconstructed count, difference."""
    texts = {o["id"]: o["text"] for o in q["options"]}
    n = q["live"]["n"]
    rows: list[list[Any]] = [_head(
        "Option", "Live n (%)", "Live 95% CI", "Printed %", "Published n",
        "Published 95% CI", "Difference, pp (95% CI)",
    )]  # fmt: skip
    for c in q["comparison"]["options"]:
        shown = sum(q["live"]["percent"][i] for i in c["option_ids"])
        printed = c["printed_percent"] if c["printed_percent"] is not None else c["derived_percent"]
        mark = "" if c["printed_percent"] is not None else " (derived)"
        rows.append([
            _p(" / ".join(texts[i] for i in c["option_ids"]), "cell"),
            f"{c['live_count']:,} ({shown}%)" if n else "0",
            _ci(c["live_ci_percent"]),
            f"{_num(printed, 0)}{mark}",
            f"{c['published_count']}/{q['comparison']['published_n']}",
            _ci(c["published_ci_percent"]),
            _difference(c),
        ])  # fmt: skip
    table = Table(rows, colWidths=[40 * mm, 17 * mm, 22 * mm, 20 * mm, 19 * mm, 24 * mm, 32 * mm])
    table.setStyle(_GRID)
    return table


def _difference(c: dict[str, Any]) -> str:
    if c["difference_pp"] is None:
        return "–"
    return f"{c['difference_pp']:.1f} ({_ci(c['difference_ci_pp'])})"


def _method_line(q: dict[str, Any]) -> str:
    cmp, rec = q["comparison"], q["published"]["reconstruction"]
    parts = []
    if cmp["test"]:
        parts.append(f"Test: {cmp['test']['method']}, p = {format_p(cmp['test']['p_value'])}")
    if cmp["p_range"] and len(cmp["sensitivity"]) > 1:
        lo, hi = cmp["p_range"]
        parts.append(
            f"Across {len(cmp['sensitivity'])} reconstructions p = {format_p(lo)} to {format_p(hi)}"
        )
    if cmp["effect"]:
        e = cmp["effect"]
        parts.append(
            f"Effect size ({e['name']}) {e['estimate']:.2f} "
            f"(95% CI {e['ci'][0]:.2f} to {e['ci'][1]:.2f})"
        )
    if rec["summary"]:
        parts.append(f"Published counts: {rec['summary']}")
    return ". ".join(p.rstrip(".") for p in parts) + "." if parts else ""


def _audience_questions(questions: list[QARecord]) -> list[Any]:
    """Answered, then not yet answered, each by votes; dismissed and merged only counted."""
    if not questions:
        return [
            KeepTogether([_p("Audience questions", "h2"), _p("No audience questions.", "para")])
        ]
    by_votes = sorted(questions, key=lambda q: -q.votes)  # stable: ties in the order asked
    answered = [q for q in by_votes if q.status == "answered"]
    waiting = [q for q in by_votes if q.status in ("approved", "pending")]
    dismissed = sum(1 for q in questions if q.status == "dismissed")
    merged = sum(1 for q in questions if q.status == "merged")
    line = (
        f"{len(questions):,} question{'s' if len(questions) != 1 else ''} from the audience: "
        f"{len(answered):,} answered, "
        f"{len(waiting):,} not answered (approved or awaiting moderation). Not listed: "
        f"{dismissed:,} dismissed, {merged:,} merged into another question. Votes are "
        "upvotes from distinct participants; names are those learners chose to show."
    )
    # The heading and the line stay with the first table (keepWithNext), not alone on a page.
    parts: list[Any] = [_p("Audience questions", "h2_next"), _p(line, "lead")]
    for title, group in (("Answered", answered), ("Not answered", waiting)):
        if group:
            parts += [_p(title, "h3"), _qa_table(group)]
    return parts


def _qa_table(questions: list[QARecord]) -> Table:
    rows: list[list[Any]] = [_head("Question", "Name", "Status", "Votes")]
    for q in questions:
        status = f"{q.status}, pinned" if q.pinned else q.status
        rows.append(
            [_p(q.text, "cell"), _p(q.name or "–", "cell"), _p(status, "cell"), f"{q.votes:,}"]
        )
    table = Table(rows, colWidths=[102 * mm, 30 * mm, 28 * mm, 14 * mm], repeatRows=1)
    table.setStyle(_GRID)
    return table


def _methods(results: dict[str, Any]) -> list[Any]:
    cap = results["reconstruction_cap"]
    text = [
        "Live shares are of the participants who answered each question; shown whole "
        "percentages add up to 100 (largest-remainder rounding). Each participant has one "
        "answer per question, the last one given while the poll was open.",
        "The source prints rounded percentages, not counts. For every respondent count n up "
        f"to {cap} (the source's footnote N, an upper bound), the published counts are "
        "reconstructed as the splits whose percentages print as published under four rounding "
        "rules: round half up, round half to even, round down and largest remainder. The "
        "comparison uses the largest consistent n; the test is repeated on every consistent "
        "reconstruction and a difference is claimed only if all of them agree. Figures marked "
        "derived are not printed in the source and only take up the remainder.",
        "Intervals are Wilson score 95% intervals for each share and Newcombe hybrid-score 95% "
        "intervals for differences. The test of equal distributions is Fisher's exact test "
        "(two options) or the exact Fisher–Freeman–Halton test (more options); beyond "
        f"{stats.EXACT_LIMIT:,} tables a Monte Carlo permutation test with "
        f"{stats.MONTE_CARLO_RESAMPLES:,} resamples and the fixed seed {stats.SEED}. "
        f"Significance level {stats.ALPHA}; with fewer than {stats.MIN_LIVE_N} live answers no "
        "verdict is given. Effect size: total variation distance (0 to 1) with a conservative "
        "95% interval (Bonferroni-adjusted Newcombe intervals).",
        "The published panel is small and its counts are reconstructed, so the comparison "
        "describes this audience beside that panel; it is not evidence of a change in practice.",
    ]
    return [KeepTogether([_p("Methods", "h2"), *(_p(t, "para") for t in text)])]
