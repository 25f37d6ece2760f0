/* her2poll moderator panel: run the questions and watch the answers arrive.
 *
 * The moderator key arrives in the URL fragment, which browsers never send to the
 * server. It is kept in sessionStorage so a reload of this tab still works, and taken
 * out of the address bar so it is not left on a shared screen or in the history.
 * Every (re)connect joins again and gets the full state and tally in the ack; later
 * `state` (by version) and `tally` (by vote_seq) messages older than what the panel
 * already shows are ignored. The connection itself: live.js. Protocol: docs/protocol.md.
 */
import { t } from "./i18n.js";
import { columnsByOption, draw, hasPublished, inconsistencyNote } from "./compare-chart.js";
import { $, el } from "./dom.js";
import { ask, connect, joiner, newest, sessionStore, stored, takeSecret } from "./live.js";
import { mountQaPanel } from "./qa-panel.js";
import { mountCmePanel } from "./cme-panel.js";
import { download } from "./download.js";
import { formatP, verdictText } from "./verdict.js";
import { countdownText, deadlineOf, secondsLeft, ticker } from "./countdown.js";
import { loadAll, renderer } from "./items/index.js";
import { fmt } from "./items/common.js";
import { groupCards, mountPhaseStrip } from "./phase-strip.js";

await loadAll(); // the panel and the projector draw every type

const code = $("app").dataset.code;
const KEY_SLOT = `her2poll:key:${code}`;
const NEW_SLOT = `her2poll:new:${code}`;
const BUTTONS = [
  ["open", t("Open")],
  ["close", t("Close")],
  ["reopen", t("Reopen")],
  ["reveal", t("Reveal results")],
  ["hide", t("Hide results")],
  ["reset", t("Reset…")],
];
const SUCCESSOR = { open: "close", close: "reopen", reopen: "close", reveal: "hide", hide: "reveal" };
const STATE_LABEL = { pending: t("Not asked yet"), open: t("Open for answers"), closed: t("Closed") };

let key = takeSecret("key", KEY_SLOT);
let socket = null;
let live = null; // the joiner: joins on every connect
let joined = false;
const newerState = newest("version");
const newerTally = newest("vote_seq");
let questions = [];
const cards = new Map(); // question_id -> {root, badge, buttons, n, rows, chart, verdict, …, drawn}

const qaPanel = mountQaPanel({
  send: (event, payload) => (joined ? ask(socket, event, payload) : null),
  onCounts: (counts) => ($("qa-tab-count").textContent = counts.pending ? t("({n} pending)", { n: counts.pending }) : ""),
});

function session(name, value) {
  return stored(sessionStore(), name, value); // refused storage: the key lives only in this page
}

function showAlert(message) {
  $("alert").textContent = message;
  $("alert").hidden = !message;
}

function setConnection(text, kind = "") {
  $("connection").textContent = text;
  $("connection").className = `connection ${kind}`;
}

// --- key and connection ----------------------------------------------------

function askForKey(problem = "") {
  $("panel").hidden = true;
  $("key-form").hidden = false;
  showAlert(problem);
  setConnection(t("Needs the moderator key"), "warn");
  $("key-input").focus();
}

$("key-form").addEventListener("submit", (event) => {
  event.preventDefault();
  key = $("key-input").value.trim();
  $("key-input").value = "";
  if (!key) return;
  session(KEY_SLOT, key);
  start();
});

/** The key stays hidden until asked for (a mirrored projector shows the laptop). */
function showKey(shown) {
  const button = $("key-toggle");
  button.setAttribute("aria-expanded", String(shown));
  button.textContent = shown ? button.dataset.hide : button.dataset.show;
  $("key-box").hidden = !shown;
  $("key-hidden-note").hidden = shown;
}

$("key-toggle").addEventListener("click", () =>
  showKey($("key-toggle").getAttribute("aria-expanded") !== "true"),
);

function start() {
  if (!key) return askForKey();
  $("key-form").hidden = true;
  $("key-text").textContent = key;
  if (session(NEW_SLOT)) {
    // Just created: the one moment to write the key down. Point at it, still hidden.
    $("key-details").classList.add("attention");
    session(NEW_SLOT, null);
  }
  loadLinks();
  if (!socket) {
    socket = connect();
    live = joiner(socket, {
      payload: () => ({ code, role: "moderator", secret: key }),
      onAttempt: () => setConnection(t("Joining…")),
      onJoined: joinedWith,
      onRefused: refused,
    });
    socket.on("disconnect", () => {
      joined = false;
      setConnection(t("Connection lost — reconnecting…"), "warn");
    });
    socket.on("state", applyState);
    socket.on("tally", applyTally);
    socket.on("questions", applyQuestions);
    socket.on("qa", qaPanel.apply);
  } else if (socket.connected) {
    live.join();
  }
}

