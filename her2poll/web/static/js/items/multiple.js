/* Multiple choice: tick up to max_choices (or all that apply), then send.
 * Percent is of respondents, so the bars need not add up to 100. */
import { nt, t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, label, lines } from "./common.js";
import { choiceBars } from "./choice.js";

export const field = "option_ids";
export const compare = false;

export function answerText(q, answer) {
  const ids = new Set(answer || []);
  return q.options.filter((o) => ids.has(o.id)).map(label).join("; ");
}

/** "Select all that apply." / "Choose 2 answers." / "Choose up to 2 answers." / "Choose 2 to 3 answers." */
export function hint(q) {
  const n = q.options.length;
  const lo = q.min_choices || 1;
  const hi = q.max_choices || n;
  if (hi >= n && lo <= 1) return t("Select all that apply, then send.");
  if (lo === hi) return nt("Choose {n} answer, then send.", "Choose {n} answers, then send.", hi);
  if (lo <= 1) return t("Choose up to {n} answers, then send.", { n: hi });
  return t("Choose {low} to {high} answers, then send.", { low: lo, high: hi });
}

/** Whether these ticks may be sent. */
export function valid(q, ids) {
  return ids.length >= (q.min_choices || 1) && ids.length <= (q.max_choices || q.options.length);
}

/** The moderator's and the room's line under the bars. */
export function respondentsLine(tally) {
  if (!tally || !tally.n) return "";
  return nt(
    "{n} respondent ticked {selections} answers; each bar is the share of respondents who ticked it.",
    "{n} respondents ticked {selections} answers; each bar is the share of respondents who ticked it.",
    tally.n,
    tally,
  );
}

export function form(q, ctx) {
  const hi = q.max_choices || q.options.length;
  const inputs = q.options.map((o) => el("input", { type: "checkbox", value: o.id }));
  const boxes = q.options.map((o, i) => el("label", { className: "option check" }, inputs[i], el("span", { textContent: label(o) })));
  const send = el("button", { type: "button", className: "primary send", textContent: t("Send answer") });
  const chosen = () => inputs.filter((i) => i.checked).map((i) => i.value);
  let closed = false;
  const limit = () => {
    const ids = chosen();
    for (const i of inputs) i.disabled = closed || (!i.checked && ids.length >= hi);
    send.disabled = closed || !valid(q, ids);
  };
  for (const i of inputs) i.addEventListener("change", limit);
  send.addEventListener("click", () => valid(q, chosen()) && ctx.submit(chosen()));
  const root = el("div", { className: "options" }, el("p", { className: "muted hint-line", textContent: hint(q) }), ...boxes, send);
  return {
    root,
    update(answer, disabled) {
      closed = disabled;
      const had = new Set(answer || []);
      if (answer !== undefined) for (const i of inputs) i.checked = had.has(i.value);
      limit();
    },
  };
}

export function results(q, tally, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(tally.n) }), choiceBars(q, tally, mine || []), ...lines("stats-line", respondentsLine(tally)));
}

export function panel(q) {
  const root = el("div", { className: "item-panel" });
  return { root, update: (tally) => root.replaceChildren(choiceBars(q, tally || {}), ...lines("stats-line", respondentsLine(tally))) };
}

export const screen = (q, tally) => el("div", {}, choiceBars(q, tally, undefined, "bars big"), ...lines("s-kc", respondentsLine(tally)));
export const waitingText = () => t("Question open: tick your answers, then send.");
