/* The live-vs-published chart, shared by the moderator panel and the projector.
 *
 * Horizontal bars (option labels can be long): the live audience's shares beside the
 * figures the article printed, each with its 95% interval as an error bar when the
 * server's comparison has one (docs/api.md, "comparison"; the projector gets one only
 * when the moderator shows the room the statistics). An item the source printed no
 * figures for gets a plain chart of the live answers: one thick bar per option, no
 * legend, nothing "not published" to read. A figure the article does
 * not print but we computed from it is "derived": grey, hatched and labelled so, never
 * passed off as published. Uses the global Plotly (served by her2poll/web/vendor.py), read
 * only when drawing, so Node's test runner can import the pure functions here.
 *
 * The bars sit at explicit numeric positions rather than plotly's grouped categories,
 * so each value label can be placed past the end of its error bar instead of on it.
 */
import { t } from "./i18n.js";

export const COLORS = { live: "#0a58a8", published: "#c05600", derived: "#8c98a4", ink: "#10202f" };
const TICKS = [0, 25, 50, 75, 100];
const X_MAX = 128; // room right of 100% for a label past a full-width interval
const BAR = 0.36; // bar thickness, in option rows
const SHIFT = 0.19; // live above, published below the option's row centre
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

// Static and without the mode bar: nothing to click on a projector, and plotly's
// hover and mode-bar styles would need inline CSS, which our CSP refuses.
const CONFIG = { staticPlot: true, displayModeBar: false, responsive: true };

