"""The report's chart: per option, the live share beside the published share, each
with its 95% interval as an error bar.

Drawn as reportlab vector graphics (no browser, no image renderer), horizontally
so long option labels stay readable. Bars are shares of the counts the statistics
use: the live tally and the reconstructed published counts, whose Wilson
intervals are the whiskers; the printed figures are in the table below it.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from .pdf_fonts import BOLD, REGULAR

LIVE = colors.HexColor("#1F4E79")
PUBLISHED = colors.HexColor("#E08A2C")
GRID = colors.HexColor("#D9D9D9")
INK = colors.HexColor("#222222")

WIDTH = 170 * mm
LABEL_W = 52 * mm
PLOT_X0, PLOT_X1 = LABEL_W + 4 * mm, WIDTH - 14 * mm
BAR_H, GAP, ROW_PAD = 4.2 * mm, 0.8 * mm, 3.2 * mm
AXIS_H, LEGEND_H = 9 * mm, 8 * mm
LABEL_LEADING = 9.5


def _x(percent: float) -> float:
    return float(PLOT_X0 + (PLOT_X1 - PLOT_X0) * max(0.0, min(100.0, percent)) / 100)


def _wrap(text: str, width: float, size: float, lines: int = 2) -> list[str]:
    """Break a label into at most ``lines`` lines that fit ``width``; ellipsis if cut."""
    out, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if stringWidth(trial, REGULAR, size) <= width or not current:
            current = trial
        else:
            out.append(current)
            current = word
    out.append(current)
    if len(out) > lines:
        out = out[:lines]
        while out[-1] and stringWidth(out[-1] + "…", REGULAR, size) > width:
            out[-1] = out[-1][:-1]
        out[-1] += "…"
    return out


def comparison_chart(q: dict[str, Any]) -> Drawing:
    """The chart of one question from its results entry (``session_results``)."""
    return bar_chart(_rows(q), _published_label(q))


def bar_chart(rows: list[dict[str, Any]], published: str | None = None) -> Drawing:
    """Horizontal bars on a 0–100% axis: per row a ``label``, a ``live`` bar and maybe a
    ``published`` one, each ``(percent, interval or None, text on the bar)`` or None."""
    compared = any(r["published"] is not None for r in rows)
    row_h = (2 * BAR_H + GAP if compared else BAR_H) + 2 * ROW_PAD
    height = LEGEND_H + len(rows) * row_h + AXIS_H
    d = Drawing(WIDTH, height)
    _axis(d, AXIS_H, height - LEGEND_H)
    top = height - LEGEND_H
    for i, row in enumerate(rows):
        _row(d, row, top - (i + 1) * row_h + ROW_PAD, compared)
    _legend(d, height - LEGEND_H + 2 * mm, published, any(_has_ci(r) for r in rows))
    return d


def _has_ci(row: dict[str, Any]) -> bool:
    return any(row[k] is not None and row[k][1] is not None for k in ("live", "published"))


def printed(percent: float | None) -> str:
    """A percentage as the source printed it: 34 as "34%", 33.5 as "33.5%"."""
    if percent is None:
        return "–"
    return f"{int(percent) if float(percent).is_integer() else percent}%"


def live_rows(q: dict[str, Any]) -> list[dict[str, Any]]:
    """Per option, the share of those who answered (for a multiple choice: of respondents)."""
    live, n = q["live"], q["live"]["n"]
    return [
        {"label": o["text"], "live": _share_bar(live["counts"][o["id"]], n,
                                                live["percent"][o["id"]]), "published": None}
        for o in q["options"]
    ]  # fmt: skip


def _share_bar(count: Any, n: Any, percent: Any) -> tuple[float, None, str] | None:
    """A bar of count/n labelled with its shown percent; no bar, its marker, when withheld."""
    if not n:
        return None
    if isinstance(count, str) or isinstance(n, str) or isinstance(percent, str):
        marker = next(v for v in (count, percent, n) if isinstance(v, str))
        return (0.0, None, marker)
    return (100 * count / n, None, f"{percent}%")


def _rows(q: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per compared column, or per option when nothing was published.

    The published bar and its interval are the reconstructed counts' share; the
    figure written on it is the one the source printed (34%, not the 33% of 4/12).
    """
    texts = {o["id"]: o["text"] for o in q["options"]}
    n = q["live"]["n"]
    if q["comparison"] is None or not q["comparison"]["options"]:
        return live_rows(q)
    rows = []
    for c in q["comparison"]["options"]:
        figure = c["printed_percent"] if c["printed_percent"] is not None else c["derived_percent"]
        kind = "printed" if c["printed_percent"] is not None else "derived, not printed"
        rows.append({
            "label": " / ".join(texts[i] for i in c["option_ids"]),
            "live": _compared_bar(c, q) if n else None,
            "published": (c["published_percent"], c["published_ci_percent"],
                          f"{printed(figure)} {kind}"),
        })  # fmt: skip
    return rows


