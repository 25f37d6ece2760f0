/* CME credit and outcomes in the moderator panel (templates/_cme_card.html).
 *
 * The identity mode and the participation threshold, the live attendance counts, and the
 * provider's files: the outcomes report (PDF, Excel, JSON), the attendance sheet, every
 * certificate (zip) and, in identified sessions, the follow-up file of commitments by name.
 * Everything over HTTP with the moderator key as a Bearer header (docs/api.md, "CME
 * credit"); the counts are read again every few seconds while the panel is shown.
 * The pure helpers come first (Node tests them); mountCmePanel() draws.
 */
import { num, t } from "./i18n.js";
import { $ } from "./dom.js";
import { download, failure } from "./download.js";

export const REFRESH_MS = 10000;

/** A share of items (0.75) as the percent the form shows (75). */
export function percentOf(share) {
  return Math.round(Number(share) * 1000) / 10;
}

/** The percent typed (comma or point) as a share in (0, 1], or null when it is not one. */
export function shareOf(text) {
  const value = Number(String(text).trim().replace(",", "."));
  if (String(text).trim() === "" || !Number.isFinite(value) || value <= 0 || value > 100) return null;
  return value / 100;
}

/** The files the card offers: button id → the API path and a name to fall back on. */
export function files(code, { bowker = false } = {}) {
  const base = `/api/sessions/${encodeURIComponent(code)}`;
  const query = bowker ? "?bowker=1" : "";
  return {
    "cme-report-pdf": { path: `${base}/outcomes.pdf${query}`, fallback: `her2poll-${code}-outcomes.pdf` },
    "cme-report-xlsx": { path: `${base}/outcomes.xlsx${query}`, fallback: `her2poll-${code}-outcomes.xlsx` },
    "cme-report-json": { path: `${base}/outcomes.json${query}`, fallback: `her2poll-${code}-outcomes.json` },
    "cme-attendance": { path: `${base}/attendance.csv`, fallback: `attendance-${code}.csv` },
    "cme-certificates": { path: `${base}/certificates.zip`, fallback: `certificates-${code}.zip` },
    "cme-follow-up": { path: `${base}/follow-up.csv`, fallback: `follow-up-${code}.csv` },
  };
}

/** The counts line under the numbers: PARS asks for physicians and other learners. */
export function parsLine(summary) {
  return t("PARS: {physicians} physicians, {others} other learners", {
    physicians: num(summary.pars.physicians),
    others: num(summary.pars.other_learners),
  });
}

export function mountCmePanel({ code, key, fetcher = (...args) => globalThis.fetch(...args), timers = globalThis }) {
  if (!$("cme")) return null;
  const api = `/api/sessions/${encodeURIComponent(code)}/credit`;
  let dirty = false; // the moderator is changing the form: a refresh must not undo it
  let busy = false;

  function say(id, text, kind = "") {
    $(id).textContent = text;
    $(id).className = `cme-status ${kind}`;
  }

  function show(summary) {
    for (const name of ["learners", "identified", "threshold_met", "certificates"]) {
      $(`cme-n-${name}`).textContent = num(summary[name]);
    }
    $("cme-pars").textContent = parsLine(summary);
    const identified = summary.identity_mode === "identified";
    $("cme-follow-up").hidden = !identified;
    $("cme-mode-now").textContent = identified ? t("Identified for credit") : t("Anonymous");
    if (dirty) return;
    $(identified ? "cme-mode-identified" : "cme-mode-anonymous").checked = true;
    $("cme-threshold").value = percentOf(summary.threshold);
  }

  async function refresh() {
    if (!key() || $("panel").hidden || (typeof document !== "undefined" && document.hidden)) return;
    try {
      const res = await fetcher(api, { headers: { Authorization: `Bearer ${key()}` } });
      if (res.ok) show(await res.json());
    } catch {
      /* offline: the next tick tries again; the connection line says so */
    }
  }

  $("cme-form").addEventListener("input", () => (dirty = true));
  $("cme-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const share = shareOf($("cme-threshold").value);
    if (share === null) {
      say("cme-status", t("Give the threshold as a percent above 0 and at most 100."), "error");
      $("cme-threshold").focus();
      return;
    }
    const mode = $("cme-mode-identified").checked ? "identified" : "anonymous";
    try {
      const res = await fetcher(api, {
        method: "PUT",
        headers: { Authorization: `Bearer ${key()}`, "Content-Type": "application/json" },
        body: JSON.stringify({ identity_mode: mode, threshold: share }),
      });
      if (!res.ok) throw new Error(await failure(res));
      const saved = await res.json();
      dirty = false;
      say("cme-status", saved.identity_mode === "identified"
        ? t("Saved: identified for credit, threshold {percent}%.", { percent: num(percentOf(saved.threshold)) })
        : t("Saved: anonymous, threshold {percent}%.", { percent: num(percentOf(saved.threshold)) }), "ok");
      await refresh();
    } catch (e) {
      say("cme-status", t("Not saved: {reason}", { reason: e.message }), "error");
    }
  });

  async function fetchFile(id) {
    if (busy) return; // one at a time; buttons stay focusable (disabling would drop focus)
    busy = true;
    $("cme-downloads").setAttribute("aria-busy", "true");
    say("cme-download-status", t("Preparing…"));
    try {
      const file = files(code, { bowker: $("cme-bowker").checked })[id];
      const name = await download(file.path, key(), file.fallback, fetcher);
      say("cme-download-status", t("Saved {name}.", { name }), "ok");
    } catch (e) {
      say("cme-download-status", t("Export failed: {reason}", { reason: e.message }), "error");
    } finally {
      busy = false;
      $("cme-downloads").removeAttribute("aria-busy");
    }
  }

  for (const id of Object.keys(files(code))) $(id).addEventListener("click", () => fetchFile(id));
  timers.setInterval(refresh, REFRESH_MS);
  if (typeof document !== "undefined") document.addEventListener("visibilitychange", refresh);
  // The panel shows once the key is accepted; the first read follows at once.
  new MutationObserver(refresh).observe($("panel"), { attributes: true, attributeFilter: ["hidden"] });
  refresh();
  return { refresh };
}
