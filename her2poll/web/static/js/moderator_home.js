/* her2poll moderator start page: create a session, or open one with its key.
 *
 * The moderator key only ever travels in a URL fragment (/m/<code>#key=…), which
 * browsers do not send to the server, so it stays out of logs and Referer headers.
 */
import { t } from "./i18n.js";
import { $ } from "./dom.js";
import { jsonHeaders } from "./csrf.js";

function showAlert(message) {
  $("alert").textContent = message;
  $("alert").hidden = !message;
}

async function createSession(button) {
  button.disabled = true;
  showAlert("");
  try {
    const res = await fetch("/api/sessions", {
      method: "POST",
      headers: jsonHeaders(),
      body: "{}",
    });
    const body = await res.json();
    if (!res.ok) throw new Error(body.message || t("The server answered {status}.", { status: res.status }));
    try {
      sessionStorage.setItem(`her2poll:new:${body.code}`, "1"); // the panel shows the key once
    } catch {
      /* the panel still works; it just will not open the key box by itself */
    }
    location.assign(body.moderator_url);
  } catch (e) {
    showAlert(t("Could not create a session: {reason}", { reason: e.message }));
    button.disabled = false;
  }
}

$("create").addEventListener("click", (e) => createSession(e.currentTarget));

for (const form of document.querySelectorAll(".open-form")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const key = form.querySelector("input").value.trim();
    if (!key) return;
    const code = encodeURIComponent(form.dataset.code);
    location.assign(`/m/${code}#key=${encodeURIComponent(key)}`);
  });
}
