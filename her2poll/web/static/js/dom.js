/* The two DOM helpers every page uses. Nothing runs at import time. */

/** The element with this id (or null). */
export const $ = (id) => document.getElementById(id);

/** A new element with these properties and children. */
export function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}
