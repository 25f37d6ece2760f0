/* The page's CSRF token (a meta tag from templates/base.html), for fetch() calls that
 * change state: the server refuses a POST without it (Flask-WTF's CSRFProtect). */
export function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

/** Headers for a JSON POST: content type and the token. */
export function jsonHeaders() {
  return { "Content-Type": "application/json", "X-CSRFToken": csrfToken() };
}
