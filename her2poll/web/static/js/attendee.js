/* her2poll attendee page: join, answer, and never lose an answer on a flaky network.
 *
 * On every (re)connect the page sends `join` with the participant token it keeps in
 * localStorage, then re-sends every vote not yet acknowledged. An answer counts as
 * "recorded" only when the server acks it, which it does after the database commit.
 * Until then the vote waits in localStorage with its vote_id, generated once per tap,
 * so a retry after a reconnect or a reload is harmless (the server answers dup:true).
 * The connection itself (join, ack deadlines, backoff): live.js. Protocol: docs/protocol.md.
 */
import { nt, t } from "./i18n.js";
import { $, el } from "./dom.js";
import { ask, backoff, connect, joiner, newest, otherRoomLanguage, retryable } from "./live.js";
import { mountQaPhone, mountTabs, qaPhone } from "./qa-phone.js";
import { countdownText, deadlineOf, secondsLeft, ticker } from "./countdown.js";
import { load, renderer } from "./items/index.js";
import { checkBox } from "./items/common.js";

const app = document.getElementById("app");
const code = app.dataset.code;

// localStorage can be missing or full (private browsing): then memory only.
const saved = {
  get(name, fallback) {
    try {
      const raw = localStorage.getItem(`her2poll:${name}:${code}`);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(`her2poll:${name}:${code}`, JSON.stringify(value));
    } catch {
      /* keep going in memory */
    }
  },
};

let state = null; // the newest `state` message
let joined = false;
let everJoined = false;
let answers = {}; // question_id -> the answer (option id, ids, number or text), as the server has them
// question_id -> {question_id, field, answer, confidence?, vote_id}: sent, not yet acked.
const pending = upgrade(saved.get("pending", {}));
const confidences = saved.get("confidence", {}); // question_id -> 1..4, this phone's own
let deadline = null; // when the current item's countdown ends (ms), or null
let wasRevealed = null; // question_id whose results were already on show
const inflight = new Set(); // vote_ids sent and not yet answered
const attempts = new Map(); // vote_id -> retries so far, for the backoff
let notice = null; // {text, kind}: the last refusal or problem to show
const newerState = newest("version");

const socket = connect();

