// qa-phone.js, the phone's Q&A state, with a fake socket, a fake clock and fake storage.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { ACK_TIMEOUT_MS } from "../../her2poll/web/static/js/live.js";
import { qaPhone } from "../../her2poll/web/static/js/qa-phone.js";
import { FakeClock, FakeSocket, settle } from "./fakes.mjs";

/** The attendee page's `saved`: JSON values by name; `raw` is what a reload would find. */
class FakeStorage {
  constructor(raw = {}) {
    this.raw = { ...raw };
  }
  get(name, fallback) {
    return name in this.raw ? JSON.parse(this.raw[name]) : fallback;
  }
  set(name, value) {
    this.raw[name] = JSON.stringify(value);
  }
}

const room = (extra = {}) => ({ qa_seq: 1, open: true, names: false, questions: [], ...extra });
const approved = (id, votes = 0, extra = {}) => ({
  id,
  text: `question ${id}`,
  name: null,
  status: "approved",
  pinned: false,
  votes,
  created_at: "2026-12-02T03:40:00+00:00",
  ...extra,
});

function setup({ storage = new FakeStorage(), qa = room(), mine = { upvoted: [], asked: [] } } = {}) {
  const socket = new FakeSocket();
  socket.connected = true;
  const clock = new FakeClock();
  let n = 0;
  let rejoins = 0;
  const phone = qaPhone(socket, {
    storage,
    timers: clock,
    random: () => 1,
    ids: () => `q-test-${++n}`,
    rejoin: () => rejoins++,
  });
  phone.joined({ ok: true, qa, qa_mine: mine });
  return { socket, clock, storage, phone, rejoins: () => rejoins };
}

const question = (id, status = "pending", text = "Why?") => ({ id, text, name: null, status });

describe("asking", () => {
  it("sends the question with a client_id and lists it as waiting for the moderator", async () => {
    const { socket, phone, storage } = setup();
    phone.send("  What about brain metastases?  ", "Ana");
    const [sent] = socket.of("qa_ask");
    assert.deepEqual(sent.payload, { client_id: "q-test-1", text: "What about brain metastases?", name: null });
    assert.equal(phone.view().sending, true);
    assert.ok(storage.get("qa-ask", null), "kept until acked");
    sent.ack({ ok: true, dup: false, question: question(17, "pending", "What about brain metastases?") });
    await settle();
    const v = phone.view();
    assert.equal(v.sent, 1);
    assert.equal(v.draft, null);
    assert.equal(storage.get("qa-ask", "gone"), null);
    assert.deepEqual(v.mine, [{ ...question(17, "pending", "What about brain metastases?"), label: "Waiting for the moderator" }]);
    assert.match(v.notice.text, /moderator will review/);
  });

  it("sends the name only when the session allows names", () => {
    const { socket, phone } = setup({ qa: room({ names: true }) });
    phone.send("Why?", "  Dr Ana ");
    assert.equal(socket.of("qa_ask")[0].payload.name, "Dr Ana");
  });

  it("retries an unacked question with the same client_id", async () => {
    const { socket, clock, phone } = setup();
    phone.send("Why?");
    await clock.advance(ACK_TIMEOUT_MS);
    assert.match(phone.view().notice.text, /trying again/);
    await clock.advance(1000);
    const ids = socket.of("qa_ask").map((s) => s.payload.client_id);
    assert.deepEqual(ids, ["q-test-1", "q-test-1"]);
    socket.of("qa_ask")[1].ack({ ok: true, dup: true, question: question(3) });
    await settle();
    assert.equal(phone.view().mine.length, 1);
  });

  it("sends again with the same client_id when Send is pressed while one waits", async () => {
    const { socket, clock, phone } = setup();
    phone.send("Why?");
    await clock.advance(ACK_TIMEOUT_MS);
    phone.send("something else typed meanwhile");
    assert.deepEqual(socket.of("qa_ask").map((s) => [s.payload.client_id, s.payload.text]), [
      ["q-test-1", "Why?"],
      ["q-test-1", "Why?"],
    ]);
  });

  it("keeps an unacked question across a reload and sends it after the join", () => {
    const first = setup();
    first.socket.connected = false;
    first.phone.left();
    first.phone.send("Asked in a tunnel");
    assert.equal(first.socket.of("qa_ask").length, 0);
    assert.match(first.phone.view().notice.text, /sent when you reconnect/);
    const again = setup({ storage: new FakeStorage(first.storage.raw) });
    assert.deepEqual(again.socket.of("qa_ask")[0].payload, { client_id: "q-test-1", text: "Asked in a tunnel", name: null });
    assert.equal(again.phone.view().draft.text, "Asked in a tunnel");
  });

  it("says why a refused question was not sent, and lets the next try make a new one", async () => {
    const { socket, phone, storage } = setup();
    phone.send("Why?");
    socket.of("qa_ask")[0].ack({ ok: false, code: "qa_closed", message: "Q&A is closed." });
    await settle();
    const v = phone.view();
    assert.equal(v.notice.kind, "error");
    assert.equal(v.notice.text, "Your question was not sent: Q&A is closed.");
    assert.equal(v.sent, 0, "the page keeps what was typed");
    assert.equal(v.draft, null);
    assert.equal(storage.get("qa-ask", "gone"), null);
    phone.send("Why?");
    assert.equal(socket.of("qa_ask")[1].payload.client_id, "q-test-2");
  });

  it("joins again when the server forgot the connection", async () => {
    const t = setup();
    t.phone.send("Why?");
    t.socket.of("qa_ask")[0].ack({ ok: false, code: "not_joined", message: "join first" });
    await settle();
    assert.equal(t.rejoins(), 1);
    t.phone.joined({ ok: true, qa: room(), qa_mine: { upvoted: [], asked: [] } });
    assert.equal(t.socket.of("qa_ask")[1].payload.client_id, "q-test-1");
  });

  it("refuses empty text and a closed Q&A without sending", () => {
    const { socket, phone } = setup({ qa: room({ open: false }) });
    phone.send("   ");
    assert.equal(phone.view().notice.text, "Type a question first.");
    phone.send("Why?");
    assert.match(phone.view().notice.text, /closed/);
    assert.equal(phone.view().open, false);
    assert.equal(socket.of("qa_ask").length, 0);
  });

  it("follows its own question's status and corrected text in the room's messages", () => {
    const { phone } = setup({ mine: { upvoted: [], asked: [question(4), question(5, "approved")] } });
    assert.deepEqual(phone.view().mine.map((m) => m.id), [5, 4], "newest first");
    phone.apply(room({ qa_seq: 2, questions: [approved(4, 0, { text: "Why, corrected?" })] }));
    const four = phone.view().mine.find((m) => m.id === 4);
    assert.equal(four.label, "Shown to the room");
    assert.equal(four.text, "Why, corrected?", "as the moderator edited it");
  });
});

