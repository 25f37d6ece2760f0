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
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
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
from ..core.wording import format_p
from ..store.export import QARecord, SessionSnapshot
from .pdf_chart import LIVE, bar_chart, comparison_chart, live_rows, printed
from .pdf_fonts import BOLD, REGULAR
from .tables import _total, aggregate_results

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
    "cell_r": ParagraphStyle("cell_r", _BASE, fontSize=7.5, leading=9.5, alignment=TA_RIGHT),
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


def _ci(interval: list[float] | None) -> str:
    if not interval:
        return "–"
    if isinstance(interval[0], str):  # withheld (suppression): the marker
        return interval[0]
    return f"{interval[0]:.1f} to {interval[1]:.1f}"


def _c(value: int | str) -> str:
    """A count with thousands separators, or its suppression marker ("<5", "hidden")."""
    return value if isinstance(value, str) else f"{value:,}"


def _f(value: float | str | None, spec: str) -> str:
    """A figure formatted by ``spec``, its marker when withheld, "–" when there is none."""
    if value is None:
        return "–"
    return value if isinstance(value, str) else format(value, spec)


def _pc(value: float | str) -> str:
    return value if isinstance(value, str) else f"{value}%"


def write_pdf(snap: SessionSnapshot, out: IO[bytes]) -> None:
    """Write the outcomes report of one session snapshot to a binary file."""
    results = aggregate_results(snap)
    story: list[Any] = [
        _p("Audience poll outcomes report", "title"),
        _p(snap.state.title, "subtitle"),
        _metadata(snap, results),
        *_suppression_note(results),
        _p("Results by question", "h2"),
        _overview(results),
    ]
    for q in results["questions"]:
        story.extend(_question(q))
    story.extend(_audience_questions(list(snap.qa_questions())))
    story.extend(_methods(results, any(q["comparison"] for q in results["questions"])))
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


def _suppression_note(results: dict[str, Any]) -> list[Any]:
    """Identified sessions: say why some counts read "<5" or "hidden"."""
    if "suppressed" not in results:
        return []
    return [_p(
        "Learners are identified for credit, so counts of 1 to 4 learners are shown “<5”, "
        "counts that would give one of them away are shown “hidden”, and the shares, means, "
        "intervals and tests computed from them are withheld, as are single learners' values "
        f"(a number's smallest, largest and outliers). {results['suppressed']} count(s) "
        "hidden. Every answer is in the CSV and XLSX exports under a pseudonym.", "para",
    )]  # fmt: skip


#: How the report names each item type.
TYPE_NAMES = {
    "single": "single choice", "multiple": "multiple choice", "rating": "rating scale",
    "numeric": "number", "text": "open text", "ranking": "ranking",
}  # fmt: skip


def _overview(results: dict[str, Any]) -> Table:
    """One line per question: type, state, answered, published n, verdict or headline."""
    rows: list[list[Any]] = [_head("", "Question", "Type", "State", "Answers", "Pub. n", "Result")]
    for q in results["questions"]:
        cmp = q["comparison"]
        rows.append([
            q["question_id"], _p(q["text"], "cell"), _p(TYPE_NAMES.get(q["type"], q["type"]),
            "cell"), q["state"] or "–", _c(q["live"]["n"]),
            str(cmp["published_n"]) if cmp and cmp["published_n"] else "–",
            _p("not asked" if _not_asked(q) else _headline(q), "cell"),
        ])  # fmt: skip
    widths = [17 * mm, 60 * mm, 19 * mm, 14 * mm, 15 * mm, 13 * mm, 36 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_GRID)
    return table


def _headline(q: dict[str, Any]) -> str:
    """The one thing to say of an item in the overview: the verdict, % correct, a centre."""
    live = q["live"]
    if q["comparison"] is not None:
        return _VERDICTS.get(q["comparison"]["verdict_code"], "")
    if not live["n"]:
        return "no answers"
    if "correct" in live:
        percent = live["correct"]["percent"]
        return "% correct withheld" if isinstance(percent, str) else f"{percent}% correct"
    if q["type"] == "rating":
        return f"mean {_f(live['mean'], '.2f')}, median {_n(live['median'])}"
    if q["type"] == "numeric":
        return f"median {_with_unit(live['median'], live['unit'])}"
    if q["type"] == "text":
        return f"{live['n']:,} answers ({live['hidden']:,} hidden)"
    if q["type"] == "ranking":
        return f"first by Borda: {_label(q, live['order'][0])}"
    shown = [o for o in q["options"] if isinstance(live["counts"][o["id"]], int)]
    if not shown:
        return "counts withheld (under 5)"
    top = max(shown, key=lambda o: live["counts"][o["id"]])
    return f"most chosen: {top['text']} ({_pc(live['percent'][top['id']])})"


