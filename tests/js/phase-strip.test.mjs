// static/js/phase-strip.js: the panel's phases, in running order, and a block's counts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { countLine, phaseName, phasesOf } from "../../her2poll/web/static/js/phase-strip.js";

describe("the phase strip", () => {
  it("lists the phases a set has items in, in running order; no phase is the talk", () => {
    const qs = [{ phase: "evaluation" }, { phase: "post" }, {}, { phase: "pre" }, { phase: "talk" }];
    assert.deepEqual(phasesOf(qs), ["pre", "talk", "post", "evaluation"]);
    assert.deepEqual(phasesOf([{}, { phase: "talk" }]), ["talk"]);
  });

  it("says a block's learners, answered and submitted, and nothing without counts", () => {
    assert.equal(countLine({ answered: 12, submitted: 9 }), "12 answered / 9 submitted");
    assert.equal(countLine(undefined), "");
  });

  it("names every phase", () => {
    assert.deepEqual(["pre", "talk", "post", "evaluation"].map(phaseName), ["Pre-test", "Talk", "Post-test", "Evaluation"]);
  });
});
