/* Audience Q&A on the phone: ask the panel, upvote what others asked.
 *
 * qaPhone() holds the state and talks to the server, without the DOM (Node tests it with a
 * fake socket and fake storage); mountQaPhone() draws it. A question is "sent" only when
 * the server acks it (after the commit). Until then it waits in storage with its
 * client_id, made once per question, so a retry after a timeout, a reconnect or a reload
 * is harmless (the server answers dup:true). A refusal keeps what was typed and says why.
 * An upvote carries the wanted state, so a retry changes nothing either.
 * Protocol: docs/protocol.md, "Audience Q&A".
 */
import { t } from "./i18n.js";
import { ask, backoff, newest, retryable } from "./live.js";
import { checkText, MAX_TEXT, newClientId, ordered, shownName, votesLabel } from "./qa.js";

export const MINE_LABEL = {
  pending: t("Waiting for the moderator"),
  approved: t("Shown to the room"),
  answered: t("Answered"),
  dismissed: t("Not taken up by the moderator"),
  merged: t("Merged with a similar question"),
};

/**
 * @param socket the live connection (join is the page's business: call joined()/left())
 * @param storage {get(name, fallback), set(name, value)}: where an unsent question waits
 * @param rejoin () => void, when the server says `not_joined`
 * @param onChange () => void, after every change; read view()
 */