def _n(value: float | str | None) -> str:
    """A number without a needless ".0"; a withheld one's marker."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def _with_unit(value: float | None, unit: str | None) -> str:
    return f"{_n(value)} {unit}" if unit and value is not None else _n(value)


def _label(q: dict[str, Any], option_id: str) -> str:
    return next((o["text"] for o in q["options"] if o["id"] == option_id), option_id)


def _question(q: dict[str, Any]) -> list[Any]:
    """Heading, chart, numbers, verdict and provenance of one question, kept on one page."""
    cmp = q["comparison"]
    heading = _p(f"{q['question_id']}. {q['text']}", "h2")
    if _not_asked(q):
        return [KeepTogether([heading, _p("Not asked in this session.", "small")])]
    parts: list[Any] = [heading, _p(_answered_line(q), "small"), Spacer(1, 1.5 * mm)]
    if cmp is not None:
        parts += [comparison_chart(q), Spacer(1, 2 * mm)]
        if cmp["options"]:
            parts.append(_numbers(q))
        parts.append(_p(cmp["verdict"], "verdict"))
        parts.append(_p(_method_line(q), "small"))
    else:
        parts += LIVE_ONLY.get(q["type"], _choice)(q)
    parts += _knowledge(q) + _confidence(q)
    return [KeepTogether(parts)] if len(parts) < 40 else parts


def _choice(q: dict[str, Any]) -> list[Any]:
    """Single, multiple choice and rating without published figures: bars and counts."""
    live = q["live"]
    if not live["n"]:
        return [_p("No answers yet.", "para")]
    of = "of the respondents (each could tick several)" if q["type"] == "multiple" else ""
    rows: list[list[Any]] = [_head("Option", "Answers", f"% {of}".strip() or "%")]
    correct = set(q.get("correct") or ())
    for o in q["options"]:
        mark = " (correct)" if o["id"] in correct else ""
        rows.append([
            _p(o["text"] + mark, "cell"), _c(live["counts"][o["id"]]),
            _pc(live["percent"][o["id"]]),
        ])  # fmt: skip
    table = Table(rows, colWidths=[100 * mm, 24 * mm, 50 * mm])
    table.setStyle(_GRID)
    parts: list[Any] = [bar_chart(live_rows(q)), Spacer(1, 2 * mm), table]
    if q["type"] == "multiple":
        parts.append(_p(
            f"{_c(live['n'])} respondents ticked {_c(live['selections'])} options; percentages are "
            "of respondents, so they need not add up to 100.", "small",
        ))  # fmt: skip
    if q["type"] == "rating":
        parts.append(_rating_line(q))
    return parts


def _rating_line(q: dict[str, Any]) -> Paragraph:
    live, points = q["live"], q["options"]
    ci = live["mean_ci95"]
    interval = (
        f" (95% CI {ci[0]:.2f} to {ci[1]:.2f}, t-interval)"
        if ci and not isinstance(ci[0], str)
        else ""
    )
    mean = _f(live["mean"], ".2f")
    scale = (
        f"{_n(points[0]['value'])} = {points[0]['text']} to "
        f"{_n(points[-1]['value'])} = {points[-1]['text']}"
    )
    return _p(f"Median {_n(live['median'])}, mean {mean}{interval}; scale {scale}.", "verdict")


def _numeric(q: dict[str, Any]) -> list[Any]:
    """A histogram of the answers, the median and quartiles, every outlier listed."""
    live, unit = q["live"], q["live"]["unit"]
    if not live["n"]:
        return [_p("No answers yet.", "para")]
    n = live["n"]
    rows = [
        {
            "label": f"{_n(b['lo'])} to {_n(b['hi'])}" + (f" {unit}" if unit else ""),
            "live": _count_bar(b["count"], n),
            "published": None,
        }
        for b in live["histogram"]
    ]
    u = f" {unit}" if unit else ""
    outliers = ", ".join(_n(v) for v in live["outliers"]) or "none"
    line = (
        f"Median {_n(live['median'])}{u}; interquartile range {_n(live['q1'])} to "
        f"{_n(live['q3'])}{u} (IQR {_n(live['iqr'])}); mean {_f(live['mean'], '.4g')}{u}; "
        f"smallest {_n(live['min'])}, largest {_n(live['max'])}."
    )
    return [
        _p("Share of answers per range (the bar's figure is the number of answers).", "small"),
        bar_chart(rows),
        _p(line, "verdict"),
        _p(f"Outliers (beyond 1.5 IQR of the quartiles; kept in the histogram): {outliers}.",
           "small"),
    ]  # fmt: skip


def _count_bar(count: int | str, n: int | str) -> tuple[float, None, str]:
    """A histogram bar: its share of n, labelled with its count (no bar when withheld)."""
    if isinstance(count, str) or isinstance(n, str):
        return (0.0, None, _c(count) if isinstance(count, str) else "hidden")
    return (100 * count / n, None, f"{count:,}")


#: Open-text answers listed in the report; every answer is in the CSV and XLSX.
MAX_TEXTS = 60
MAX_WORDS = 15


def _text(q: dict[str, Any]) -> list[Any]:
    """The most frequent words, then the answers, hidden ones marked."""
    live = q["live"]
    if not live["n"]:
        return [_p("No answers yet.", "para")]
    parts: list[Any] = [_p(
        f"{live['n']:,} answers, {live['hidden']:,} of them hidden from the room (by the "
        "moderator, or on arrival by the activity's word filter); hidden answers are kept here "
        "and in every export, marked.", "para",
    )]  # fmt: skip
    if live["words"]:
        words = live["words"][:MAX_WORDS]
        rows = [_head("Word", "Answers using it")] + [[w["word"], _c(w["count"])] for w in words]
        table = Table(rows, colWidths=[60 * mm, 30 * mm], hAlign="LEFT")
        table.setStyle(_GRID)
        parts += [_p("Most used words (of the answers shown to the room)", "h3"), table]
    answers = live["answers"][:MAX_TEXTS]
    rows = [_head("Answer", "Room")] + [
        [_p(a["text"], "cell"), _p("hidden" if a["hidden"] else "shown", "cell")] for a in answers
    ]
    table = Table(rows, colWidths=[150 * mm, 24 * mm], repeatRows=1)
    table.setStyle(_GRID)
    parts += [_p("Answers, in the order given", "h3"), table]
    if live["n"] > MAX_TEXTS:
        parts.append(_p(
            f"… and {live['n'] - MAX_TEXTS:,} more: every answer is in the CSV and XLSX exports.",
            "small",
        ))  # fmt: skip
    return parts


def _ranking(q: dict[str, Any]) -> list[Any]:
    """Per option its Borda score, mean rank, how many ranked it and put it first."""
    live = q["live"]
    if not live["n"]:
        return [_p("No answers yet.", "para")]
    k = q.get("rank_count") or len(q["options"])
    rows: list[list[Any]] = [
        _head("Option", "Borda score", "Mean rank", "Ranked by", "Ranked first")
    ]
    for row in live["options"]:
        mean = _f(row["mean_rank"], ".2f")
        rows.append([
            _p(_label(q, row["option_id"]), "cell"), _c(row["borda"]), mean,
            _c(row["ranked_by"]), _c(row["first"]),
        ])  # fmt: skip
    table = Table(rows, colWidths=[74 * mm, 25 * mm, 25 * mm, 25 * mm, 25 * mm])
    table.setStyle(_GRID)
    m = len(q["options"])
    return [
        table,
        _p(
            f"{_c(live['n'])} respondents each ranked {k} of {m} options, highest Borda score "
            "first. "
            f"Borda: rank r earns {m} − r points (first {m - 1}), unranked 0; the mean rank is "
            "over those who ranked the option.",
            "small",
        ),
    ]


LIVE_ONLY = {"numeric": _numeric, "text": _text, "ranking": _ranking}


def _knowledge(q: dict[str, Any]) -> list[Any]:
    """A knowledge check's share of right answers, the key and its rationale."""
    right = q["live"].get("correct")
    if right is None:
        return []
    key = "; ".join(_label(q, c) for c in q.get("correct") or ())
    exact = " (exactly these options)" if q["type"] == "multiple" else ""
    parts = [
        _p(f"Knowledge check: {_c(right['n'])} of {_c(right['of'])} answered correctly "
           f"({_pc(right['percent'])}). Correct{exact}: {key}.", "verdict"),
    ]  # fmt: skip
    if q.get("rationale"):
        parts.append(_p(f"Rationale: {q['rationale']}", "small"))
    return parts


