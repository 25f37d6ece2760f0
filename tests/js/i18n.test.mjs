// i18n.js: the page's translations, English where there is none, plurals by the language's rule.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";

import { fill, nt, t, useStrings } from "../../her2poll/web/static/js/i18n.js";
import { votesLabel } from "../../her2poll/web/static/js/qa.js";
import { verdictText } from "../../her2poll/web/static/js/verdict.js";

const GERMAN = {
  "Question {position} of {of}": "Frage {position} von {of}",
  "{n} vote": ["{n} Stimme", "{n} Stimmen"],
  "Too few answers to tell (n = {n}).": "Zu wenige Antworten für eine Aussage (n = {n}).",
};

describe("i18n", () => {
  afterEach(() => useStrings({}));

  it("without a page, every string is the module's own English", () => {
    assert.equal(t("Question {position} of {of}", { position: 2, of: 6 }), "Question 2 of 6");
    assert.equal(nt("{n} vote", "{n} votes", 1), "1 vote");
    assert.equal(nt("{n} vote", "{n} votes", 3), "3 votes");
  });

  it("uses the page's translation and fills its placeholders", () => {
    useStrings(GERMAN);
    assert.equal(t("Question {position} of {of}", { position: 2, of: 6 }), "Frage 2 von 6");
    assert.equal(votesLabel(1), "1 Stimme");
    assert.equal(votesLabel(0), "0 Stimmen");
    const comparison = { verdict_code: "too_few", verdict_params: { live_n: 2 } };
    assert.equal(verdictText(comparison, []), "Zu wenige Antworten für eine Aussage (n = 2).");
  });

  it("keeps English for a string the page has no translation of, or an empty one", () => {
    useStrings({ Sent: "" });
    assert.equal(t("Sent"), "Sent");
    assert.equal(t("Not in the catalog"), "Not in the catalog");
  });

  it("leaves unknown placeholders as they are", () => {
    assert.equal(fill("{a} and {b}", { a: 1 }), "1 and {b}");
  });
});
