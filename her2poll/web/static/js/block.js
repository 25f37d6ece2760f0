/* A self-paced block on the phone: every item of a phase (pre-test, post-test, evaluation)
 * as one form, answered at the learner's own pace while the moderator keeps it open.
 *
 * Loaded by attendee.js only when a block is on show (the phone's first load stays within
 * its page-weight budget). It draws; attendee.js owns the answers: each change goes out
 * as an ordinary `vote` through its pending/inflight/localStorage path, so an answer given
 * offline or before a reload is sent when the phone is back, and every acked answer is kept
 * whether or not the block is submitted. Submit sends `submit_block` (docs/protocol.md),
 * kept in localStorage until acked, like a vote.
 *
 * The pure parts (which items show, progress) come first and are tested in tests/js.
 */
import { t } from "./i18n.js";
import { el } from "./dom.js";
import { load, renderer } from "./items/index.js";
import { retryable } from "./live.js";

/** Each phase's name as the phone heads its block. */
export const phaseName = (phase) =>
  ({ pre: t("Pre-test"), post: t("Post-test"), evaluation: t("Evaluation") })[phase] || phase;

/**
 * Which items this learner is shown: an item with `show_if` only when its earlier item is
 * shown and answered with one of `show_if.options` (multiple choice: one of them ticked).
 * @param answerOf (question_id) => this phone's answer (given or acked), or undefined
 * @return a Set of question ids
 */
export function shownItems(items, answerOf) {
  const shown = new Set();
  for (const q of items) {
    const cond = q.show_if;
    if (!cond) {
      shown.add(q.question_id);
      continue;
    }
    const answer = shown.has(cond.item) ? answerOf(cond.item) : undefined;
    const picked = Array.isArray(answer) ? answer : answer === undefined ? [] : [answer];
    if (picked.some((id) => cond.options.includes(id))) shown.add(q.question_id);
  }
  return shown;
}

/** {done, of}: how many of the items shown have an answer (sent or waiting to be sent). */
export function progress(items, shown, answerOf) {
  const visible = items.filter((q) => shown.has(q.question_id));
  return { done: visible.filter((q) => answerOf(q.question_id) !== undefined).length, of: visible.length };
}

/** This module's style sheet, fetched with it (the phone's first load carries none of it). */
function styles() {
  const sheet = el("link", { rel: "stylesheet", href: new URL("../css/block.css", import.meta.url).href });
  const loaded = new Promise((resolve) => (sheet.onload = sheet.onerror = resolve));
  document.head.append(sheet);
  return loaded;
}

/**
 * Draw blocks into `root`.
 * @param ctx {answerOf(qid), waiting(qid), online(), choose(q, answer, confidence?),
 *   confidenceOf(qid), scale: the page's "How sure are you?" fieldset to copy,
 *   ask(event, payload) (live.js's ask on the page's socket), storage (attendee.js's
 *   localStorage wrapper), refresh(): draw the page again, refuse(message)}
 * @param joinAck the newest join's ack, if the page has joined already
 * @return {render(block) → a promise, status(block) → [text, kind] | null, joined(ack)}
 */
