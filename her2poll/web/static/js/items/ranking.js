/* Ranking: put the options in order with up/down buttons (the top rank_count are the answer);
 * summarised by Borda score (highest first) and mean rank. */
import { t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, barList, fmt, label, lines } from "./common.js";

export const field = "option_ids";
export const compare = false;

const howMany = (q) => q.rank_count || q.options.length;

export function answerText(q, answer) {
  const byId = new Map(q.options.map((o) => [o.id, o]));
  return (answer || []).map((id, i) => `${i + 1}. ${byId.has(id) ? label(byId.get(id)) : id}`).join("  ");
}

/** A tap: add the option next, or take it (and those ranked after it) back. */
export function toggle(order, id, most) {
  const i = order.indexOf(id);
  if (i >= 0) return order.slice(0, i);
  return order.length < most ? [...order, id] : order;
}

/** Bars by Borda score, highest first, with the mean rank; every option the learner
 * ranked says the rank they gave it (not only their first). */
export function rankRows(q, tally, mine) {
  const byId = new Map(q.options.map((o) => [o.id, o]));
  const opts = (tally && tally.options) || [];
  const top = Math.max(1, ...opts.map((o) => o.borda));
  const yours = (id) => (Array.isArray(mine) ? mine.indexOf(id) + 1 : 0) || null;
  return opts.map((o) => ({
    label: byId.has(o.option_id) ? label(byId.get(o.option_id)) : o.option_id,
    value: o.mean_rank === null || o.mean_rank === undefined
      ? t("Borda {borda}", { borda: o.borda })
      : t("Borda {borda} · mean rank {rank}", { borda: o.borda, rank: fmt(o.mean_rank, 1) }),
    percent: Math.round((100 * o.borda) / top),
    mine: yours(o.option_id) !== null,
    rank: yours(o.option_id),
    right: false,
  }));
}

export function bordaLine(q) {
  const k = howMany(q);
  return t("Borda score: ranked 1st of {k} scores {k}, 2nd {k1}, and so on; not ranked 0.", { k, k1: k - 1 });
}

/** A copy of `order` with the item at `index` moved by `delta` (-1 up, +1 down), never past the ends. */
export function move(order, index, delta) {
  const to = index + delta;
  if (to < 0 || to >= order.length) return order.slice();
  const next = order.slice();
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

/** The order to show: the sent ranking first, then the rest in the question's order. */
export function startOrder(optionIds, answer) {
  const first = (answer || []).filter((id) => optionIds.includes(id));
  return [...first, ...optionIds.filter((id) => !first.includes(id))];
}

/** Every option in a list with up/down buttons (keyboard and screen-reader friendly); the
 * first rank_count places are the answer. The focus stays on the moved option's button. */
export function form(q, ctx) {
  const most = howMany(q);
  const ids = q.options.map((o) => o.id);
  const byId = new Map(q.options.map((o) => [o.id, o]));
  let order = ids.slice();
  let closed = false;
  let shown;
  const list = el("ol", { className: "rank-list" });
  const said = el("p", { className: "visually-hidden" });
  said.setAttribute("aria-live", "polite");
  const moveButton = (arrow, name, i, delta, dir) => {
    const b = el("button", { type: "button", className: "rank-move", textContent: arrow });
    b.setAttribute("aria-label", t(name, { option: label(byId.get(order[i])) }));
    b.dataset.move = dir;
    b.disabled = closed || i + delta < 0 || i + delta >= order.length;
    b.addEventListener("click", () => step(i, delta, dir));
    return b;
  };
  const draw = (focus) => {
    list.replaceChildren(
      ...order.map((id, i) =>
        el(
          "li",
          { className: i < most ? "ranked" : "unranked" },
          el("span", { className: "rank-n", textContent: i < most ? `${i + 1}.` : "–" }),
          el("span", { className: "rank-text", textContent: label(byId.get(id)) }),
          moveButton("↑", "Move {option} up", i, -1, "up"),
          moveButton("↓", "Move {option} down", i, 1, "down"),
        ),
      ),
    );
    if (focus) {
      const row = list.children[focus[0]];
      const target = row && row.querySelector(`[data-move="${focus[1]}"]`);
      (target && !target.disabled ? target : row && row.querySelector("button:not([disabled])"))?.focus();
    }
    send.disabled = closed;
  };
  const step = (i, delta, dir) => {
    order = move(order, i, delta);
    said.textContent = t("{option}: rank {rank}", { option: label(byId.get(order[i + delta])), rank: i + delta + 1 });
    draw([i + delta, dir]);
  };
  const hint = most < ids.length
    ? t("Put them in order with the arrows, most important first; the top {k} count.", { k: most })
    : t("Put them in order with the arrows, most important first.");
  const send = el("button", { type: "button", className: "primary send", textContent: t("Send ranking") });
  send.addEventListener("click", () => ctx.submit(order.slice(0, most)));
  const root = el("div", { className: "options" }, el("p", { className: "muted hint-line", textContent: hint }), list, said, send);
  return {
    root,
    update(answer, disabled) {
      const key = JSON.stringify(answer ?? null);
      if (key === shown && closed === disabled) return; // keep the focus where it is
      if (key !== shown) order = startOrder(ids, answer);
      shown = key;
      closed = disabled;
      draw(null);
    },
  };
}

export function results(q, tally, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(tally.n) }), barList(placed(rankRows(q, tally, mine), tally)), ...lines("stats-line", bordaLine(q)));
}

export function panel(q) {
  const root = el("div", { className: "item-panel" });
  return { root, update: (tally) => root.replaceChildren(barList(placed(rankRows(q, tally), tally)), ...lines("stats-line", bordaLine(q))) };
}

/** Each row's place, "1." first; options with the same Borda score share it (1, 2, 2, 4).
 * Before anyone ranked, no places: every option "1." would read as a four-way tie. */
export function placed(rows, tally) {
  const scores = ((tally && tally.options) || []).map((o) => o.borda);
  if (!scores.some((b) => b > 0)) return rows;
  return rows.map((r, i) => ({ ...r, label: `${1 + scores.filter((b) => b > scores[i]).length}. ${r.label}` }));
}

export const screen = (q, tally) => el("div", {}, barList(placed(rankRows(q, tally), tally), "bars big"), ...lines("s-kc", bordaLine(q)));
export const waitingText = () => t("Question open: rank your choices, then send.");
