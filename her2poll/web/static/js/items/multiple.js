/* Multiple choice: tick up to max_choices, then send. Percent is of respondents. */
import { nt, t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, bars, choiceRows, confidenceLine, correctLine, label, lines, rationale } from "./common.js";

export const field = "option_ids";

export function describe(q, answer) {
  const ids = new Set(answer || []);
  return (q.options || []).filter((o) => ids.has(o.id)).map(label).join(", ");
}

export function rows(q, summary, mine) {
  const picked = new Set(mine || []);
  return choiceRows(q, summary).map((r) => ({ ...r, mine: picked.has(r.id) }));
}

/** "Choose up to 2." and the like, from min/max choices. */
export function hint(q) {
  const n = q.options.length;
  const lo = q.min_choices || 1;
  const hi = q.max_choices || n;
  if (hi >= n && lo <= 1) return t("Select all that apply.");
  if (lo === hi) return nt("Choose {n} answer.", "Choose {n} answers.", hi);
  return t("Choose {low} to {high} answers.", { low: lo, high: hi });
}

/** Whether a set of ticks may be sent. */
export function valid(q, ids) {
  const lo = q.min_choices || 1;
  const hi = q.max_choices || q.options.length;
  return ids.length >= lo && ids.length <= hi;
}

export function stats(q, summary) {
  const s = summary && summary.n ? t("{n} respondents, {selections} ticks; percent of respondents (they need not add up to 100).", summary) : "";
  return [s, correctLine(summary), confidenceLine(summary)].filter(Boolean);
}

export function form(q, { answer, disabled, submit }) {
  const ticked = new Set(answer || []);
  const status = el("p", { className: "muted hint-line", textContent: hint(q) });
  const boxes = q.options.map((o) => {
    const input = el("input", { type: "checkbox", value: o.id, checked: ticked.has(o.id), disabled });
    return el("label", { className: "option check" }, input, " ", label(o));
  });
  const send = el("button", { type: "button", className: "primary", textContent: t("Send answer"), disabled });
  const chosen = () => boxes.map((b) => b.firstChild).filter((i) => i.checked).map((i) => i.value);
  const hi = q.max_choices || q.options.length;
  const update = () => {
    const ids = chosen();
    for (const b of boxes) if (!b.firstChild.checked) b.firstChild.disabled = disabled || ids.length >= hi;
    send.disabled = disabled || !valid(q, ids);
  };
  for (const b of boxes) b.firstChild.addEventListener("change", update);
  send.addEventListener("click", () => valid(q, chosen()) && submit(chosen()));
  update();
  return el("div", { className: "options" }, status, ...boxes, send);
}

export function phoneResults(q, summary, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(summary.n) }), ...lines("kc", correctLine(summary)), bars(rows(q, summary, mine)), rationale(q));
}

export function panel(q, summary) {
  return el("div", { className: "item-panel" }, bars(rows(q, summary)), ...lines("fine", ...stats(q, summary)));
}

export function screen(q, summary) {
  return el("div", { className: "item-screen" }, bars(rows(q, summary), { big: true }), ...lines("s-kc", correctLine(summary)), rationale(q));
}

export const waitingText = () => t("Question open: tick your answers, then send.");
