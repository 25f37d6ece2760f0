/* What every item renderer shares: bars, the knowledge check, the confidence question,
 * the countdown's words. Pure functions first (tested in tests/js without a DOM), then
 * the few that build elements. Strings in t("…") (i18n.js), one place per module.
 */
import { nt, num, t } from "../i18n.js";
import { el } from "../dom.js";

/** An option's display text: never its editorial `note` (the panel shows that apart). */
export const label = (option) => option.text;

/** The option ids the knowledge check marks correct, once revealed (else empty). */
export const correctSet = (q) => new Set(q.revealed && Array.isArray(q.correct) ? q.correct : []);

/** One bar's words: "Trastuzumab deruxtecan — correct answer (your answer)". */
export function barLabel(text, { correct = false, mine = false } = {}) {
  let out = text;
  if (correct) out = t("{option} — correct answer", { option: out });
  if (mine) out = t("{option} (your answer)", { option: out });
  return out;
}

/** Rows of a choice item's bars: [{id, text, count, pct, correct}], in the options' order. */
export function choiceRows(q, summary) {
  const right = correctSet(q);
  return (q.options || []).map((o) => ({
    id: o.id,
    text: label(o),
    count: (summary && summary.counts && summary.counts[o.id]) || 0,
    pct: (summary && summary.percent && summary.percent[o.id]) || 0,
    correct: right.has(o.id),
  }));
}

/** The knowledge check's line once revealed: "% correct" when the summary has it. */
export function correctLine(summary) {
  const c = summary && summary.correct;
  return c ? t("{percent}% answered correctly ({n} of {of})", c) : "";
}

/** The moderator's confidence line ("How sure?" 1–4), never the room's. */
export function confidenceLine(summary) {
  const c = summary && summary.confidence;
  if (!c || !c.n) return "";
  const counts = ["1", "2", "3", "4"].map((k) => `${k}: ${c.counts[k] || 0}`).join(" · ");
  return t("Confidence (1–4): mean {mean}, {counts} ({n} rated)", { mean: num(c.mean, { maximumFractionDigits: 1 }), counts, n: c.n });
}

/** "1:05" for 65 seconds. */
export function clock(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** The countdown's visible words. */
export function countdownText(seconds) {
  return seconds > 0 ? t("Time left: {clock}", { clock: clock(seconds) }) : t("Time is up");
}

/** Whether a screen reader should hear the countdown now: sparingly (at 30 s, 10 s, 0). */
export const announceAt = (seconds) => [30, 10, 0].includes(Math.max(0, Math.ceil(seconds)));

export const CONFIDENCE = [
  [1, t("1 · guessing")],
  [2, t("2 · unsure")],
  [3, t("3 · fairly sure")],
  [4, t("4 · certain")],
];

export const answersLine = (n) => nt("{n} answer", "{n} answers", n);

// --- DOM --------------------------------------------------------------------------

/** A list of horizontal bars: rows [{text, count, pct, correct, mine}], words and numbers as text. */
export function bars(rows, { big = false } = {}) {
  return el(
    "ol",
    { className: big ? "bars big" : "bars" },
    ...rows.map((r) => {
      const fill = el("span", { className: "bar-fill" });
      fill.style.width = `${Math.min(100, r.pct)}%`;
      const track = el("span", { className: "bar-track" }, fill);
      track.setAttribute("aria-hidden", "true");
      const head = el(
        "span",
        { className: "bar-head" },
        el("span", { textContent: barLabel(r.text, r) }),
        el("span", { className: "bar-value", textContent: r.value ?? `${r.pct}% (${r.count})` }),
      );
      const li = el("li", { className: [r.mine ? "mine" : "", r.correct ? "correct" : ""].join(" ").trim() }, head, track);
      if (r.correct) li.prepend(el("span", { className: "tick", textContent: "✓ " }));
      return li;
    }),
  );
}

/** The rationale of a revealed knowledge check (or nothing). */
export function rationale(q) {
  if (!q.revealed || !q.rationale) return "";
  return el("p", { className: "rationale" }, el("strong", { textContent: t("Why: ") }), q.rationale);
}

/** Lines of small text, empty ones left out. */
export function lines(className, ...texts) {
  return texts.filter(Boolean).map((text) => el("p", { className, textContent: text }));
}
