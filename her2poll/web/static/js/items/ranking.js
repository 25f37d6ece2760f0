/* Ranking: put rank_count options in order (tap in order); mean rank and Borda score. */
import { num, t } from "../i18n.js";
import { el } from "../dom.js";
import { answersLine, bars, confidenceLine, label, lines } from "./common.js";

export const field = "option_ids";

const count = (q) => q.rank_count || q.options.length;

export function describe(q, answer) {
  const byId = new Map((q.options || []).map((o) => [o.id, o]));
  return (answer || []).map((id, i) => `${i + 1}. ${byId.has(id) ? label(byId.get(id)) : id}`).join(", ");
}

/** Tapping an option: add it next, or take it (and those after it) out. */
export function toggle(order, id, most) {
  const i = order.indexOf(id);
  if (i >= 0) return order.slice(0, i);
  return order.length < most ? [...order, id] : order;
}

/** Bars by Borda score (highest first), with the mean rank. */
export function rows(q, summary, mine) {
  const byId = new Map((q.options || []).map((o) => [o.id, o]));
  const opts = (summary && summary.options) || [];
  const top = Math.max(1, ...opts.map((o) => o.borda));
  return opts.map((o) => ({
    id: o.option_id,
    text: byId.has(o.option_id) ? label(byId.get(o.option_id)) : o.option_id,
    count: o.borda,
    pct: Math.round((100 * o.borda) / top),
    value: o.mean_rank == null ? t("Borda {borda}", o) : t("Borda {borda} · mean rank {rank}", { borda: o.borda, rank: num(o.mean_rank, { maximumFractionDigits: 1 }) }),
    mine: Boolean(mine && mine[0] === o.option_id),
  }));
}

export function stats(q, summary) {
  if (!summary || !summary.n) return [];
  const parts = (summary.options || []).map((o) => t("{option}: ranked by {by}, first for {first}", { option: rows(q, { options: [o] })[0].text, by: o.ranked_by, first: o.first }));
  return [t("Borda: an option ranked 1st of {k} scores {k}, 2nd scores {k1}, …; unranked 0.", { k: count(q), k1: count(q) - 1 }), ...parts, confidenceLine(summary)].filter(Boolean);
}

export function form(q, { answer, disabled, submit }) {
  const most = count(q);
  let order = [...(answer || [])];
  const status = el("p", { className: "muted hint-line" });
  const send = el("button", { type: "button", className: "primary", textContent: t("Send ranking") });
  const buttons = q.options.map((o) => {
    const rank = el("span", { className: "rank" });
    const b = el("button", { type: "button", className: "option rankable", value: o.id, disabled }, rank, el("span", { textContent: label(o) }));
    b.addEventListener("click", () => {
      order = toggle(order, o.id, most);
      update();
    });
    return { b, rank, o };
  });
  const update = () => {
    for (const { b, rank, o } of buttons) {
      const i = order.indexOf(o.id);
      rank.textContent = i >= 0 ? `${i + 1}` : "";
      b.setAttribute("aria-pressed", String(i >= 0));
      b.setAttribute("aria-label", i >= 0 ? t("{option}, rank {rank}", { option: label(o), rank: i + 1 }) : label(o));
    }
    status.textContent = order.length < most ? t("Tap your choices in order: {left} of {k} to go.", { left: most - order.length, k: most }) : t("Your order is complete. Tap one to change it.");
    send.disabled = disabled || order.length !== most;
  };
  send.addEventListener("click", () => order.length === most && submit([...order]));
  update();
  return el("div", { className: "options" }, status, ...buttons.map((x) => x.b), send);
}

export function phoneResults(q, summary, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(summary.n) }), bars(rows(q, summary, mine)));
}

export function panel(q, summary) {
  return el("div", { className: "item-panel" }, bars(rows(q, summary)), ...lines("fine", ...stats(q, summary)));
}

export function screen(q, summary) {
  return el("div", { className: "item-screen" }, bars(rows(q, summary), { big: true }));
}

export const waitingText = () => t("Question open: rank your choices, then send.");
