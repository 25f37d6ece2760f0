/* her2poll projector view: read-only, readable from the back of the room.
 *
 * Joins as "screen" with the token from the URL fragment (kept in sessionStorage and
 * taken out of the address bar, which the whole room can see). Shows how to join while
 * no question is up, then the current question and how many answered; its results only
 * once the moderator reveals them (the server sends this room tallies of revealed
 * questions only): a large plain chart of the live answers, beside the published figures
 * when the source printed some. The verdict, intervals and the note on inconsistent
 * figures only when the moderator shows the room the statistics (state.session.statistics;
 * otherwise the server does not send them). The connection itself: live.js.
 * Protocol: docs/protocol.md.
 */
import { nt, t } from "./i18n.js";
import { columnsByOption, draw, hasPublished, inconsistencyNote } from "./compare-chart.js";
import { $, el } from "./dom.js";
import { connect, joiner, newest, otherRoomLanguage, takeSecret } from "./live.js";
import { drawQaStage, screenMode } from "./qa-screen.js";
import { verdictText } from "./verdict.js";
import { countdownText, deadlineOf, secondsLeft, ticker } from "./countdown.js";
import { loadAll, renderer } from "./items/index.js";
import { checkBox, correctSet } from "./items/common.js";
import { phaseName } from "./phase-strip.js";

await loadAll(); // the panel and the projector draw every type

const code = $("app").dataset.code;

let state = null;
let tallies = {};
let answered = {}; // question_id -> number of answers (every question: the count, nothing else)
let blocks = {}; // phase -> {answered, submitted}: learners, never answers
let deadline = null;
let comparisons = {}; // revealed questions only, as the server sends them
let published = {}; // question_id -> {option_id: {percent, status} | null}
let drawn = null;
const newerState = newest("version");
const newerTally = newest("vote_seq");
const newerQa = newest("qa_seq");
let qa = null; // the room's newest `qa` message

function problem(message) {
  $("problem").textContent = message;
  $("problem").hidden = !message;
}

const token = takeSecret("token", `her2poll:screen:${code}`);
const socket = connect();

function joined(ack) {
  problem("");
  if (otherRoomLanguage(ack.state.session)) return location.reload(); // changed before this join
  // An edit's `questions` can arrive before this ack (the ack's snapshot is older): keep its figures.
  if (newerState(ack.state)) takePublished(ack.questions);
  applyState(ack.state);
  applyTally(ack.tally);
  applyQa(ack.qa);
}

function refused(ack) {
  problem(
    ack.code === "bad_secret"
      ? t("This projector link is not valid. Open it again from the moderator panel.")
      : ack.message,
  );
}

if (token) {
  joiner(socket, { payload: () => ({ code, role: "screen", token }), onJoined: joined, onRefused: refused });
} else {
  problem(t("This projector link is incomplete. Open it from the moderator panel."));
}
socket.on("disconnect", () => $("app").classList.add("offline"));
socket.on("connect", () => $("app").classList.remove("offline"));
socket.on("state", applyState);
// The moderator fixed (or freed) the room's language: draw the page again in it.
socket.on("language", (m) => otherRoomLanguage(m) && location.reload());
socket.on("tally", applyTally);
socket.on("qa", applyQa);
// An organiser edited the items: the wording comes in `state`, the published figures here.
socket.on("questions", (m) => {
  if (!m || !newerState(m.state)) return; // older than what is shown
  takePublished(m.questions);
  applyState(m.state); // draws with them (the same version as the `state` just before)
});

function takePublished(questions) {
  published = Object.fromEntries((questions || []).map((q) => [q.id, q.published || {}]));
}

function applyQa(message) {
  if (!message || !newerQa(message)) return;
  qa = message;
  render();
}

function applyState(message) {
  if (!newerState(message)) return;
  state = message;
  deadline = deadlineOf(message.current, Date.now());
  render();
}

function applyTally(message) {
  if (!newerTally(message)) return;
  blocks = message.blocks || {};
  tallies = message.tallies || {};
  answered = message.answered || {};
  comparisons = message.comparison || {};
  render();
}

/** An open self-paced block: its name and how many submitted, never a result. */
function renderBlock(block) {
  $("block-stage").hidden = !block;
  if (!block) return;
  $("block-name").textContent = phaseName(block.phase);
  const n = (blocks[block.phase] || {}).submitted || 0;
  $("block-submitted").textContent = nt("{n} has submitted", "{n} have submitted", n);
}

function render() {
  const q = state && state.current;
  const block = state && state.block && state.block.state === "open" ? state.block : null;
  renderBlock(block);
  const mode = block ? "block" : screenMode(state, qa);
  drawQaStage(mode, qa);
  $("idle").hidden = mode !== "idle";
  $("live").hidden = mode !== "poll";
  if (mode !== "poll") return;
  $("s-pos").textContent = t("Question {position} of {of}", q);
  $("s-text").textContent = q.text;
  $("s-status").textContent = statusOf(q);
  $("s-status").classList.toggle("open", q.state === "open");
  $("s-options").hidden = q.revealed;
  $("s-hint").hidden = true; // until openOptions says what the item takes
  $("s-results").hidden = !q.revealed;
  $("s-n").hidden = !q.revealed;
  $("live").classList.toggle("revealed", q.revealed);
  const view = renderer(q);
  $("s-count").hidden = q.revealed;
  $("s-count").textContent = nt("{n} answer", "{n} answers", answered[q.question_id] ?? 0);
  renderClock(q);
  const summary = tallies[q.question_id] || q.results;
  const stats = q.revealed && view.stats && summary ? el("p", { className: "stats-line", textContent: view.stats(summary, q.options) }) : "";
  $("s-check").replaceChildren(q.revealed ? checkBox(q, undefined, summary) : "", stats);
  $("s-compare").hidden = !view.compare;
  $("s-custom").hidden = view.compare;
  if (q.revealed && view.compare) renderResults(q);
  else if (q.revealed) renderCustom(q, view);
  else openOptions(q, view);
}

