// qa.js: the order, the pinned-first rule, counts and labels every page shares.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  byVotes,
  checkText,
  countsOf,
  newClientId,
  ordered,
  pinnedOf,
  shownName,
  topVoted,
  votesLabel,
} from "../../her2poll/web/static/js/qa.js";

const q = (id, votes, minute, extra = {}) => ({
  id,
  text: `question ${id}`,
  name: null,
  status: "approved",
  pinned: false,
  votes,
  created_at: `2026-12-02T03:${String(minute).padStart(2, "0")}:00+00:00`,
  ...extra,
});

describe("ordered", () => {
  it("lists by votes, a tie going to the question asked first", () => {
    const list = [q(1, 2, 10), q(2, 5, 11), q(3, 2, 5), q(4, 0, 1)];
    assert.deepEqual(ordered(list).map((x) => x.id), [2, 3, 1, 4]);
  });

  it("lists by time, newest first, when asked to", () => {
    const list = [q(1, 9, 10), q(2, 5, 30), q(3, 2, 20)];
    assert.deepEqual(ordered(list, "time").map((x) => x.id), [2, 3, 1]);
  });

  it("puts the pinned question first and answered ones last, in either order", () => {
    const list = [q(1, 9, 10, { status: "answered" }), q(2, 0, 30, { pinned: true }), q(3, 2, 20), q(4, 3, 40)];
    assert.deepEqual(ordered(list).map((x) => x.id), [2, 4, 3, 1]);
    assert.deepEqual(ordered(list, "time").map((x) => x.id), [2, 4, 3, 1]);
  });

  it("does not reorder the list it was given", () => {
    const list = [q(1, 0, 1), q(2, 5, 2)];
    ordered(list);
    assert.deepEqual(list.map((x) => x.id), [1, 2]);
    assert.deepEqual(ordered(undefined), []);
  });

  it("breaks a full tie by id, so the order is stable", () => {
    assert.ok(byVotes(q(1, 1, 1), q(2, 1, 1)) < 0);
  });
});

describe("pinnedOf and topVoted", () => {
  const list = [q(1, 9, 1, { pinned: true }), q(2, 1, 2), q(3, 7, 3), q(4, 8, 4, { status: "answered" })];
  for (let i = 5; i < 12; i++) list.push(q(i, i % 4, i));

  it("finds the question being answered now", () => {
    assert.equal(pinnedOf(list).id, 1);
    assert.equal(pinnedOf([q(2, 1, 2)]), null);
  });

  it("takes the five approved, unpinned questions with the most votes", () => {
    const top = topVoted(list);
    assert.equal(top.length, 5);
    assert.equal(top[0].id, 3);
    assert.ok(top.every((x) => x.status === "approved" && !x.pinned));
    assert.deepEqual(top.map((x) => x.votes), [...top.map((x) => x.votes)].sort((a, b) => b - a));
  });
});

describe("countsOf", () => {
  it("uses the message's counts, with every status present", () => {
    assert.deepEqual(countsOf({ counts: { pending: 2, approved: 5 }, questions: [] }), {
      pending: 2,
      approved: 5,
      answered: 0,
      dismissed: 0,
      merged: 0,
    });
  });

  it("counts the questions when the message has no counts", () => {
    const counts = countsOf({ questions: [q(1, 0, 1), q(2, 0, 2, { status: "pending" }), q(3, 0, 3)] });
    assert.equal(counts.approved, 2);
    assert.equal(counts.pending, 1);
    assert.equal(countsOf(null).pending, 0);
  });
});

describe("labels and checks", () => {
  it("says vote or votes", () => {
    assert.equal(votesLabel(1), "1 vote");
    assert.equal(votesLabel(0), "0 votes");
  });

  it("shows a name only when the session allows names", () => {
    assert.equal(shownName({ name: "Ana" }, true), "Ana");
    assert.equal(shownName({ name: "Ana" }, false), "");
    assert.equal(shownName({ name: null }, true), "");
  });

  it("makes client ids the protocol accepts, a new one each time", () => {
    const a = newClientId();
    assert.match(a, /^[A-Za-z0-9_-]{8,64}$/);
    assert.notEqual(a, newClientId());
  });

  it("takes 1 to 300 characters after trimming", () => {
    assert.deepEqual(checkText("  Why?  "), { ok: true, text: "Why?" });
    assert.equal(checkText("   ").ok, false);
    assert.equal(checkText("x".repeat(300)).ok, true);
    assert.equal(checkText("x".repeat(301)).ok, false);
  });
});
