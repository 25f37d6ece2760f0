"""The CME outcomes report (PDF), organised by Moore's levels.

Renders :func:`her2poll.core.outcomes_report.report`'s document and nothing
else, so the JSON and XLSX outcomes exports carry the same numbers. Charts are
the PDF report's vector bars (:mod:`.pdf_chart`): pre in blue, post in orange.
A count hidden by the suppression rule arrives as its marker ("<5", "hidden")
and is printed as such; no bar is drawn for it.

Each level's heading is kept on the page of its first item (a heading alone at
the foot of a page reads as an empty level).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Table

from ..core.suppression import MIN_CELL, PRIMARY, SECONDARY
from ..core.wording import format_p
from . import pdf_chart
from .pdf_chart import INK, LIVE, PUBLISHED, WIDTH
from .pdf_fonts import REGULAR
from .pdf_report import _GRID, _footer, _head, _p

Block = list[Any]


def _num(x: object, digits: int = 2) -> str:
    """A number, or what stands in for one: "–" for none, a suppression marker as is."""
    if x is None:
        return "–"
    if isinstance(x, str):
        return x
    if isinstance(x, float):
        return "∞" if x == float("inf") else f"{x:.{digits}f}"
    return str(x)


def _pct(x: object) -> str:
    if isinstance(x, int | float) and not isinstance(x, bool):
        return f"{100 * x:.0f}%"
    return _num(x)


def _p_value(x: object) -> str:
    return format_p(x) if isinstance(x, float) else _num(x)


def _ci(pair: Sequence[object] | None) -> str:
    """An interval after its estimate; nothing when there is none or it is withheld."""
    if not pair or pair[0] is None or isinstance(pair[0], str):
        return ""
    high = "∞" if pair[1] is None else _num(pair[1])
    return f" ({_num(pair[0])} to {high})"


def _share(count: object, n: object) -> str:
    if isinstance(count, int) and isinstance(n, int) and n:
        return f"{100 * count / n:.0f}%"
    return "–" if isinstance(count, int) else _num(count)


# --- charts ------------------------------------------------------------------------------


def _bar(count: object, n: object) -> tuple[float, None, str] | None:
    if isinstance(count, str):
        return (0.0, None, count)
    if count == 0 and (isinstance(n, str) or n):  # 0 of any total, a hidden one too, is 0%
        return (0.0, None, "0%")
    if isinstance(count, int) and isinstance(n, int) and n:
        return (100 * count / n, None, f"{100 * count / n:.0f}%")
    return None


def _withheld(count: object, n: object) -> bool:
    """A bar the rule withheld: a marker, or 0 of a hidden total (a 0% of a known one is news)."""
    return isinstance(count, str) or (count == 0 and isinstance(n, str))


#: Said instead of a chart whose every bar the suppression rule withheld.
CHART_WITHHELD = (
    "Chart withheld: every share in it rests on a count under 5 or on one that would "
    "reveal such a count (the suppression rule in Methods)."
)


def _chart(block: dict[str, Any]) -> Drawing | Paragraph | None:
    """Per option, the share of pre answers beside the share of post answers.

    With identities on, a chart whose bars are all withheld would be empty axes
    with markers on them: it is replaced by a sentence saying why.
    """
    counts = block.get("counts")
    if not counts:
        return None
    pre_n, post_n = block["answered"]["pre"], block["answered"]["post"]
    rows = [
        {"label": pre["text"], "live": _bar(pre["count"], pre_n),
         "published": _bar(post["count"], post_n)}
        for pre, post in zip(counts["pre"], counts["post"], strict=True)
    ]  # fmt: skip
    if all(_withheld(c["count"], block["answered"][side]) for side in counts for c in counts[side]):
        return _p(CHART_WITHHELD)
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


# --- levels 3 and 4: the pre/post twins ---------------------------------------------------


def _pair(block: dict[str, Any]) -> Block:
    learners, answered = block["learners"], block["answered"]
    parts: Block = [_p(block["text"], "h3")]
    lines = (
        f"Answered pre {_num(answered['pre'])}, post {_num(answered['post'])}; "
        f"matched {_num(learners['matched'])}, pre only {_num(learners['pre_only'])}, "
        f"post only {_num(learners['post_only'])}."
    )
    if "share_right" in block:
        s = block["share_right"]
        lines += f" Right: pre {_pct(s['pre'])}, post {_pct(s['post'])}."
    parts.append(_p(lines))
    if not (answered["pre"] or answered["post"]):
        parts.append(_p(block.get("verdict", "No answers."), "verdict"))
        return parts
    chart = _chart(block)
    if chart is not None:
        parts.append(chart)
    test = block.get("test")
    if test:
        parts.extend(_test_tables(test, block.get("p_holm")))
    if "means" in block:
        parts.append(_means_table([{"text": "Mean rating", **block["means"]}], label="scale"))
    if test:
        parts.append(_p(block["verdict"], "verdict"))
    return parts


def _test_tables(test: dict[str, Any], p_holm: object) -> list[Table]:
    if test["test"] == "mcnemar":
        return _mcnemar(test, p_holm)
    if test["test"] == "unmatched":
        return _unmatched(test, p_holm)
    tables = [_stuart_maxwell(test, p_holm)]
    if test.get("bowker"):
        b = test["bowker"]
        tables.append(_table(["Bowker's test of symmetry: chi-square", "df", "p"],
                             [[_num(b["statistic"]), _num(b["df"]), _p_value(b["p_value"])]],
                             [80 * mm, 20 * mm, 70 * mm]))  # fmt: skip
    return tables


def _odds(odds: dict[str, Any] | None) -> tuple[str, str]:
    if not odds:
        return "–", "–"
    est = odds.get("estimate")
    infinite = odds.get("code") == "infinite" and not isinstance(est, str)  # b = 0: d is ∞ too
    shown, d = ("∞", "∞") if infinite else (_num(est), _num(odds.get("cohens_d")))
    return shown + _ci(odds.get("ci")), d + _ci(odds.get("cohens_d_ci"))


def _chi(statistic: object, tail: str) -> str:
    return (
        _num(statistic)
        if isinstance(statistic, str) or statistic is None
        else (f"{_num(statistic)} ({tail})")
    )


def _mcnemar(test: dict[str, Any], p_holm: object) -> list[Table]:
    """Two rows of figures: the table and its tests, then the effect sizes."""
    c = test["counts"]
    odds, d = _odds(test.get("odds_ratio"))
    first = [[_num(test["n_matched"]), " / ".join(_num(c[k]) for k in "abcd"),
              _p_value(test["p_exact"]), _p_value(test["p_mid"]), _p_value(p_holm)]]  # fmt: skip
    head = ["matched", "a / b / c / d (Methods)", "McNemar exact p", "mid-p", "Holm p"]
    chi = _chi(test["chi_square"], f"p {_p_value(test['p_chi_square'])}")
    second = [[chi, odds, d]]
    return [
        _table(head, first, [25 * mm, 45 * mm, 35 * mm, 30 * mm, 35 * mm]),
        _table(["chi-square, uncorrected", "odds ratio c/b (95% CI)", "Cohen's d (95% CI)"],
               second, [50 * mm, 60 * mm, 60 * mm]),
    ]  # fmt: skip


def _unmatched(test: dict[str, Any], p_holm: object) -> list[Table]:
    chi = test.get("chi_square") or {}
    odds, _d = _odds(test.get("odds_ratio"))
    method = (test.get("method") or "–").replace("_", " ")
    first = [[method, " / ".join(map(_num, test["pre"])), " / ".join(map(_num, test["post"])),
              _p_value(test["p_value"]), _p_value(p_holm)]]  # fmt: skip
    second = [[_chi(chi.get("statistic"), f"{_num(chi.get('df'))} df"),
               _num(test.get("cramers_v")), _num(test.get("cohens_h")), odds]]  # fmt: skip
    return [
        _table(["test (unmatched)", "pre", "post", "p", "Holm p"], first,
               [50 * mm, 35 * mm, 35 * mm, 25 * mm, 25 * mm]),
        _table(["Pearson chi-square", "Cramér's V", "Cohen's h", "odds ratio (95% CI)"], second,
               [45 * mm, 30 * mm, 30 * mm, 65 * mm]),
    ]  # fmt: skip


def _stuart_maxwell(test: dict[str, Any], p_holm: object) -> Table:
    sm = test.get("stuart_maxwell") or {}
    rows = [[_num(test.get("n_matched")), _num(sm.get("statistic")), _num(sm.get("df")),
             _p_value(sm.get("p_value")), _p_value(p_holm)]]  # fmt: skip
    head = ["matched", "Stuart–Maxwell chi-square", "df", "p", "Holm p"]
    return _table(head, rows, [30 * mm, 50 * mm, 20 * mm, 35 * mm, 35 * mm])


def _change(r: dict[str, Any]) -> str:
    if isinstance(r["change"], str):
        return r["change"]
    change = "too few to tell" if r["code"] == "too_few" else _num(r["change"])
    return f"{change}{_ci(r['change_ci'])} ({r['design']}, n {_num(r['n'])})"


def _means_table(rows: list[dict[str, Any]], label: str = "item") -> Table:
    """Means before and after with intervals, the change with its interval, d and p."""
    body = [[
        r["text"], f"{_num(r['pre']['mean'])}{_ci(r['pre']['ci'])} (n {_num(r['pre']['n'])})",
        f"{_num(r['post']['mean'])}{_ci(r['post']['ci'])} (n {_num(r['post']['n'])})",
        _change(r),
        _num(r["cohens_d"]), _p_value(r["p_value"]),
    ] for r in rows]  # fmt: skip
    head = [label, "mean pre (95% CI)", "mean post (95% CI)", "change (95% CI)", "Cohen's d",
            "p"]  # fmt: skip
    return _table(head, body, [52 * mm, 28 * mm, 28 * mm, 32 * mm, 16 * mm, 14 * mm])


# --- levels 2 and 5: single items ---------------------------------------------------------


def _answered_by(n: object) -> str:
    """How many answered, in words when the suppression rule hides the number."""
    if n == PRIMARY:
        return f"Answered by fewer than {MIN_CELL}."
    if n == SECONDARY:
        return f"The number who answered is withheld: it would reveal a count under {MIN_CELL}."
    return f"Answered by {_num(n)}."


def _single(block: dict[str, Any]) -> Block:
    n = block["answered"]
    parts: Block = [_p(block["text"], "h3"), _p(_answered_by(n))]
    if "counts" in block:
        rows = [[c["text"], _num(c["count"]), _share(c["count"], n)] for c in block["counts"]]
        parts.append(_table(["answer", "learners", "share"], rows, [110 * mm, 25 * mm, 25 * mm]))
    if "mean" in block and block["mean"]["n"]:
        m = block["mean"]
        if isinstance(m["mean"], str):
            parts.append(_p("Mean withheld: it rests on a count under 5."))
        else:
            parts.append(_p(f"Mean {_num(m['mean'])}{_ci(m['ci'])} (95% interval)."))
    if "not_free_of_bias" in block:
        no = block["counts"][1]["text"]
        parts.append(_p(f"Not free of commercial bias (answered “{no}”): "
                        f"{_num(block['not_free_of_bias'])}.", "verdict"))  # fmt: skip
    if "statements" in block:
        parts.extend(_statements(block["statements"]))
    return parts


def _statements(texts: list[str]) -> Block:
    if not texts:
        return [_p("No statements written.")]
    head = _p(f"{len(texts)} written, as the learners wrote them (sorted; no names):")
    return [head, *[_p(f"• {t}", "cell") for t in texts]]


# --- the document -------------------------------------------------------------------------


def _section(title: str, blocks: list[Block], empty: str) -> Block:
    """A level: its heading kept with its first item (or with the line saying it has none)."""
    heading = _p(title, "h2_next")
    if not blocks:
        return [KeepTogether([heading, _p(empty)])]
    return [KeepTogether([heading, *blocks[0]]), *[KeepTogether(b) for b in blocks[1:]]]


def _level1(doc: dict[str, Any]) -> Block:
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
    return [_table(["", "count"], rows, [120 * mm, 40 * mm])]


def _level4(doc: dict[str, Any]) -> list[Block]:
    blocks = [_pair(b) for b in doc["level4_competence"]["items"]]
    conf = doc["level4_competence"]["confidence"]
    if conf:
        title = _p("“How sure are you?” (1–4) after the knowledge checks, pre vs post", "h3")
        blocks.append([title, _means_table(conf)])
    return blocks


def _front(doc: dict[str, Any], title: str, code: str) -> Block:
    s = doc["summary"]["learners"]
    design = "matched" if doc["design"] == "matched" else "unmatched (independent groups)"
    how = (
        "as the provider chose" if doc["design_chosen_by"] == "caller" else "by the rule in Methods"
    )
    front: Block = [
        _p("CME outcomes report", "title"),
        _p(title, "subtitle"),
        _p(
            f"Session {code} · {'identified for credit' if doc['identified'] else 'anonymous'}"
            f" · learners matched pre/post by their phone's token: {_num(s['matched'])} matched, "
            f"{_num(s['pre_only'])} pre only, {_num(s['post_only'])} post only. Design: {design}, "
            f"{how}.",
            "para",
        ),  # fmt: skip
    ]
    if doc["identified"]:
        front.append(_p(f"Learners are identified: {doc['suppressed']} count(s) under 5 or that "
                        "would give one away are shown “<5” or “hidden”, and the figures "
                        "computed from them are withheld (Methods).", "para"))  # fmt: skip
    front.append(_p(doc["summary_verdict"], "verdict"))
    return front


def write_pdf(doc: dict[str, Any], title: str, code: str, out: IO[bytes]) -> None:
    """Write the outcomes report of one activity."""
    story: Block = [
        *_front(doc, title, code),
        *_section("Level 1 · Participation", [_level1(doc)], ""),
        *_section("Level 2 · Satisfaction (evaluation)",
                  [_single(b) for b in doc["level2_satisfaction"]],
                  "No evaluation items in this activity."),
        *_section("Level 3 · Knowledge (pre/post knowledge checks)",
                  [_pair(b) for b in doc["level3_knowledge"]],
                  "No pre/post items with a correct answer."),
        *_section("Level 4 · Competence and confidence", _level4(doc),
                  "No pre/post items without a key, and no confidence ratings."),
        *_section("Level 5 · Commitment to change",
                  [_single(b) for b in doc["level5_commitment"]],
                  "No commitment-to-change items (role commitment or intent_to_change)."),
        *_methods(doc),
    ]  # fmt: skip
    pdf = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=f"CME outcomes report: {title}", author="her2poll",
        subject=f"Session {code}",
    )  # fmt: skip
    footer = f"her2poll · CME outcomes · session {code} · {title}"
    pdf.build(story, onFirstPage=_footer(footer), onLaterPages=_footer(footer))


METHODS = [
    "Learners are matched by their phone's anonymous participant token: the same phone "
    "before and after. Counts of matched, pre-only and post-only learners are stated per item.",
    "Design. Matched when at least {min_matched} learners answered both sides and they are at "
    "least half of everyone who answered either side; otherwise pre and post are compared as "
    "two independent groups. The provider may choose either design.",
    "Matched right/wrong items: McNemar's exact test (two-sided binomial on the discordant "
    "pairs b and c) decides; the mid-p (Fagerland et al. 2013) and the uncorrected chi-square "
    "are shown beside it. a: right then right, b: right then wrong, c: wrong then right, "
    "d: wrong then wrong. "
    "The odds ratio is c/b with an exact interval; Cohen's d = ln(OR)/1.81 (Chinn 2000).",
    "Matched items answered on k points: Stuart–Maxwell test of marginal homogeneity; "
    "Bowker's test of symmetry when the provider asks for it.",
    "Unmatched items: Fisher's exact test (2×2), Fisher–Freeman–Halton exact when an expected "
    "count is under 5, else Pearson chi-square; Cramér's V, and for right/wrong items Cohen's h "
    "and the conditional odds ratio with its exact interval.",
    "An item needs at least {min_matched} matched learners (or {min_per_group} answers on each "
    "side, unmatched) to be tested: below that no result could reach the 5% level.",
    "Across items: Holm-adjusted p-values (alpha = {alpha}) decide each verdict; the pooled "
    "effect is a Mantel–Haenszel odds ratio, summarised when at least {min_items} items were "
    "tested (outcomes teams aggregate at least 4).",
    "Ratings (a scale's points, “how sure are you?” 1–4): means with 95% t intervals, which "
    "stop at the scale's ends (a mean cannot lie past them); matched, "
    "the mean of each learner's change with its paired t interval and Cohen's d_z; unmatched, "
    "the difference of the means with Welch's interval and Cohen's d (pooled SD).",
    "Levels follow each item's role (docs/questions.md): evaluation roles at level 2, "
    "commitment and intent to change at level 5. Statements are listed as written, sorted, "
    "without names; per learner they are in the session's commitments export, by pseudonym.",
    "When learners are identified, a count of 1 to 4 learners is shown “<5”, and so that no "
    "“<5” can be worked out from a total, further counts are shown “hidden” (and, if needed, "
    "the total), reckoning also with what a verdict says of its n (tested: at least "
    "{min_matched} matched), with the matched learners inside each side's answers and with "
    "the comments listed after an answer. Shares, means, tests and effect sizes computed "
    "from a hidden count are "
    "withheld; the verdict stays. Participation and PARS counts are not answers and are shown. "
    "Names never appear in this report.",
]


def _methods(doc: dict[str, Any]) -> Block:
    m = doc["methods"]
    texts = [t.format(**m) for t in METHODS]
    return [KeepTogether([_p("Methods", "h2_next"), _p(texts[0], "para")]),
            *[_p(t, "para") for t in texts[1:]]]  # fmt: skip
