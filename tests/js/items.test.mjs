// static/js/items/: the per-type renderers' pure parts (no DOM): registry, labels,
// knowledge check, the moderator's statistics, parsing, ranking, word cloud.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { load, loadAll, renderer } from "../../her2poll/web/static/js/items/index.js";
import { barLabel, confidenceLine, correctLine, isRight, label } from "../../her2poll/web/static/js/items/common.js";
import { choiceRows } from "../../her2poll/web/static/js/items/choice.js";
import * as multiple from "../../her2poll/web/static/js/items/multiple.js";
import * as numeric from "../../her2poll/web/static/js/items/numeric.js";
import * as ranking from "../../her2poll/web/static/js/items/ranking.js";
import * as rating from "../../her2poll/web/static/js/items/rating.js";
import * as text from "../../her2poll/web/static/js/items/text.js";
import { clock, countdownText, deadlineOf, secondsLeft } from "../../her2poll/web/static/js/countdown.js";

const options = [
  { id: "A", text: "Trastuzumab deruxtecan" },
  { id: "B", text: "Trastuzumab emtansine", note: "Not itemised in the source." },
];

const RENDERERS = await loadAll();

describe("the registry", () => {
  it("has one renderer per item type, each with its vote field", () => {
    assert.deepEqual(Object.keys(RENDERERS).sort(), ["multiple", "numeric", "ranking", "rating", "single", "text"]);
    const fields = Object.fromEntries(Object.entries(RENDERERS).map(([k, r]) => [k, r.field]));
    assert.deepEqual(fields, { single: "option_id", multiple: "option_ids", rating: "option_id", numeric: "value", text: "text", ranking: "option_ids" });
  });

  it("gives every renderer a form, a projector view and the phone's results", () => {
    for (const [type, r] of Object.entries(RENDERERS)) {
      assert.equal(typeof r.form, "function", type);
      assert.equal(typeof r.screen, "function", type);
      assert.equal(typeof r.answerText, "function", type);
      assert.equal(typeof r.waitingText(), "string", type);
      if (!r.compare) {
        assert.equal(typeof r.results, "function", type);
        assert.equal(typeof r.panel, "function", type);
      }
    }
  });

  it("loads a type's renderer on demand, once", async () => {
    assert.equal(await load({ type: "text" }), RENDERERS.text);
    assert.equal(await load({ type: "no-such-type" }), RENDERERS.single);
  });

  it("reads an untyped question (question-set format 1) as single choice", () => {
    assert.equal(renderer({ options }), RENDERERS.single);
    assert.equal(renderer({ type: "ranking" }), RENDERERS.ranking);
  });
});

describe("labels and the knowledge check", () => {
  it("never puts an option's editorial note into its label", () => {
    assert.equal(label(options[1]), "Trastuzumab emtansine");
    const rows = choiceRows({ options }, { counts: { B: 1 }, percent: { B: 100 } });
    assert.ok(rows.every((r) => !r.label.includes("itemised")));
    assert.equal(RENDERERS.single.answerText({ options }, "B"), "Trastuzumab emtansine");
  });

  it("marks the correct answer only once revealed, in words and not by colour alone", () => {
    const q = { options, correct: ["A"], revealed: false };
    assert.equal(isRight(q, "A"), null);
    assert.ok(choiceRows(q, {}).every((r) => !r.right));
    const shown = { ...q, revealed: true };
    assert.equal(isRight(shown, "A"), true);
    assert.equal(isRight(shown, "B"), false);
    const rows = choiceRows(shown, { counts: { A: 3 }, percent: { A: 75 } }, "A");
    assert.deepEqual(rows.map((r) => r.right), [true, false]);
    assert.equal(barLabel(rows[0].label, { correct: true, mine: true }), "Trastuzumab deruxtecan — correct answer (your answer)");
  });

  it("words % correct and the moderator's confidence line", () => {
    assert.equal(correctLine({ correct: { n: 3, of: 4, percent: 75 } }), "75% answered correctly (3 of 4)");
    assert.equal(correctLine({}), "");
    const line = confidenceLine({ confidence: { n: 3, counts: { 1: 0, 2: 1, 3: 1, 4: 1 }, mean: 3 } });
    assert.equal(line, "Confidence (1–4): mean 3, 1: 0 · 2: 1 · 3: 1 · 4: 1 (3 rated)");
    assert.equal(confidenceLine({ confidence: { n: 0, counts: {}, mean: null } }), "");
  });
});

