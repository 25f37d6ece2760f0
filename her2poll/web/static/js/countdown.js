/* An item's countdown on every page: `seconds_left` counted down locally from receipt.
 * Pure functions plus one ticker; nothing runs at import time. */
import { t } from "./i18n.js";

/** When the countdown of `current` ends (ms since the epoch), or null without one. */
export function deadlineOf(current, receivedAt) {
  if (!current || current.state !== "open" || current.seconds_left === null || current.seconds_left === undefined) return null;
  return receivedAt + current.seconds_left * 1000;
}

/** Whole seconds left at `now` (never below 0). */
export function secondsLeft(deadline, now) {
  return deadline === null ? null : Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** 75 -> "1:15". */
export function clock(seconds) {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** "Time left 0:42" or "Time is up". */
export function countdownText(seconds) {
  return seconds > 0 ? t("Time left {clock}", { clock: clock(seconds) }) : t("Time is up");
}

/** Calls `tick()` every second while `active()` says a countdown runs. */
export function ticker(tick) {
  let timer = null;
  return {
    sync(active) {
      if (active && timer === null) timer = setInterval(tick, 1000);
      if (!active && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    },
  };
}