def _confidence(q: dict[str, Any]) -> list[Any]:
    """How sure the learners were (asked after the answer; never shown to the room)."""
    conf = q["live"].get("confidence")
    if conf is None:
        return []
    if not conf["n"]:
        return [_p("Confidence (“How sure are you?”, 1–4): nobody rated it.", "small")]
    levels = " · ".join(f"{k}: {_c(v)}" for k, v in conf["counts"].items())
    return [_p(
        f"Confidence (“How sure are you?”, 1 = least to 4 = most sure): {_c(conf['n'])} rated "
        f"it, {levels}; mean {_f(conf['mean'], '.2f')}.", "small",
    )]  # fmt: skip


def _not_asked(q: dict[str, Any]) -> bool:
    return q["state"] in (None, "pending") and not q["live"]["n"]


def _answered_line(q: dict[str, Any]) -> str:
    kind = TYPE_NAMES.get(q["type"], q["type"])
    state = q["state"] or "not in this session"
    line = f"{kind.capitalize()} · answered by {_c(q['live']['n'])} participants · poll {state}"
    if q.get("timer_seconds"):
        line += f" · countdown {q['timer_seconds']} s"
    if q["published"] is not None:
        line += (
            " · wording reconstructed from the article's text"
            if q["published"]["text_status"] == "reconstructed"
            else " · wording as printed in the source"
        )
    return line + "."


