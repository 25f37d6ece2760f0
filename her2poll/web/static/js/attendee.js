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
import { $ } from "./dom.js";
import { ask, backoff, connect, joiner, newest, retryable } from "./live.js";
import { mountQaPhone, mountTabs, qaPhone } from "./qa-phone.js";

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
let answers = {}; // question_id -> option_id, as the server has them
const pending = saved.get("pending", {}); // question_id -> {question_id, option_id, vote_id}
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
    applyState(ack.state);
    for (const vote of Object.values(pending)) send(vote); // what the last connection left unanswered
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
socket.on("language", (m) => (m && (m.language || "")) !== $("app").dataset.roomLanguage && location.reload());
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
  state = message;
  for (const poll of message.polls) {
    if (poll.state === "pending") {
      delete answers[poll.question_id]; // a reset deleted the answers
      delete pending[poll.question_id];
    }
  }
  savePending();
  render();
}

// --- voting --------------------------------------------------------------

function choose(optionId) {
  const q = state && state.current;
  if (!q || q.state !== "open") return;
  const waiting = pending[q.question_id];
  if (waiting ? waiting.option_id === optionId : answers[q.question_id] === optionId) return;
  const vote = { question_id: q.question_id, option_id: optionId, vote_id: newVoteId() };
  pending[q.question_id] = vote;
  savePending();
  notice = null;
  render();
  send(vote);
}

function send(vote) {
  if (!ready() || inflight.has(vote.vote_id)) return;
  inflight.add(vote.vote_id);
  const payload = { question_id: vote.question_id, option_id: vote.option_id, vote_id: vote.vote_id };
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
  answers[vote.question_id] = vote.option_id;
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

function render() {
  const q = state && state.current;
  const showing = q && q.state !== "pending";
  $("waiting").hidden = Boolean(showing);
  $("question").hidden = !showing;
  if (showing) renderQuestion(q);
  renderResults(showing && q.revealed ? q : null);
  renderStatus(showing ? q : null);
}

function renderQuestion(q) {
  $("q-pos").textContent = t("Question {position} of {of}", q);
  $("q-text").textContent = q.text;
  const box = $("options");
  if (box.dataset.question !== q.question_id) {
    box.dataset.question = q.question_id;
    box.replaceChildren(...q.options.map(optionButton));
  }
  const chosen = pending[q.question_id]?.option_id ?? answers[q.question_id];
  for (const button of box.children) {
    button.setAttribute("aria-pressed", String(button.value === chosen));
    button.disabled = q.state !== "open";
  }
}

function optionButton(option) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "option";
  button.value = option.id;
  button.textContent = option.text;
  button.addEventListener("click", () => choose(option.id));
  return button;
}

function renderStatus(q) {
  const [text, kind] = statusOf(q);
  const el = $("status");
  if (el.textContent !== text) el.textContent = text;
  el.className = `status ${kind}`;
}

function statusOf(q) {
  const waiting = q && pending[q.question_id];
  if (notice) return [notice.text, notice.kind];
  if (!ready()) {
    if (waiting) return [t("Offline — your answer will be sent when you reconnect."), "pending"];
    if (!everJoined) return [t("Connecting…"), ""];
    return [t("Offline — reconnecting…"), "pending"];
  }
  if (!q) return [t("Connected."), ""];
  if (waiting) return [t("Sending…"), "pending"];
  const answered = answers[q.question_id] !== undefined;
  // This line is the page's live region: a screen reader hears each change of it.
  const shown = q.revealed ? " " + t("Results shown below.") : "";
  if (q.state === "open") {
    return answered
      ? [t("Answer recorded. You can change it while the question is open.") + shown, "ok"]
      : [t("Question open: choose an answer.") + shown, ""];
  }
  return answered
    ? [t("Voting is closed. Your answer was recorded.") + shown, "ok"]
    : [t("Voting is closed.") + shown, ""];
}

function renderResults(q) {
  $("results").hidden = !(q && q.results);
  if (!q || !q.results) return;
  const { n, counts, percent } = q.results;
  $("results-n").textContent = nt("{n} answer", "{n} answers", n);
  const mine = answers[q.question_id];
  const rows = q.options.map((o) => bar(o, counts[o.id] || 0, percent[o.id] || 0, o.id === mine));
  $("bars").replaceChildren(...rows);
}

function bar(option, count, pct, mine) {
  const li = document.createElement("li");
  li.className = mine ? "mine" : "";
  const head = document.createElement("span");
  head.className = "bar-head";
  const label = document.createElement("span");
  label.textContent = mine ? t("{option} (your answer)", { option: option.text }) : option.text;
  const value = document.createElement("span");
  value.textContent = `${pct}% (${count})`;
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
