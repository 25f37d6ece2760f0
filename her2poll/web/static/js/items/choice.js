/* The one-tap answer form and the bars single choice and rating share. */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { barList, isRight, label } from "./common.js";

/** Option buttons: a tap sends that option at once (the founding case's form). */
export function tapForm(q, ctx) {
  const buttons = q.options.map((o) => {
    const b = el("button", { type: "button", className: "option", value: o.id, textContent: label(o) });
    b.addEventListener("click", () => ctx.submit(o.id));
    return b;
  });
  const root = el("div", { className: "options" }, ...buttons);
  return {
    root,
    update(answer, disabled) {
      for (const b of buttons) {
        b.setAttribute("aria-pressed", String(b.value === answer));
        b.disabled = disabled;
      }
    },
  };
}

/** The rows of a choice summary: counts and percents of each option, in the options' order. */
export function choiceRows(q, results, mine) {
  const chosen = Array.isArray(mine) ? mine : [mine];
  return q.options.map((o) => {
    const count = (results && results.counts && results.counts[o.id]) || 0;
    const pct = (results && results.percent && results.percent[o.id]) || 0;
    return { id: o.id, label: label(o), value: `${pct}%\u00a0(${count})`, percent: pct, mine: chosen.includes(o.id), right: isRight(q, o.id) === true };
  });
}

export function choiceBars(q, results, mine, className) {
  return barList(choiceRows(q, results, mine), className);
}

export function answerOfOption(q, answer) {
  const o = q.options.find((x) => x.id === answer);
  return o ? label(o) : "";
}

export const CHOOSE = () => t("Question open: choose an answer.");
