/**
 * CME credit on the phone (identified sessions only): the identity form, asked once,
 * and the learner's own certificate of participation at the end.
 *
 * Over HTTP (docs/api.md, "CME credit"), never the live socket: the participant token
 * the live module keeps in localStorage is sent in the JSON body, never in a URL. The
 * progress (items answered of items asked) is read again whenever the session's state
 * changes (attendee.js sends "her2poll:state": a question opened or closed), so the
 * certificate button enables by itself once the threshold is met.
 */
const app = document.getElementById("app");
const code = app.dataset.code;

function token() {
  try {
    return JSON.parse(localStorage.getItem(`her2poll:token:${code}`) || "null");
  } catch {
    return null;
  }
}

async function post(path, body) {
  return fetch(`/api/sessions/${code}/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...body, token: token() }),
  });
}

const box = document.getElementById("credit");
const form = document.getElementById("credit-form");
const status = document.getElementById("credit-status");
const done = document.getElementById("credit-done");
const cert = document.getElementById("credit-certificate");

function showDone(identity) {
  form.hidden = true;
  done.hidden = false;
  document.getElementById("credit-name").textContent = identity.name;
}

async function refresh() {
  if (!token()) return setTimeout(refresh, 500); // the first join has not answered yet
  const r = await post("me", {});
  if (!r.ok) return;
  const me = await r.json();
  if (me.identity) showDone(me.identity);
  cert.disabled = !me.certificate;
  document.getElementById("credit-progress").textContent =
    `${me.attendance.items_answered} / ${me.attendance.items_asked}`;
}

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  data.consent = form.elements.consent.checked;
  const r = await post("identity", data);
  const body = await r.json();
  status.textContent = r.ok ? status.dataset.saved : body.message;
  status.classList.toggle("error", !r.ok);
  if (r.ok) showDone(body.identity);
});

cert?.addEventListener("click", async () => {
  const r = await post("certificate.pdf", {});
  if (!r.ok) {
    status.textContent = (await r.json()).message;
    status.classList.add("error");
    return;
  }
  const url = URL.createObjectURL(await r.blob());
  const a = Object.assign(document.createElement("a"), { href: url, download: `certificate-${code}.pdf` });
  a.click();
  URL.revokeObjectURL(url);
});

document.getElementById("credit-refresh")?.addEventListener("click", refresh);

// A burst of state messages (a reconnect, several moderator clicks) asks once.
let pending = null;
document.addEventListener("her2poll:state", () => {
  if (!box || box.hidden || pending) return;
  pending = setTimeout(() => {
    pending = null;
    refresh();
  }, 300);
});
if (box && !box.hidden) refresh();