describe("rating", () => {
  const points = [
    { id: "VU", text: "Very unlikely", value: 1 },
    { id: "SU", text: "Somewhat unlikely", value: 2 },
    { id: "L", text: "Likely", value: 3 },
  ];
  it("names the median's point and gives the mean with its 95% interval", () => {
    assert.equal(
      rating.stats({ n: 3, median: 2, mean: 2, mean_ci95: [1, 3] }, points),
      "Median: Somewhat unlikely (2) · mean 2.00 (95% interval 1.00 to 3.00)",
    );
    assert.equal(rating.stats({ n: 1, median: 3, mean: 3, mean_ci95: null }, points), "Median: Likely (3) · mean 3.00 (an interval needs 2 answers)");
    assert.equal(rating.stats({ n: 0 }, points), "");
  });
  it("says nothing of an interval the room was not sent (statistics off)", () => {
    assert.equal(rating.stats({ n: 2, median: 2, mean: 2 }, points), "Median: Somewhat unlikely (2) · mean 2.00");
  });
  it("a median between two points names both (a number outside the scale stays one)", () => {
    assert.equal(rating.pointName(points, 2.5), "between Somewhat unlikely and Likely (2.5)");
    assert.equal(rating.pointName(points, 9), "9");
  });
});

describe("multiple choice", () => {
  const q = { options: [...options, { id: "C", text: "C" }], max_choices: 2 };
  it("asks for what it takes", () => {
    assert.equal(multiple.hint({ options }), "Select all that apply, then send.");
    assert.equal(multiple.hint(q), "Choose up to 2 answers, then send.");
    const four = [...q.options, { id: "D", text: "D" }];
    assert.equal(multiple.hint({ options: four, min_choices: 2, max_choices: 3 }), "Choose 2 to 3 answers, then send.");
    assert.equal(multiple.hint({ options, min_choices: 2, max_choices: 2 }), "Choose 2 answers, then send.");
    assert.equal(multiple.valid(q, []), false);
    assert.equal(multiple.valid(q, ["A", "B"]), true);
    assert.equal(multiple.valid(q, ["A", "B", "C"]), false);
  });
  it("says the percent is of respondents", () => {
    assert.match(multiple.respondentsLine({ n: 4, selections: 7 }), /^4 respondents ticked 7 answers; each bar is the share of respondents/);
    assert.equal(multiple.answerText(q, ["C", "A"]), "Trastuzumab deruxtecan; C");
  });
});

describe("numeric", () => {
  const q = { min: 0, max: 100, unit: "%", integer: true };
  it("parses what was typed, or says what is wrong", () => {
    assert.deepEqual(numeric.parse(q, " 30 "), { value: 30 });
    assert.deepEqual(numeric.parse({ ...q, integer: false }, "2,5"), { value: 2.5 });
    assert.equal(numeric.parse(q, "").error, "Type a number.");
    assert.equal(numeric.parse(q, "abc").error, "That is not a number.");
    assert.equal(numeric.parse(q, "2.5").error, "Type a whole number.");
    assert.equal(numeric.parse(q, "101").error, "Type a number from 0 to 100.");
  });
  it("draws the histogram with the phone's own bin marked, outliers kept", () => {
    const tally = { n: 4, histogram: [{ lo: 0, hi: 50, count: 3 }, { lo: 50, hi: 100, count: 1 }], median: 20, q1: 10, q3: 30, min: 5, max: 95, mean: 33.75, outliers: [95] };
    const rows = numeric.histogramRows(q, tally, 100);
    assert.deepEqual(rows.map((r) => [r.label, r.value, r.percent, r.mine]), [["0–50%", "3", 100, false], ["50–100%", "1", 33, true]]);
    assert.equal(barLabel(rows[1].label, rows[1]), "50–100% (your answer: 100%)");
    const thirds = numeric.histogramRows(q, { histogram: [{ lo: 0, hi: 33.333, count: 1 }] });
    assert.equal(thirds[0].label, "0–33%");
    const lines = numeric.summaryLines(q, tally);
    assert.equal(lines[0], "Median 20% (IQR 10% to 30%)");
    assert.equal(lines[2], "Outliers (kept in the histogram): 95%");
    assert.equal(numeric.answerText({ unit: "cm" }, 4), "4 cm");
  });
});

