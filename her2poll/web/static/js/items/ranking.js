/* Ranking: put rank_count options in order (tap them in order, tap again to take back);
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

/** Bars by Borda score, highest first, with the mean rank. */
export function rankRows(q, tally, mine) {
  const byId = new Map(q.options.map((o) => [o.id, o]));
  const opts = (tally && tally.options) || [];
  const top = Math.max(1, ...opts.map((o) => o.borda));
  return opts.map((o) => ({
    label: byId.has(o.option_id) ? label(byId.get(o.option_id)) : o.option_id,
    value: o.mean_rank === null || o.mean_rank === undefined
      ? t("Borda {borda}", { borda: o.borda })
      : t("Borda {borda} · mean rank {rank}", { borda: o.borda, rank: fmt(o.mean_rank, 1) }),
    percent: Math.round((100 * o.borda) / top),
    mine: Array.isArray(mine) && mine[0] === o.option_id,
    right: false,
  }));
}

export function bordaLine(q) {
  const k = howMany(q);
  return t("Borda score: ranked 1st of {k} scores {k}, 2nd {k1}, and so on; not ranked 0.", { k, k1: k - 1 });
}

export function form(q, ctx) {
  const most = howMany(q);
  let order = [];
  let closed = false;
  const status = el("p", { className: "muted hint-line" });
  status.setAttribute("aria-live", "polite");
  const send = el("button", { type: "button", className: "primary send", textContent: t("Send ranking") });
  const items = q.options.map((o) => {
    const rank = el("span", { className: "rank", textContent: "" });
    rank.setAttribute("aria-hidden", "true");
    const b = el("button", { type: "button", className: "option rankable", value: o.id }, rank, el("span", { textContent: label(o) }));
    b.addEventListener("click", () => {
      order = toggle(order, o.id, most);
      draw();
    });
    return { b, rank, o };
  });
  const draw = () => {
    for (const { b, rank, o } of items) {
      const i = order.indexOf(o.id);
      rank.textContent = i >= 0 ? String(i + 1) : "";
      b.setAttribute("aria-pressed", String(i >= 0));
      b.setAttribute("aria-label", i >= 0 ? t("{option}: rank {rank}", { option: label(o), rank: i + 1 }) : label(o));
      b.disabled = closed || (i < 0 && order.length >= most);
    }
    status.textContent = order.length < most
      ? t("Tap your choices in order, most important first: {left} of {k} to go.", { left: most - order.length, k: most })
      : t("Your order is complete: send it, or tap one to change it.");
    send.disabled = closed || order.length !== most;
  };
  send.addEventListener("click", () => order.length === most && ctx.submit([...order]));
  const root = el("div", { className: "options" }, status, ...items.map((x) => x.b), send);
  let shown;
  return {
    root,
    update(answer, disabled) {
      closed = disabled;
      if (answer !== undefined && JSON.stringify(answer) !== JSON.stringify(shown)) order = [...answer];
      shown = answer;
      draw();
    },
  };
}

export function results(q, tally, mine) {
  return el("div", {}, el("p", { className: "muted", textContent: answersLine(tally.n) }), barList(rankRows(q, tally, mine)), ...lines("stats-line", bordaLine(q)));
}

export function panel(q) {
  const root = el("div", { className: "item-panel" });
  return { root, update: (tally) => root.replaceChildren(barList(rankRows(q, tally)), ...lines("stats-line", bordaLine(q))) };
}

export const screen = (q, tally) => el("div", {}, barList(rankRows(q, tally), "bars big"));
export const waitingText = () => t("Question open: rank your choices, then send.");