export function mountBlock(root, ctx, joinAck = null) {
  const styled = styles();
  const submitted = new Set(); // phases this phone's submission of was acked
  const toSubmit = new Set(ctx.storage.get("submit", [])); // pressed Submit, not yet acked
  const isSubmitted = (phase) => submitted.has(phase) || toSubmit.has(phase);
  const title = el("h1", { tabIndex: -1 });
  const hint = el("p");
  const count = el("p", { className: "block-progress" });
  count.setAttribute("role", "status"); // a live region: "3 of 5 answered"
  const list = el("div", { className: "block-items" });
  const submit = el("button", { type: "button", className: "primary block-submit" });
  submit.addEventListener("click", () => {
    if (!current) return;
    send(current.phase);
    title.focus(); // the button turns to "Submitted": keep the keyboard in the form
  });

  /** Submit a block: remembered until acked, so a reload or a reconnect sends it again. */
  function send(phase) {
    toSubmit.add(phase);
    ctx.storage.set("submit", [...toSubmit]);
    ctx.refresh();
    if (!ctx.online()) return;
    ctx.ask("submit_block", { phase }).then(({ err, ack }) => {
      if (retryable(err, ack)) return; // the next join sends it again
      toSubmit.delete(phase);
      ctx.storage.set("submit", [...toSubmit]);
      if (!ack.ok) return ctx.refuse(ack.message);
      submitted.add(phase);
      ctx.refresh();
    });
  }

  /** After every join: what the server has, then what it does not have yet. */
  function joined(ack) {
    for (const phase of ack.submitted || []) submitted.add(phase);
    for (const phase of toSubmit) send(phase);
  }
  root.replaceChildren(title, hint, count, list, submit);
  const drawn = new Map(); // question_id -> {box, form, note, scale}
  let current = null;
  let drawnPhase = null;
  let wasOpen = false; // the block on show was open when last drawn

  async function render(block) {
    await Promise.all([styled, ...block.items.map(load)]); // each type's renderer, fetched once
    current = block;
    if (drawnPhase !== block.phase) {
      drawnPhase = block.phase;
      wasOpen = false;
      drawn.clear();
      list.replaceChildren(...block.items.map(item));
    }
    const closed = block.state !== "open";
    const shown = shownItems(block.items, ctx.answerOf);
    title.textContent = phaseName(block.phase);
    const numbered = block.items.filter((q) => shown.has(q.question_id)).map((q) => q.question_id);
    for (const q of block.items) {
      const position = numbered.indexOf(q.question_id) + 1; // counted over the items shown
      update(q, position, numbered.length, closed || q.state !== "open");
    }
    const { done, of } = progress(block.items, shown, ctx.answerOf);
    const said = t("{n} of {of} answered", { n: done, of });
    if (count.textContent !== said) count.textContent = said;
    // At the top of a long form too (the status line, the live region, is at its foot).
    hint.textContent = closed ? t("This block is closed. Your answers were kept.") : t("Answer at your own pace: each answer is saved as you give it.");
    hint.className = closed ? "status ok" : "muted";
    if (closed && wasOpen) title.scrollIntoView({ block: "start" }); // just closed: say so in view, once
    wasOpen = !closed;
    submit.hidden = closed;
    const sent = isSubmitted(block.phase);
    submit.disabled = sent;
    submit.textContent = sent ? "✓ " + t("Submitted") : t("Submit answers");
  }

  function item(q) {
    const form = renderer(q).form(q, { submit: (answer) => ctx.choose(q, answer) });
    const note = el("p", { className: "block-note" });
    const scale = q.confidence ? sureScale(q) : null;
    const pos = el("span", { className: "q-pos" });
    const box = el("fieldset", { className: "card block-item" }, el("legend", {}, pos, el("span", { className: "q-text", textContent: q.text })), form.root, note, scale || "");
    box.dataset.question = q.question_id;
    drawn.set(q.question_id, { box, form, note, scale, pos });
    return box;
  }

  /** "How sure are you?" (1–4) for this item: a copy of the page's own scale, words translated. */
  function sureScale(q) {
    const scale = ctx.scale.cloneNode(true);
    scale.removeAttribute("id");
    for (const b of scale.querySelectorAll("button[data-level]")) {
      b.addEventListener("click", () => {
        const answer = ctx.answerOf(q.question_id);
        if (answer !== undefined) ctx.choose(q, answer, Number(b.dataset.level));
      });
    }
    return scale;
  }

  /** @param position among the items shown (0: hidden by its condition) */
  function update(q, position, of, disabled) {
    const d = drawn.get(q.question_id);
    d.box.hidden = !position;
    d.pos.textContent = t("Question {position} of {of}", { position, of });
    const answer = ctx.answerOf(q.question_id);
    d.form.update(answer, disabled);
    const waiting = ctx.waiting(q.question_id);
    const later = ctx.online() ? t("Sending…") : t("Kept on this phone until you are back online");
    d.note.textContent = answer === undefined ? "" : waiting ? later : "✓ " + t("Saved");
    d.note.className = `block-note ${answer === undefined ? "" : waiting ? "pending" : "ok"}`;
    if (!d.scale) return;
    d.scale.hidden = answer === undefined;
    const mine = ctx.confidenceOf(q.question_id);
    for (const b of d.scale.querySelectorAll("button[data-level]")) {
      b.setAttribute("aria-pressed", String(Number(b.dataset.level) === mine));
      b.disabled = disabled;
    }
  }

  /** The page's status line for a block, or null for the page's own (offline, sending…). */
  function status(block) {
    if (block.state !== "open") return [t("This block is closed. Your answers were kept."), "ok"];
    if (isSubmitted(block.phase)) return [t("Submitted. You can still change your answers while the block is open."), "ok"];
    return null;
  }

  if (joinAck) joined(joinAck);
  return { render, status, joined };
}
