/* Numeric answer (min/max/unit): histogram, median and IQR, outliers shown, not dropped. */
import { num, t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, bars, confidenceLine, lines } from "./common.js";

export const field = "value";

const fmt = (x) => num(x, { maximumFractionDigits: 2 });
const withUnit = (x, unit) => (unit ? `${fmt(x)} ${unit}`.replace(" %", "%") : fmt(x));

export function describe(q, answer) {
  return answer == null ? "" : withUnit(answer, q.unit);
}

/** Parse what was typed: {value} or {error} (a clear message, the typing kept). */
export function parse(q, raw) {
  const text = String(raw).trim().replace(",", ".");
  if (!text) return { error: t("Type a number.") };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: t("That is not a number.") };
  if (q.integer && !Number.isInteger(value)) return { error: t("Type a whole number.") };
  if ((q.min != null && value < q.min) || (q.max != null && value > q.max)) return { error: t("Type a number from {min} to {max}.", { min: fmt(q.min), max: fmt(q.max) }) };
  return { value };
}

/** The histogram's bars: "0–10%: 3". */
export function rows(q, summary, mine) {
  const bins = (summary && summary.histogram) || [];
  const most = Math.max(1, ...bins.map((b) => b.count));
  return bins.map((b, i) => ({
    text: `${fmt(b.lo)}–${withUnit(b.hi, q.unit)}`,
    count: b.count,
    pct: Math.round((100 * b.count) / most),
    value: String(b.count),
    mine: mine != null && mine >= b.lo && (mine < b.hi || (i === bins.length - 1 && mine <= b.hi)),
  }));
}

export function stats(q, summary) {
  if (!summary || !summary.n) return [];
  const u = (x) => withUnit(x, q.unit);
  const out = [
    t("Median {median} (IQR {q1} to {q3})", { median: u(summary.median), q1: u(summary.q1), q3: u(summary.q3) }),
    t("Range {min} to {max}, mean {mean}", { min: u(summary.min), max: u(summary.max), mean: u(summary.mean) }),
  ];
  const outliers = summary.outliers || [];
  out.push(outliers.length ? t("Outliers (kept in the histogram): {values}", { values: outliers.map(u).join(", ") }) : t("No outliers."));
  return [...out, confidenceLine(summary)].filter(Boolean);
}

export function form(q, { answer, disabled, submit }) {
  const id = `num-${q.question_id}`;
  const input = el("input", { id, type: "text", inputMode: q.integer ? "numeric" : "decimal", value: answer ?? "", disabled, autocomplete: "off" });
  const error = el("p", { className: "field-error", id: `${id}-error`, hidden: true });
  input.setAttribute("aria-describedby", error.id);
  const range = q.min != null && q.max != null ? ` (${fmt(q.min)}–${withUnit(q.max, q.unit)})` : "";
  const send = el("button", { type: "submit", className: "primary", textContent: t("Send answer"), disabled });
  const box = el("form", { className: "options numeric", noValidate: true }, el("label", { htmlFor: id, textContent: t("Your answer") + range }), el("span", { className: "with-unit" }, input, q.unit ? el("span", { textContent: q.unit }) : ""), error, send);
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    const got = parse(q, input.value);
    error.textContent = got.error || "";
    error.hidden = !got.error;
    input.setAttribute("aria-invalid", String(Boolean(got.error)));
    if (!got.error) submit(got.value);
  });
  return box;
}

export function phoneResults(q, summary, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(summary.n) }), bars(rows(q, summary, mine)), ...lines("fine", stats(q, summary)[0]));
}

export function panel(q, summary) {
  return el("div", { className: "item-panel" }, bars(rows(q, summary)), ...lines("fine", ...stats(q, summary)));
}

export function screen(q, summary) {
  return el("div", { className: "item-screen" }, bars(rows(q, summary), { big: true }), ...lines("s-kc", stats(q, summary)[0]));
}

export const waitingText = () => t("Question open: type a number, then send.");
