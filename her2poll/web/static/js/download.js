/* Downloads the moderator asks for with the moderator key: fetch, name, save.
 *
 * The key travels as a Bearer header, never in a URL (which would end up in server logs
 * and the history), so a plain link cannot download: the file is fetched, then handed to
 * the browser as a blob. Nothing runs at import time (Node's test runner imports this).
 */
import { t } from "./i18n.js";

/** The file name the server chose (RFC 6266, `filename*` first), or the fallback. */
export function filenameFrom(header, fallback) {
  const star = /filename\*\s*=\s*[\w-]+'[^']*'([^;]+)/i.exec(header || "");
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(header || "");
  let name = "";
  try {
    name = star ? decodeURIComponent(star[1].trim()) : "";
  } catch {
    /* malformed: try the plain form */
  }
  if (!name && plain) name = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, "$1") : plain[2].trim();
  name = name.replace(/[\\/\u0000-\u001f]/g, "_").trim();
  return name || fallback;
}

/** Why a request failed, in words: the server's message if it sent one. */
export async function failure(res) {
  try {
    const body = await res.json();
    if (body && body.message) return body.message;
  } catch {
    /* not JSON: say what we know */
  }
  return t("the server answered {status}.", { status: res.status });
}

/** Hand a blob to the browser as a download named `name`. */
export function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000); // after the browser has read it
}

/**
 * Fetch `path` with the key and save it. @return the saved file's name.
 * @throws Error with a message a person can read (the server's, or "no connection").
 */
export async function download(path, key, fallback, fetcher = globalThis.fetch) {
  let res;
  try {
    res = await fetcher(path, { headers: { Authorization: `Bearer ${key}` } });
  } catch {
    throw new Error(t("no connection to the server."));
  }
  if (!res.ok) throw new Error(await failure(res));
  const name = filenameFrom(res.headers.get("Content-Disposition"), fallback);
  save(await res.blob(), name);
  return name;
}