def _numbers(q: dict[str, Any]) -> Table:
    """Per column: live count and share, printed figure, reconstructed count, difference."""
    texts = {o["id"]: o["text"] for o in q["options"]}
    n = q["live"]["n"]
    rows: list[list[Any]] = [_head(
        "Option", "Live n (%)", "Live 95% CI", "Printed %", _published_count_head(q),
        "Published 95% CI", "Difference, pp (95% CI)",
    )]  # fmt: skip
    for c in q["comparison"]["options"]:
        shown = _total([q["live"]["percent"][i] for i in c["option_ids"]])
        figure = c["printed_percent"] if c["printed_percent"] is not None else c["derived_percent"]
        mark = "" if c["printed_percent"] is not None else " (derived)"
        rows.append([
            _p(" / ".join(texts[i] for i in c["option_ids"]), "cell"),
            f"{_c(c['live_count'])} ({_pc(shown)})" if n else "0",
            _ci(c["live_ci_percent"]),
            _p(f"{printed(figure)}{mark}", "cell_r"),
            f"{c['published_count']}/{q['comparison']['published_n']}",
            _ci(c["published_ci_percent"]),
            _difference(c),
        ])  # fmt: skip
    table = Table(rows, colWidths=[33 * mm, 17 * mm, 22 * mm, 19 * mm, 28 * mm, 23 * mm, 32 * mm])
    table.setStyle(_GRID)
    return table


def _published_count_head(q: dict[str, Any]) -> str:
    """The source prints percentages only: say how its counts were obtained."""
    if q["comparison"]["published_source"] == "scaled_printed":
        return "Published count, printed % scaled"
    return "Published count, reconstructed"


def _difference(c: dict[str, Any]) -> str:
    if c["difference_pp"] is None or isinstance(c["difference_pp"], str):
        return _f(c["difference_pp"], ".1f")
    return f"{c['difference_pp']:.1f} ({_ci(c['difference_ci_pp'])})"


def _method_line(q: dict[str, Any]) -> str:
    cmp, rec = q["comparison"], q["published"]["reconstruction"]
    parts = []
    if cmp["test"] and isinstance(cmp["test"]["p_value"], str):  # withheld: no numbers
        return f"Test: {cmp['test']['method']}; its figures are withheld (counts under 5)."
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


def _methods(results: dict[str, Any], compared: bool) -> list[Any]:
    """How the figures were made; the reconstruction and tests only where something was
    compared with published figures."""
    cap = results["reconstruction_cap"]
    text = [
        "Live shares are of the participants who answered each question; shown whole "
        "percentages add up to 100 (largest-remainder rounding; multiple choice aside, see "
        "below). Each participant has one "
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
        "Items the source printed no figures for show the live answers only. Multiple choice: "
        "percentages of respondents (each may tick several). Rating scales: the median and the "
        "mean with a 95% t-interval. Numbers: the median and the quartiles (linear "
        "interpolation); outliers lie beyond 1.5 IQR of the quartiles (Tukey's fences) and are "
        "listed, never dropped. Rankings: Borda scores (with m options, rank r earns m − r "
        "points) and the mean rank of those who ranked an option. Knowledge checks: the share "
        "of those who answered who chose exactly the correct option(s). Confidence is asked "
        "after the answer and reported here only, never to the room.",
        "The published panel is small and its counts are reconstructed, so the comparison "
        "describes this audience beside that panel; it is not evidence of a change in practice.",
    ]
    if not compared:  # the first paragraph and the item types only
        text = [text[0], text[3]]
    return [KeepTogether([_p("Methods", "h2"), *(_p(t, "para") for t in text)])]
