/* Audience Q&A in the moderator panel: review the queue, choose what the room sees.
 *
 * The server sends the whole queue (`qa` to room moderator:<id>, and in the join ack); the
 * panel draws it and sends `qa_moderate` / `qa_settings`, saying why when the server
 * refuses. Question rows are kept by id and updated in place, so a message arriving
 * while the moderator edits a typo or chooses a merge target does not undo their work.
 * The pure helpers come first (Node tests them); mountQaPanel() draws.
 * Protocol: docs/protocol.md, "Audience Q&A".
 */
import { nt, t } from "./i18n.js";
import { newest } from "./live.js";
import { byTime, byVotes, countsOf, MAX_TEXT, votesLabel } from "./qa.js";

export const TABS = [
  ["pending", t("Pending")],
  ["approved", t("Approved")],
  ["answered", t("Answered")],
  ["dismissed", t("Dismissed")],
];
const NONE = {
  pending: t("No pending questions."),
  approved: t("No approved questions."),
  answered: t("No answered questions."),
  dismissed: t("No dismissed questions."),
};

/** The questions a tab lists: pending oldest first (first come, first reviewed); approved
 * pinned first, then by votes; merged ones under Dismissed. */
export function inTab(questions, tab) {
  const of = (q) => (q.status === "merged" ? "dismissed" : q.status);
  const list = (questions || []).filter((q) => of(q) === tab);
  if (tab === "pending") return list.sort((a, b) => -byTime(a, b));
  if (tab === "approved") return list.sort((a, b) => Number(b.pinned) - Number(a.pinned) || byVotes(a, b));
  return list.sort(byTime);
}

/** The moderator's buttons for a question, by its status. */
export function actionsFor(q) {
  switch (q.status) {
    case "pending":
      return ["approve", "edit", "merge", "dismiss"];
    case "approved":
      return [q.pinned ? "unpin" : "pin", "answered", "edit", "merge", "dismiss"];
    case "answered":
      return ["restore", "edit"];
    case "dismissed":
      return ["restore"];
    default:
      return []; // merged: its votes went to the other question
  }
}

export const ACTION_LABEL = {
  approve: t("Approve"),
  dismiss: t("Dismiss"),
  edit: t("Edit"),
  merge: t("Merge into…"),
  pin: t("Pin “Now answering”"),
  unpin: t("Unpin"),
  answered: t("Mark answered"),
  restore: t("Back to pending"),
};

/** The questions `q` can be merged into: any other one still in play. */
export function mergeTargets(questions, q) {
  return (questions || []).filter((o) => o.id !== q.id && ["pending", "approved", "answered"].includes(o.status));
}

/** The word filter as the protocol wants it: one word per line, trimmed, lower case (as
 * the server stores it), no repeats. */
export function parseFilter(text) {
  const words = String(text || "")
    .split(/\r?\n/)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(words)];
}

// The filter's limits (core/qa.py): the list must fit in one message of at most 4 KB.
export const MAX_FILTER_WORDS = 100;
export const MAX_FILTER_WORD = 30;
export const MAX_FILTER_BYTES = 3500;

/** The size the server measures: compact JSON with every non-ASCII character escaped. */
export function filterBytes(words) {
  return JSON.stringify(words).replace(/[^\x00-\x7f]/g, "\\u0000").length;
}

/** Why the server would refuse `words` (and a message over 4 KB would close the
 * connection), or null: checked before sending, so the moderator reads what to change. */
export function filterProblem(words) {
  if (words.length > MAX_FILTER_WORDS) {
    return t("At most {max} words: remove {n}.", { max: MAX_FILTER_WORDS, n: words.length - MAX_FILTER_WORDS });
  }
  const long = words.find((w) => [...w].length > MAX_FILTER_WORD);
  if (long) return t("“{word}” is longer than {max} characters.", { word: long, max: MAX_FILTER_WORD });
  const size = filterBytes(words);
  if (size > MAX_FILTER_BYTES) {
    return t("The words are too long together ({size} of at most {max} bytes): remove some.", {
      size,
      max: MAX_FILTER_BYTES,
    });
  }
  return null;
}

