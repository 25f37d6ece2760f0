// qa-screen.js: what the projector puts on the stage.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { qaStage, screenMode } from "../../her2poll/web/static/js/qa-screen.js";

const q = (id, votes, extra = {}) => ({
  id,
  text: `question ${id}`,
  name: "Ana",
  status: "approved",
  pinned: false,
  votes,
  created_at: "2026-12-02T03:40:00+00:00",
  ...extra,
});
const room = (questions, names = false) => ({ qa_seq: 1, open: true, names, questions });
const poll = (state) => ({ version: 1, current: { question_id: "PQ1", state }, polls: [] });

describe("screenMode", () => {
  const pinned = room([q(1, 3, { pinned: true })]);

  it("puts a pinned question on the stage unless the room is voting", () => {
    assert.equal(screenMode(null, pinned), "qa");
    assert.equal(screenMode(poll("closed"), pinned), "qa");
    assert.equal(screenMode(poll("open"), pinned), "poll");
  });

  it("keeps the poll view and the join screen when nothing is pinned", () => {
    const none = room([q(1, 3)]);
    assert.equal(screenMode(poll("open"), none), "poll");
    assert.equal(screenMode(poll("closed"), none), "poll");
    assert.equal(screenMode(poll("pending"), none), "idle");
    assert.equal(screenMode(null, null), "idle");
  });
});

describe("qaStage", () => {
  it("shows the pinned question and the top five others by votes", () => {
    const list = [q(1, 0, { pinned: true }), ...[5, 9, 1, 7, 3, 8, 2].map((v, i) => q(i + 2, v))];
    list.push(q(20, 99, { status: "answered" }));
    const stage = qaStage(room(list));
    assert.equal(stage.pinned.text, "question 1");
    assert.equal(stage.pinned.votes, "0 votes");
    assert.deepEqual(stage.top.map((t) => t.votes), ["9 votes", "8 votes", "7 votes", "5 votes", "3 votes"]);
  });

  it("never shows a name unless the session allows names", () => {
    assert.equal(qaStage(room([q(1, 1, { pinned: true })])).pinned.name, "");
    assert.equal(qaStage(room([q(1, 1, { pinned: true })], true)).pinned.name, "Ana");
  });

  it("marks long questions so they are set smaller", () => {
    assert.equal(qaStage(room([q(1, 1, { pinned: true, text: "x".repeat(141) })])).pinned.long, true);
    assert.equal(qaStage(room([])).pinned, null);
  });
});
