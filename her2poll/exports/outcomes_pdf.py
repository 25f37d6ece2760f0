"""The CME outcomes report (PDF), organised by Moore's levels.

Renders :func:`her2poll.core.outcomes_report.report`'s document and nothing
else, so the JSON and XLSX outcomes exports carry the same numbers. Charts are
the PDF report's vector bars (:mod:`.pdf_chart`): pre in blue, post in orange.
"""

from __future__ import annotations

from typing import IO, Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Table

from ..core.wording import format_p
from . import pdf_chart
from .pdf_chart import INK, LIVE, PUBLISHED, WIDTH
from .pdf_fonts import REGULAR
from .pdf_report import _GRID, _footer, _head, _p


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.0f}%"


def _n(x: int | None) -> str:
    return "<5" if x is None else str(x)


def _chart(block: dict[str, Any]) -> Drawing | None:
    """Per option, the share of pre answers beside the share of post answers."""
    counts = block.get("counts")
    if not counts:
        return None
    pre_n, post_n = block["answered"]["pre"], block["answered"]["post"]

    def bar(c: dict[str, Any], n: int) -> tuple[float, None, str] | None:
        if c["count"] is None:
            return (0.0, None, "<5")
        return (100 * c["count"] / n, None, f"{100 * c['count'] / n:.0f}%") if n else None

    rows = [
        {"label": pre["text"], "live": bar(pre, pre_n), "published": bar(post, post_n)}
        for pre, post in zip(counts["pre"], counts["post"], strict=True)
    ]
    row_h = 2 * pdf_chart.BAR_H + pdf_chart.GAP + 2 * pdf_chart.ROW_PAD
    height = pdf_chart.LEGEND_H + len(rows) * row_h + pdf_chart.AXIS_H
    d = Drawing(WIDTH, height)
    top = height - pdf_chart.LEGEND_H
    pdf_chart._axis(d, pdf_chart.AXIS_H, top)
    for i, row in enumerate(rows):
        pdf_chart._row(d, row, top - (i + 1) * row_h + pdf_chart.ROW_PAD, True)
    x, y = pdf_chart.PLOT_X0, top + 2 * mm
    for color, text in (
        (LIVE, f"Pre-test (n = {pre_n})"),
        (PUBLISHED, f"Post-test (n = {post_n})"),
    ):
        d.add(Rect(x, y, 3 * mm, 3 * mm, fillColor=color, strokeColor=None))
        d.add(String(x + 4 * mm, y + 0.6 * mm, text, fontName=REGULAR, fontSize=7.5, fillColor=INK))
        x += 42 * mm
    return d


