// compare-chart.js: the live-vs-published figure, built without plotly or a browser.
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { COLORS, columnsByOption, draw, figure, hasPublished, inconsistencyNote, wrap } from "../../her2poll/web/static/js/compare-chart.js";

const OPTIONS = [
  { id: "A", text: "Very likely", published: { percent: 40, status: "published" } },
  { id: "B", text: "Unlikely", published: { percent: 60, status: "derived" } },
  { id: "C", text: "Not sure", published: null },
];
const TALLY = { n: 10, counts: { A: 5, B: 3, C: 2 }, percent: { A: 50, B: 30, C: 20 } };

function comparison(source = "reconstruction") {
  return {
    published_source: source,
    published_inconsistent: source === "scaled_printed",
    published_n: 12,
    options: [
      { option_ids: ["A"], printed_percent: 40, live_ci_percent: [20, 80], published_ci_percent: [30, 50] },
      { option_ids: ["B", "C"], printed_percent: 60.04, live_ci_percent: [10, 60], published_ci_percent: [50, 70] },
    ],
  };
}

describe("wrap", () => {
  it("breaks long labels into lines near the width", () => {
    assert.equal(wrap("How likely are you to use it", 12), "How likely<br>are you to<br>use it");
    assert.equal(wrap("Short", 12), "Short");
  });

  it("escapes markup in labels", () => {
    assert.equal(wrap("<b> & co", 40), "&lt;b&gt; &amp; co");
  });
});

describe("columnsByOption", () => {
  it("maps each option with a column to itself, never merged ones", () => {
    const columns = columnsByOption(comparison());
    assert.deepEqual([...columns.keys()], ["A"]);
    assert.deepEqual(columns.get("A").live_ci_percent, [20, 80]);
  });

  it("is empty without a comparison", () => {
    assert.equal(columnsByOption(null).size, 0);
  });
});

describe("figure", () => {
  it("puts live shares beside the published ones, with their intervals", () => {
    const { data } = figure(OPTIONS, TALLY, comparison());
    const [live, published, liveText, publishedText] = data;
    assert.equal(live.name, "Live (n = 10)");
    assert.deepEqual(live.x, [50, 30, 20]);
    assert.deepEqual(live.error_x.array, [30, null, null]);
    assert.deepEqual(live.error_x.arrayminus, [30, null, null]);
    assert.deepEqual(published.x, [40, 60, null]);
    assert.deepEqual(published.error_x.array, [10, null, null]);
    assert.deepEqual(liveText.text, ["50% (5)", "30% (3)", "20% (2)"]);
    assert.deepEqual(publishedText.text, ["40%", "60% (derived)", "not published"]);
    assert.ok(liveText.x[0] > 80, "the label sits past the interval");
  });

  it("marks derived figures grey and hatched", () => {
    const { data } = figure(OPTIONS, TALLY, comparison());
    assert.deepEqual(data[1].marker.color, [COLORS.published, COLORS.derived, COLORS.published]);
    assert.deepEqual(data[1].marker.pattern.shape, ["", "/", ""]);
  });

  it("draws no published interval for percentages scaled to an assumed n", () => {
    const { data } = figure(OPTIONS, TALLY, comparison("scaled_printed"));
    assert.equal(data[1].error_x.visible, false);
    assert.equal(data[0].error_x.visible, true);
  });

  it("shows zeros and no intervals before the first answer", () => {
    const { data } = figure(OPTIONS, null, comparison());
    assert.equal(data[0].name, "Live (n = 0)");
    assert.deepEqual(data[0].x, [0, 0, 0]);
    assert.equal(data[0].error_x.visible, false);
  });

  it("takes the font size and a fixed size", () => {
    const { layout } = figure(OPTIONS, TALLY, null, { fontSize: 20, labelWidth: 5, size: { width: 800, height: 400 } });
    assert.equal(layout.font.size, 20);
    assert.equal(layout.width, 800);
    assert.equal(layout.height, 400);
    assert.equal(layout.yaxis.ticktext[0], "Very<br>likely");
    assert.deepEqual(layout.yaxis.range, [2.5, -0.5]);
  });
});

describe("hasPublished", () => {
  it("is true when any option has a published figure, the rule the chart and the panel share", () => {
    assert.equal(hasPublished([{ published: null }, { published: { percent: 45, status: "published" } }]), true);
    assert.equal(hasPublished([{ published: null }, {}]), false);
    assert.equal(hasPublished(undefined), false);
  });
});

describe("figure without published figures", () => {
  const LIVE_ONLY = OPTIONS.map((o) => ({ ...o, published: null }));

  it("draws the live answers alone: no published bars, labels or legend", () => {
    const { data, layout } = figure(LIVE_ONLY, TALLY, null, { fontSize: 30, size: { width: 1200, height: 500 } });
    assert.equal(data.length, 2);
    const [live, text] = data;
    assert.deepEqual(live.x, [50, 30, 20]);
    assert.deepEqual(live.y, [0, 1, 2], "one bar per row, centred");
    assert.deepEqual(text.text, ["50% (5)", "30% (3)", "20% (2)"]);
    assert.equal(layout.showlegend, false);
    assert.equal(layout.width, 1200);
    assert.ok(!JSON.stringify(data).includes("not published"));
    assert.equal(live.error_x.visible, false, "no interval without the comparison");
  });

  it("keeps the interval when the comparison brings one (the panel, or statistics shown)", () => {
    const { data } = figure(LIVE_ONLY, TALLY, comparison());
    assert.deepEqual(data[0].error_x.array, [30, null, null]);
  });
});

describe("draw", () => {
  it("hands the figure to the global Plotly, static and without the mode bar", () => {
    const calls = [];
    globalThis.window = { Plotly: { react: (...args) => calls.push(args) } };
    try {
      draw("el", OPTIONS, TALLY, null, { fontSize: 13 });
    } finally {
      delete globalThis.window;
    }
    assert.equal(calls.length, 1);
    const [el, data, layout, config] = calls[0];
    assert.equal(el, "el");
    assert.equal(data.length, 4);
    assert.equal(layout.font.size, 13);
    assert.deepEqual(config, { staticPlot: true, displayModeBar: false, responsive: true });
  });
});

describe("inconsistencyNote", () => {
  it("names the printed figures no audience size reproduces", () => {
    assert.equal(
      inconsistencyNote(comparison("scaled_printed")),
      "The article's figures for this question are inconsistent: no audience of ≤ 12 gives " +
        "40% and 60% together — compared against the printed percentages scaled to 12.",
    );
  });

  it("is empty when the figures add up, or without a comparison", () => {
    assert.equal(inconsistencyNote(comparison()), "");
    assert.equal(inconsistencyNote(null), "");
  });
});
