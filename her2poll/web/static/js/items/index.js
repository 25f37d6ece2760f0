/* The item renderers by type: attendee.js, moderator.js and screen.js look a type up
 * here, so a new item type touches one renderer module and this table.
 *
 * Loaded on demand: a phone fetches only the renderers of the items it is shown (its
 * first load stays within the page-weight budget, tests/e2e/test_browser.py); the panel
 * and the projector load them all before they draw (loadAll).
 */
const LOADERS = {
  single: () => import("./single.js"),
  multiple: () => import("./multiple.js"),
  rating: () => import("./rating.js"),
  numeric: () => import("./numeric.js"),
  text: () => import("./text.js"),
  ranking: () => import("./ranking.js"),
};

export const TYPES = Object.keys(LOADERS);
const loaded = new Map(); // type -> module

/** The type of a question (or state.current); untyped question sets are single choice. */
const typeOf = (q) => (q && LOADERS[q.type] ? q.type : "single");

/** The renderer of a question's type, once loaded (else null: call `load` first). */
export const renderer = (q) => loaded.get(typeOf(q)) || null;

/** Load the renderer of a question's type. */
export async function load(q) {
  const type = typeOf(q);
  if (!loaded.has(type)) loaded.set(type, await LOADERS[type]());
  return loaded.get(type);
}

/** Load every renderer: {type: module}. */
export async function loadAll() {
  await Promise.all(TYPES.map((type) => load({ type })));
  return Object.fromEntries(TYPES.map((type) => [type, loaded.get(type)]));
}
