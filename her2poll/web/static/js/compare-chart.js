/* The live-vs-published chart, shared by the moderator panel and the projector.
 *
 * Grouped horizontal bars (option labels can be long): the live audience's shares
 * beside the figures the article printed. A figure the article does not print but
 * we computed from it is "derived": grey, hatched and labelled so, never passed off
 * as published. Uses the global Plotly (served locally by her2poll/web/vendor.py).
 */

export const COLORS = { live: "#0a58a8", published: "#c05600", derived: "#8c98a4", ink: "#10202f" };
const TICKS = [0, 25, 50, 75, 100];
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

/**
 * @param options [{id, text, published: {percent, status} | null}]
 * @param tally {n, counts, percent} or null (no answers yet)
 */
export function figure(options, tally, { fontSize = 14, labelWidth = 26 } = {}) {
  const labels = options.map((o) => wrap(o.text, labelWidth));
  const n = tally ? tally.n : 0;
  const live = options.map((o) => (tally ? tally.percent[o.id] ?? 0 : 0));
  const counts = options.map((o) => (tally ? tally.counts[o.id] ?? 0 : 0));
  const published = options.map((o) => (o.published ? o.published.percent : null));
  const derived = options.map((o) => Boolean(o.published && o.published.status === "derived"));
  const text = { size: fontSize, color: COLORS.ink };
  const data = [
    {
      type: "bar", orientation: "h", name: `Live (n = ${n})`, y: labels, x: live,
      text: live.map((p, i) => `${p}% (${counts[i]})`), textposition: "outside",
      textfont: text, constraintext: "none", cliponaxis: false, marker: { color: COLORS.live },
    },
    {
      type: "bar", orientation: "h", name: "Published", y: labels, x: published,
      text: published.map((p, i) => (p === null ? "not published" : `${p}%${derived[i] ? " (derived)" : ""}`)),
      textposition: "outside", textfont: text, constraintext: "none", cliponaxis: false,
      marker: {
        color: derived.map((d) => (d ? COLORS.derived : COLORS.published)),
        pattern: { shape: derived.map((d) => (d ? "/" : "")), fgcolor: "#ffffff", size: 8, solidity: 0.35 },
      },
    },
  ];
  const layout = {
    barmode: "group", bargap: 0.3, bargroupgap: 0.05,
    font: { family: FONT, size: fontSize, color: COLORS.ink },
    margin: { l: 8, r: 8, t: fontSize * 2.6, b: fontSize * 2 },
    legend: { orientation: "h", x: 0, y: 1, yanchor: "bottom", font: { size: fontSize } },
    xaxis: {
      range: [0, 119], tickmode: "array", tickvals: TICKS, ticktext: TICKS.map((t) => `${t}%`),
      gridcolor: "#dde3e8", zeroline: false, fixedrange: true,
    },
    yaxis: {
      autorange: "reversed", automargin: true, fixedrange: true, ticks: "",
      ticklabelstandoff: Math.round(fontSize * 0.8), tickfont: { size: fontSize },
    },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
  };
  return { data, layout };
}

/** Draw or update a chart in place (Plotly.react reuses the existing SVG). */
export function draw(el, options, tally, style) {
  const { data, layout } = figure(options, tally, style);
  return window.Plotly.react(el, data, layout, CONFIG);
}