/** While voting runs: the options, and what a multiple-choice item takes ("up to 2").
 * A ranking's options are not numbered: numbers would read as an order already given. */
function openOptions(q, view) {
  $("s-options").replaceChildren(...(q.options || []).map((o) => item(o.text)));
  $("s-options").classList.toggle("unordered", q.type === "ranking");
  const hint = q.type === "multiple" && view.hint ? view.hint(q) : "";
  $("s-hint").textContent = hint;
  $("s-hint").hidden = !hint;
}

const clockTicker = ticker(() => state && state.current && renderClock(state.current));

function renderClock(q) {
  const left = q.state === "open" ? secondsLeft(deadline, Date.now()) : null;
  $("s-clock").hidden = left === null;
  if (left !== null) $("s-clock").textContent = countdownText(left);
  clockTicker.sync(left !== null && left > 0);
}

/** The live answers of a type without the published chart: big bars, words, numbers. */
function renderCustom(q, view) {
  const tally = tallies[q.question_id] || q.results || null;
  // Open text: the answers the room may see (hidden ones are not counted on the projector).
  const n = tally ? tally.shown ?? tally.n : 0;
  $("s-n").textContent = nt("{n} answer", "{n} answers", n);
  const signature = JSON.stringify([q.question_id, q.options, tally, q.correct]);
  if (signature === drawn) return;
  drawn = signature;
  $("s-custom").replaceChildren(tally ? view.screen(q, tally) : "");
}

function statusOf(q) {
  if (q.state === "open") return q.revealed ? t("Voting is open · results update live") : t("Voting is open — answer on your phone");
  return t("Voting is closed");
}

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

/** The room's statistics switch, as the newest state says (off unless turned on). */
const statisticsShown = () => Boolean(state && state.session && state.session.statistics);

function renderResults(q) {
  const tally = tallies[q.question_id] || q.results || null; // the tally is the newer one
  const figures = published[q.question_id] || {};
  const right = correctSet(q);
  // A correct answer is marked in words too (✓), never by colour alone.
  const options = q.options.map((o) => ({ ...o, text: right.has(o.id) ? `✓ ${o.text}` : o.text, published: figures[o.id] || null }));
  const compared = hasPublished(options);
  const n = tally ? tally.n : 0;
  $("s-n").textContent = nt("{n} answer", "{n} answers", n);
  $("s-derived").hidden = !options.some((o) => o.published && o.published.status === "derived");
  $("s-table").replaceChildren(...options.map((o) => item(describe(o, tally, compared))));
  // The comparison arrives with the next tally after the reveal; until then, bars only.
  // Sent only with the statistics shown; a tally from before the switch went off is ignored.
  const comparison = (statisticsShown() && comparisons[q.question_id]) || null;
  renderStatistics(q, comparison);
  // Larger type for the plain chart (36 px on a 1920 px projector); with the statistics
  // shown, the verdict and the whiskers need the room (30 px).
  const fontSize = Math.max(14, Math.round($("app").clientWidth / (comparison ? 64 : 54)));
  // The chart takes the room the words above left it (known only now they are in place):
  // plotly would otherwise keep the size of its first drawing.
  const size = { width: $("s-chart").clientWidth, height: $("s-chart").clientHeight };
  const signature = JSON.stringify([q.question_id, options, tally, comparison, fontSize, size]);
  if (signature === drawn) return;
  drawn = signature;
  draw($("s-chart"), options, tally, comparison, { fontSize, labelWidth: 30, size });
}

/** The verdict, the note on inconsistent figures and the key to the whiskers: the
 * moderator's statistics, here only when shown to the room (else `comparison` is null). */
function renderStatistics(q, comparison) {
  // "Nothing published to compare with" is the panel's to know: the room sees the plain chart.
  const verdict = comparison && comparison.verdict_code !== "no_published" ? verdictText(comparison, q.options) : "";
  $("s-verdict").textContent = verdict;
  $("s-verdict").hidden = !verdict;
  $("s-inconsistent").textContent = inconsistencyNote(comparison);
  $("s-inconsistent").hidden = !$("s-inconsistent").textContent;
  // The key to the whiskers only when whiskers are drawn (an item with nothing published has none).
  const columns = columnsByOption(comparison);
  $("s-ci").hidden = !(comparison && comparison.live_n && q.options.some((o) => columns.get(o.id)?.live_ci_percent));
}

function describe(o, tally, compared) {
  const live = tally ? `${tally.percent[o.id] ?? 0}% (${tally.counts[o.id] ?? 0})` : "0%";
  if (!compared) return t("{option}: {live}", { option: o.text, live });
  const p = o.published;
  const pub = p ? p.percent + "%" + (p.status === "derived" ? " " + t("(derived)") : "") : t("not published");
  return t("{option}: live {live}, published {published}", { option: o.text, live, published: pub });
}

let resizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(render, 200); // type and chart follow the projector's size
});