def _compared_bar(c: dict[str, Any], q: dict[str, Any]) -> tuple[float, Any, str]:
    """The live bar of a compared column; withheld (suppression): no bar, its marker."""
    shown = [q["live"]["percent"][i] for i in c["option_ids"]]
    if isinstance(c["live_percent"], str) or any(isinstance(v, str) for v in shown):
        return (0.0, None, str(c["live_count"]) if isinstance(c["live_count"], str) else "hidden")
    return (c["live_percent"], c["live_ci_percent"], f"{sum(shown)}%")


def _axis(d: Drawing, y0: float, y1: float) -> None:
    for tick in (0, 25, 50, 75, 100):
        x = _x(tick)
        d.add(Line(x, y0, x, y1, strokeColor=GRID, strokeWidth=0.5))
        d.add(String(x, y0 - 3.5 * mm, f"{tick}%", fontName=REGULAR, fontSize=7,
                     fillColor=INK, textAnchor="middle"))  # fmt: skip
    d.add(Line(PLOT_X0, y0, PLOT_X1, y0, strokeColor=INK, strokeWidth=0.6))


def _row(d: Drawing, row: dict[str, Any], y: float, compared: bool = True) -> None:
    """Label, then the live bar above the published bar, each with its whisker."""
    lines = _wrap(row["label"], LABEL_W, 8)
    if not compared:  # one bar per row
        mid = y + BAR_H / 2
        for j, line in enumerate(lines):
            offset = (len(lines) - 1) * LABEL_LEADING / 2 - j * LABEL_LEADING - 2.5
            d.add(String(LABEL_W, mid + offset, line, fontName=REGULAR, fontSize=8,
                         fillColor=INK, textAnchor="end"))  # fmt: skip
        _bar(d, row["live"], y, LIVE, "no answers")
        return
    mid = y + BAR_H + GAP / 2
    for j, line in enumerate(lines):
        offset = (len(lines) - 1) * LABEL_LEADING / 2 - j * LABEL_LEADING - 2.5
        d.add(String(LABEL_W, mid + offset, line, fontName=REGULAR, fontSize=8,
                     fillColor=INK, textAnchor="end"))  # fmt: skip
    _bar(d, row["live"], y + BAR_H + GAP, LIVE, "no answers")
    if row["published"] is not None:
        _bar(d, row["published"], y, PUBLISHED, "")


def _bar(
    d: Drawing,
    value: tuple[float, list[float] | None, str] | None,
    y: float,
    fill: object,
    empty: str,
) -> None:
    if value is None:
        d.add(String(PLOT_X0 + 1 * mm, y + 1.2 * mm, empty, fontName=REGULAR, fontSize=7,
                     fillColor=colors.grey))  # fmt: skip
        return
    percent, ci, text = value
    d.add(Rect(PLOT_X0, y, _x(percent) - PLOT_X0, BAR_H, fillColor=fill, strokeColor=None))
    end = _x(percent)
    if ci is not None:
        lo, hi = _x(ci[0]), _x(ci[1])
        mid = y + BAR_H / 2
        for seg in ((lo, mid, hi, mid), (lo, y + 0.6, lo, y + BAR_H - 0.6),
                    (hi, y + 0.6, hi, y + BAR_H - 0.6)):  # fmt: skip
            d.add(Line(*seg, strokeColor=INK, strokeWidth=0.7))
        end = max(end, hi)
    d.add(String(end + 1.5 * mm, y + 1.1 * mm, text, fontName=BOLD, fontSize=7,
                 fillColor=INK))  # fmt: skip


def _published_label(q: dict[str, Any]) -> str | None:
    if q["comparison"] is None:
        return None
    source = q["comparison"]["published_source"]
    if source == "reconstruction":
        return f"Published (bar: reconstructed counts, n = {q['comparison']['published_n']})"
    if source == "scaled_printed":
        return f"Published (printed % scaled to n = {q['comparison']['published_n']})"
    return None


def _legend(d: Drawing, y: float, published: str | None, intervals: bool = True) -> None:
    items = [(LIVE, "This audience (live)")]
    if published:
        items.append((PUBLISHED, published))
    width = sum(4 * mm + stringWidth(t, REGULAR, 7.5) + 6 * mm for _, t in items) + 20 * mm
    x = PLOT_X0 if PLOT_X0 + width <= WIDTH else max(0.0, WIDTH - width)
    for color, text in items:
        d.add(Rect(x, y, 3 * mm, 3 * mm, fillColor=color, strokeColor=None))
        d.add(String(x + 4 * mm, y + 0.6 * mm, text, fontName=REGULAR, fontSize=7.5,
                     fillColor=INK))  # fmt: skip
        x += 4 * mm + stringWidth(text, REGULAR, 7.5) + 6 * mm
    if not intervals:
        return
    d.add(Line(x, y + 1.5 * mm, x + 6 * mm, y + 1.5 * mm, strokeColor=INK, strokeWidth=0.7))
    d.add(String(x + 7.5 * mm, y + 0.6 * mm, "95% interval", fontName=REGULAR, fontSize=7.5,
                 fillColor=INK))  # fmt: skip
