/* Audience Q&A on the projector: the question being answered, large, for the back row.
 *
 * The room's `qa` message holds only what the room may see (approved and answered
 * questions; names only when the session allows them), so this view adds no filter of
 * its own. What takes the stage: an open poll question first (the room is voting), else
 * the pinned Q&A question, with the top 5 by votes under it; else the poll view or the
 * join screen as before. While a poll is open, a pinned question is named in one line.
 * Pure helpers first (Node tests them); drawQaStage() draws.
 */
import { pinnedOf, shownName, topVoted, votesLabel } from "./qa.js";

/** "qa", "poll" or "idle": what the projector shows for this poll state and Q&A message. */
export function screenMode(state, qa) {
  const q = state && state.current;
  const pinned = pinnedOf(qa && qa.questions);
  if (pinned && !(q && q.state === "open")) return "qa";
  return q && q.state !== "pending" ? "poll" : "idle";
}

/** What the Q&A stage shows: the pinned question and (no poll open) the top 5 by votes. */
export function qaStage(qa, { top = 5 } = {}) {
  const names = Boolean(qa && qa.names);
  const pinned = pinnedOf(qa && qa.questions);
  const item = (q) => ({ id: q.id, text: q.text, name: shownName(q, names), votes: votesLabel(q.votes || 0) });
  return {
    pinned: pinned ? { ...item(pinned), long: pinned.text.length > 140 } : null,
    top: topVoted(qa && qa.questions, top).map(item),
  };
}

const $ = (id) => document.getElementById(id);

function li(q) {
  const node = document.createElement("li");
  const text = document.createElement("span");
  text.className = "qa-top-text";
  text.textContent = q.name ? `${q.text} — ${q.name}` : q.text;
  const votes = document.createElement("span");
  votes.className = "qa-top-votes";
  votes.textContent = q.votes;
  node.append(text, votes);
  return node;
}

/** Draw the stage for `mode`; the poll view's one-line "Now answering" too. */
export function drawQaStage(mode, qa) {
  const { pinned, top } = qaStage(qa);
  $("qa-stage").hidden = mode !== "qa";
  $("s-qa-now").hidden = mode !== "poll" || !pinned;
  if (!pinned) return;
  $("s-qa-now-text").textContent = pinned.text;
  if (mode !== "qa") return;
  $("qa-now-text").textContent = pinned.text;
  $("qa-now-text").classList.toggle("long", pinned.long);
  $("qa-now-meta").textContent = pinned.name ? `${pinned.votes} · ${pinned.name}` : pinned.votes;
  $("qa-top-box").hidden = !top.length;
  $("qa-top").replaceChildren(...top.map(li));
}