def _table(head: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    t = Table([_head(*head), *[[_p(c, "cell") for c in r] for r in rows]], colWidths=widths,
              repeatRows=1)  # fmt: skip
    t.setStyle(_GRID)
    return t


def _pair(block: dict[str, Any]) -> list[Any]:
    learners = block["learners"]
    parts: list[Any] = [_p(block["text"], "h3")]
    lines = (
        f"Answered pre {block['answered']['pre']}, post {block['answered']['post']}; "
        f"matched {learners['matched']}, pre only {learners['pre_only']}, "
        f"post only {learners['post_only']}."
    )
    if "share_right" in block:
        s = block["share_right"]
        lines += f" Right: pre {_pct(s['pre'])}, post {_pct(s['post'])}."
    parts.append(_p(lines))
    chart = _chart(block)
    if chart is not None:
        parts.append(chart)
    test = block.get("test")
    if test:
        parts.append(_test_table(test, block.get("p_holm")))
        parts.append(_p(block["verdict"], "verdict"))
    return [KeepTogether(parts)]


def _test_table(test: dict[str, Any], p_holm: float | None) -> Table:
    if test.get("test") == "mcnemar":
        c, odds = test["counts"], test.get("odds_ratio") or {}
        ci = odds.get("ci") or [None, None]
        est = "∞" if odds.get("code") == "infinite" else _num(odds.get("estimate"))
        interval = (
            ""
            if ci[0] is None
            else f" ({_num(ci[0])} to {_num(ci[1]) if ci[1] is not None else '∞'})"
        )
        rows = [[
            str(test["n_matched"]), f"{c['b']} / {c['c']}",
            format_p(test["p_exact"]) if test["p_exact"] is not None else "–",
            format_p(test["p_mid"]) if test["p_mid"] is not None else "–",
            format_p(p_holm) if p_holm is not None else "–",
            est + interval if odds else "–",
            _num(odds.get("cohens_d")),
        ]]  # fmt: skip
        head = ["matched", "right→wrong / wrong→right", "McNemar exact p", "mid-p", "Holm p",
                "odds ratio c/b (95% CI)", "Cohen's d"]  # fmt: skip
        return _table(head, rows, [16 * mm, 30 * mm, 24 * mm, 18 * mm, 18 * mm, 40 * mm, 20 * mm])
    sm = test.get("stuart_maxwell") or {}
    rows = [[
        str(test.get("n_matched", "–")),
        _num(sm.get("statistic")), str(sm.get("df", "–")),
        format_p(sm["p_value"]) if sm.get("p_value") is not None else "–",
        format_p(p_holm) if p_holm is not None else "–",
    ]]  # fmt: skip
    head = ["matched", "Stuart–Maxwell χ²", "df", "p", "Holm p"]
    return _table(head, rows, [25 * mm, 35 * mm, 15 * mm, 30 * mm, 30 * mm])


def _num(x: object) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return "∞" if x == float("inf") else f"{x:.2f}"
    return str(x)


def _single(block: dict[str, Any]) -> list[Any]:
    parts: list[Any] = [_p(block["text"], "h3"), _p(f"Answered by {block['answered']}.")]
    if "counts" in block:
        n = block["answered"]
        rows = [
            [c["text"], _n(c["count"]),
             "–" if c["count"] is None or not n else f"{100 * c['count'] / n:.0f}%"]
            for c in block["counts"]
        ]  # fmt: skip
        parts.append(_table(["answer", "learners", "share"], rows, [110 * mm, 25 * mm, 25 * mm]))
    if "statements" in block:
        parts.append(_p(f"{block['statements']} written statement(s), listed per learner in the "
                        "XLSX export (never beside a name in an aggregate sheet)."))  # fmt: skip
    return [KeepTogether(parts)]


def _level1(doc: dict[str, Any]) -> list[Any]:
    a = doc["level1_participation"]
    pars = a.get("pars", {})
    rows = [
        ["Learners who joined", str(a.get("learners", "–"))],
        ["Learners who answered at least one item", str(a.get("answered_any", "–"))],
        ["Items asked", str(a.get("items_asked", "–"))],
        [f"Met the participation threshold ({_pct(a.get('threshold'))} of items)",
         str(a.get("threshold_met", "–"))],
        ["Identified for credit", str(a.get("identified", "–"))],
        ["Certificates of participation", str(a.get("certificates", "–"))],
        ["PARS: physician learners", str(pars.get("physicians", "–"))],
        ["PARS: other learners", str(pars.get("other_learners", "–"))],
    ]  # fmt: skip
    return [_p("Level 1 · Participation", "h2"), _table(["", "count"], rows, [120 * mm, 40 * mm])]


def write_pdf(doc: dict[str, Any], title: str, code: str, out: IO[bytes]) -> None:
    """Write the outcomes report of one activity."""
    s = doc["summary"]["learners"]
    story: list[Any] = [
        _p("CME outcomes report", "title"),
        _p(title, "subtitle"),
        _p(
            f"Session {code} · {'identified for credit' if doc['identified'] else 'anonymous'}"
            f" · learners matched pre/post by their phone's token: {s['matched']} matched, "
            f"{s['pre_only']} pre only, {s['post_only']} post only.",
            "para",
        ),
        _p(doc["summary_verdict"], "verdict"),
        *_level1(doc),
        _p("Level 2 · Satisfaction (evaluation)", "h2"),
    ]
    for b in doc["level2_satisfaction"] or []:
        story.extend(_single(b))
    if not doc["level2_satisfaction"]:
        story.append(_p("No evaluation items in this activity."))
    story.append(_p("Level 3 · Knowledge (pre/post knowledge checks)", "h2"))
    for b in doc["level3_knowledge"]:
        story.extend(_pair(b))
    if not doc["level3_knowledge"]:
        story.append(_p("No pre/post items with a correct answer."))
    story.append(_p("Level 4 · Competence and confidence", "h2"))
    for b in doc["level4_competence"]["items"]:
        story.extend(_pair(b))
    conf = doc["level4_competence"]["confidence"]
    if conf:
        rows = [[c["text"], f"{_num(c['mean_pre'])} (n {c['n_pre']})",
                 f"{_num(c['mean_post'])} (n {c['n_post']})", _num(c["mean_change_matched"]),
                 str(c["n_matched"])] for c in conf]  # fmt: skip
        story.append(_p("“How sure are you?” (1–4) on the knowledge checks, pre vs post", "h3"))
        story.append(_table(["item", "mean pre", "mean post", "mean change (matched)", "matched"],
                            rows, [70 * mm, 24 * mm, 24 * mm, 26 * mm, 16 * mm]))  # fmt: skip
    story.append(_p("Level 5 · Commitment to change", "h2"))
    for b in doc["level5_commitment"] or []:
        story.extend(_single(b))
    if not doc["level5_commitment"]:
        story.append(_p("No commitment-to-change items."))
    story.extend(_methods(doc))
    pdf = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"CME outcomes report: {title}", author="her2poll",
        subject=f"Session {code}",
    )  # fmt: skip
    footer = f"her2poll · CME outcomes · session {code} · {title}"
    pdf.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))


def _methods(doc: dict[str, Any]) -> list[Any]:
    m = doc["methods"]
    text = [
        "Learners are matched by their phone's anonymous participant token: the same phone "
        "before and after. Counts of matched, pre-only and post-only learners are stated per item.",
        "Right/wrong items: McNemar's exact test (two-sided binomial on the discordant pairs) "
        "decides; the mid-p (Fagerland et al. 2013) is shown beside it. The odds ratio is c/b "
        "(wrong→right over right→wrong) with an exact interval; Cohen's d = ln(OR)/1.81 "
        "(Chinn 2000).",
        "Items answered on a k-point scale: Stuart–Maxwell test of marginal homogeneity.",
        f"An item needs at least {m['min_matched']} matched learners to be tested: below that no "
        "result could reach the 5% level; the report says “too few matched learners to tell”.",
        f"Across items: Holm-adjusted p-values (α = {m['alpha']}) decide each verdict; the pooled "
        f"effect is a Mantel–Haenszel odds ratio, reported when at least {m['min_items']} items "
        "were tested (outcomes teams aggregate at least 4).",
        f"When learners are identified, a count under {m['min_cell']} in an aggregate table is "
        "shown as “<5”. Names never appear in this report.",
        "Level 5 items are those whose wording asks about change (a commitment statement and an "
        "intent-to-change scale); statements themselves are in the per-learner export.",
    ]
    return [_p("Methods", "h2"), *[_p(t, "para") for t in text]]