export function qaPhone(socket, options) {
  const { storage, rejoin = () => {}, onChange = () => {} } = options;
  const { timers = globalThis, random = Math.random, ids = () => newClientId() } = options;
  const newer = newest("qa_seq");
  let room = null; // the newest `qa` message
  let joined = false;
  let mine = []; // [{id, text, status}], newest first
  let upvoted = new Set(); // as the server has them
  const wanted = new Map(); // question_id -> up, sent and not yet acked
  const upBusy = new Set();
  let draft = storage.get("qa-ask", null); // {client_id, text, name}: sent, not yet acked
  let sending = false;
  let tries = 0;
  let sent = 0; // questions acked: the page clears the text box when this grows
  let notice = null; // {text, kind}
  let order = "votes";
  const changed = () => onChange();
  const isOpen = () => !room || room.open !== false;

  function apply(message) {
    if (!message || !newer(message)) return;
    room = message;
    const seen = new Map(message.questions.map((q) => [q.id, q]));
    // Its status, and its text as the moderator may have corrected it.
    mine = mine.map((m) => (seen.has(m.id) ? { ...m, status: seen.get(m.id).status, text: seen.get(m.id).text } : m));
    changed();
  }

  function saveDraft(value) {
    draft = value;
    storage.set("qa-ask", value);
  }

  /** Send the question, or (while one waits unacked) send that one again, same client_id. */
  function send(text, name) {
    if (!draft) {
      const checked = checkText(text);
      if (!checked.ok) return say(checked.message, "error");
      if (!isOpen()) return say(t("Q&A is closed: the moderator is not taking questions now."), "error");
      const who = room && room.names ? String(name || "").trim() || null : null;
      saveDraft({ client_id: ids(), text: checked.text, name: who });
    }
    notice = null;
    trySend();
  }

  function trySend() {
    if (!draft || sending) return changed();
    if (!joined) return say(t("Offline — your question will be sent when you reconnect."), "pending");
    const mineNow = draft;
    sending = true;
    changed();
    ask(socket, "qa_ask", mineNow, { timers }).then(({ err, ack }) => {
      sending = false;
      if (draft !== mineNow) return changed();
      if (retryable(err, ack)) {
        notice = { text: t("{reason} — trying again…", { reason: err ? t("No answer from the server") : ack.message }), kind: "pending" };
        timers.setTimeout(() => draft === mineNow && trySend(), backoff(tries++, random));
      } else if (ack.ok) {
        tries = 0;
        sent++;
        mine = [ack.question, ...mine.filter((m) => m.id !== ack.question.id)];
        saveDraft(null);
        notice = { text: ack.question.status === "pending" ? t("Sent: the moderator will review it.") : t("Sent."), kind: "ok" };
      } else if (ack.code === "not_joined") {
        joined = false;
        rejoin(); // the join re-sends it
      } else {
        tries = 0;
        saveDraft(null); // refused for good: the text stays in the box, to change or send again
        notice = { text: t("Your question was not sent: {reason}", { reason: ack.message }), kind: "error" };
      }
      changed();
    });
  }

  const isUp = (id) => (wanted.has(id) ? wanted.get(id) : upvoted.has(id));

  function toggle(id) {
    if (!isOpen()) return say(t("Q&A is closed: votes are not taken now."), "error");
    wanted.set(id, !isUp(id));
    notice = null;
    sendUp(id);
    changed();
  }

  function sendUp(id, attempt = 0) {
    if (!joined || upBusy.has(id) || !wanted.has(id)) return;
    const up = wanted.get(id);
    upBusy.add(id);
    ask(socket, "qa_upvote", { question_id: id, up }, { timers }).then(({ err, ack }) => {
      upBusy.delete(id);
      if (retryable(err, ack)) {
        timers.setTimeout(() => sendUp(id, attempt + 1), backoff(attempt, random));
      } else if (ack.ok) {
        if (ack.up) upvoted.add(id);
        else upvoted.delete(id);
        if (wanted.get(id) === up) wanted.delete(id);
        else sendUp(id); // tapped again meanwhile: send the newest wish
      } else if (ack.code === "not_joined") {
        joined = false;
        rejoin();
      } else {
        wanted.delete(id);
        notice = { text: t("Your vote was not counted: {reason}", { reason: ack.message }), kind: "error" };
      }
      changed();
    });
  }

  function say(text, kind) {
    notice = { text, kind };
    changed();
  }

  return {
    /** A join ack: the room's Q&A and this participant's own questions and upvotes. */
    joined(ack) {
      joined = true;
      const own = ack.qa_mine || {};
      mine = [...(own.asked || [])].reverse();
      upvoted = new Set(own.upvoted || []);
      if (notice && notice.kind === "pending") notice = null;
      apply(ack.qa);
      for (const id of wanted.keys()) sendUp(id);
      trySend();
    },
    left() {
      joined = false;
      changed();
    },
    apply,
    send,
    toggle,
    setOrder(value) {
      order = value;
      changed();
    },
    view() {
      const names = Boolean(room && room.names);
      const list = ordered(room ? room.questions : [], order).map((q) => ({
        id: q.id,
        text: q.text,
        name: shownName(q, names),
        votes: q.votes || 0,
        pinned: Boolean(q.pinned),
        answered: q.status === "answered",
        up: isUp(q.id),
      }));
      const own = mine.map((m) => ({ ...m, label: MINE_LABEL[m.status] || m.status }));
      return { ready: room !== null, joined, open: isOpen(), names, order, list, mine: own, draft, sending, sent, notice };
    },
  };
}

// --- drawing (the page calls this; nothing above touches the DOM) -------------------

const $ = (id) => document.getElementById(id);

