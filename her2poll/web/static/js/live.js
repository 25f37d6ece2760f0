/* The live connection every page shares: connect, ask with a deadline, join (again on
 * every reconnect, retrying what can succeed later), keep only the newest messages, and
 * read a secret from the URL fragment. Protocol: docs/protocol.md.
 *
 * Nothing here touches the DOM or the socket.io-client global at import time, so Node's
 * test runner can import this module and drive it with a fake socket and fake timers.
 */

export const ACK_TIMEOUT_MS = 10000;
/** Error codes worth sending again later (docs/protocol.md, "Error codes"). */
export const RETRYABLE = new Set(["unavailable", "rate_limited"]);
export const BACKOFF = { baseMs: 1000, capMs: 30000 };

/** Open the Socket.IO connection: WebSocket only, as the protocol asks. */
export function connect(io = globalThis.io) {
  return io({ transports: ["websocket"] });
}

/**
 * The wait before retry number `attempt` (0 first): doubling from 1 s, capped at 30 s,
 * with jitter so a room full of phones does not come back in step.
 */
export function backoff(attempt, random = Math.random, { baseMs, capMs } = BACKOFF) {
  return Math.min(capMs, baseMs * 2 ** attempt) * (0.5 + random() / 2);
}

/** Whether an answer (`err` from ask(), else the ack) says: the same request may succeed later. */
export function retryable(err, ack) {
  return Boolean(err) || (!ack.ok && (ack.retryable === true || RETRYABLE.has(ack.code)));
}

/**
 * Emit `event` and wait for its ack, at most `timeoutMs`.
 * @return a promise of {err, ack}: err is an Error when no ack came in time (ack null).
 */
export function ask(socket, event, payload, { timeoutMs = ACK_TIMEOUT_MS, timers = globalThis } = {}) {
  return new Promise((resolve) => {
    const timer = timers.setTimeout(() => resolve({ err: new Error("ack timeout"), ack: null }), timeoutMs);
    socket.emit(event, payload, (ack) => {
      timers.clearTimeout(timer);
      const valid = ack !== null && typeof ack === "object";
      resolve(valid ? { err: null, ack } : { err: new Error("malformed ack"), ack: null });
    });
  });
}

/**
 * Join on every connect, and whenever `join()` is called (e.g. after the server said
 * `not_joined`). Timeouts and retryable refusals are tried again with backoff() while the
 * socket is connected; a reconnect starts afresh. Only the newest attempt's answer counts.
 *
 * @param payload () => the join payload, read at each attempt (a token may have changed)
 * @param onJoined (ack) => void, for a successful join
 * @param onRefused (ack) => void, for a refusal that retrying would not change
 * @param onAttempt () => void, before each attempt (a page may say "Joining…")
 * @return {join, stop}
 */
export function joiner(socket, options) {
  const { payload, onJoined, onRefused = () => {}, onAttempt = () => {} } = options;
  const { timers = globalThis, random = Math.random, timeoutMs = ACK_TIMEOUT_MS } = options;
  let attempt = 0; // retries since the last success or connect
  let generation = 0; // bumped by every attempt: older answers are stale
  let retryTimer = null;

  function cancelRetry() {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  async function join() {
    cancelRetry();
    const mine = ++generation;
    onAttempt();
    const { err, ack } = await ask(socket, "join", payload(), { timeoutMs, timers });
    if (mine !== generation) return;
    if (retryable(err, ack)) {
      if (socket.connected) retryTimer = timers.setTimeout(retry, backoff(attempt++, random));
      return;
    }
    attempt = 0;
    if (ack.ok) onJoined(ack);
    else onRefused(ack);
  }

  function retry() {
    retryTimer = null;
    if (socket.connected) join(); // else the next connect joins
  }

  function onConnect() {
    attempt = 0;
    join();
  }

  socket.on("connect", onConnect);
  return {
    join,
    stop() {
      cancelRetry();
      generation++;
      socket.off("connect", onConnect);
    },
  };
}

/**
 * A gate that lets through only messages no older than the newest seen, by `field`
 * (`version` for state, `vote_seq` for tallies). Equal passes: several server processes
 * may send the same snapshot, and a repeat is harmless.
 */
export function newest(field) {
  let seen = null;
  return (message) => {
    if (!message || (seen !== null && message[field] < seen)) return false;
    seen = message[field];
    return true;
  };
}

/** The `name` parameter of a URL fragment ("#key=…&…"), or null. */
export function fragmentParam(hash, name) {
  return new URLSearchParams(String(hash || "").replace(/^#/, "")).get(name);
}

/**
 * A secret handed over in the URL fragment (which browsers never send to the server):
 * kept in sessionStorage under `slot`, so a reload of this tab still has it, and taken out
 * of the address bar, so it is not left on a shared screen or in the history.
 * @return the secret from the fragment, else the one stored earlier, else null
 */
export function takeSecret(name, slot, env = globalThis) {
  const { location, history } = env;
  const storage = sessionStore(env);
  const fromHash = fragmentParam(location.hash, name);
  if (fromHash) {
    stored(storage, slot, fromHash);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return fromHash || stored(storage, slot);
}

/** The tab's sessionStorage, or null where merely reading it throws (storage blocked). */
export function sessionStore(env = globalThis) {
  try {
    return env.sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Read (value undefined), write, or remove (value null) one sessionStorage entry; storage
 * may be missing or refused (private browsing), then the secret lives only in the page.
 */
export function stored(storage, slot, value) {
  try {
    if (value === undefined) return storage.getItem(slot);
    if (value === null) storage.removeItem(slot);
    else storage.setItem(slot, value);
  } catch {
    /* storage missing or refused */
  }
  return null;
}

/**
 * Whether `m` (a `language` message, or a join ack's `state.session`) names another room
 * language than the one this page was drawn in (`data-room-language` on #app): then the page
 * loads itself again. Checked on join too, so a change made between drawing and joining counts.
 */
export function otherRoomLanguage(m, doc = globalThis.document) {
  return ((m && m.language) || "") !== (doc.getElementById("app").dataset.roomLanguage || "");
}
