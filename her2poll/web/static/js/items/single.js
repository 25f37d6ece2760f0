/* Single choice: one tap is the answer. Also the base of `rating` (rating.js). */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, bars, choiceRows, confidenceLine, correctLine, label, lines, rationale } from "./common.js";

export const field = "option_id";

/** The answer's words on the phone ("Your answer: …"). */
export function describe(q, answer) {
  const o = (q.options || []).find((x) => x.id === answer);
  return o ? label(o) : "";
}

/** Rows for the bars, the phone's answer marked. */
export function rows(q, summary, mine) {
  return choiceRows(q, summary).map((r) => ({ ...r, mine: r.id === mine }));
}

/** The moderator's numbers beyond the bars. */
export function stats(q, summary) {
  return [correctLine(summary), confidenceLine(summary)].filter(Boolean);
}

export function form(q, { answer, disabled, submit }) {
  return el(
    "div",
    { className: "options" },
    ...q.options.map((o) => {
      const b = el("button", { type: "button", className: "option", value: o.id, textContent: label(o), disabled });
      b.setAttribute("aria-pressed", String(o.id === answer));
      b.addEventListener("click", () => o.id !== answer && submit(o.id));
      return b;
    }),
  );
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

export const waitingText = () => t("Question open: choose an answer.");
