// cme-panel.js and download.js: the pure helpers (the drawing: tests/e2e/test_cme_panel.py).
import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { files, parsLine, percentOf, shareOf } from "../../her2poll/web/static/js/cme-panel.js";
import { download, filenameFrom } from "../../her2poll/web/static/js/download.js";
import { useStrings } from "../../her2poll/web/static/js/i18n.js";

describe("percentOf and shareOf", () => {
  it("show a share as a percent and read it back", () => {
    assert.equal(percentOf(0.75), 75);
    assert.equal(percentOf(0.666), 66.6);
    assert.equal(shareOf("75"), 0.75);
    assert.equal(shareOf(" 62,5 "), 0.625); // a German comma
    assert.equal(shareOf("100"), 1);
  });

  it("refuse what is not a percent above 0 and at most 100", () => {
    for (const bad of ["", "0", "-5", "100.5", "ten", "NaN"]) assert.equal(shareOf(bad), null, bad);
  });
});

describe("files", () => {
  it("name each file's route, Bowker only on the outcomes report", () => {
    const plain = files("AB12CD");
    assert.equal(plain["cme-report-pdf"].path, "/api/sessions/AB12CD/outcomes.pdf");
    assert.equal(plain["cme-follow-up"].path, "/api/sessions/AB12CD/follow-up.csv");
    const asked = files("AB12CD", { bowker: true });
    assert.equal(asked["cme-report-xlsx"].path, "/api/sessions/AB12CD/outcomes.xlsx?bowker=1");
    assert.equal(asked["cme-attendance"].path, "/api/sessions/AB12CD/attendance.csv");
  });
});

describe("parsLine", () => {
  it("says the two PARS counts, translated where a translation exists", () => {
    useStrings({});
    assert.equal(parsLine({ pars: { physicians: 6, other_learners: 4 } }), "PARS: 6 physicians, 4 other learners");
    useStrings({ "PARS: {physicians} physicians, {others} other learners": "PARS: {physicians} Ärzte" });
    assert.equal(parsLine({ pars: { physicians: 2, other_learners: 0 } }), "PARS: 2 Ärzte");
    useStrings({});
  });
});

describe("filenameFrom", () => {
  it("prefers filename*, unquotes the plain form, never lets a path through", () => {
    assert.equal(filenameFrom(`attachment; filename*=UTF-8''follow%20up.csv`, "x"), "follow up.csv");
    assert.equal(filenameFrom('attachment; filename="a\\"b.pdf"', "x"), 'a"b.pdf');
    assert.equal(filenameFrom('attachment; filename="../../etc.csv"', "x"), ".._.._etc.csv");
    assert.equal(filenameFrom(null, "fallback.zip"), "fallback.zip");
  });
});

describe("download", () => {
  it("says the server's reason when it refuses, and that there is no connection", async () => {
    const refused = async () => ({ ok: false, status: 400, json: async () => ({ message: "This session is anonymous" }) });
    await assert.rejects(download("/x", "k", "f", refused), /This session is anonymous/);
    const offline = async () => {
      throw new TypeError("Failed to fetch");
    };
    await assert.rejects(download("/x", "k", "f", offline), /no connection to the server/);
  });

  it("sends the key as a Bearer header, never in the URL", async () => {
    let seen = null;
    const answer = async (path, init) => {
      seen = { path, init };
      return { ok: false, status: 403, json: async () => ({}) };
    };
    await assert.rejects(download("/api/sessions/X/attendance.csv", "secret", "f", answer), /403/);
    assert.equal(seen.path, "/api/sessions/X/attendance.csv");
    assert.equal(seen.init.headers.Authorization, "Bearer secret");
  });
});
