/* The verdict under the live-vs-published chart, worded here from the server's code and
 * numbers (`verdict_code`, `verdict_params`: docs/api.md, "comparison"), in the same
 * English as the server's `verdict` (her2poll/core/stats.py), so a page never parses prose.
 * Pure functions: Node's test runner imports this module.
 */
import { t } from "./i18n.js";


const ALPHA = 0.05;

/** The decimals of `p` (0 < p < 1) exactly as the binary double holds them. */
function exactDecimals(p) {
  return p.toFixed(100).split(".")[1]; // a double ≥ 0.001 needs at most 62 of them
}

/** p.toFixed(places), but a tie rounds to even, as Python's format() does (JS rounds it up). */
function toFixedEven(p, places) {
  const text = p.toFixed(places);
  const decimals = exactDecimals(p);
  const rest = decimals.slice(places);
  const tie = rest[0] === "5" && /^0*$/.test(rest.slice(1));
  const kept = decimals.slice(0, places);
  if (!tie || places === 0 || Number(kept.at(-1)) % 2 !== 0) return text;
  return `0.${kept}`;
}

/** Python's f"{p:.{digits}g}" for 0.001 ≤ p < 0.1. */
function toPrecisionEven(p, digits) {
  const zeros = /^0*/.exec(exactDecimals(p))[0].length;
  return String(Number(toFixedEven(p, zeros + digits)));
}

/** A p-value as the server words it: two significant digits, never rounded across 0.05. */
export function formatP(p) {
  if (p < 0.001) return "< 0.001";
  for (const digits of [2, 3, 4]) {
    const text = p < 0.1 ? toPrecisionEven(p, digits) : toFixedEven(p, digits);
    if ((Number(text) < ALPHA) === (p < ALPHA)) return text;
  }
  return toFixedEven(p, 6);
}

/** "p = 0.012", "p < 0.001", or "p = 0.012–0.21" over several reconstructions. */
export function pText(low, high) {
  const lo = formatP(low);
  const hi = formatP(high);
  if (lo !== hi) return `p = ${lo}–${hi}`;
  return lo.startsWith("<") ? `p ${lo}` : `p = ${lo}`;
}

/** "(p = 0.012, n = 30 vs 120)"; the published n as a range when the runs differ. */
function numbers(params) {
  const { live_n: n, p_low: lo, p_high: hi, published_n_low: nLo, published_n_high: nHi } = params;
  const ns = nLo === nHi ? `${nLo}` : `${nLo}–${nHi}`;
  return t("({p}, n = {n} vs {published})", { p: pText(lo, hi), n, published: ns });
}

/** The option the room picks more than the panel did, or "other answers" (merged ones). */
function leaning(params, options) {
  const ids = params.leaning_option_ids || [];
  const option = ids.length === 1 ? (options || []).find((o) => o.id === ids[0]) : null;
  return option ? option.text : t("other answers");
}

const SENTENCES = {
  differs: (p, options) =>
    t("This room leans more towards '{option}' than the published panel {numbers}.", {
      option: leaning(p, options),
      numbers: numbers(p),
    }),
  depends_on_reconstruction: (p) =>
    t("Whether this room differs depends on how the published counts are reconstructed {numbers}.", {
      numbers: numbers(p),
    }),
  no_clear_difference: (p) => t("No clear difference from the published panel {numbers}.", { numbers: numbers(p) }),
  too_few: (p) => t("Too few answers to tell (n = {n}).", { n: p.live_n }),
  no_answers: () => t("No answers yet."),
  no_published: () => t("Nothing published to compare with."),
};

/** The server's warning in front of a verdict whose published figures do not add up. */
function withInconsistency(text, cap) {
  const prefix = t(
    "The published figures are inconsistent (no n ≤ {cap} reproduces them); against the printed percentages scaled to {cap}: ",
    { cap },
  );
  return prefix + text[0].toLowerCase() + text.slice(1);
}

/**
 * The verdict line of a comparison, or "" for none.
 * @param comparison the server's comparison of one question, or null
 * @param options the question's options [{id, text}], for the leaning option's words
 * @param noted true when the page shows inconsistencyNote() beside it: then the verdict
 *   leaves out its own warning that the published figures are inconsistent
 */
export function verdictText(comparison, options, { noted = true } = {}) {
  if (!comparison) return "";
  const params = comparison.verdict_params;
  const say = SENTENCES[comparison.verdict_code];
  if (!say || !params) return comparison.verdict || ""; // newer than this page: the server's words
  const text = say(params, options);
  return params.inconsistent && !noted ? withInconsistency(text, params.cap) : text;
}