function make(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The Poll / Q&A tabs: real buttons, arrow keys move between them. */
export function mountTabs(onShow = () => {}) {
  const tabs = [$("tab-poll"), $("tab-qa")];
  function show(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (tab.id === "tab-poll") $("tab-poll-new").hidden = true;
    onShow(tab.id);
  }
  tabs.forEach((tab, i) => {
    tab.addEventListener("click", () => show(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      next.focus();
      show(next);
    });
  });
  return {
    /** A new poll question opened while the Q&A tab is up: say so on the Poll tab. */
    pollNews() {
      if ($("tab-poll").getAttribute("aria-selected") !== "true") $("tab-poll-new").hidden = false;
    },
  };
}

function arrow() {
  const span = make("span", "", "▲");
  span.setAttribute("aria-hidden", "true");
  return span;
}

export function mountQaPhone(qa) {
  const box = $("qa-text");
  const items = new Map(); // question_id -> {li, flag, text, meta, vote}
  let sent = qa.view().sent;
  const count = () => ($("qa-count").textContent = `${box.value.length} / ${MAX_TEXT}`);
  box.addEventListener("input", count);
  $("qa-form").addEventListener("submit", (event) => {
    event.preventDefault();
    qa.send(box.value, $("qa-name").value);
  });
  for (const order of ["votes", "time"]) $(`qa-sort-${order}`).addEventListener("click", () => qa.setOrder(order));

  function item(q) {
    const parts = { li: make("li", "qa-item"), flag: make("p", "qa-flag"), text: make("p", "qa-q"), meta: make("p", "qa-meta") };
    parts.vote = make("button", "upvote");
    parts.vote.type = "button";
    parts.vote.addEventListener("click", () => qa.toggle(q.id));
    parts.tally = make("span", "qa-votes");
    parts.li.append(parts.flag, parts.text, parts.meta, parts.vote, parts.tally);
    items.set(q.id, parts);
    return parts;
  }

  function draw(q, open) {
    const p = items.get(q.id) || item(q);
    p.li.className = `qa-item${q.pinned ? " pinned" : ""}${q.answered ? " answered" : ""}`;
    p.flag.textContent = q.pinned ? t("Now answering") : q.answered ? t("Answered") : "";
    p.flag.hidden = !p.flag.textContent;
    p.text.textContent = q.text;
    p.meta.textContent = q.name;
    p.meta.hidden = !q.name;
    p.vote.hidden = q.answered; // only approved questions take upvotes
    p.tally.hidden = !q.answered;
    p.tally.textContent = votesLabel(q.votes);
    // The arrow is decoration: the name starts with a word and holds the visible number.
    p.vote.replaceChildren(arrow(), ` ${q.votes}`);
    p.vote.setAttribute("aria-label", t("Upvote, {votes}", { votes: votesLabel(q.votes) }));
    p.vote.setAttribute("aria-pressed", String(q.up));
    p.vote.disabled = !open;
    return p.li;
  }

  function render() {
    const v = qa.view();
    if (v.sent !== sent) {
      sent = v.sent;
      box.value = ""; // acked: the question is on its way to the panel
    }
    if (v.draft && !box.value) box.value = v.draft.text; // an unsent question, after a reload
    count();
    box.readOnly = Boolean(v.draft); // what waits to be sent is what is in the box
    box.disabled = $("qa-name").disabled = !v.open;
    $("qa-send").disabled = !v.open || v.sending;
    $("qa-send").textContent = v.sending ? t("Sending…") : v.draft ? t("Send again") : t("Send question");
    $("qa-name-row").hidden = !v.names;
    $("qa-closed").hidden = v.open;
    const status = $("qa-status");
    // Offline after a join: said here too, the poll tab's status is out of sight.
    const notice = v.notice || (v.ready && !v.joined ? { text: t("Offline — reconnecting…"), kind: "pending" } : null);
    status.textContent = notice ? notice.text : "";
    status.className = `status ${notice ? notice.kind : ""}`;
    for (const order of ["votes", "time"]) $(`qa-sort-${order}`).setAttribute("aria-pressed", String(v.order === order));
    $("qa-mine-box").hidden = !v.mine.length;
    $("qa-mine").replaceChildren(...v.mine.map(mineItem));
    const nodes = v.list.map((q) => draw(q, v.open));
    const list = $("qa-list");
    const ids = new Set(v.list.map((q) => q.id));
    for (const id of items.keys()) if (!ids.has(id)) items.delete(id);
    if (nodes.some((node, i) => list.children[i] !== node) || list.children.length !== nodes.length) {
      const focused = document.activeElement;
      list.replaceChildren(...nodes);
      if (focused && list.contains(focused)) focused.focus(); // a reorder must not drop the focus
    }
    $("qa-empty").hidden = !v.ready || v.list.length > 0;
  }

  function mineItem(m) {
    const li = make("li", `mine-item ${m.status}`);
    li.append(make("span", "mine-text", m.text), make("span", "mine-status", m.label));
    return li;
  }

  render();
  return render;
}
