// live.js, the connection every page shares, with a fake socket and a fake clock.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  ACK_TIMEOUT_MS,
  ask,
  backoff,
  connect,
  fragmentParam,
  joiner,
  newest,
  retryable,
  sessionStore,
  stored,
  takeSecret,
} from "../../her2poll/web/static/js/live.js";
import { FakeClock, FakeSocket, settle } from "./fakes.mjs";

describe("connect", () => {
  it("asks socket.io for the WebSocket transport only", () => {
    const calls = [];
    const socket = connect((options) => {
      calls.push(options);
      return "socket";
    });
    assert.equal(socket, "socket");
    assert.deepEqual(calls, [{ transports: ["websocket"] }]);
  });
});

describe("backoff", () => {
  it("doubles from 1 s up to 30 s", () => {
    const top = (attempt) => backoff(attempt, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 20].map(top), [1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it("jitters down to half the step, never below", () => {
    assert.equal(backoff(0, () => 0), 500);
    assert.equal(backoff(3, () => 0), 4000);
    assert.equal(backoff(10, () => 0), 15000);
    for (let i = 0; i < 200; i++) {
      const wait = backoff(2);
      assert.ok(wait >= 2000 && wait <= 4000, `${wait}`);
    }
  });
});

describe("retryable", () => {
  it("retries timeouts and the codes the protocol calls retryable", () => {
    assert.equal(retryable(new Error("ack timeout"), null), true);
    assert.equal(retryable(null, { ok: false, code: "unavailable" }), true);
    assert.equal(retryable(null, { ok: false, code: "rate_limited" }), true);
    assert.equal(retryable(null, { ok: false, code: "internal_error", retryable: true }), true);
  });

  it("does not retry success or a refusal retrying would not change", () => {
    assert.equal(retryable(null, { ok: true }), false);
    for (const code of ["bad_secret", "session_not_found", "bad_request", "poll_not_open", "not_joined"]) {
      assert.equal(retryable(null, { ok: false, code }), false, code);
    }
  });
});

describe("ask", () => {
  it("resolves with the ack when it comes in time", async () => {
    const socket = new FakeSocket();
    const clock = new FakeClock();
    const answer = ask(socket, "vote", { question_id: "PQ1" }, { timers: clock });
    assert.deepEqual(socket.sent.map((s) => [s.event, s.payload]), [["vote", { question_id: "PQ1" }]]);
    socket.sent[0].ack({ ok: true, dup: false });
    assert.deepEqual(await answer, { err: null, ack: { ok: true, dup: false } });
    assert.deepEqual(clock.pending(), [], "the deadline is cleared");
  });

  it("gives up after the deadline and ignores a late ack", async () => {
    const socket = new FakeSocket();
    const clock = new FakeClock();
    const answer = ask(socket, "control", { action: "next" }, { timers: clock });
    assert.deepEqual(clock.pending(), [ACK_TIMEOUT_MS]);
    await clock.advance(ACK_TIMEOUT_MS);
    socket.sent[0].ack({ ok: true });
    const { err, ack } = await answer;
    assert.match(err.message, /timeout/);
    assert.equal(ack, null);
  });

  it("takes a shorter deadline", async () => {
    const clock = new FakeClock();
    const answer = ask(new FakeSocket(), "join", {}, { timers: clock, timeoutMs: 250 });
    await clock.advance(249);
    let done = false;
    answer.then(() => (done = true));
    await settle();
    assert.equal(done, false);
    await clock.advance(1);
    assert.ok((await answer).err);
  });

  it("treats an ack that is not an object as an error", async () => {
    const socket = new FakeSocket();
    const answer = ask(socket, "vote", {}, { timers: new FakeClock() });
    socket.sent[0].ack(undefined);
    const { err, ack } = await answer;
    assert.match(err.message, /malformed/);
    assert.equal(ack, null);
  });
});

/** A joiner on a fake socket, recording what it reports. */
function joining(options = {}) {
  const socket = new FakeSocket();
  const clock = new FakeClock();
  const seen = { joined: [], refused: [], attempts: 0 };
  let token = null;
  const live = joiner(socket, {
    payload: () => ({ code: "KX7D4M", role: "attendee", token }),
    onJoined: (ack) => {
      seen.joined.push(ack);
      token = ack.participant_token;
    },
    onRefused: (ack) => seen.refused.push(ack),
    onAttempt: () => seen.attempts++,
    timers: clock,
    random: () => 1, // the top of each backoff step
    ...options,
  });
  return { socket, clock, seen, live };
}

const lastJoin = (socket) => socket.of("join").at(-1);

describe("joiner", () => {
  it("joins on connect and reports the ack", async () => {
    const { socket, seen } = joining();
    socket.connect();
    assert.deepEqual(lastJoin(socket).payload, { code: "KX7D4M", role: "attendee", token: null });
    lastJoin(socket).ack({ ok: true, participant_token: "t1" });
    await settle();
    assert.deepEqual(seen.joined, [{ ok: true, participant_token: "t1" }]);
    assert.equal(seen.attempts, 1);
  });

  it("joins again on every reconnect, with the payload as it is then", async () => {
    const { socket, seen } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: true, participant_token: "t1" });
    await settle();
    socket.disconnect();
    socket.connect();
    assert.equal(socket.of("join").length, 2);
    assert.equal(lastJoin(socket).payload.token, "t1");
    lastJoin(socket).ack({ ok: true, participant_token: "t1" });
    await settle();
    assert.equal(seen.joined.length, 2);
  });

  it("retries a retryable refusal with growing waits, then reports the join", async () => {
    const { socket, clock, seen } = joining();
    socket.connect();
    for (const wait of [1000, 2000, 4000]) {
      lastJoin(socket).ack({ ok: false, code: "unavailable", retryable: true, message: "busy" });
      await settle();
      assert.deepEqual(clock.pending(), [wait]);
      const before = socket.of("join").length;
      await clock.advance(wait - 1);
      assert.equal(socket.of("join").length, before, "not before its time");
      await clock.advance(1);
      assert.equal(socket.of("join").length, before + 1);
    }
    lastJoin(socket).ack({ ok: true, participant_token: "t1" });
    await settle();
    assert.equal(seen.joined.length, 1);
    assert.deepEqual(seen.refused, []);
    assert.deepEqual(clock.pending(), []);
  });

  it("retries a join that got no answer in time", async () => {
    const { socket, clock } = joining();
    socket.connect();
    await clock.advance(ACK_TIMEOUT_MS);
    assert.deepEqual(clock.pending(), [1000]);
    await clock.advance(1000);
    assert.equal(socket.of("join").length, 2);
  });

  it("starts the backoff afresh after a success", async () => {
    const { socket, clock, live } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: false, code: "rate_limited" });
    await settle();
    await clock.advance(1000);
    lastJoin(socket).ack({ ok: true });
    await settle();
    live.join();
    lastJoin(socket).ack({ ok: false, code: "rate_limited" });
    await settle();
    assert.deepEqual(clock.pending(), [1000]);
  });

  it("reports a refusal retrying would not change, and does not retry it", async () => {
    const { socket, clock, seen } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: false, code: "bad_secret", message: "wrong key" });
    await settle();
    assert.deepEqual(seen.refused, [{ ok: false, code: "bad_secret", message: "wrong key" }]);
    assert.deepEqual(clock.pending(), []);
  });

  it("leaves retrying to the next connect while disconnected", async () => {
    const { socket, clock } = joining();
    socket.connect();
    socket.connected = false; // the answer arrives as the connection drops
    lastJoin(socket).ack({ ok: false, code: "unavailable" });
    await settle();
    assert.deepEqual(clock.pending(), []);
    socket.connect();
    assert.equal(socket.of("join").length, 2);
  });

  it("does not fire a retry scheduled before a disconnect", async () => {
    const { socket, clock } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: false, code: "unavailable" });
    await settle();
    socket.disconnect();
    await clock.advance(30000);
    assert.equal(socket.of("join").length, 1);
  });

  it("counts only the newest attempt's answer", async () => {
    const { socket, clock, seen } = joining();
    socket.connect();
    const first = lastJoin(socket);
    socket.disconnect();
    socket.connect(); // a new join; the first one's answer is stale
    first.ack({ ok: false, code: "unavailable" });
    await settle();
    assert.deepEqual(clock.pending(), [ACK_TIMEOUT_MS], "only the new join's deadline");
    lastJoin(socket).ack({ ok: true, participant_token: "t2" });
    await settle();
    assert.equal(seen.joined.length, 1);
    await clock.advance(ACK_TIMEOUT_MS);
    assert.equal(socket.of("join").length, 2, "the stale attempt's deadline retries nothing");
  });

  it("cancels a pending retry when asked to join now", async () => {
    const { socket, clock, live } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: false, code: "unavailable" });
    await settle();
    live.join();
    assert.deepEqual(clock.pending(), [ACK_TIMEOUT_MS]);
  });

  it("stops joining when stopped", async () => {
    const { socket, clock, live } = joining();
    socket.connect();
    lastJoin(socket).ack({ ok: false, code: "unavailable" });
    await settle();
    live.stop();
    await clock.advance(60000);
    socket.disconnect();
    socket.connect();
    assert.equal(socket.of("join").length, 1);
  });

  it("lets a page re-send what the last connection left unanswered", async () => {
    // The attendee's flow: join, re-send pending votes from onJoined; the connection
    // drops before their acks; the next connect joins and re-sends the same vote_id.
    const socket = new FakeSocket();
    const clock = new FakeClock();
    const pending = new Map([["PQ1", { question_id: "PQ1", option_id: "A", vote_id: "v1" }]]);
    const resend = () => {
      for (const vote of pending.values()) {
        ask(socket, "vote", vote, { timers: clock }).then(({ err, ack }) => {
          if (!err && ack.ok) pending.delete(vote.question_id);
        });
      }
    };
    joiner(socket, { payload: () => ({ code: "KX7D4M", role: "attendee", token: null }), onJoined: resend, timers: clock });
    socket.connect();
    lastJoin(socket).ack({ ok: true });
    await settle();
    assert.deepEqual(socket.of("vote").map((s) => s.payload.vote_id), ["v1"]);
    socket.disconnect(); // the vote's ack is lost with the connection
    socket.connect();
    lastJoin(socket).ack({ ok: true });
    await settle();
    assert.deepEqual(socket.of("vote").map((s) => s.payload.vote_id), ["v1", "v1"]);
    socket.of("vote").at(-1).ack({ ok: true, dup: true });
    await settle();
    assert.equal(pending.size, 0);
  });
});

