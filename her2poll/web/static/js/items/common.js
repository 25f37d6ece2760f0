/* What every item renderer shares: bars, the knowledge check, the confidence question,
 * the answer count. (The countdown: ../countdown.js.) Pure functions first (tested in tests/js without a DOM), then
 * the few that build elements. Strings in t("…") (i18n.js), one place per module.
 */
import { nt, num, t } from "../i18n.js";
import { el } from "../dom.js";

/** An option's display text: never its editorial `note` (the panel shows that apart). */
export const label = (option) => option.text;

/** The option ids the knowledge check marks correct, once revealed (else empty). */
export const correctSet = (q) => new Set(q.revealed && Array.isArray(q.correct) ? q.correct : []);

/** Whether option `id` is a correct answer of a revealed knowledge check (null: no check shown). */
export function isRight(q, id) {
  if (!q.revealed || !Array.isArray(q.correct)) return null;
  return q.correct.includes(id);
}

/** A number as the page's language writes it, at most 2 decimals ("—" for none). */
export const fmt = (x, digits = 2) => (x === null || x === undefined ? "—" : num(x, { maximumFractionDigits: digits }));

/** One bar's words: "Trastuzumab deruxtecan — correct answer (your answer)"; a ranking
 * says where the learner put the option instead ("(your rank: 2)"), a histogram's bin
 * what the learner typed ("20–40% (your answer: 30%)"). */
export function barLabel(text, { correct = false, mine = false, rank = null, yours = null } = {}) {
  let out = text;
  if (correct) out = t("{option} — correct answer", { option: out });
  if (rank) out = t("{option} (your rank: {rank})", { option: out, rank });
  else if (mine && yours) out = t("{option} (your answer: {answer})", { option: out, answer: yours });
  else if (mine) out = t("{option} (your answer)", { option: out });
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

export const answersLine = (n) => nt("{n} answer", "{n} answers", n);

// --- DOM --------------------------------------------------------------------------

/** Horizontal bars: rows [{label, value, percent, mine, right, rank?, yours?}]; the words carry the meaning
 * (a tick and "correct answer", "(your answer)"), the bar's colour only repeats it. */
export function barList(rows, className = "bars") {
  return el(
    "ol",
    { className },
    ...rows.map((r) => {
      const fill = el("span", { className: "bar-fill" });
      fill.style.width = `${Math.max(0, Math.min(100, r.percent))}%`; // CSSOM: allowed by the CSP
      const track = el("span", { className: "bar-track" }, fill);
      track.setAttribute("aria-hidden", "true");
      const head = el(
        "span",
        { className: "bar-head" },
        el("span", { className: "bar-label", textContent: (r.right ? "✓ " : "") + barLabel(r.label, { correct: r.right, mine: r.mine, rank: r.rank, yours: r.yours }) }),
        el("span", { className: "bar-value", textContent: r.value }),
      );
      return el("li", { className: [r.mine ? "mine" : "", r.right ? "right" : ""].join(" ").trim() }, head, track);
    }),
  );
}

/** The knowledge check once revealed: the correct answer(s) in words, how many answered
 * correctly (from the room's summary, when given) and the rationale. */
export function checkBox(q, mine, summary) {
  if (!q.revealed || !Array.isArray(q.correct)) return "";
  const share = correctLine(summary);
  const names = (q.options || []).filter((o) => q.correct.includes(o.id)).map(label);
  const chosen = Array.isArray(mine) ? mine : mine === undefined ? null : [mine];
  const right = chosen !== null && sameSet(chosen, q.correct);
  const verdict = chosen === null ? "" : right ? t("You answered correctly.") : t("Your answer was not the correct one.");
  return el(
    "div",
    { className: "check" },
    el("p", {}, el("strong", { textContent: "✓ " + t("Correct answer:") }), " " + names.join("; ")),
    share ? el("p", { className: "share-right", textContent: share }) : "",
    verdict ? el("p", { className: right ? "verdict-right" : "verdict-wrong", textContent: (right ? "✓ " : "✗ ") + verdict }) : "",
    q.rationale ? el("p", { className: "rationale" }, el("strong", { textContent: t("Why:") }), " " + q.rationale) : "",
  );
}

const sameSet = (a, b) => a.length === b.length && a.every((x) => b.includes(x));

/** Lines of small text, empty ones left out. */
export function lines(className, ...texts) {
  return texts.filter(Boolean).map((text) => el("p", { className, textContent: text }));
}
