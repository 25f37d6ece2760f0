/* Numeric answer (min/max/unit): histogram, median and IQR, outliers shown, not dropped. */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, barList, fmt, lines } from "./common.js";

export const field = "value";
export const compare = false;

/** 30 and "%" -> "30%"; 4 and "cm" -> "4 cm". */
export const withUnit = (x, unit) => (unit ? (unit === "%" ? `${fmt(x)}%` : `${fmt(x)} ${unit}`) : fmt(x));

export const answerText = (q, answer) => (answer === undefined || answer === null ? "" : withUnit(answer, q.unit));

/** What was typed, checked: {value} or {error} (a clear message; the typing stays). */
export function parse(q, raw) {
  const text = String(raw).trim().replace(",", ".");
  if (!text) return { error: t("Type a number.") };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: t("That is not a number.") };
  if (q.integer && !Number.isInteger(value)) return { error: t("Type a whole number.") };
  const below = q.min !== null && q.min !== undefined && value < q.min;
  const above = q.max !== null && q.max !== undefined && value > q.max;
  if (below || above) return { error: t("Type a number from {min} to {max}.", { min: fmt(q.min), max: fmt(q.max) }) };
  return { value };
}

/** The histogram as bars ("10–20%: 3"), the bin with the phone's own answer marked with it. */
export function histogramRows(q, tally, mine) {
  const bins = (tally && tally.histogram) || [];
  const most = Math.max(1, ...bins.map((b) => b.count));
  const yours = typeof mine === "number" ? withUnit(mine, q.unit) : null;
  return bins.map((b, i) => ({
    // Bin edges of a whole-number item read as whole numbers (0–33%, not 0–33.33%).
    label: q.integer ? `${fmt(Math.round(b.lo))}–${withUnit(Math.round(b.hi), q.unit)}` : `${fmt(b.lo)}–${withUnit(b.hi, q.unit)}`,
    value: String(b.count),
    percent: Math.round((100 * b.count) / most),
    mine: typeof mine === "number" && mine >= b.lo && (mine < b.hi || (i === bins.length - 1 && mine <= b.hi)),
    yours,
    right: false,
  }));
}

/** Median and IQR (the room's line); range, mean and the outliers (the panel's too). */
export function summaryLines(q, tally) {
  if (!tally || !tally.n) return [];
  const u = (x) => withUnit(x, q.unit);
  const outliers = tally.outliers || [];
  return [
    t("Median {median} (IQR {q1} to {q3})", { median: u(tally.median), q1: u(tally.q1), q3: u(tally.q3) }),
    t("Lowest {min}, highest {max}, mean {mean}", { min: u(tally.min), max: u(tally.max), mean: u(tally.mean) }),
    outliers.length ? t("Outliers (kept in the histogram): {values}", { values: outliers.map(u).join(", ") }) : t("No outliers."),
  ];
}

export function form(q, ctx) {
  const id = `num-${q.question_id}`;
  const input = el("input", { id, type: "text", inputMode: q.integer ? "numeric" : "decimal", autocomplete: "off" });
  const error = el("p", { className: "field-error", id: `${id}-error`, hidden: true });
  error.setAttribute("role", "alert");
  input.setAttribute("aria-describedby", error.id);
  const range = q.min !== null && q.min !== undefined && q.max !== null && q.max !== undefined ? ` (${fmt(q.min)} – ${withUnit(q.max, q.unit)})` : "";
  const send = el("button", { type: "submit", className: "primary send", textContent: t("Send answer") });
  const root = el(
    "form",
    { className: "options numeric", noValidate: true },
    el("label", { htmlFor: id, textContent: t("Your answer") + range }),
    el("span", { className: "with-unit" }, input, q.unit ? el("span", { className: "unit", textContent: q.unit }) : ""),
    error,
    send,
  );
  root.addEventListener("submit", (event) => {
    event.preventDefault();
    const got = parse(q, input.value);
    error.textContent = got.error || "";
    error.hidden = !got.error;
    input.setAttribute("aria-invalid", String(Boolean(got.error)));
    if (!got.error) ctx.submit(got.value);
  });
  let shown;
  return {
    root,
    update(answer, disabled) {
      input.disabled = send.disabled = disabled;
      if (answer !== undefined && answer !== shown && document.activeElement !== input) input.value = String(answer);
      shown = answer;
    },
  };
}

export function results(q, tally, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(tally.n) }), barList(histogramRows(q, tally, mine)), ...lines("stats-line", summaryLines(q, tally)[0]));
}

export function panel(q) {
  const root = el("div", { className: "item-panel" });
  return { root, update: (tally) => root.replaceChildren(barList(histogramRows(q, tally)), ...lines("stats-line", ...summaryLines(q, tally))) };
}

// The median is the room's one number: as large as the bars' words, not small print.
export const screen = (q, tally) => el("div", {}, barList(histogramRows(q, tally), "bars big"), ...lines("s-stat", summaryLines(q, tally)[0]));
export const waitingText = () => t("Question open: type a number, then send.");