describe("ranking", () => {
  it("adds a tapped option next, and takes it and those after it back", () => {
    assert.deepEqual(ranking.toggle([], "A", 2), ["A"]);
    assert.deepEqual(ranking.toggle(["A"], "B", 2), ["A", "B"]);
    assert.deepEqual(ranking.toggle(["A", "B"], "C", 2), ["A", "B"]);
    assert.deepEqual(ranking.toggle(["A", "B"], "A", 2), []);
  });
  it("orders by Borda score, with the mean rank", () => {
    const tally = { n: 2, options: [{ option_id: "B", borda: 5, mean_rank: 1.5, ranked_by: 2, first: 1 }, { option_id: "A", borda: 1, mean_rank: null, ranked_by: 0, first: 0 }] };
    const rows = ranking.rankRows({ options }, tally, ["B", "A"]);
    assert.deepEqual(rows.map((r) => [r.label, r.value, r.percent, r.mine, r.rank]), [
      ["Trastuzumab emtansine", "Borda 5 · mean rank 1.5", 100, true, 1],
      ["Trastuzumab deruxtecan", "Borda 1", 20, true, 2],
    ]);
    assert.deepEqual(rows.map((r) => barLabel(r.label, { mine: r.mine, rank: r.rank })), [
      "Trastuzumab emtansine (your rank: 1)",
      "Trastuzumab deruxtecan (your rank: 2)",
    ]);
    assert.deepEqual(ranking.rankRows({ options }, tally, ["B"]).map((r) => r.rank), [1, null]);
    assert.deepEqual(ranking.rankRows({ options }, tally, undefined).map((r) => r.mine), [false, false]);
    assert.equal(ranking.answerText({ options }, ["B", "A"]), "1. Trastuzumab emtansine  2. Trastuzumab deruxtecan");
  });
});

describe("open text", () => {
  it("sizes the cloud's words by count, most used first", () => {
    const words = text.cloud({ words: [{ word: "mri", count: 5 }, { word: "slots", count: 3 }, { word: "time", count: 1 }] });
    assert.deepEqual(words.map((w) => [w.word, w.size]), [["mri", 5], ["slots", 3], ["time", 1]]);
    assert.deepEqual(text.cloud({ words: [{ word: "x", count: 2 }] }).map((w) => w.size), [3]);
    assert.equal(text.cloud({ words: Array.from({ length: 40 }, (_, i) => ({ word: `w${i}`, count: 1 })) }).length, 30);
  });
  it("tells the moderator how many are hidden from the room", () => {
    assert.equal(text.shownLine({ n: 5, hidden: 2 }), "5 answers; 2 hidden from the room.");
    assert.equal(text.shownLine({ n: 5, hidden: 0 }), "");
  });
});

describe("the countdown", () => {
  it("counts down from receipt, and only while the item is open", () => {
    assert.equal(deadlineOf({ state: "open", seconds_left: 30 }, 1000), 31000);
    assert.equal(deadlineOf({ state: "closed", seconds_left: 30 }, 1000), null);
    assert.equal(deadlineOf({ state: "open", seconds_left: null }, 1000), null);
    assert.equal(secondsLeft(31000, 1500), 30);
    assert.equal(secondsLeft(31000, 40000), 0);
    assert.equal(clock(75), "1:15");
    assert.equal(countdownText(42), "Time left 0:42");
    assert.equal(countdownText(0), "Time is up");
  });
});

describe("ranking with up/down buttons", () => {
  it("moves an option up or down, never past the ends", () => {
    assert.deepEqual(ranking.move(["a", "b", "c"], 2, -1), ["a", "c", "b"]);
    assert.deepEqual(ranking.move(["a", "b", "c"], 0, 1), ["b", "a", "c"]);
    assert.deepEqual(ranking.move(["a", "b", "c"], 0, -1), ["a", "b", "c"]);
    assert.deepEqual(ranking.move(["a", "b", "c"], 2, 1), ["a", "b", "c"]);
  });
  it("starts from the sent ranking, the rest after it in the question's order", () => {
    assert.deepEqual(ranking.startOrder(["a", "b", "c", "d"], ["c", "a"]), ["c", "a", "b", "d"]);
    assert.deepEqual(ranking.startOrder(["a", "b"], undefined), ["a", "b"]);
    assert.deepEqual(ranking.startOrder(["a", "b"], ["x", "b"]), ["b", "a"]);
  });
});

describe("ranking places", () => {
  it("numbers the rows by Borda score, ties sharing a place", () => {
    const tally = { options: [{ borda: 9 }, { borda: 5 }, { borda: 5 }, { borda: 1 }] };
    const rows = ["A", "B", "C", "D"].map((label) => ({ label }));
    assert.deepEqual(ranking.placed(rows, tally).map((r) => r.label), ["1. A", "2. B", "2. C", "4. D"]);
  });
  it("gives no places before anyone ranked (not four times '1.')", () => {
    const rows = ["A", "B"].map((label) => ({ label }));
    assert.deepEqual(ranking.placed(rows, { options: [{ borda: 0 }, { borda: 0 }] }).map((r) => r.label), ["A", "B"]);
    assert.deepEqual(ranking.placed(rows, null).map((r) => r.label), ["A", "B"]);
  });
});
