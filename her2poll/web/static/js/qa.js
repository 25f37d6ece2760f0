/* Audience Q&A, the part every page shares: the order questions are listed in, the
 * pinned-first rule, counts and labels. Pure: no DOM, no socket, so Node can test it.
 * Protocol: docs/protocol.md, "Audience Q&A".
 */
import { nt, t } from "./i18n.js";

export const MAX_TEXT = 300;
export const MAX_NAME = 40;
export const STATUSES = ["pending", "approved", "answered", "dismissed", "merged"];

const time = (q) => Date.parse(q.created_at) || 0;

/** Most votes first; a tie goes to the question asked first (it has waited longer). */
export function byVotes(a, b) {
  return (b.votes || 0) - (a.votes || 0) || time(a) - time(b) || a.id - b.id;
}

/** Newest first. */
export function byTime(a, b) {
  return time(b) - time(a) || b.id - a.id;
}

/**
 * The room's list: the pinned one first ("now answering"), then the open ones, then the
 * answered ones, each group by votes or by time.
 */
export function ordered(questions, order = "votes") {
  const cmp = order === "time" ? byTime : byVotes;
  const rank = (q) => (q.pinned ? 0 : q.status === "answered" ? 2 : 1);
  return [...(questions || [])].sort((a, b) => rank(a) - rank(b) || cmp(a, b));
}

/** The question being answered now, or null. */
export function pinnedOf(questions) {
  return (questions || []).find((q) => q.pinned) || null;
}

/** The `n` approved, unpinned questions with the most votes. */
export function topVoted(questions, n = 5) {
  return (questions || [])
    .filter((q) => q.status === "approved" && !q.pinned)
    .sort(byVotes)
    .slice(0, n);
}

/** Questions per status; the message's own counts when it has them. */
export function countsOf(message) {
  if (message && message.counts) return { ...Object.fromEntries(STATUSES.map((s) => [s, 0])), ...message.counts };
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0]));
  for (const q of (message && message.questions) || []) counts[q.status] = (counts[q.status] || 0) + 1;
  return counts;
}

export const votesLabel = (n) => nt("{n} vote", "{n} votes", n);

/** The name to show beside a question: only when the session allows names. */
export const shownName = (q, names) => (names && q.name ? q.name : "");

/** A client_id for qa_ask: 8–64 of [A-Za-z0-9_-], made once per question. */
export function newClientId(random = globalThis.crypto) {
  const bytes = random.getRandomValues(new Uint8Array(12));
  return `q-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** The text as the server will count it (1–300 after trimming), or an error message. */
export function checkText(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return { ok: false, message: t("Type a question first.") };
  if (trimmed.length > MAX_TEXT) return { ok: false, message: t("At most {max} characters, please.", { max: MAX_TEXT }) };
  return { ok: true, text: trimmed };
}
