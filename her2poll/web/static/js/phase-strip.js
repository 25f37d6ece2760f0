/* The panel's phases: a strip that runs each phase as a block (Pre-test, Talk, Post-test,
 * Evaluation: pacing, Open/Close, "answered / submitted"), and the question cards grouped
 * by phase. moderator.js owns the connection and the cards; this module draws the strip
 * from each `state` (`phases`, `block`) and `tally` (`blocks`). Protocol: docs/protocol.md,
 * "Phases and blocks".
 */
import { nt, t } from "./i18n.js";
import { el } from "./dom.js";

export const ORDER = ["pre", "talk", "post", "evaluation"];

/** Each phase's name on the panel. */
export const phaseName = (phase) =>
  ({ pre: t("Pre-test"), talk: t("Talk"), post: t("Post-test"), evaluation: t("Evaluation") })[phase] || phase;

const RUN_LABEL = { pending: () => t("Not started"), open: () => t("Open for answers"), closed: () => t("Closed") };

/** The phases a question set has items in, in running order. */
export function phasesOf(questions) {
  const present = new Set(questions.map((q) => q.phase || "talk"));
  return ORDER.filter((p) => present.has(p));
}

/** "12 answered / 9 submitted" for a self-paced block's counts (none: ""). */
export function countLine(count) {
  return count ? t("{answered} answered / {submitted} submitted", count) : "";
}

/**
 * Put the question cards into `list`: flat for a set with one phase (the founding case),
 * else one group per phase with its heading.
 * @param card (question, position) => the card's <li>
 */
export function groupCards(list, questions, card) {
  const phases = phasesOf(questions);
  if (phases.length < 2) return list.append(...questions.map((q, i) => card(q, i + 1)));
  for (const phase of phases) {
    const inner = el("ol", { className: "questions" });
    questions.forEach((q, i) => (q.phase || "talk") === phase && inner.append(card(q, i + 1)));
    const heading = el("h3", { className: "phase-heading", id: `group-${phase}`, textContent: phaseName(phase) });
    const group = el("li", { className: "phase-group" }, heading, inner);
    group.dataset.phase = phase;
    group.setAttribute("aria-labelledby", heading.id);
    list.append(group);
  }
}

/**
 * The strip. `send(action, fields)` sends a `control` and resolves to its ack's state (or null).
 * @return {build(questions), applyState(state), applyTally(tally)}
 */
export function mountPhaseStrip(root, { send, announce }) {
  const rows = new Map(); // phase -> {li, badge, pacing, button, count}
  let runs = {}; // phase -> {pacing, state}, from the newest state

  function build(questions) {
    if (rows.size) return; // a reconnect: already drawn
    const phases = phasesOf(questions);
    root.hidden = phases.length < 2;
    const list = root.querySelector("ol");
    for (const phase of phases) list.append(row(phase, questions.filter((q) => (q.phase || "talk") === phase).length));
  }

  function row(phase, n) {
    const name = el("h3", { id: `phase-${phase}`, textContent: phaseName(phase) });
    const badge = el("span", { className: "badge" });
    const pacing = el("select", { id: `pacing-${phase}` });
    pacing.append(
      el("option", { value: "self", textContent: t("Self-paced") }),
      el("option", { value: "moderator", textContent: t("One item at a time") }),
    );
    const choose = phase === "talk" ? el("p", { className: "hint", textContent: t("One item at a time") }) : el("p", { className: "pacing" }, el("label", { htmlFor: pacing.id, textContent: t("Pacing") }), pacing);
    const button = el("button", { type: "button", className: "primary" });
    button.addEventListener("click", () => toggle(phase));
    const count = el("p", { className: "phase-count" });
    const items = el("p", { className: "hint" });
    const li = el("li", { className: "phase-run" }, el("div", { className: "phase-head" }, name, badge), items, choose, count, button);
    li.dataset.phase = phase;
    li.setAttribute("aria-labelledby", name.id);
    rows.set(phase, { li, badge, pacing, button, count, items, n });
    return li;
  }

  async function toggle(phase) {
    const r = rows.get(phase);
    const opening = (runs[phase] || {}).state !== "open";
    const fields = opening ? { phase, ...(phase === "talk" ? {} : { pacing: r.pacing.value }) } : { phase };
    const state = await send(opening ? "open_phase" : "close_phase", fields);
    if (!state) return;
    const run = state.phases.find((p) => p.phase === phase);
    announce(t("{phase}: {state}.", { phase: phaseName(phase), state: describe(run) }));
    if (!r.button.hidden) r.button.focus(); // the same button, now Close (or Open)
  }

  function describe(run) {
    const label = RUN_LABEL[run.state]();
    if (run.state !== "open" || run.phase === "talk") return label;
    return run.pacing === "self" ? t("{state}, self-paced", { state: label }) : t("{state}, one at a time", { state: label });
  }

  /** @param byPhase phase -> its items' polls, from moderator.js's question list */
  function applyState(state, byPhase) {
    runs = Object.fromEntries((state.phases || []).map((p) => [p.phase, p]));
    const busy = Object.values(runs).find((p) => p.state === "open");
    for (const [phase, r] of rows) {
      const run = runs[phase] || { phase, pacing: phase === "talk" ? "moderator" : "self", state: "pending" };
      const asked = (byPhase[phase] || []).filter((p) => p.state !== "pending").length;
      r.items.textContent = nt("{asked} of {n} item asked", "{asked} of {n} items asked", r.n, { asked });
      r.li.dataset.state = run.state;
      r.badge.dataset.state = run.state;
      // The talk runs with "Next question" as well: "not started" would be wrong there.
      r.badge.hidden = phase === "talk" && run.state === "pending";
      r.badge.textContent = describe(run);
      if (document.activeElement !== r.pacing) r.pacing.value = run.pacing;
      r.pacing.disabled = run.state === "open";
      // "Open" under the phase's name; its full name for a screen reader (label in name).
      const open = run.state === "open";
      r.button.textContent = open ? t("Close") : t("Open");
      r.button.setAttribute("aria-label", open ? t("Close {phase}", { phase: phaseName(phase) }) : t("Open {phase}", { phase: phaseName(phase) }));
      // One phase runs at a time: while one is open, the others wait.
      r.button.disabled = Boolean(busy) && busy.phase !== phase;
    }
  }

  function applyTally(tally) {
    const blocks = (tally && tally.blocks) || {};
    for (const [phase, r] of rows) {
      r.count.textContent = countLine(blocks[phase]);
      r.count.hidden = !r.count.textContent;
    }
  }

  return { build, applyState, applyTally };
}
