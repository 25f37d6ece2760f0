// qa-panel.js: the moderator's pure helpers (the drawing is covered by tests/e2e/test_qa.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import {
  actionsFor,
  countsLine,
  filterBytes,
  filterProblem,
  inTab,
  MAX_FILTER_BYTES,
  mergeTargets,
  metaLine,
  parseFilter,
} from "../../her2poll/web/static/js/qa-panel.js";

const q = (id, status, votes = 0, minute = id, extra = {}) => ({
  id,
  text: `question ${id}`,
  name: null,
  status,
  pinned: false,
  votes,
  edited: false,
  filtered: false,
  merged_into: null,
  created_at: `2026-12-02T03:${String(minute).padStart(2, "0")}:00+00:00`,
  ...extra,
});

describe("inTab", () => {
  const all = [
    q(1, "pending", 0, 30),
    q(2, "pending", 0, 10),
    q(3, "approved", 2),
    q(4, "approved", 9),
    q(5, "approved", 0, 5, { pinned: true }),
    q(6, "dismissed"),
    q(7, "merged", 0, 7, { merged_into: 4 }),
    q(8, "answered"),
  ];

  it("lists pending questions oldest first: first come, first reviewed", () => {
    assert.deepEqual(inTab(all, "pending").map((x) => x.id), [2, 1]);
  });

  it("lists approved ones pinned first, then by votes", () => {
    assert.deepEqual(inTab(all, "approved").map((x) => x.id), [5, 4, 3]);
  });

  it("keeps merged questions with the dismissed ones", () => {
    assert.deepEqual(inTab(all, "dismissed").map((x) => x.id), [7, 6]);
    assert.deepEqual(inTab(all, "answered").map((x) => x.id), [8]);
  });
});

describe("actionsFor", () => {
  it("offers what each status allows", () => {
    assert.deepEqual(actionsFor(q(1, "pending")), ["approve", "edit", "merge", "dismiss"]);
    assert.deepEqual(actionsFor(q(1, "approved")), ["pin", "answered", "edit", "merge", "dismiss"]);
    assert.deepEqual(actionsFor(q(1, "approved", 0, 1, { pinned: true }))[0], "unpin");
    assert.deepEqual(actionsFor(q(1, "dismissed")), ["restore"]);
    assert.deepEqual(actionsFor(q(1, "merged")), []);
  });
});

describe("mergeTargets", () => {
  it("offers every other question still in play", () => {
    const all = [q(1, "pending"), q(2, "approved"), q(3, "dismissed"), q(4, "merged"), q(5, "answered")];
    assert.deepEqual(mergeTargets(all, all[0]).map((x) => x.id), [2, 5]);
  });
});

describe("parseFilter", () => {
  it("takes one word per line, trimmed, without blanks or repeats", () => {
    assert.deepEqual(parseFilter(" spam \r\n\nadvert\nspam\n  "), ["spam", "advert"]);
    assert.deepEqual(parseFilter(""), []);
  });

  it("lower-cases as the server stores it, so repeats in another case count once", () => {
    assert.deepEqual(parseFilter("Spam\nSPAM\nÄrger"), ["spam", "ärger"]);
  });
});

describe("filterProblem: the filter is checked before it is sent", () => {
  const words = (n, letter = "a") => Array.from({ length: n }, (_, i) => String(i).padStart(3, "0").padEnd(30, letter));

  it("measures as the server does: compact JSON, non-ASCII escaped (6 bytes each)", () => {
    assert.equal(filterBytes(["ab", "ü"]), '["ab","\\u00fc"]'.length);
    assert.equal(filterBytes(["😀"]), '["\\ud83d\\ude00"]'.length);
    assert.equal(filterBytes(['a"b']), '["a\\"b"]'.length);
  });

  it("accepts the largest list of ASCII words", () => {
    assert.equal(filterProblem(words(100)), null);
    assert.ok(filterBytes(words(100)) <= MAX_FILTER_BYTES);
  });

  it("says what to change when it would not fit", () => {
    assert.equal(filterProblem(words(103)), "At most 100 words: remove 3.");
    assert.equal(filterProblem(["x".repeat(31)]), `“${"x".repeat(31)}” is longer than 30 characters.`);
    assert.match(filterProblem(words(30, "ü")), /^The words are too long together \(\d+ of at most 3500 bytes\): remove some\.$/);
  });
});

describe("metaLine and countsLine", () => {
  it("says votes, name, time and what happened to the question", () => {
    const clock = () => "03:40";
    assert.equal(metaLine(q(1, "approved", 1), clock), "1 vote · 03:40");
    assert.equal(metaLine(q(1, "merged", 3, 1, { name: "Ana", edited: true, merged_into: 9 }), clock), "3 votes · Ana · 03:40 · edited · merged into #9");
  });

  it("counts pending, approved and answered", () => {
    assert.equal(countsLine({ pending: 2, approved: 5, answered: 1 }), "2 pending · 5 approved · 1 answered");
  });
});
