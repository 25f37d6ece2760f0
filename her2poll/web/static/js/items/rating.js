/* Rating / Likert scale: answered like single choice (one tap on a point), shown like it
 * (with published figures when the source has them), plus median and mean with its 95% interval. */
import { num, t } from "../i18n.js";
import { fmt, label } from "./common.js";
import * as single from "./single.js";

export const { field, compare, form, answerText, waitingText, screen } = single;

/** The point a median falls on, by the points' values (their positions when they have none);
 * a median between two points (an even count) names both: a learner never sees the
 * points' numbers, so "3.5" alone would mean nothing to them. */
export function pointName(options, value) {
  const points = options.map((o, i) => ({ o, v: o.value ?? i + 1 }));
  const found = points.find((p) => p.v === value);
  if (found) return `${label(found.o)} (${fmt(value, 1)})`;
  const below = points.filter((p) => p.v < value).sort((a, b) => b.v - a.v)[0];
  const above = points.filter((p) => p.v > value).sort((a, b) => a.v - b.v)[0];
  return below && above
    ? t("between {low} and {high} ({value})", { low: label(below.o), high: label(above.o), value: fmt(value, 1) })
    : fmt(value, 1);
}

/** "Median: Likely (3) · mean 2.83 (95% interval 2.10 to 3.56)": the moderator's numbers.
 * The room's summary has no `mean_ci95` unless the moderator shows it the statistics:
 * then the line stops at the mean, with no word of an interval. */
export function stats(tally, options) {
  if (!tally || !tally.n) return "";
  const parts = [t("Median: {median}", { median: tally.median === null || tally.median === undefined ? "—" : pointName(options, tally.median) })];
  const two = (x) => num(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }); // 1.90, not 1.9 beside 4.77
  if (tally.mean !== null && tally.mean !== undefined) parts.push(meanText(tally, two));
  return parts.join(" · ");
}

function meanText(tally, two) {
  const ci = tally.mean_ci95;
  if (!("mean_ci95" in tally)) return t("mean {mean}", { mean: two(tally.mean) });
  return ci
    ? t("mean {mean} (95% interval {low} to {high})", { mean: two(tally.mean), low: two(ci[0]), high: two(ci[1]) })
    : t("mean {mean} (an interval needs 2 answers)", { mean: two(tally.mean) });
}
