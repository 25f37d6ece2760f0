// static/js/block.js: which items of a self-paced block a phone shows, and its progress.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { phaseName, progress, shownItems } from "../../her2poll/web/static/js/block.js";

const items = [
  { question_id: "OBJ", type: "rating" },
  { question_id: "BIAS", type: "single" },
  { question_id: "WHY", type: "text", show_if: { item: "BIAS", options: ["NO"] } },
  { question_id: "MORE", type: "text", show_if: { item: "WHY_NOT", options: ["X"] } },
  { question_id: "FORMAT", type: "rating" },
];
const of = (answers) => (qid) => answers[qid];

describe("conditional items (show_if)", () => {
  it("hides the bias comment until the bias item is answered No", () => {
    assert.ok(!shownItems(items, of({})).has("WHY"));
    assert.ok(!shownItems(items, of({ BIAS: "YES" })).has("WHY"));
    assert.ok(shownItems(items, of({ BIAS: "NO" })).has("WHY"));
  });

  it("reads a multiple-choice answer as any of its ticks", () => {
    const multi = [{ question_id: "A" }, { question_id: "B", show_if: { item: "A", options: ["X", "Y"] } }];
    assert.ok(shownItems(multi, of({ A: ["Z", "Y"] })).has("B"));
    assert.ok(!shownItems(multi, of({ A: ["Z"] })).has("B"));
  });

  it("hides an item whose condition's item is itself hidden, whatever that one holds", () => {
    const chain = [
      { question_id: "A" },
      { question_id: "B", show_if: { item: "A", options: ["X"] } },
      { question_id: "C", show_if: { item: "B", options: ["Y"] } },
    ];
    assert.deepEqual([...shownItems(chain, of({ A: "X", B: "Y" }))], ["A", "B", "C"]);
    assert.deepEqual([...shownItems(chain, of({ A: "Z", B: "Y" }))], ["A"]);
  });
});

describe("progress", () => {
  it("counts the answered items among those shown", () => {
    const answers = of({ OBJ: "A3", BIAS: "YES", WHY: "kept from before" });
    assert.deepEqual(progress(items, shownItems(items, answers), answers), { done: 2, of: 3 });
    const no = of({ OBJ: "A3", BIAS: "NO" });
    assert.deepEqual(progress(items, shownItems(items, no), no), { done: 2, of: 4 });
  });
});

describe("phase names", () => {
  it("names the blocks a phone shows", () => {
    assert.deepEqual(["pre", "post", "evaluation"].map(phaseName), ["Pre-test", "Post-test", "Evaluation"]);
  });
});