describe("upvoting", () => {
  it("toggles: on, then off, the wire carrying the wanted state", async () => {
    const { socket, phone } = setup({ qa: room({ questions: [approved(7, 3)] }) });
    phone.toggle(7);
    assert.equal(phone.view().list[0].up, true, "pressed at once");
    socket.of("qa_upvote")[0].ack({ ok: true, up: true, changed: true });
    await settle();
    phone.toggle(7);
    assert.equal(phone.view().list[0].up, false);
    socket.of("qa_upvote")[1].ack({ ok: true, up: false, changed: true });
    await settle();
    assert.deepEqual(socket.of("qa_upvote").map((s) => s.payload), [
      { question_id: 7, up: true },
      { question_id: 7, up: false },
    ]);
    assert.equal(phone.view().list[0].up, false);
  });

  it("sends the newest wish after a double tap, one request at a time", async () => {
    const { socket, phone } = setup({ qa: room({ questions: [approved(7)] }) });
    phone.toggle(7);
    phone.toggle(7);
    assert.equal(socket.of("qa_upvote").length, 1);
    socket.of("qa_upvote")[0].ack({ ok: true, up: true, changed: true });
    await settle();
    assert.deepEqual(socket.of("qa_upvote")[1].payload, { question_id: 7, up: false });
  });

  it("starts from the upvotes the join ack lists", () => {
    const { phone } = setup({ qa: room({ questions: [approved(7), approved(8)] }), mine: { upvoted: [8], asked: [] } });
    assert.deepEqual(phone.view().list.map((q) => [q.id, q.up]), [[7, false], [8, true]]);
  });

  it("retries a timed-out upvote, and takes back a refused one with the reason", async () => {
    const { socket, clock, phone } = setup({ qa: room({ questions: [approved(7)] }) });
    phone.toggle(7);
    await clock.advance(ACK_TIMEOUT_MS + 1000);
    assert.deepEqual(socket.of("qa_upvote")[1].payload, { question_id: 7, up: true });
    socket.of("qa_upvote")[1].ack({ ok: false, code: "qa_not_found", message: "No such question." });
    await settle();
    assert.equal(phone.view().list[0].up, false);
    assert.equal(phone.view().notice.text, "Your vote was not counted: No such question.");
  });

  it("does not upvote while Q&A is closed", () => {
    const { socket, phone } = setup({ qa: room({ open: false, questions: [approved(7)] }) });
    phone.toggle(7);
    assert.equal(socket.of("qa_upvote").length, 0);
    assert.match(phone.view().notice.text, /closed/);
  });
});

describe("the room's list", () => {
  it("ignores messages older than the newest and hides names unless allowed", () => {
    const { phone } = setup();
    phone.apply(room({ qa_seq: 5, questions: [approved(1, 0, { name: "Ana" })] }));
    phone.apply(room({ qa_seq: 4, questions: [] }));
    assert.equal(phone.view().list.length, 1);
    assert.equal(phone.view().list[0].name, "");
    phone.apply(room({ qa_seq: 6, names: true, questions: [approved(1, 0, { name: "Ana" })] }));
    assert.equal(phone.view().list[0].name, "Ana");
  });

  it("lists the pinned one first, marks answered ones, and sorts by time on request", () => {
    const { phone } = setup();
    phone.apply(
      room({
        qa_seq: 2,
        questions: [
          approved(1, 9, { status: "answered" }),
          approved(2, 1, { created_at: "2026-12-02T03:50:00+00:00" }),
          approved(3, 5),
          approved(4, 0, { pinned: true }),
        ],
      }),
    );
    const v = phone.view();
    assert.deepEqual(v.list.map((q) => q.id), [4, 3, 2, 1]);
    assert.equal(v.list[0].pinned, true);
    assert.equal(v.list[3].answered, true);
    phone.setOrder("time");
    assert.deepEqual(phone.view().list.map((q) => q.id), [4, 2, 3, 1]);
  });
});