function newVoteId() {
  if (crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Votes an older page saved ({option_id}) in today's shape. */
function upgrade(votes) {
  for (const v of Object.values(votes)) {
    if (v && v.field === undefined) {
      v.field = "option_id";
      v.answer = v.option_id;
    }
  }
  return votes;
}

function ready() {
  return socket.connected && joined;
}

function savePending() {
  saved.set("pending", pending);
}

// --- joining -------------------------------------------------------------

let drawQa = () => {}; // set once the page is drawn, below
const qa = qaPhone(socket, { storage: saved, rejoin: () => live.join(), onChange: () => drawQa() });
const tabs = mountTabs();

const live = joiner(socket, {
  payload: () => ({ code, role: "attendee", token: saved.get("token", null) }),
  onJoined(ack) {
    joined = everJoined = true;
    saved.set("token", ack.participant_token);
    answers = ack.answers || {};
    if (otherRoomLanguage(ack.state.session)) return location.reload(); // changed before this join
    applyState(ack.state);
    for (const vote of Object.values(pending)) send(vote); // what the last connection left unanswered
    joinAck = ack;
    block && block.then((view) => view.joined(ack)); // its submissions, and any not yet acked
    qa.joined(ack); // and the questions it left unsent
  },
  onRefused(ack) {
    notice = { text: ack.message, kind: "error" };
    render();
  },
});

socket.on("disconnect", () => {
  joined = false;
  qa.left();
  render();
});
socket.on("state", applyState);
// The moderator fixed (or freed) the room's language: draw the page again in it.
socket.on("language", (m) => otherRoomLanguage(m) && location.reload());
socket.on("qa", qa.apply);

// The browser knows before the socket's ping does: say so now, reconnect at once.
window.addEventListener("offline", () => socket.disconnect());
window.addEventListener("online", () => socket.connected || socket.connect());

function applyState(message) {
  if (!newerState(message)) return; // older: ignore
  const before = state && state.current && state.current.question_id;
  if (message.current && message.current.question_id !== before) {
    notice = null;
    if (state && message.current.state === "open") tabs.pollNews();
  }
  if (message.block && message.block.state === "open" && !(state && state.block)) tabs.pollNews();
  state = message;
  deadline = deadlineOf(message.current, Date.now());
  for (const poll of message.polls) {
    if (poll.state === "pending") {
      delete answers[poll.question_id]; // a reset deleted the answers
      delete pending[poll.question_id];
    }
  }
  savePending();
  render();
  document.dispatchEvent(new CustomEvent("her2poll:state")); // credit.js: the learner's progress
}

// --- voting --------------------------------------------------------------

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** Send an answer of item `q` (the current one, or one of the block's): its type's value. */
function choose(answer, confidence, q = state && state.current) {
  if (!q || q.state !== "open") return;
  const waiting = pending[q.question_id];
  const had = waiting ? waiting.answer : answers[q.question_id];
  if (confidence === undefined && same(had, answer)) return;
  const vote = { question_id: q.question_id, field: renderer(q).field, answer, vote_id: newVoteId() };
  if (confidence !== undefined) vote.confidence = confidence;
  pending[q.question_id] = vote;
  savePending();
  notice = null;
  render();
  send(vote);
}

function send(vote) {
  if (!ready() || inflight.has(vote.vote_id)) return;
  inflight.add(vote.vote_id);
  const payload = { question_id: vote.question_id, [vote.field]: vote.answer, vote_id: vote.vote_id };
  if (vote.confidence !== undefined) payload.confidence = vote.confidence;
  ask(socket, "vote", payload).then(({ err, ack }) => {
    inflight.delete(vote.vote_id);
    if (retryable(err, ack)) {
      retryLater(vote); // no answer in time, or the server asks us to: same vote_id again
    } else if (ack.ok) {
      settle(vote); // dup:true means an earlier try was recorded: just as good
    } else if (ack.code === "not_joined") {
      joined = false; // the server forgot this connection: join, which re-sends
      live.join();
    } else {
      drop(vote, ack.message);
    }
    render();
  });
}

function isCurrent(vote) {
  const waiting = pending[vote.question_id];
  return waiting && waiting.vote_id === vote.vote_id;
}

function retryLater(vote) {
  const n = attempts.get(vote.vote_id) || 0;
  attempts.set(vote.vote_id, n + 1);
  setTimeout(() => isCurrent(vote) && send(vote), backoff(n));
}

function settle(vote) {
  answers[vote.question_id] = vote.answer;
  if (vote.confidence !== undefined) {
    confidences[vote.question_id] = vote.confidence;
    saved.set("confidence", confidences);
  }
  attempts.delete(vote.vote_id);
  if (isCurrent(vote)) {
    delete pending[vote.question_id];
    savePending();
  }
}

function drop(vote, message) {
  attempts.delete(vote.vote_id);
  if (!isCurrent(vote)) return;
  delete pending[vote.question_id];
  savePending();
  notice = { text: t("Your answer was not recorded: {reason}", { reason: message }), kind: "error" };
}

// --- rendering -----------------------------------------------------------

let block = null; // a promise of the block view (block.js), loaded when a block is first on show
let joinAck = null; // the newest join's ack
const blockCtx = {
  answerOf: (qid) => (pending[qid] ? pending[qid].answer : answers[qid]),
  waiting: (qid) => Boolean(pending[qid]),
  online: ready,
  confidenceOf: (qid) => pending[qid]?.confidence ?? confidences[qid],
  choose: (q, answer, confidence) => choose(answer, confidence, q),
  scale: $("confidence"),
  ask: (event, payload) => ask(socket, event, payload),
  storage: saved,
  refresh: render,
  refuse(text) {
    notice = { text, kind: "error" };
    render();
  },
};

/** A self-paced block replaces the one-question view while it is on show. */
function renderBlock(b) {
  for (const id of ["waiting", "question", "results", "countdown"]) $(id).hidden = true;
  block ||= import("./block.js").then((m) => m.mountBlock($("block"), blockCtx, joinAck));
  block.then((view) => view.render(b).then(() => renderStatus(null, view.status(b) || ["", ""]))).catch(() => renderStatus(null));
}

function render() {
  const b = state && state.block;
  $("block").hidden = !b;
  if (b) return renderBlock(b);
  const q = state && state.current;
  // The renderer of this item's type, fetched the first time such an item is shown.
  if (q && !renderer(q)) return void load(q).then(render, () => renderStatus(null));
  const showing = q && q.state !== "pending";
  $("waiting").hidden = Boolean(showing);
  $("question").hidden = !showing;
  if (showing) renderQuestion(q);
  renderResults(showing && q.revealed ? q : null);
  renderStatus(showing ? q : null);
  renderClock(showing ? q : null);
}

const clockTicker = ticker(() => renderClock(state && state.current));

function renderClock(q) {
  const left = q && q.state === "open" ? secondsLeft(deadline, Date.now()) : null;
  $("countdown").hidden = left === null;
  if (left !== null) $("countdown").textContent = countdownText(left);
  clockTicker.sync(left !== null && left > 0);
}

function renderQuestion(q) {
  $("q-pos").textContent = t("Question {position} of {of}", q);
  $("q-text").textContent = q.text;
  const box = $("options");
  const view = renderer(q);
  // Drawn again for another item, or for this one edited between questions (a typo fixed).
  const { state: _s, revealed: _r, results: _x, seconds_left: _l, correct: _c, rationale: _w, ...item } = q;
  if (JSON.stringify(item) !== formFor || !form) {
    formFor = JSON.stringify(item);
    form = view.form(q, { submit: (answer) => choose(answer) });
    box.replaceChildren(form.root);
  }
  const waiting = pending[q.question_id];
  const chosen = waiting ? waiting.answer : answers[q.question_id];
  form.update(chosen, q.state !== "open");
  const sent = answers[q.question_id];
  $("sent").hidden = sent === undefined || view.compare; // a tapped option shows itself as pressed
  if (sent !== undefined) $("sent-text").textContent = view.answerText(q, sent);
  renderConfidence(q, sent !== undefined);
}

let form = null; // the current item's answer form
let formFor = ""; // the item it was drawn for, less what changes while it runs

/** "How sure are you?" after the answer, when the item asks: this phone's own, never the room's. */
function renderConfidence(q, answered) {
  const box = $("confidence");
  box.hidden = !(q.confidence && answered);
  if (box.hidden) return;
  const mine = pending[q.question_id]?.confidence ?? confidences[q.question_id];
  for (const b of box.querySelectorAll("button[data-level]")) {
    b.setAttribute("aria-pressed", String(Number(b.dataset.level) === mine));
    b.disabled = q.state !== "open";
  }
}

for (const b of document.querySelectorAll("#confidence button[data-level]")) {
  b.addEventListener("click", () => {
    const q = state && state.current;
    if (q && answers[q.question_id] !== undefined) choose(answers[q.question_id], Number(b.dataset.level));
  });
}

function renderStatus(q, own = null) {
  const [text, kind] = statusOf(q, own);
  const el = $("status");
  if (el.textContent !== text) el.textContent = text;
  el.className = `status ${kind}`;
}

/** The status line; `own`: a block's own word, when nothing more urgent is to be said. */
function statusOf(q, own) {
  const waiting = q ? pending[q.question_id] : own && Object.keys(pending).length;
  if (notice) return [notice.text, notice.kind];
  if (!ready()) {
    if (waiting) return [t("Offline — your answer will be sent when you reconnect."), "pending"];
    if (!everJoined) return [t("Connecting…"), ""];
    return [t("Offline — reconnecting…"), "pending"];
  }
  if (waiting) return [t("Sending…"), "pending"];
  if (own) return own;
  if (!q) return [t("Connected."), ""];
  const answered = answers[q.question_id] !== undefined;
  // This line is the page's live region: a screen reader hears each change of it.
  const shown = q.revealed ? " " + t("Results shown below.") : "";
  if (q.state === "open") {
    return answered
      ? [t("Answer recorded. You can change it while the question is open.") + shown, "ok"]
      : [renderer(q).waitingText() + shown, ""];
  }
  return answered
    ? [t("Voting is closed. Your answer was recorded.") + shown, "ok"]
    : [t("Voting is closed.") + shown, ""];
}

function renderResults(q) {
  $("results").hidden = !(q && q.results);
  if (!q || !q.results) {
    wasRevealed = null;
    return;
  }
  const view = renderer(q);
  const mine = answers[q.question_id];
  $("results-n").hidden = $("bars").hidden = !view.compare;
  if (view.compare) {
    const { n, counts, percent } = q.results;
    $("results-n").textContent = nt("{n} answer", "{n} answers", n);
    const rows = q.options.map((o) => bar(o, counts[o.id] || 0, percent[o.id] || 0, o.id === mine, q));
    $("bars").replaceChildren(...rows);
    $("results-more").replaceChildren(view.stats ? el("p", { className: "stats-line", textContent: view.stats(q.results, q.options) }) : "", checkBox(q, mine, q.results));
  } else {
    $("bars").replaceChildren(); // an earlier choice item's bars: not this item's answer
    $("results-more").replaceChildren(view.results(q, q.results, mine), checkBox(q, mine, q.results));
  }
  if (wasRevealed !== q.question_id) {
    wasRevealed = q.question_id; // just revealed: bring the results into view, once
    const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
    $("results").scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
  }
}

function bar(option, count, pct, mine, q) {
  const li = document.createElement("li");
  const right = Array.isArray(q.correct) && q.correct.includes(option.id);
  li.className = [mine ? "mine" : "", right ? "right" : ""].join(" ").trim();
  const head = document.createElement("span");
  head.className = "bar-head";
  const label = document.createElement("span");
  label.textContent = mine ? t("{option} (your answer)", { option: option.text }) : option.text;
  if (right) label.append(" ", Object.assign(document.createElement("span"), { className: "tag right-tag", textContent: "✓ " + t("Correct answer") }));
  const value = document.createElement("span");
  value.textContent = `${pct}%\u00a0(${count})`; // one line: "50% (1)", never "50%" over "(1)"
  head.append(label, value);
  const track = document.createElement("span");
  track.className = "bar-track";
  track.setAttribute("aria-hidden", "true");
  const fill = document.createElement("span");
  fill.className = "bar-fill";
  fill.style.width = `${pct}%`; // CSSOM, which the style-src CSP allows
  track.append(fill);
  li.append(head, track);
  return li;
}

render();
drawQa = mountQaPhone(qa);
