// verdict.js: the verdict worded from verdict_code and verdict_params, word for word as
// the server (her2poll/core/stats.py) words it. Expected p-values come from stats.format_p.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { formatP, pText, verdictText } from "../../her2poll/web/static/js/verdict.js";

describe("formatP", () => {
  // [p, Python's stats.format_p(p)]
  const KNOWN = [
    [0.0123, "0.012"], [0.049, "0.049"], [0.0496, "0.0496"], [0.04996, "0.04996"],
    [0.049996, "0.049996"], [0.0499996, "0.050000"], [0.04999999, "0.050000"],
    [0.05, "0.05"], [0.0501, "0.05"], [0.0449, "0.045"], [0.03, "0.03"],
    [0.0009, "< 0.001"], [0.0004, "< 0.001"], [0.001, "0.001"], [0.00123, "0.0012"],
    [0.0999, "0.1"], [0.1, "0.10"], [0.2, "0.20"], [0.2345, "0.23"], [0.5, "0.50"],
    [0.999, "1.00"], [1, "1.00"], [0.06251, "0.063"], [0.09375, "0.094"], [0.1875, "0.19"],
    // exact binary ties: Python rounds them to even, JS's toFixed/toPrecision would round up
    [0.125, "0.12"], [0.375, "0.38"], [0.625, "0.62"], [0.875, "0.88"], [0.0625, "0.062"],
  ]; // prettier-ignore
  for (const [p, text] of KNOWN) {
    it(`words ${p} as ${text}`, () => assert.equal(formatP(p), text));
  }
});

describe("pText", () => {
  it("gives one p, or the range over the reconstructions when they word differently", () => {
    assert.equal(pText(0.0123, 0.0123), "p = 0.012");
    assert.equal(pText(0.0121, 0.0124), "p = 0.012");
    assert.equal(pText(0.0004, 0.0009), "p < 0.001");
    assert.equal(pText(0.0123, 0.21), "p = 0.012–0.21");
    assert.equal(pText(0.0004, 0.02), "p = < 0.001–0.02"); // as the server words it
  });
});

const OPTIONS = [
  { id: "LIKELY", text: "Likely" },
  { id: "UNLIKELY", text: "Unlikely" },
  { id: "UNSURE", text: "Not sure" },
];

/** A comparison as the server sends it, with verdict_params. */
function comparison(code, params = {}) {
  const base = {
    live_n: 30, p_low: 0.0123, p_high: 0.0123, published_n_low: 120, published_n_high: 120,
    leaning_option_ids: null, inconsistent: false, cap: null,
  }; // prettier-ignore
  const verdict_params = { ...base, ...params };
  return { verdict_code: code, published_inconsistent: verdict_params.inconsistent, verdict_params };
}

describe("verdictText from codes", () => {
  it("says which option the room leans towards", () => {
    const c = comparison("differs", { leaning_option_ids: ["UNLIKELY"] });
    assert.equal(verdictText(c, OPTIONS), "This room leans more towards 'Unlikely' than the published panel (p = 0.012, n = 30 vs 120).");
  });

  it("calls a merged remainder 'other answers'", () => {
    const c = comparison("differs", { leaning_option_ids: ["UNLIKELY", "UNSURE"], p_low: 0.0004, p_high: 0.0009 });
    assert.equal(verdictText(c, OPTIONS), "This room leans more towards 'other answers' than the published panel (p < 0.001, n = 30 vs 120).");
  });

  it("says it depends on the reconstruction, with the ranges of p and n", () => {
    const c = comparison("depends_on_reconstruction", { p_low: 0.0496, p_high: 0.21, published_n_low: 96, published_n_high: 120 });
    assert.equal(
      verdictText(c, OPTIONS),
      "Whether this room differs depends on how the published counts are reconstructed (p = 0.0496–0.21, n = 30 vs 96–120).",
    );
  });

  it("says there is no clear difference", () => {
    const c = comparison("no_clear_difference", { p_low: 0.125, p_high: 0.125, live_n: 12, published_n_low: 12, published_n_high: 12 });
    assert.equal(verdictText(c, OPTIONS), "No clear difference from the published panel (p = 0.12, n = 12 vs 12).");
  });

  it("words the cases without a test", () => {
    const none = { p_low: null, p_high: null, published_n_low: null, published_n_high: null };
    assert.equal(verdictText(comparison("too_few", { ...none, live_n: 3 }), OPTIONS), "Too few answers to tell (n = 3).");
    assert.equal(verdictText(comparison("no_answers", { ...none, live_n: 0 }), OPTIONS), "No answers yet.");
    assert.equal(verdictText(comparison("no_published", none), OPTIONS), "Nothing published to compare with.");
  });

  it("puts the inconsistency warning in front unless the page shows the note", () => {
    const c = comparison("no_clear_difference", { inconsistent: true, cap: 12, p_low: 0.049, p_high: 0.049, published_n_low: 12, published_n_high: 12 });
    assert.equal(
      verdictText(c, OPTIONS, { noted: false }),
      "The published figures are inconsistent (no n ≤ 12 reproduces them); against the printed " +
        "percentages scaled to 12: no clear difference from the published panel (p = 0.049, n = 30 vs 12).",
    );
    assert.equal(verdictText(c, OPTIONS), "No clear difference from the published panel (p = 0.049, n = 30 vs 12).");
    const few = comparison("too_few", { inconsistent: true, cap: 12, live_n: 2 });
    assert.equal(
      verdictText(few, OPTIONS, { noted: false }),
      "The published figures are inconsistent (no n ≤ 12 reproduces them); against the printed " +
        "percentages scaled to 12: too few answers to tell (n = 2).",
    );
  });

  it("is empty without a comparison", () => {
    assert.equal(verdictText(null, OPTIONS), "");
  });

  it("shows the server's words for a code it does not know", () => {
    const c = { ...comparison("something_new"), verdict: "A new kind of verdict." };
    assert.equal(verdictText(c, OPTIONS), "A new kind of verdict.");
  });
});

describe("verdictText against the server's own sentences", () => {
  // Written by make_verdict_cases.py from her2poll.core.stats.compare on questions.json.
  const cases = JSON.parse(readFileSync(new URL("./verdict_cases.json", import.meta.url), "utf8"));

  it("has cases of every code the article's questions reach", () => {
    const codes = new Set(cases.map((c) => c.comparison.verdict_code));
    for (const code of ["differs", "no_clear_difference", "depends_on_reconstruction", "too_few", "no_answers"]) {
      assert.ok(codes.has(code), code);
    }
    assert.ok(cases.some((c) => c.comparison.published_inconsistent));
  });

  for (const { question_id: qid, counts, options, comparison: c } of cases) {
    it(`${qid} ${JSON.stringify(counts)}: ${c.verdict_code}`, () => {
      assert.equal(verdictText(c, options, { noted: false }), c.verdict);
    });
  }
});

describe("verdictText for a code newer than this page", () => {
  it("shows the server's own sentence", () => {
    const c = { verdict_code: "some_new_code", verdict_params: { live_n: 3 }, verdict: "Said by the server." };
    assert.equal(verdictText(c, OPTIONS), "Said by the server.");
  });

  it("shows the server's sentence when the numbers are missing", () => {
    const c = { verdict_code: "too_few", verdict: "Too few answers to tell (n = 3)." };
    assert.equal(verdictText(c, OPTIONS), "Too few answers to tell (n = 3).");
  });
});