describe("newest", () => {
  it("lets through only messages no older than the newest seen", () => {
    const gate = newest("version");
    const passed = [3, 5, 4, 5, 6, 1].filter((version) => gate({ version }));
    assert.deepEqual(passed, [3, 5, 5, 6]);
  });

  it("gates tallies by vote_seq, each gate on its own", () => {
    const tally = newest("vote_seq");
    const state = newest("version");
    assert.equal(tally({ vote_seq: 0 }), true);
    assert.equal(state({ version: 0 }), true);
    assert.equal(tally({ vote_seq: 412 }), true);
    assert.equal(tally({ vote_seq: 411 }), false);
    assert.equal(state({ version: 1 }), true);
  });

  it("ignores a missing message", () => {
    const gate = newest("version");
    assert.equal(gate(null), false);
    assert.equal(gate(undefined), false);
    assert.equal(gate({ version: 1 }), true);
  });
});

describe("the URL fragment", () => {
  it("reads one parameter", () => {
    assert.equal(fragmentParam("#key=abc", "key"), "abc");
    assert.equal(fragmentParam("key=abc", "key"), "abc");
    assert.equal(fragmentParam("#token=t.1-2&x=y", "token"), "t.1-2");
    assert.equal(fragmentParam("#key=a%2Bb%3D", "key"), "a+b=");
    assert.equal(fragmentParam("#token=abc", "key"), null);
    assert.equal(fragmentParam("", "key"), null);
    assert.equal(fragmentParam("#key=", "key"), "");
  });
});

