/* The browser modules' words in the page's language: the one place they are looked up.
 *
 * Every module writes its English text in t("…") (or nt("…", "…", n) for a count);
 * the server puts the page language's translations of those strings into the page as
 * one JSON block (<script type="application/json" id="i18n-strings">, filled by
 * her2poll/web/i18n.py from the "js" catalog). A string without a translation stays
 * English. `pybabel extract` finds the strings by these two names (scripts/i18n.sh).
 *
 * Nothing runs at import time: Node's test runner imports modules that use t().
 */

let strings = null;

function catalog() {
  if (strings === null) {
    const block = typeof document === "undefined" ? null : document.getElementById("i18n-strings");
    try {
      strings = block ? JSON.parse(block.textContent) : {};
    } catch {
      strings = {};
    }
  }
  return strings;
}

/** The page's language ("en", "de"), from <html lang>. */
export function lang() {
  return (typeof document !== "undefined" && document.documentElement.lang) || "en";
}

/** For tests: use these translations instead of the page's. */
export function useStrings(table) {
  strings = table;
}

/** `{name}` in text replaced by params.name. */
export function fill(text, params = {}) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The translation of `text`, with {placeholders} filled. */
export function t(text, params = {}) {
  const found = catalog()[text];
  return fill(typeof found === "string" && found ? found : text, params);
}

/** `one` or `other` (translated) as `n` asks, with {n} and the other placeholders filled. */
export function nt(one, other, n, params = {}) {
  const found = catalog()[one];
  const forms = Array.isArray(found) && found.length >= 2 ? found : [one, other];
  const form = new Intl.PluralRules(lang()).select(n) === "one" ? forms[0] : forms[forms.length - 1];
  return fill(form, { n, ...params });
}

/** A number as the page's language writes it (2,5 in German). */
export function num(value, options = {}) {
  return new Intl.NumberFormat(lang(), options).format(value);
}