/** "12 votes · Ana · 03:40 · edited": what the moderator reads under each question. */
export function metaLine(q, clock = (iso) => new Date(iso).toTimeString().slice(0, 5)) {
  const parts = [votesLabel(q.votes || 0)];
  if (q.name) parts.push(q.name);
  if (q.created_at) parts.push(clock(q.created_at));
  if (q.edited) parts.push(t("edited"));
  if (q.merged_into) parts.push(t("merged into #{id}", { id: q.merged_into }));
  return parts.join(" · ");
}

export function countsLine(counts) {
  return t("{pending} pending · {approved} approved · {answered} answered", counts);
}

// --- drawing -------------------------------------------------------------------------

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/**
 * @param send (event, payload) => promise of {err, ack}, or null when not connected
 * @param onCounts (counts) => void, e.g. for the "Audience Q&A (2 pending)" tab
 */
export function mountQaPanel({ send, onCounts = () => {} }) {
  const newer = newest("qa_seq");
  const rows = new Map(); // question_id -> {li, text, meta, flags, buttons, editor, merger}
  let message = null;
  let tab = "pending";

  function alert(text) {
    $("qa-alert").textContent = text;
    $("qa-alert").hidden = !text;
  }

  async function request(event, payload) {
    const answer = send(event, payload);
    if (!answer) {
      alert(t("Not connected to the server: wait for “Connected” and try again."));
      return null;
    }
    const { err, ack } = await answer;
    if (err) alert(t("The server did not answer in time; check the connection and try again."));
    else if (!ack.ok) alert(ack.message || ack.code);
    else alert("");
    return err || !ack.ok ? null : ack;
  }

  const moderate = (action, q, extra = {}) => request("qa_moderate", { action, question_id: q.id, ...extra });

  // Settings: each switch sends at once; the filter when saved.
  for (const key of ["open", "premoderate", "names"]) {
    $(`qa-set-${key}`).addEventListener("change", async (event) => {
      const ack = await request("qa_settings", { [key]: event.target.checked });
      showSettings(ack ? ack.settings : message && message.settings);
    });
  }
  $("qa-filter-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const words = parseFilter($("qa-filter").value);
    const problem = filterProblem(words);
    $("qa-filter").setAttribute("aria-invalid", String(Boolean(problem)));
    if (problem) {
      $("qa-filter-status").textContent = problem;
      return;
    }
    const ack = await request("qa_settings", { filter: words });
    if (ack) {
      $("qa-filter").dataset.dirty = "";
      showSettings(ack.settings, true);
      $("qa-filter-status").textContent = nt("Saved: {n} word.", "Saved: {n} words.", ack.settings.filter.length);
    }
  });
  $("qa-filter").addEventListener("input", () => {
    $("qa-filter").dataset.dirty = "1";
    $("qa-filter").removeAttribute("aria-invalid");
    $("qa-filter-status").textContent = "";
  });

  function showSettings(settings, filterToo = false) {
    if (!settings) return;
    for (const key of ["open", "premoderate", "names"]) $(`qa-set-${key}`).checked = Boolean(settings[key]);
    $("qa-state").textContent = settings.open ? t("Q&A is open") : t("Q&A is closed");
    $("qa-state").dataset.open = String(Boolean(settings.open));
    if (filterToo || !$("qa-filter").dataset.dirty) $("qa-filter").value = (settings.filter || []).join("\n");
  }

  const tabButtons = new Map(
    TABS.map(([key, label]) => {
      const button = el("button", { type: "button", className: "qa-tab", id: `qa-tab-${key}` });
      button.setAttribute("aria-controls", "qa-list");
      button.dataset.label = label;
      button.addEventListener("click", () => {
        tab = key;
        render();
      });
      return [key, button];
    }),
  );
  $("qa-tabs").append(...tabButtons.values());

  function row(q) {
    const text = el("p", { className: "qa-text" });
    const meta = el("p", { className: "qa-meta" });
    const flags = el("p", { className: "qa-flags" });
    const buttons = new Map(
      Object.keys(ACTION_LABEL).map((action) => {
        const button = el("button", { type: "button", textContent: ACTION_LABEL[action] });
        button.dataset.action = action;
        button.addEventListener("click", () => act(action, q.id));
        return [action, button];
      }),
    );
    const controls = el("div", { className: "qa-controls" });
    controls.setAttribute("role", "group");
    const editBox = el("textarea", { maxLength: MAX_TEXT, rows: 3, className: "qa-edit-text" });
    editBox.setAttribute("aria-label", t("Corrected question"));
    const save = el("button", { type: "submit", className: "primary", textContent: t("Save") });
    const cancel = el("button", { type: "button", textContent: t("Cancel") });
    const editor = el("form", { className: "qa-editor", hidden: true }, editBox, el("div", { className: "qa-controls" }, save, cancel));
    const target = el("select", { className: "qa-merge-target" });
    target.setAttribute("aria-label", t("Merge into which question"));
    const doMerge = el("button", { type: "submit", className: "primary", textContent: t("Merge") });
    const cancelMerge = el("button", { type: "button", textContent: t("Cancel") });
    const merger = el("form", { className: "qa-merger", hidden: true }, el("label", {}, t("Duplicate of"), " ", target), doMerge, cancelMerge);
    const li = el("li", { className: "qa-row" }, flags, text, meta, controls, editor, merger);
    li.dataset.qa = q.id;
    const r = { li, text, meta, flags, buttons, controls, editor, editBox, merger, target, q };
    editor.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await moderate("edit", r.q, { text: editBox.value.trim() })) close(r);
    });
    cancel.addEventListener("click", () => close(r));
    merger.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (await moderate("merge", r.q, { into: Number(target.value) })) close(r);
    });
    cancelMerge.addEventListener("click", () => close(r));
    rows.set(q.id, r);
    return r;
  }

  function close(r) {
    r.editor.hidden = r.merger.hidden = true;
    r.controls.hidden = false;
    r.buttons.get(r.editor.dataset.from || "edit").focus();
  }

  function act(action, id) {
    const r = rows.get(id);
    if (action === "edit") {
      r.editBox.value = r.q.text;
      r.controls.hidden = true;
      r.editor.hidden = false;
      r.editor.dataset.from = "edit";
      r.editBox.focus();
    } else if (action === "merge") {
      const targets = mergeTargets(message.questions, r.q);
      r.target.replaceChildren(...targets.map((o) => el("option", { value: o.id, textContent: `#${o.id}: ${o.text.slice(0, 80)}` })));
      if (!targets.length) return alert(t("There is no other question to merge it into."));
      r.controls.hidden = true;
      r.merger.hidden = false;
      r.editor.dataset.from = "merge";
      r.target.focus();
    } else {
      moderate(action, r.q);
    }
  }

  function update(r, q) {
    r.q = q;
    r.li.dataset.status = q.status;
    r.li.classList.toggle("pinned", Boolean(q.pinned));
    r.text.replaceChildren(el("span", { className: "qa-id", textContent: `#${q.id} ` }), q.text);
    r.meta.textContent = metaLine(q);
    const flags = [q.pinned && [t("Now answering"), ""], q.filtered && [t("held: filtered word"), " held"]].filter(Boolean);
    r.flags.replaceChildren(...flags.map(([f, held]) => el("span", { className: `qa-flag${held}`, textContent: f })));
    r.flags.hidden = !flags.length;
    const allowed = actionsFor(q);
    if (r.controls.dataset.actions !== allowed.join()) {
      r.controls.dataset.actions = allowed.join(); // in this order; only when it changes (keeps the focus)
      r.controls.replaceChildren(...allowed.map((action) => r.buttons.get(action)));
    }
  }

  function render() {
    if (!message) return;
    const counts = countsOf(message);
    $("qa-counts").textContent = countsLine(counts);
    for (const [key, button] of tabButtons) {
      const n = key === "dismissed" ? counts.dismissed + counts.merged : counts[key];
      button.textContent = `${button.dataset.label} (${n})`;
      button.setAttribute("aria-pressed", String(key === tab));
    }
    const list = inTab(message.questions, tab);
    const nodes = list.map((q) => {
      const r = rows.get(q.id) || row(q);
      update(r, q);
      return r.li;
    });
    const box = $("qa-list");
    if (nodes.length !== box.children.length || nodes.some((n, i) => box.children[i] !== n)) {
      const focused = document.activeElement;
      box.replaceChildren(...nodes);
      if (focused && box.contains(focused)) focused.focus();
    }
    $("qa-none").hidden = nodes.length > 0;
    $("qa-none").textContent = NONE[tab];
    onCounts(counts);
  }

  return {
    /** A `qa` message or a join ack's `qa`: the whole queue. */
    apply(next) {
      if (!next || !newer(next)) return;
      message = next;
      showSettings(next.settings);
      render();
    },
  };
}