/** A tab's location, history and sessionStorage. */
function tab(hash, { refuse = false } = {}) {
  const items = new Map();
  const replaced = [];
  const guard = () => {
    if (refuse) throw new Error("SecurityError");
  };
  return {
    replaced,
    items,
    location: { pathname: "/m/KX7D4M", search: "?x=1", hash },
    history: { replaceState: (...args) => replaced.push(args) },
    sessionStorage: {
      getItem: (k) => (guard(), items.has(k) ? items.get(k) : null),
      setItem: (k, v) => (guard(), items.set(k, String(v))),
      removeItem: (k) => (guard(), items.delete(k)),
    },
  };
}

describe("takeSecret", () => {
  it("takes the secret from the fragment, keeps it and clears the address bar", () => {
    const t = tab("#key=s3cret");
    assert.equal(takeSecret("key", "her2poll:key:KX7D4M", t), "s3cret");
    assert.equal(t.items.get("her2poll:key:KX7D4M"), "s3cret");
    assert.deepEqual(t.replaced, [[null, "", "/m/KX7D4M?x=1"]]);
  });

  it("uses the kept secret after a reload, leaving the address bar alone", () => {
    const t = tab("");
    t.items.set("her2poll:key:KX7D4M", "kept");
    assert.equal(takeSecret("key", "her2poll:key:KX7D4M", t), "kept");
    assert.deepEqual(t.replaced, []);
  });

  it("prefers a new secret in the fragment over the kept one", () => {
    const t = tab("#token=new");
    t.items.set("her2poll:screen:KX7D4M", "old");
    assert.equal(takeSecret("token", "her2poll:screen:KX7D4M", t), "new");
    assert.equal(t.items.get("her2poll:screen:KX7D4M"), "new");
  });

  it("is null with neither", () => {
    assert.equal(takeSecret("key", "slot", tab("#other=1")), null);
  });

  it("still works when storage is refused", () => {
    const t = tab("#key=s3cret", { refuse: true });
    assert.equal(takeSecret("key", "slot", t), "s3cret");
    assert.equal(takeSecret("key", "slot", tab("", { refuse: true })), null);
  });

  it("still works when merely reading sessionStorage throws (storage blocked)", () => {
    const t = tab("#key=s3cret");
    const blocked = {
      location: t.location,
      history: t.history,
      get sessionStorage() {
        throw new Error("SecurityError");
      },
    };
    assert.equal(sessionStore(blocked), null);
    assert.equal(takeSecret("key", "slot", blocked), "s3cret");
    assert.deepEqual(t.replaced, [[null, "", "/m/KX7D4M?x=1"]]);
  });
});

describe("stored", () => {
  it("reads, writes and removes one entry", () => {
    const { sessionStorage: storage } = tab("");
    assert.equal(stored(storage, "a"), null);
    stored(storage, "a", "1");
    assert.equal(stored(storage, "a"), "1");
    stored(storage, "a", null);
    assert.equal(stored(storage, "a"), null);
  });

  it("is null without storage", () => {
    assert.equal(stored(null, "a"), null);
    assert.equal(stored(null, "a", "1"), null);
  });
});