function refused(ack) {
  if (ack.code === "bad_secret") {
    session(KEY_SLOT, null);
    key = null;
    askForKey(t("That key does not open this session. Check it and try again."));
  } else {
    showAlert(ack.message);
  }
}

function joinedWith(ack) {
  joined = true;
  showAlert("");
  setConnection(t("Connected"), "ok");
  const set = Array.isArray(ack.questions) ? { questions: ack.questions } : ack.questions;
  build(set.questions);
  describePublished(set.published_n);
  $("panel").hidden = false;
  applyState(ack.state);
  applyTally(ack.tally);
  describeReconstructions(ack.results);
  qaPanel.apply(ack.qa);
}

/** The question set was edited (between questions) in the authoring pages: redraw the
 * cards that changed, then show them in the session's state and tally. */
function applyQuestions(message) {
  if (!message || !message.questions || !newerState(message.state)) return;
  if (!build(message.questions.questions)) return;
  applyState(message.state);
  applyTally(message.tally);
  describeReconstructions(message.results);
  $("announce").textContent = t("The questions were edited: the panel shows them as saved.");
}

async function loadLinks() {
  try {
    const res = await fetch(`/api/sessions/${encodeURIComponent(code)}/links`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    if (!res.ok) return; // a wrong key is reported by the join
    const links = await res.json();
    $("screen-link").href = links.screen_url;
    $("screen-url").value = links.screen_url;
  } catch {
    /* offline: the link appears on the next load */
  }
}

/** How the published counts were reconstructed, one line per question (from the join ack). */
function describeReconstructions(results) {
  for (const q of (results && results.questions) || []) {
    const c = cards.get(q.question_id);
    const rec = q.published && q.published.reconstruction;
    if (!c || !rec) continue;
    c.summary.textContent = t("Published counts: {summary}", { summary: rec.summary });
    c.summary.hidden = false;
    if (!c.note.textContent) showNote(c, q.comparison); // before the question is asked
  }
}

// --- controls ----------------------------------------------------------------

/** Send a `control`; resolves to the new state, or null (the alert says why). */
function control(action, questionId, fields = {}) {
  if (action === "reset" && !confirm(t("Reset {id}? This deletes all its answers.", { id: questionId }))) return Promise.resolve(null);
  if (!joined) {
    showAlert(t("Not connected to the server: wait for “Connected” and try again."));
    return Promise.resolve(null);
  }
  const payload = { action, ...(questionId ? { question_id: questionId } : {}), ...fields };
  document.body.classList.add("busy");
  return ask(socket, "control", payload).then(({ err, ack }) => {
    document.body.classList.remove("busy");
    if (err) showAlert(t("The server did not answer in time; check the connection and try again."));
    else if (!ack.ok) showAlert(ack.message);
    else {
      showAlert("");
      applyState(ack.state);
      announce(ack.state, action, questionId);
      return ack.state;
    }
    return null;
  });
}

const phases = mountPhaseStrip($("phases"), {
  send: (action, fields) => control(action, null, fields),
  announce: (text) => ($("announce").textContent = text),
});

/** Say what a control did in the panel's status line, which screen readers read out. */
function announce(message, action, questionId) {
  const qid = questionId || (message && message.current && message.current.question_id);
  const c = cards.get(qid);
  const poll = message && message.polls.find((p) => p.question_id === qid);
  if (!c || !poll) return;
  const what = action === "reveal" ? t("Results shown") : action === "hide" ? t("Results hidden") : STATE_LABEL[poll.state];
  $("announce").textContent = t("Question {position}: {what}.", { position: c.position, what });
}

$("next").addEventListener("click", () => control("next"));

// --- question cards ------------------------------------------------------------

/** Draw a card per question; on a reconnect or an edit keep each card whose question
 * and place are unchanged (its chart and focus stay). Whether anything was redrawn. */
function build(list) {
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  if (cards.size && same(list, questions)) return false;
  const before = new Map(cards);
  cards.clear();
  const make = (q, position) => {
    const kept = before.get(q.id);
    if (kept && kept.position === position && same(kept.q, q)) {
      cards.set(q.id, kept);
      return kept.root;
    }
    return card(q, position);
  };
  $("questions").replaceChildren();
  groupCards($("questions"), list, make); // by phase when the activity has several
  phases.build(list);
  questions = list;
  // The keys under the cards only for what some card draws: grey "(derived)" bars when
  // some published figure is derived, whiskers when some card has the compare chart.
  const figures = list.flatMap((q) => (q.options || []).map((o) => o.published).filter(Boolean));
  $("legend-derived").hidden = !figures.some((p) => p.status === "derived");
  $("legend-whiskers").hidden = !list.some((q) => renderer(q).compare);
  $("legend-whiskers-published").hidden = !figures.length;
  return true;
}

function describePublished(publishedN) {
  if (!publishedN || $("published-n").textContent) return;
  $("published-n").textContent =
    publishedN.kind === "cap"
      ? t("Published figures are the source's percentages; it gives N = {n} for the polls: an upper bound, not a count per question.", { n: publishedN.value })
      : t("Published figures are the source's percentages; it gives N = {n} for the polls.", { n: publishedN.value });
}

function card(q, position) {
  const badge = el("span", { className: "badge" });
  const shown = el("span", { className: "badge revealed", hidden: true, textContent: t("Results shown") });
  const buttons = new Map(
    BUTTONS.map(([action, label]) => {
      const button = el("button", { type: "button", textContent: label, hidden: true });
      button.addEventListener("click", () => control(action, q.id));
      return [action, button];
    }),
  );
  const controls = el("div", { className: "controls" }, ...buttons.values());
  controls.setAttribute("role", "group");
  controls.setAttribute("aria-label", t("Controls for question {position}", { position }));
  const n = el("strong", { textContent: "0" });
  const view = renderer(q);
  // An item with no published figures (an activity's own question) shows live answers
  // only: no "Published" column of dashes, as its chart has no published bars.
  const compared = hasPublished(q.options);
  const rows = new Map(view.compare ? q.options.map((o) => [o.id, optionRow(o, compared)]) : []);
  const heads = [t("Answer"), t("Live"), t("Live %"), ...(compared ? [t("Published")] : [])];
  const caption = compared
    ? t("Answers to question {position}, live and published", { position })
    : t("Answers to question {position}", { position });
  const table = el(
    "table",
    { className: "tally" },
    el("caption", { className: "visually-hidden", textContent: caption }),
    el("thead", {}, el("tr", {}, ...heads.map((h) => el("th", { scope: "col", textContent: h })))),
    el("tbody", {}, ...[...rows.values()].map((r) => r.tr)),
  );
  const chart = el("div", { className: "chart" });
  chart.setAttribute("aria-hidden", "true"); // the table says the same, readably
  const verdict = el("p", { className: "verdict", hidden: true });
  const note = el("p", { className: "inconsistent", hidden: true });
  const test = el("span", { className: "test" });
  const summary = el("span", { className: "summary", hidden: true });
  const fine = el("p", { className: "fine" }, test, " ", summary);
  const title = el("h3", {}, el("span", { className: "q-id", textContent: `${position}.` }), ` ${q.text}`);
  const wording = q.text_status === "reconstructed"
    ? el("p", { className: "hint", textContent: t("Wording reconstructed from the source article.") })
    : "";
  const panelView = view.compare ? null : view.panel(q, { hide: hideAnswer });
  const body = view.compare
    ? el("div", { className: "q-body" }, el("div", { className: "q-table" }, table, optionNotes(q)), el("div", { className: "q-chart" }, chart, verdict, note, fine))
    : el("div", { className: "q-body single-col" }, panelView.root);
  const stats = el("p", { className: "stats-line", hidden: true });
  const check = el("p", { className: "check-line", hidden: true });
  const sure = el("p", { className: "confidence-line", hidden: true });
  const clockText = el("span", { className: "clock-text" });
  const extend = el("button", { type: "button", textContent: t("Extend (+30 s)") });
  extend.addEventListener("click", () => control("extend", q.id));
  const stop = el("button", { type: "button", textContent: t("Stop the countdown") });
  stop.addEventListener("click", () => control("stop_timer", q.id));
  const clock = el("p", { className: "clock", hidden: true }, clockText, " ", extend, " ", stop);
  clock.setAttribute("role", "group");
  clock.setAttribute("aria-label", t("Countdown of question {position}", { position }));
  const key = Array.isArray(q.correct) ? answerKey(q) : "";
  const root = el(
    "li",
    { className: "question card" },
    el("div", { className: "q-head" }, title, el("p", { className: "badges" }, badge, " ", shown)),
    wording,
    controls,
    clock,
    el("p", { className: "q-n" }, n, " ", t("answered")),
    key,
    body,
    stats,
    check,
    sure,
  );
  root.dataset.question = q.id;
  root.dataset.type = q.type || "single";
  cards.set(q.id, { q, view, panelView, position, root, badge, shown, buttons, n, rows, chart, verdict, note, test, summary, stats, check, sure, clock, clockText, drawn: null });
  return root;
}

/** The editor's notes on options ("Not itemised in the source."), apart from the labels:
 * for the moderator only, never part of what a phone or the projector shows. */
function optionNotes(q) {
  const noted = (q.options || []).filter((o) => o.note);
  if (!noted.length) return "";
  return el(
    "ul",
    { className: "hint option-notes" },
    ...noted.map((o) => el("li", {}, el("strong", { textContent: t("Note on “{option}”:", { option: o.text }) }), " " + o.note)),
  );
}

/** The answer key of a knowledge check, for the moderator (the room sees it on reveal). */
function answerKey(q) {
  const names = q.options.filter((o) => q.correct.includes(o.id)).map((o) => o.text);
  return el(
    "details",
    { className: "answer-key" },
    el("summary", { textContent: t("Knowledge check: answer key") }),
    el("p", {}, el("strong", { textContent: t("Correct answer:") }), " ✓ " + names.join("; ")),
    q.rationale ? el("p", {}, el("strong", { textContent: t("Why:") }), " " + q.rationale) : "",
  );
}

function hideAnswer(answerId, hidden) {
  if (!joined) return showAlert(t("Not connected to the server: wait for “Connected” and try again."));
  ask(socket, "hide_answer", { answer_id: answerId, hidden }).then(({ err, ack }) => {
    if (err) showAlert(t("The server did not answer in time; check the connection and try again."));
    else if (!ack.ok) showAlert(ack.message);
    else {
      showAlert("");
      applyState(ack.state);
      $("announce").textContent = hidden ? t("Answer hidden from the room.") : t("Answer shown to the room.");
    }
  });
}

function optionRow(o, compared) {
  const count = el("td", { className: "num", textContent: "0" });
  const share = el("span", { textContent: "0%" });
  const liveCi = el("span", { className: "visually-hidden" }); // the chart's error bars, for screen readers
  const pubCi = el("span", { className: "visually-hidden" });
  const p = o.published;
  const published = el(
    "td",
    { className: `num${p && p.status === "derived" ? " derived" : ""}` },
    p ? p.percent + "%" + (p.status === "derived" ? " " + t("(derived)") : "") : "—",
    pubCi,
  );
  const tr = el("tr", {}, el("th", { scope: "row", textContent: o.text }), count, el("td", { className: "num" }, share, liveCi), ...(compared ? [published] : []));
  return { tr, count, share, liveCi, pubCi };
}

function interval(ci) {
  return ci ? t(", {level} interval {low} to {high}%", { level: "95%", low: Math.round(ci[0]), high: Math.round(ci[1]) }) : "";
}

/** The buttons a card offers; no "Reveal" while a self-paced block is open (refused then). */
function allowed(poll, blockOpen) {
  const s = poll.state;
  return new Set([
    ...(s === "pending" ? ["open"] : []),
    ...(s === "open" ? ["close"] : []),
    ...(s === "closed" ? ["reopen"] : []),
    ...(s !== "pending" ? [poll.revealed ? "hide" : blockOpen ? null : "reveal", "reset"] : []),
  ]);
}

function applyState(message) {
  if (!newerState(message)) return;
  const current = message.current && message.current.question_id;
  const blockOpen = Boolean(message.block && message.block.state === "open");
  for (const poll of message.polls) {
    const c = cards.get(poll.question_id);
    if (!c) continue;
    c.badge.textContent = STATE_LABEL[poll.state] || poll.state;
    c.badge.dataset.state = poll.state;
    c.shown.hidden = !poll.revealed;
    c.root.dataset.state = poll.state;
    c.root.classList.toggle("current", poll.question_id === current);
    const ok = allowed(poll, blockOpen);
    const had = [...c.buttons].find(([, b]) => b === document.activeElement);
    for (const [action, button] of c.buttons) button.hidden = !ok.has(action);
    if (had && had[1].hidden) keepFocus(c, had[0]);
  }
  $("next").disabled = blockOpen || !message.polls.some((p) => p.state === "pending");
  $("room-statistics").checked = Boolean(message.session && message.session.statistics);
  const byPhase = {};
  for (const q of questions) (byPhase[q.phase || "talk"] ||= []).push(message.polls.find((p) => p.question_id === q.id) || {});
  phases.applyState(message, byPhase);
  clockFor = current;
  deadline = deadlineOf(message.current, Date.now());
  autoClosed = null;
  renderClocks();
}

let clockFor = null; // the question whose countdown runs
let deadline = null;
let autoClosed = null; // the question the panel closed at zero (once)
const clockTicker = ticker(() => renderClocks());

function renderClocks() {
  const left = secondsLeft(deadline, Date.now());
  for (const [qid, c] of cards) {
    const on = qid === clockFor && left !== null;
    c.clock.hidden = !on;
    if (on) c.clockText.textContent = countdownText(left);
  }
  clockTicker.sync(left !== null && left > 0);
  if (left === 0 && clockFor && autoClosed !== clockFor) {
    autoClosed = clockFor; // time is up: the panel closes the item (votes are refused already)
    control("close", clockFor);
  }
}

/** "Open" gives way to "Close", "Reveal" to "Hide": the keyboard stays on the one that took its place. */
function keepFocus(c, action) {
  const next = c.buttons.get(SUCCESSOR[action]);
  (next && !next.hidden ? next : [...c.buttons.values()].find((b) => !b.hidden))?.focus();
}

function applyTally(message) {
  if (!newerTally(message)) return; // older than what is shown
  $("participants").textContent = message.participants;
  phases.applyTally(message);
  $("connected").textContent = message.connected;
  const compared = message.comparison || {};
  for (const [qid, c] of cards) showTally(c, message.tallies[qid] || null, compared[qid] || null);
}

function showTally(c, tally, comparison) {
  const signature = JSON.stringify([tally, comparison]);
  if (signature === c.drawn) return; // unchanged: spare the chart a redraw
  c.drawn = signature;
  c.n.textContent = tally ? tally.n : 0;
  showExtras(c, tally);
  if (!c.view.compare) return c.panelView.update(tally);
  const columns = columnsByOption(comparison);
  const counted = comparison && comparison.published_source === "reconstruction";
  for (const [oid, row] of c.rows) {
    row.count.textContent = tally ? tally.counts[oid] ?? 0 : 0;
    row.share.textContent = `${tally ? tally.percent[oid] ?? 0 : 0}%`;
    const col = columns.get(oid);
    row.liveCi.textContent = interval(col && col.live_ci_percent);
    row.pubCi.textContent = counted && col ? interval(col.published_ci_percent) : "";
  }
  draw(c.chart, c.q.options, tally, comparison, { fontSize: 13, labelWidth: 24 });
  showVerdict(c, comparison);
}

/** Lines every type may add: rating statistics, the knowledge check, confidence (panel only). */
function showExtras(c, tally) {
  const stats = c.view.stats && tally ? c.view.stats(tally, c.q.options) : "";
  c.stats.textContent = stats;
  c.stats.hidden = !stats;
  const right = tally && tally.correct;
  c.check.textContent = right && right.of ? "✓ " + t("Correct: {n} of {of} ({percent}%)", right) : "";
  c.check.hidden = !c.check.textContent;
  const sure = tally && tally.confidence;
  c.sure.textContent = sure && sure.n
    ? t("How sure (1–4, not shown to the room): {n} rated, mean {mean}; {counts}", {
        n: sure.n,
        mean: fmt(sure.mean),
        counts: ["1", "2", "3", "4"].map((k) => `${k}: ${sure.counts[k] || 0}`).join(", "),
      })
    : "";
  c.sure.hidden = !c.sure.textContent;
}

function showVerdict(c, comparison) {
  c.verdict.textContent = verdictText(comparison, c.q.options);
  // An activity's own item with nothing published: its card has no Published column,
  // so no "Nothing published to compare with." under every chart either.
  c.verdict.hidden = !comparison || comparison.verdict_code === "no_published";
  c.verdict.dataset.code = comparison ? comparison.verdict_code : "";
  if (comparison) showNote(c, comparison);
  const test = comparison && comparison.test;
  c.test.textContent = test
    ? t("{method}, {p}; n = {n} vs {published}.", { method: test.method, p: pValues(comparison), n: comparison.live_n, published: comparison.published_n })
    : "";
}

function showNote(c, comparison) {
  c.note.textContent = inconsistencyNote(comparison);
  c.note.hidden = !c.note.textContent;
}

/** p of the test, and its range when several reconstructions of the counts were tested. */
function pValues(comparison) {
  const p = formatP(comparison.test.p_value);
  const main = p.startsWith("<") ? `p ${p}` : `p = ${p}`;
  const range = comparison.p_range;
  const runs = comparison.sensitivity.length;
  if (!range || runs < 2 || formatP(range[0]) === formatP(range[1])) return main;
  return t("{p} ({low}–{high} over {runs} reconstructions)", { p: main, low: formatP(range[0]), high: formatP(range[1]), runs });
}

// --- Polls / Audience Q&A tabs ---------------------------------------------------

const mainTabs = [$("tab-polls"), $("tab-qa")];
function showTab(tab) {
  for (const t of mainTabs) {
    t.setAttribute("aria-selected", String(t === tab));
    t.tabIndex = t === tab ? 0 : -1;
    $(t.getAttribute("aria-controls")).hidden = t !== tab;
  }
  window.dispatchEvent(new Event("resize")); // charts drawn while hidden take their size now
}
mainTabs.forEach((tab, i) => {
  tab.addEventListener("click", () => showTab(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    const next = mainTabs[(i + step + mainTabs.length) % mainTabs.length];
    next.focus();
    showTab(next);
  });
});

// --- export ------------------------------------------------------------------------

const EXTENSIONS = { csv: "zip", xlsx: "xlsx", json: "json", pdf: "pdf" }; // export.csv is a zip
let exporting = false;

function exportStatus(text, kind = "") {
  $("export-status").textContent = text;
  $("export-status").className = `export-status ${kind}`;
}

async function exportAs(format) {
  if (exporting) return; // one at a time; buttons stay focusable (disabling would drop focus)
  exporting = true;
  $("export").setAttribute("aria-busy", "true");
  exportStatus(t("Preparing…"));
  try {
    const path = `/api/sessions/${encodeURIComponent(code)}/export.${format}`;
    const name = await download(path, key, `her2poll-${code}.${EXTENSIONS[format]}`);
    exportStatus(t("Saved {name}.", { name }), "ok");
  } catch (e) {
    exportStatus(t("Export failed: {reason}", { reason: e.message }), "error");
  } finally {
    exporting = false;
    $("export").removeAttribute("aria-busy");
  }
}

// --- room language -----------------------------------------------------------------

$("room-language").addEventListener("change", async () => {
  const select = $("room-language");
  const language = select.value || null;
  if (!joined) return ($("room-language-status").textContent = t("Not connected to the server: wait for “Connected” and try again."));
  const { err, ack } = await ask(socket, "room_language", { language });
  const name = language ? select.selectedOptions[0].textContent : "";
  $("room-language-status").textContent = err
    ? t("The server did not answer in time; check the connection and try again.")
    : !ack.ok
      ? ack.message
      : name
        ? t("Phones and projector now show {language}.", { language: name })
        : t("Each phone and the projector now show their own language.");
});

// --- statistics in the room ----------------------------------------------------------

$("room-statistics").addEventListener("change", async () => {
  const box = $("room-statistics");
  const shown = box.checked;
  const say = (text) => ($("room-statistics-status").textContent = text);
  if (!joined) {
    box.checked = !shown; // nothing changed on the server
    return say(t("Not connected to the server: wait for “Connected” and try again."));
  }
  const { err, ack } = await ask(socket, "room_statistics", { shown });
  if (err || !ack.ok) {
    box.checked = !shown;
    return say(err ? t("The server did not answer in time; check the connection and try again.") : ack.message);
  }
  applyState(ack.state);
  say(shown ? t("The projector and the phones now show the statistics.") : t("The projector and the phones now show plain charts, without statistics."));
});

for (const button of $("export").querySelectorAll("button[data-format]")) {
  button.addEventListener("click", () => exportAs(button.dataset.format));
}
$("export").addEventListener("keydown", (event) => {
  if (event.key !== "Escape" || !$("export").open) return;
  $("export").open = false;
  $("export").querySelector("summary").focus();
});
document.addEventListener("click", (event) => {
  // A click elsewhere closes the menu; the download link's own (scripted) click does not.
  if (event.isTrusted && $("export").open && !$("export").contains(event.target)) $("export").open = false;
});

mountCmePanel({ code, key: () => key });
start();
