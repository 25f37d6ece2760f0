/* Open text (≤ max_length): a word cloud and the list; the moderator hides answers from the room. */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, confidenceLine, lines } from "./common.js";

export const field = "text";

export const describe = (q, answer) => answer || "";

/** The cloud's words with a size step 1–5 by count (most frequent first, at most 30). */
export function cloud(summary, most = 30) {
  const words = ((summary && summary.words) || []).slice(0, most);
  const top = Math.max(1, ...words.map((w) => w.count));
  return words.map((w) => ({ ...w, size: 1 + Math.round((4 * (w.count - 1)) / Math.max(1, top - 1)) }));
}

export function stats(q, summary) {
  if (!summary) return [];
  const hidden = summary.hidden ? t("{n} hidden from the room", { n: summary.hidden }) : "";
  return [t("{n} answers, {shown} shown to the room", { n: summary.n, shown: summary.shown ?? summary.n }), hidden, confidenceLine(summary)].filter(Boolean);
}

export function form(q, { answer, disabled, submit }) {
  const id = `text-${q.question_id}`;
  const max = q.max_length || 280;
  const area = el("textarea", { id, maxLength: max, rows: 3, value: answer || "", disabled });
  const count = el("p", { className: "qa-count", id: `${id}-count` });
  const error = el("p", { className: "field-error", hidden: true });
  area.setAttribute("aria-describedby", count.id);
  const show = () => (count.textContent = `${area.value.length} / ${max}`);
  area.addEventListener("input", show);
  show();
  const send = el("button", { type: "submit", className: "primary", textContent: t("Send answer"), disabled });
  const box = el("form", { className: "options text-answer", noValidate: true }, el("label", { htmlFor: id, textContent: t("Your answer") }), area, count, error, send);
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    error.textContent = text ? "" : t("Type an answer first.");
    error.hidden = Boolean(text);
    if (text) submit(text);
  });
  return box;
}

function cloudBox(summary) {
  const words = cloud(summary);
  const box = el("p", { className: "cloud" }, ...words.map((w) => el("span", { className: `w${w.size}`, textContent: w.word, title: String(w.count) })));
  box.setAttribute("aria-label", t("Most used words: {words}", { words: words.map((w) => `${w.word} (${w.count})`).join(", ") }));
  return box;
}

function list(answers, hide) {
  return el(
    "ul",
    { className: "answers" },
    ...answers.map((a) => {
      const li = el("li", { className: a.hidden ? "hidden-answer" : "" }, el("span", { textContent: a.text }));
      li.dataset.answer = a.id;
      if (hide) {
        if (a.hidden) li.append(" ", el("span", { className: "badge", textContent: t("hidden") }));
        const b = el("button", { type: "button", className: "small", textContent: a.hidden ? t("Show") : t("Hide") });
        b.setAttribute("aria-label", (a.hidden ? t("Show to the room: {text}") : t("Hide from the room: {text}")).replace("{text}", a.text));
        b.addEventListener("click", () => hide(a.id, !a.hidden));
        li.append(" ", b);
      }
      return li;
    }),
  );
}

export function phoneResults(q, summary, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(summary.shown ?? summary.n) }), cloudBox(summary), list(summary.answers || []), mine ? el("p", { className: "fine", textContent: t("Your answer: {answer}", { answer: mine }) }) : "");
}

/** ctx.hide(answer_id, hidden): the Hide/Show buttons (hide_answer event). */
export function panel(q, summary, ctx = {}) {
  return el("div", { className: "item-panel" }, cloudBox(summary), list(summary.answers || [], ctx.hide), ...lines("fine", ...stats(q, summary)));
}

export function screen(q, summary) {
  return el("div", { className: "item-screen" }, cloudBox(summary), list((summary.answers || []).slice(0, 8)));
}

export const waitingText = () => t("Question open: type your answer, then send.");