function escapeText(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Break a long label into lines of about `width` characters (plotly's <br>). */
export function wrap(text, width) {
  const lines = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.map(escapeText).join("<br>");
}

/** The comparison's column of each option that has one to itself (merged ones have none). */
export function columnsByOption(comparison) {
  const columns = new Map();
  for (const col of (comparison && comparison.options) || []) {
    if (col.option_ids.length === 1) columns.set(col.option_ids[0], col);
  }
  return columns;
}

/** Plotly error_x for bars at `values` with intervals [low, high] (null: no bar). */
function errorBars(values, intervals, fontSize) {
  const plus = values.map((v, i) => (intervals[i] && v !== null ? Math.max(0, intervals[i][1] - v) : null));
  const minus = values.map((v, i) => (intervals[i] && v !== null ? Math.max(0, v - intervals[i][0]) : null));
  return {
    type: "data", symmetric: false, array: plus, arrayminus: minus,
    visible: intervals.some(Boolean), color: COLORS.ink,
    thickness: Math.max(1.5, fontSize / 9), width: Math.round(fontSize * 0.35),
  };
}

/** A text-only trace: each label just right of its bar or interval, whichever is longer. */
function labels(y, values, intervals, text, font) {
  const x = values.map((v, i) => Math.max(v ?? 0, intervals[i] ? intervals[i][1] : 0) + 1.5);
  return {
    type: "scatter", mode: "text", x, y, text, textposition: "middle right", textfont: font,
    cliponaxis: false, showlegend: false, hoverinfo: "skip",
  };
}

/** Whether any option has a published figure: the chart then sets live beside published,
 * and the panel's table has a Published column; otherwise both show live answers only. */
export const hasPublished = (options) => (options || []).some((o) => o.published);

/**
 * @param options [{id, text, published: {percent, status} | null}]
 * @param tally {n, counts, percent} or null (no answers yet)
 * @param comparison the server's comparison of this question (docs/api.md) or null
 * @param size {width, height} in pixels, or null to fill the element as plotly sizes it
 */
export function figure(options, tally, comparison, style = {}) {
  const { data, layout } = hasPublished(options) ? beside(options, tally, comparison, style) : plain(options, tally, comparison, style);
  return { data, layout: { ...layout, ...(style.size || {}) } };
}

/** Each option's live share, count and interval (from the comparison, when sent). */
function liveSide(options, tally, comparison) {
  const n = tally ? tally.n : 0;
  const columns = columnsByOption(comparison);
  return {
    n,
    column: (o) => columns.get(o.id) || null,
    live: options.map((o) => (tally ? tally.percent[o.id] ?? 0 : 0)),
    counts: options.map((o) => (tally ? tally.counts[o.id] ?? 0 : 0)),
    liveCi: options.map((o) => (n && columns.get(o.id) ? columns.get(o.id).live_ci_percent : null)),
  };
}

/** Nothing published: the live answers alone, one thick bar per option, no legend. */
function plain(options, tally, comparison, { fontSize = 14, labelWidth = 26 } = {}) {
  const rows = options.map((_, i) => i);
  const { live, counts, liveCi } = liveSide(options, tally, comparison);
  const font = { size: fontSize, color: COLORS.ink };
  const data = [
    {
      type: "bar", orientation: "h", name: t("Live"), y: rows, x: live, width: 0.62, showlegend: false,
      marker: { color: COLORS.live }, error_x: errorBars(live, liveCi, fontSize),
    },
    labels(rows, live, liveCi, live.map((p, i) => `${p}% (${counts[i]})`), font),
  ];
  return { data, layout: { ...frame(options, fontSize, labelWidth), showlegend: false, margin: { l: 8, r: 8, t: fontSize * 0.6, b: fontSize * 2 } } };
}

/** Live beside published: two bars per option, a legend naming them. */
function beside(options, tally, comparison, { fontSize = 14, labelWidth = 26 } = {}) {
  const rows = options.map((_, i) => i);
  const { n, column, live, counts, liveCi } = liveSide(options, tally, comparison);
  const published = options.map((o) => (o.published ? o.published.percent : null));
  const derived = options.map((o) => Boolean(o.published && o.published.status === "derived"));
  // Counts that really print the figures have an interval; percentages scaled to an
  // assumed n (the article's figures are inconsistent) have no honest one.
  const counted = Boolean(comparison && comparison.published_source === "reconstruction");
  const pubCi = options.map((o, i) => (counted && published[i] !== null && column(o) ? column(o).published_ci_percent : null));
  const font = { size: fontSize, color: COLORS.ink };
  const yLive = rows.map((i) => i - SHIFT);
  const yPub = rows.map((i) => i + SHIFT);
  const data = [
    {
      type: "bar", orientation: "h", name: t("Live (n = {n})", { n }), y: yLive, x: live, width: BAR,
      marker: { color: COLORS.live }, error_x: errorBars(live, liveCi, fontSize),
    },
    {
      type: "bar", orientation: "h", name: t("Published"), y: yPub, x: published, width: BAR,
      marker: {
        color: derived.map((d) => (d ? COLORS.derived : COLORS.published)),
        pattern: { shape: derived.map((d) => (d ? "/" : "")), fgcolor: "#ffffff", size: 8, solidity: 0.35 },
      },
      error_x: errorBars(published, pubCi, fontSize),
    },
    labels(yLive, live, liveCi, live.map((p, i) => `${p}% (${counts[i]})`), font),
    labels(yPub, published, pubCi,
      published.map((p, i) => (p === null ? t("not published") : p + "%" + (derived[i] ? " " + t("(derived)") : ""))), font),
  ];
  const layout = {
    ...frame(options, fontSize, labelWidth),
    margin: { l: 8, r: 8, t: fontSize * 2.6, b: fontSize * 2 },
    legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom", font: { size: fontSize } },
  };
  return { data, layout };
}

/** What both charts share: the axes, the option labels, the font. */
function frame(options, fontSize, labelWidth) {
  const rows = options.map((_, i) => i);
  return {
    barmode: "overlay",
    font: { family: FONT, size: fontSize, color: COLORS.ink },
    xaxis: {
      range: [0, X_MAX], tickmode: "array", tickvals: TICKS, ticktext: TICKS.map((t) => `${t}%`),
      gridcolor: "#dde3e8", zeroline: false, fixedrange: true,
    },
    yaxis: {
      range: [options.length - 0.5, -0.5], tickmode: "array", tickvals: rows,
      ticktext: options.map((o) => wrap(o.text, labelWidth)), automargin: true, fixedrange: true,
      ticks: "", showgrid: false, zeroline: false,
      ticklabelstandoff: Math.round(fontSize * 0.8), tickfont: { size: fontSize },
    },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
  };
}

/** Draw or update a chart in place (Plotly.react reuses the existing SVG). */
export function draw(el, options, tally, comparison, style) {
  const { data, layout } = figure(options, tally, comparison, style);
  return window.Plotly.react(el, data, layout, CONFIG);
}

// --- words under the chart (both views; the verdict itself: verdict.js) -----------------

function listed(items) {
  return items.length < 2 ? items.join("") : t("{items} and {last}", { items: items.slice(0, -1).join(", "), last: items.at(-1) });
}

/** The warning for figures no audience size reproduces, or "" (see published_source). */
export function inconsistencyNote(comparison) {
  if (!comparison || !comparison.published_inconsistent) return "";
  const printed = comparison.options
    .filter((o) => o.printed_percent !== null)
    .map((o) => `${Number(o.printed_percent.toFixed(1))}%`);
  const cap = comparison.published_n;
  const params = { cap, figures: listed(printed) };
  // Literal strings in t(), so that pybabel finds both.
  return printed.length > 1
    ? t("The article's figures for this question are inconsistent: no audience of ≤ {cap} gives {figures} together — compared against the printed percentages scaled to {cap}.", params)
    : t("The article's figures for this question are inconsistent: no audience of ≤ {cap} gives {figures} — compared against the printed percentages scaled to {cap}.", params);
}
