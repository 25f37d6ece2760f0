/* Open text (≤ max_length, at most 280): a word cloud and the list. The moderator can hide
 * an answer from the room (hide_answer); hidden ones stay on the panel, marked. */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, lines } from "./common.js";

export const field = "text";
export const compare = false;
export const answerText = (q, answer) => answer || "";

/** The cloud's words, most used first (at most `most`), each with a size step 1–5 by count. */
export function cloud(tally, most = 30) {
  const words = ((tally && tally.words) || []).slice(0, most);
  const top = Math.max(1, ...words.map((w) => w.count));
  const low = Math.min(top, ...words.map((w) => w.count));
  return words.map((w) => ({ ...w, size: top === low ? 3 : 1 + Math.round((4 * (w.count - low)) / (top - low)) }));
}

/** The panel's line: how many answers, how many the room sees. */
export function shownLine(tally) {
  if (!tally) return "";
  const hidden = tally.hidden || 0;
  return hidden ? t("{n} answers; {hidden} hidden from the room.", { n: tally.n, hidden }) : "";
}

function cloudBox(tally) {
  const words = cloud(tally);
  if (!words.length) return "";
  const box = el("ul", { className: "word-cloud" }, ...words.map((w) => el("li", { className: `w${w.size}`, textContent: w.word })));
  box.setAttribute("aria-label", t("Most used words: {words}", { words: words.map((w) => `${w.word} (${w.count})`).join(", ") }));
  return box;
}

function list(answers, hide, className = "text-answers") {
  return el(
    "ul",
    { className },
    ...answers.map((a) => {
      const li = el("li", { className: a.hidden ? "hidden-answer" : "" }, el("span", { className: "answer-text", textContent: a.text }));
      li.dataset.answer = a.id;
      if (hide) {
        if (a.hidden) li.append(" ", el("span", { className: "tag warn-tag", textContent: t("hidden from the room") }));
        const b = el("button", { type: "button", className: "small", textContent: a.hidden ? t("Show") : t("Hide") });
        b.setAttribute("aria-label", a.hidden ? t("Show to the room: {text}", { text: a.text }) : t("Hide from the room: {text}", { text: a.text }));
        b.addEventListener("click", () => hide(a.id, !a.hidden));
        li.append(" ", b);
      }
      return li;
    }),
  );
}

export function form(q, ctx) {
  const id = `text-${q.question_id}`;
  const max = Math.min(q.max_length || 280, 280);
  const area = el("textarea", { id, maxLength: max, rows: 3 });
  const count = el("p", { className: "qa-count", id: `${id}-count` });
  const error = el("p", { className: "field-error", hidden: true });
  error.setAttribute("role", "alert");
  area.setAttribute("aria-describedby", count.id);
  const show = () => (count.textContent = `${area.value.length} / ${max}`);
  area.addEventListener("input", show);
  const send = el("button", { type: "submit", className: "primary send", textContent: t("Send answer") });
  const root = el("form", { className: "options text-answer", noValidate: true }, el("label", { htmlFor: id, textContent: t("Your answer") }), area, count, error, send);
  root.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = area.value.trim();
    error.textContent = text ? "" : t("Type an answer first.");
    error.hidden = Boolean(text);
    if (text) ctx.submit(text);
  });
  let shown;
  return {
    root,
    update(answer, disabled) {
      area.disabled = send.disabled = disabled;
      if (answer !== undefined && answer !== shown && document.activeElement !== area) area.value = answer;
      shown = answer;
      show();
    },
  };
}

export function results(q, tally) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(tally.shown ?? tally.n) }), cloudBox(tally), list(tally.answers || []));
}

/** ctx.hide(answer_id, hidden): the Hide/Show button of each answer. */
export function panel(q, ctx = {}) {
  const root = el("div", { className: "item-panel" });
  return { root, update: (tally) => root.replaceChildren(cloudBox(tally), list((tally && tally.answers) || [], ctx.hide), ...lines("stats-line", shownLine(tally))) };
}

export const screen = (q, tally) => el("div", { className: "s-text-answers" }, cloudBox(tally), list((tally.answers || []).slice(0, 6), null, "text-answers big"));
export const waitingText = () => t("Question open: type your answer, then send.");
