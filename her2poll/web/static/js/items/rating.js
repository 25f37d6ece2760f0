/* Rating / Likert scale: answered like single choice, summarised with median and mean. */
import { num, t } from "../i18n.js";
import { el } from "../dom.js";
import { confidenceLine, label, lines } from "./common.js";
import * as single from "./single.js";

export const { field, describe, rows, form, phoneResults, screen, waitingText } = single;

/** The point's label for a median that is a scale value (1-based positions when no values). */
function pointName(q, value) {
  const points = q.options || [];
  const found = points.find((o, i) => (o.value ?? i + 1) === value);
  return found ? label(found) : num(value, { maximumFractionDigits: 1 });
}

export function stats(q, summary) {
  if (!summary || !summary.n) return [confidenceLine(summary)].filter(Boolean);
  const out = [t("Median: {median}", { median: summary.median == null ? "—" : pointName(q, summary.median) })];
  if (summary.mean != null) {
    const ci = summary.mean_ci95;
    const f = (x) => num(x, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
    out.push(ci ? t("Mean {mean} (95% interval {low} to {high})", { mean: f(summary.mean), low: f(ci[0]), high: f(ci[1]) }) : t("Mean {mean}", { mean: f(summary.mean) }));
  }
  return [...out, confidenceLine(summary)].filter(Boolean);
}

export function panel(q, summary) {
  return el("div", { className: "item-panel" }, single.panel(q, summary).firstChild, ...lines("fine", ...stats(q, summary)));
}
