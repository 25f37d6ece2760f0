"""A pre/post CME activity run in Chromium with 8 phones, and its outcomes report by hand.

The panel sets the session identified (or anonymous) from its CME card, eight phones
join (identified: seven fill the credit form, L6 declines), and the panel runs the phases
from its strip: the pre-test self-paced, the talk item moderator-paced, the post-test and
the evaluation (with commitment to change) self-paced. The answers are the table of
testkit/outcomes_plan.py. The outcomes report (PDF, JSON, XLSX), the attendance sheet and
the certificates are downloaded from the card, and every figure is checked against the
numbers worked out by hand below (literals; their derivation in the comments).

Identified, every count of 1–4 learners reads "<5" and a few more are hidden: the figures
still shown are checked, and an integer programme (testkit/disclosure.py) checks that no
count under 5 can be worked out of what is shown. The anonymous run shows every figure.
The PDF's pages are saved as PNG (test-artifacts/outcomes/) to look at.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from testkit.a11y import assert_accessible
from testkit.disclosure import outcomes_reader
from testkit.outcomes_plan import (
    BRAND,
    EVALUATION,
    EXAMPLE,
    IDENTITIES,
    ITEMS,
    LEARNERS,
    POST,
    PRE,
    SPONSOR,
    STATEMENTS,
    SURE,
    TALK,
    TRUTH,
    answered,
    option_text,
)
from testkit.pages import LAPTOP, PHONE
from testkit.servers import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]

H, P = "hidden", "<5"  # the report's markers (docs/outcomes-statistics.md, "Small cells")
TITLE = "HER2-positive metastatic breast cancer: a pre/post CME activity"


@pytest.fixture(scope="module")
def cme_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server whose new sessions run examples/cme-activity.json."""
    with LiveServer.on_sqlite(
        tmp_path_factory.mktemp("outcomes"), {"HER2POLL_QUESTIONS": str(EXAMPLE)}
    ) as server:
        yield server


@pytest.fixture
def shots(artifacts: Path) -> Path:
    folder = artifacts / "outcomes"
    folder.mkdir(exist_ok=True)
    return folder


# --- the phones ------------------------------------------------------------------------------


def block_item(phone: Any, qid: str) -> Any:
    return phone.locator(f'#block [data-question="{qid}"]')


def answer_block(phone: Any, answers: dict[str, Any]) -> None:
    """Answer a self-paced block as a learner does: tap, rate "how sure", type."""
    for qid, answer in answers.items():
        box = block_item(phone, qid)
        if ITEMS[qid].get("type") == "text":
            box.get_by_label("Your answer").fill(answer)
            box.get_by_role("button", name="Send answer").click()
            continue
        option, sure = answer if isinstance(answer, tuple) else (answer, None)
        box.get_by_role("button", name=option_text(qid, option), exact=True).click()
        if sure is not None:
            box.get_by_role("button", name=SURE[sure]).click()


def all_saved(phone: Any, n: int) -> None:
    """Every answer of the block acked by the server (its note says so)."""
    expect(phone.locator("#block .block-note.pending")).to_have_count(0)
    expect(phone.locator("#block .block-note.ok")).to_have_count(n)


def identify(phone: Any, name: str, profession: str) -> None:
    form = phone.locator("#credit-form")
    form.get_by_label("Name (as on your certificate)").fill(name)
    form.get_by_label("E-mail", exact=True).fill(f"{name.split()[-1].lower()}@example.org")
    job = "Physician" if profession == "physician" else "Other health professional"
    form.get_by_label(job).check()
    form.get_by_role("checkbox").check()
    form.get_by_role("button", name="Save for my certificate").click()
    expect(phone.locator("#credit-name")).to_have_text(name)


# --- the panel -------------------------------------------------------------------------------


def strip(panel: Any, phase: str) -> Any:
    return panel.locator(f'#phases [data-phase="{phase}"]')


def run_block(panel: Any, phones: dict[str, Any], phase: str, name: str,
              plan: dict[str, dict[str, Any]]) -> None:  # fmt: skip
    """Open a self-paced phase, let its learners answer and submit, close it."""
    strip(panel, phase).get_by_role("button", name=f"Open {name}").click()
    for who, answers in plan.items():
        expect(phones[who].locator("#block h1")).to_have_text(name)
        answer_block(phones[who], answers)
    for who, answers in plan.items():
        all_saved(phones[who], len(answers))
        phones[who].get_by_role("button", name="Submit answers").click()
    n = len(plan)
    count = strip(panel, phase).locator(".phase-count")
    expect(count).to_have_text(f"{n} answered / {n} submitted")
    strip(panel, phase).get_by_role("button", name=f"Close {name}").click()
    for who in plan:
        closed = "This block is closed. Your answers were kept."
        expect(phones[who].locator("#status")).to_have_text(closed)


def run_talk(panel: Any, phones: dict[str, Any]) -> None:
    """The talk from the strip: one item at a time; four phones answer it."""
    strip(panel, "talk").get_by_role("button", name="Open Talk").click()
    for who, option in TALK.items():
        phone = phones[who]
        expect(phone.locator("#q-text")).to_contain_text("who selects second-line")
        name = option_text("TALK1", option)
        phone.locator("#options").get_by_role("button", name=name, exact=True).click()
    for who in TALK:
        expect(phones[who].locator("#status")).to_contain_text("Answer recorded")
    strip(panel, "talk").get_by_role("button", name="Close Talk").click()


def set_credit(panel: Any, identified: bool) -> None:
    """The CME card: identity mode and a 50% threshold (9 of the 18 items)."""
    card = panel.locator("#cme")
    card.get_by_label("Identified for credit" if identified else "Anonymous", exact=True).check()
    card.get_by_label("Participation threshold (% of the items asked)").fill("50")
    card.get_by_role("button", name="Save credit settings").click()
    mode = "identified for credit" if identified else "anonymous"
    expect(card.locator("#cme-status")).to_have_text(f"Saved: {mode}, threshold 50%.")


def download(panel: Any, button: str) -> tuple[str, bytes]:
    """One file of the CME card, as the moderator downloads it (the key goes with it)."""
    with panel.expect_download() as info:
        panel.locator(f"#{button}").click()
    d = info.value
    assert d.failure() is None, d.failure()
    expect(panel.locator("#cme-download-status")).to_have_text(f"Saved {d.suggested_filename}.")
    return d.suggested_filename, Path(d.path()).read_bytes()


def run_activity(
    server: LiveServer, open_page: Any, identified: bool
) -> tuple[Any, dict[str, Any], str]:
    """The whole activity in the browsers: (the panel, the phones by learner, the code)."""
    session = server.create_session()
    panel = open_page(session["moderator_url"], LAPTOP)
    expect(panel.locator("#connection")).to_have_text("Connected")
    set_credit(panel, identified)  # before the phones open the page: they are asked at once
    phones = {}
    for who in LEARNERS:
        phones[who] = open_page(session["attendee_url"], PHONE)
        expect(phones[who].locator("#status")).to_have_text("Connected.")
    if identified:
        for who, (name, profession) in IDENTITIES.items():
            identify(phones[who], name, profession)
    run_block(panel, phones, "pre", "Pre-test", PRE)
    run_talk(panel, phones)
    run_block(panel, phones, "post", "Post-test", POST)
    run_evaluation(panel, phones)
    return panel, phones, session["code"]


def run_evaluation(panel: Any, phones: dict[str, Any]) -> None:
    """The evaluation: the bias comment box shows after "No" only; everyone answers."""
    strip(panel, "evaluation").get_by_role("button", name="Open Evaluation").click()
    for who in EVALUATION:
        expect(phones[who].locator("#block h1")).to_have_text("Evaluation")
    l2 = phones["L2"]
    expect(block_item(l2, "EVAL_BIAS_COMMENT")).to_be_hidden()
    block_item(l2, "EVAL_BIAS").get_by_role("button", name="No", exact=True).click()
    expect(block_item(l2, "EVAL_BIAS_COMMENT")).to_be_visible()
    for who, answers in EVALUATION.items():
        answer_block(phones[who], answers)
    expect(block_item(phones["L1"], "EVAL_BIAS_COMMENT")).to_be_hidden()  # said "Yes"
    for who, answers in EVALUATION.items():
        all_saved(phones[who], len(answers))
        phones[who].get_by_role("button", name="Submit answers").click()
    count = strip(panel, "evaluation").locator(".phase-count")
    expect(count).to_have_text("7 answered / 7 submitted")
    strip(panel, "evaluation").get_by_role("button", name="Close Evaluation").click()
    closed = "This block is closed. Your answers were kept."
    for who in EVALUATION:
        expect(phones[who].locator("#status")).to_have_text(closed)


# --- the test --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["identified", "anonymous"])
def test_a_pre_post_activity_on_eight_phones_and_its_outcomes_report(
    cme_server: LiveServer, open_page: Any, shots: Path, mode: str
) -> None:
    identified = mode == "identified"
    panel, phones, code = run_activity(cme_server, open_page, identified)
    check_card(panel, identified)
    if identified:
        check_the_phones_certificates(phones, code, shots)
    files = {b: download(panel, b) for b in ("cme-report-json", "cme-report-pdf",
                                              "cme-report-xlsx", "cme-attendance",
                                              "cme-certificates")}  # fmt: skip
    assert files["cme-report-pdf"][0] == f"her2poll-{code}-outcomes.pdf"
    doc = json.loads(files["cme-report-json"][1])
    (shots / f"{mode}.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    check_document(doc, code, identified)
    check_xlsx(files["cme-report-xlsx"][1], identified)
    check_pdf(files["cme-report-pdf"][1], code, identified, shots / mode)
    check_attendance(files["cme-attendance"][1], identified)
    check_certificates(files["cme-certificates"][1], code, identified)
    if identified:
        check_follow_up(download(panel, "cme-follow-up")[1])
    else:
        panel.locator("#cme-bowker").check()  # Bowker's test when asked, by hand too
        check_bowker(json.loads(download(panel, "cme-report-json")[1]))
    assert_accessible(panel, f"panel after the downloads ({mode})")
    panel.locator("#cme-title").scroll_into_view_if_needed()  # the sidebar scrolls alone
    panel.screenshot(path=str(shots / f"{mode}-panel-cme-card-1280.png"))


# --- the numbers, by hand ---------------------------------------------------------------------
# Constants: t(0.975, 5) = 2.5705818, t(0.975, 6) = 2.4469119 (Student t tables);
# Chinn's divisor π/√3 = 1.8137994. Cells: a right→right, b right→wrong, c wrong→right,
# d wrong→wrong (outcomes_plan.TRUTH lists who is in each).

PARTICIPATION = {
    # 18 items opened: pre 5, talk 1, post 5, evaluation 7 (the bias comment box too).
    # Asked of each: the comment box only of those who said "No" (L2, L5: 18), 17 of the
    # rest (ASKED below). Answered (outcomes_plan.answered): L1 17, L2 18, L3 17, L4 16,
    # L5 17, L6 14, L7 4, L8 11; 50% = 9 of 17 or 18: all but L7 met it.
    "identified": {"identity_mode": "identified", "threshold": 0.5, "items_asked": 18,
                   "learners": 8, "answered_any": 8, "identified": 7, "threshold_met": 7,
                   # L1–L5, L8: identified and met (L6 declined, L7 left early)
                   "certificates": 6,
                   # physicians L1 L2 L4 L7; other L3 L5 L8 (L6 gave none: not counted)
                   "pars": {"physicians": 4, "other_learners": 3}},
    # anonymous: no profession is known, so everyone who answered is an other learner
    "anonymous": {"identity_mode": "anonymous", "threshold": 0.5, "items_asked": 18,
                  "learners": 8, "answered_any": 8, "identified": 0, "threshold_met": 7,
                  "certificates": 0, "pars": {"physicians": 0, "other_learners": 8}},
}  # fmt: skip

#: Items asked of each learner: the 18 opened, less the bias comment box for those who did
#: not say "No" (it was never shown to them on the self-paced evaluation form).
ASKED = {who: 18 if who in ("L2", "L5") else 17 for who in LEARNERS}

# K1: a = b = d = 0, c = 6 (L1–L6). Exact p = 2·(½)^6 = 0.03125; mid-p = 2·P(X ≤ 0) −
# P(X = 0) = 2/64 − 1/64 = 0.015625; χ² = (6 − 0)²/6 = 6, P(χ²₁ > 6) = erfc(√3) =
# 0.0143059. OR c/b = ∞ (b = 0): its lower bound is the Clopper–Pearson lower bound of
# 6/6, 0.025^(1/6) = 0.5407419, mapped p/(1 − p) = 1.1774247; d of it = ln 1.1774247 /
# 1.8137994 = 0.0900483; no upper bound. Raw p < 0.05: "improved"; Holm (below) 0.125.
K1_TEST = {"test": "mcnemar", "n_matched": 6, "counts": {"a": 0, "b": 0, "c": 6, "d": 0},
           "p_exact": 0.03125, "p_mid": 0.015625, "chi_square": 6.0,
           "p_chi_square": 0.0143059,
           "odds_ratio": {"estimate": None, "ci": [1.1774247, None], "cohens_d": None,
                          "cohens_d_ci": [0.0900483, None], "code": "infinite"},
           "code": "improved"}  # fmt: skip
# Holm over the four tested items (K1 0.03125, K2 0.625, K3 0.375, CONF 0.3189066; K4 has
# too few): sorted, 4 × 0.03125 = 0.125; 3 × 0.3189066 = 0.9567197; then max(2 × 0.375,
# 0.9567197) and max(1 × 0.625, 0.9567197): 0.9567197. Nothing is below 0.05 after Holm.
HOLM_REST = 0.9567197
NO_CHANGE = "No clear change between pre and post."
# K1 alone is significant (p 0.03125) until Holm: its verdict says why it is not.
HOLM_NO_CHANGE = "No clear change between pre and post after the Holm adjustment across items."

KNOWLEDGE = {
    "K1_PRE": {"share_right": {"pre": 0.0, "post": 1.0}, "test": K1_TEST, "p_holm": 0.125,
               "code": "no_clear_change", "verdict": HOLM_NO_CHANGE},
    # K2: a 1, b 1, c 3, d 1. Exact p = 2·P(Bin(4, ½) ≤ 1) = 2·5/16 = 0.625; mid-p =
    # 0.625 − 4/16 = 0.375; χ² = (3 − 1)²/4 = 1, p = erfc(1/√2) = 0.3173105. OR 3/1 = 3;
    # Clopper–Pearson of 3/4: lower solves 4p³(1 − p) + p⁴ = 0.025, p = 0.1941204 → OR
    # 0.2408802; upper 0.975^(1/4) = 0.9936905 → 157.4920883. d = ln 3/1.8137994 =
    # 0.6056967 (−0.7847921 to 2.7893798). Right: pre 2/7 (L4 L5), post 5/7.
    "K2_PRE": {"share_right": {"pre": 2 / 7, "post": 5 / 7}, "p_holm": HOLM_REST,
               "test": {"test": "mcnemar", "n_matched": 6,
                        "counts": {"a": 1, "b": 1, "c": 3, "d": 1}, "p_exact": 0.625,
                        "p_mid": 0.375, "chi_square": 1.0, "p_chi_square": 0.3173105,
                        "odds_ratio": {"estimate": 3.0, "ci": [0.2408802, 157.4920883],
                                       "cohens_d": 0.6056967,
                                       "cohens_d_ci": [-0.7847921, 2.7893798],
                                       "code": "estimated"},
                        "code": "no_clear_change"},
               "code": "no_clear_change", "verdict": NO_CHANGE},
    # K3: a 1, b 1, c 4, d 0. Exact p = 2·P(Bin(5, ½) ≤ 1) = 2·6/32 = 0.375; mid-p =
    # 0.375 − 5/32 = 0.21875; χ² = (4 − 1)²/5 = 1.8, p = erfc(√0.9) = 0.1797125. OR 4;
    # Clopper–Pearson of 4/5: lower solves 5p⁴(1 − p) + p⁵ = 0.025, p = 0.2835821 → OR
    # 0.3958333; upper 0.975^(1/5) = 0.9949492 → 196.9898730. d = ln 4/1.8137994 =
    # 0.7643041 (−0.5109508 to 2.9127545). Right: pre 3/7 (L5 L6 L7), post 5/7.
    "K3_PRE": {"share_right": {"pre": 3 / 7, "post": 5 / 7}, "p_holm": HOLM_REST,
               "test": {"test": "mcnemar", "n_matched": 6,
                        "counts": {"a": 1, "b": 1, "c": 4, "d": 0}, "p_exact": 0.375,
                        "p_mid": 0.21875, "chi_square": 1.8, "p_chi_square": 0.1797125,
                        "odds_ratio": {"estimate": 4.0, "ci": [0.3958333, 196.9898730],
                                       "cohens_d": 0.7643041,
                                       "cohens_d_ci": [-0.5109508, 2.9127545],
                                       "code": "estimated"},
                        "code": "no_clear_change"},
               "code": "no_clear_change", "verdict": NO_CHANGE},
    # K4: L6 skipped the post-test item, so 5 matched (< 6): no test. Right: pre 3/7
    # (L3 L5 L6), post 4/6 (L1 L2 L3 L8).
    "K4_PRE": {"share_right": {"pre": 3 / 7, "post": 4 / 6}, "p_holm": None,
               "test": {"test": "mcnemar", "n_matched": 5,
                        "counts": {"a": 1, "b": 1, "c": 2, "d": 1}, "p_exact": None,
                        "p_mid": None, "chi_square": None, "p_chi_square": None,
                        "odds_ratio": None, "code": "too_few_matched"},
               "code": "too_few_matched",
               "verdict": "Too few matched learners to tell (fewer than 6 answered both)."},
}  # fmt: skip

# CONF (C1–C4 = 1–4), matched table pre rows × post columns (outcomes_plan.TRUTH).
# Stuart–Maxwell: C4 has no discordant pairs (dropped), C1–C3 one group; d = pre − post
# margins = (2 − 0, 2 − 2) over C1, C2 (C3 the reference); V = [[2, −1], [−1, 4]]
# (V_ii = n_i. + n_.i − 2n_ii, V_ij = −(n_ij + n_ji)); d′V⁻¹d = (1/7)·(2·4·2) = 16/7,
# 2 df, p = exp(−8/7) = 0.3189066.
# Means: pre 1,1,2,2,3,3,2 (L7 C2): 14/7 = 2, SD² = 4/6, ± 2.4469119·√(4/6/7) =
# 0.7551334; post 2,3,3,3,2,3,3 (L8 C3): 19/7, SD² = (10/7)/6, ± 0.4512785.
# Change (L1–L6): +1 +2 +1 +1 −1 0, mean 2/3, SD² = (48/9)/5 = 16/15, SE =
# √(16/15/6) = 0.4216370, ± 2.5705818·SE = 1.0838525; d_z = (2/3)/√(16/15) = 0.6454972;
# t = 1.5811388, 5 df: p = 0.1746878.
CONF = {
    "test": {"test": "stuart_maxwell", "n_matched": 6, "categories": ["C1", "C2", "C3", "C4"],
             "table": [[0, 1, 1, 0], [0, 0, 2, 0], [0, 1, 1, 0], [0, 0, 0, 0]],
             "stuart_maxwell": {"statistic": 16 / 7, "df": 2, "p_value": 0.3189066},
             "code": "no_clear_change"},
    "p_holm": HOLM_REST, "code": "no_clear_change", "verdict": NO_CHANGE,
    "means": {"design": "matched",
              "pre": {"n": 7, "mean": 2.0, "ci": [2 - 0.7551334, 2 + 0.7551334]},
              "post": {"n": 7, "mean": 19 / 7, "ci": [19 / 7 - 0.4512785, 19 / 7 + 0.4512785]},
              "n": 6, "change": 2 / 3, "change_ci": [2 / 3 - 1.0838525, 2 / 3 + 1.0838525],
              "cohens_d": 0.6454972, "p_value": 0.1746878, "code": "no_clear_change"},
}  # fmt: skip

# "How sure?" K1, L1–L6: pre 1 2 1 2 1 2 (mean 1.5, SD² 0.3, ± 2.5705818·√(0.3/6) =
# 0.5747996), post 3 4 3 3 4 4 (3.5, the same spread); changes 2 2 2 1 3 2: mean 2, SD² 0.4,
# ± 2.5705818·√(0.4/6) = 0.6637214; d_z = 2/√0.4 = √10 = 3.1622777; t = √60, 5 df:
# p = 0.000573245. K2: pre L1–L5, L7 (1 2 2 3 2 2: mean 2, SD² 0.4, ± 0.6637214); post
# L1–L4, L6, L8 (3 3 4 3 2 3: mean 3); both sides only L1–L4: 4 < 6, too few.
# An interval stops at the scale's ends: K1's pre 1.5 − 0.5747996 = 0.93 reads 1, its post
# 3.5 + 0.5747996 = 4.07 reads 4.
SURE_K1 = {"pre_id": "K1_PRE", "n_matched": 6, "design": "matched",
           "pre": {"n": 6, "mean": 1.5, "ci": [1.0, 1.5 + 0.5747996]},
           "post": {"n": 6, "mean": 3.5, "ci": [3.5 - 0.5747996, 4.0]},
           "n": 6, "change": 2.0, "change_ci": [2 - 0.6637214, 2 + 0.6637214],
           "cohens_d": 3.1622777, "p_value": 0.0005732451, "code": "increased"}  # fmt: skip
SURE_K2 = {"pre_id": "K2_PRE", "n_matched": 4, "design": "matched",
           "pre": {"n": 6, "mean": 2.0, "ci": [2 - 0.6637214, 2 + 0.6637214]},
           "post": {"n": 6, "mean": 3.0, "ci": [3 - 0.6637214, 3 + 0.6637214]},
           "n": 4, "change": None, "change_ci": [None, None], "cohens_d": None,
           "p_value": None, "code": "too_few"}  # fmt: skip

# Ratings of the 7 who answered the evaluation (means with t(0.975, 6) = 2.4469119):
# objectives 4 ×5, 3 ×2: 26/7, SD² = (10/7)/6, ± 2.4469119·√(10/42/7) = 0.4512785 (up to
# 4.17, clipped to the scale's top, 4);
# relevance 4 ×7: 4 (every value the same: the interval is 4 to 4);
# format and intent 4 ×3, 3 ×3, 2 ×1: 23/7, SD² = (24/7)/6 = 4/7, ± 2.4469119·2/7 =
# 0.6991177.
MEANS = {
    "EVAL_OBJECTIVES": (26 / 7, 0.4512785),
    "EVAL_RELEVANCE": (4.0, 0.0),
    "EVAL_FORMAT": (23 / 7, 0.6991177),
    "CHANGE_INTENT": (23 / 7, 0.6991177),
}
COMMENTS = sorted([BRAND, SPONSOR], key=str.casefold)
COMMITMENTS = sorted(STATEMENTS.values(), key=str.casefold)

# The pooled Mantel–Haenszel OR of the matched right/wrong items, Σc/Σb over K1–K4 (K4's
# pairs count too): (6 + 3 + 4 + 2)/(0 + 1 + 1 + 1) = 5; d = ln 5/1.8137994 = 0.8873296.
SUMMARY = {
    "learners": {"matched": 6, "pre_only": 1, "post_only": 1},
    "items": [
        {"item_id": "K1_PRE", "p_value": 0.03125, "p_holm": 0.125, "code": "no_clear_change"},
        {"item_id": "K2_PRE", "p_value": 0.625, "p_holm": HOLM_REST, "code": "no_clear_change"},
        {"item_id": "K3_PRE", "p_value": 0.375, "p_holm": HOLM_REST, "code": "no_clear_change"},
        {"item_id": "K4_PRE", "p_value": None, "p_holm": None, "code": "too_few_matched"},
        {"item_id": "CONF_PRE", "p_value": 0.3189066, "p_holm": HOLM_REST,
         "code": "no_clear_change"},
    ],
    "items_tested": 4,
    "pooled": {"method": "mantel_haenszel_matched", "items": 4, "odds_ratio": 5.0,
               "cohens_d": 0.8873296, "code": "estimated"},
    "pooled_code": "pooled", "code": "summarised",
}  # fmt: skip
POOLED = "Pooled odds ratio 5.00 (Cohen's d 0.89) over 4 items, matched learners."


def same(got: Any, want: Any, where: str = "") -> None:
    """``got`` has every key of ``want`` with its value (numbers to the 7 decimals written)."""
    if isinstance(want, dict):
        assert isinstance(got, dict), (where, got)
        for k, v in want.items():
            same(got[k], v, f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and not isinstance(got, str):
        assert got == pytest.approx(want, rel=1e-6, abs=1e-7), (where, got, want)
    else:
        assert got == want, (where, got, want)


# --- identified: what stays, what is "<5", what is hidden --------------------------------------
# Every count of 1–4 reads "<5" (outcomes_plan.TRUTH; checked cell by cell below); the
# "hidden" ones and why (docs/outcomes-statistics.md, "Small cells"):
WITHHELD_OR = {"estimate": H, "ci": [H, H], "cohens_d": H, "cohens_d_ci": [H, H],
               "code": "estimated"}  # fmt: skip
WITHHELD_MCNEMAR = {"n_matched": H, "p_exact": H, "p_mid": H, "chi_square": H,
                    "p_chi_square": H, "odds_ratio": WITHHELD_OR}  # fmt: skip
SHOWN = {
    # K1: everyone who answered it is matched and every one went wrong → right: its cells are
    # 0 and 6 and its test is shown whole; only the wrong options before are "<5" (3, 2, 1 of
    # 6: each 1–4, their sum 6 leaves each 2 values or more)
    "K1_PRE": {"answered": {"pre": 6, "post": 6},
               "learners": {"matched": 6, "pre_only": 0, "post_only": 0},
               "counts": {"pre": [0, P, P, P], "post": [6, 0, 0, 0]},
               **KNOWLEDGE["K1_PRE"]},
    # K2 was tested, so ≥ 6 matched: "answered pre 7" would give pre-only 1, hidden; post:
    # ILD 5 + two "<5" = 7 pins both at 1, so ILD and then the total are hidden
    "K2_PRE": {"answered": {"pre": H, "post": H},
               "learners": {"matched": H, "pre_only": P, "post_only": P},
               "share_right": {"pre": H, "post": H},
               "counts": {"pre": [P, P, P, P], "post": [H, P, 0, P]},
               "test": {"counts": {"a": P, "b": P, "c": P, "d": P}, **WITHHELD_MCNEMAR,
                        "code": "no_clear_change"},
               "p_holm": H, "code": "no_clear_change", "verdict": NO_CHANGE},
    # K3 likewise (TUC 5 + PERT "<5" = 7 after the talk)
    "K3_PRE": {"answered": {"pre": H, "post": H},
               "learners": {"matched": H, "pre_only": P, "post_only": P},
               "share_right": {"pre": H, "post": H},
               "counts": {"pre": [P, P, P], "post": [H, P, 0]},
               "test": {"counts": {"a": P, "b": P, "c": P, "d": 0}, **WITHHELD_MCNEMAR,
                        "code": "no_clear_change"},
               "p_holm": H, "code": "no_clear_change", "verdict": NO_CHANGE},
    # K4: "too few matched" (≤ 5) with a hidden (≥ 5) matched count says 5: the totals
    # 7 and 6 would give pre-only 2 and post-only 1
    "K4_PRE": {"answered": {"pre": H, "post": H},
               "learners": {"matched": H, "pre_only": P, "post_only": P},
               "share_right": {"pre": H, "post": H},
               "counts": {"pre": [P, P, P], "post": [P, P, P]},
               "test": {"counts": {"a": P, "b": P, "c": P, "d": P}, "n_matched": H,
                        "p_exact": None, "odds_ratio": None, "code": "too_few_matched"},
               "p_holm": None, "code": "too_few_matched",
               "verdict": KNOWLEDGE["K4_PRE"]["verdict"]},
    # CONF: tested, so 7 − 6 = 1 again; post "Slightly confident" ≥ its matched column
    # (two "<5": ≥ 2) and 7 − "Confident" (≥ 5) ≤ 2: "Confident" and the totals hidden
    "CONF_PRE": {"answered": {"pre": H, "post": H},
                 "learners": {"matched": H, "pre_only": P, "post_only": P},
                 "counts": {"pre": [P, P, P, 0], "post": [0, P, H, 0]},
                 "test": {"n_matched": H, "table": [[0, P, P, 0], [0, 0, P, 0], [0, P, P, 0],
                                                    [0, 0, 0, 0]],
                          "stuart_maxwell": {"statistic": H, "df": H, "p_value": H},
                          "code": "no_clear_change"},
                 "p_holm": H, "code": "no_clear_change", "verdict": NO_CHANGE,
                 "means": {"pre": {"n": H, "mean": H, "ci": [H, H]},
                           "post": {"n": H, "mean": H, "ci": [H, H]}, "n": H, "change": H,
                           "change_ci": [H, H], "cohens_d": H, "p_value": H,
                           "code": "no_clear_change"}},
}  # fmt: skip
# K2's "how sure": 4 pairs, "<5"; its sides (6 each) and their means stay
SURE_K2_SHOWN = {**SURE_K2, "n_matched": P, "n": P}
SINGLES_SHOWN = {
    # objectives: "Agree" 2 + "Strongly agree" 5 = 7 pins the "<5" at 2: 5 is hidden
    "EVAL_OBJECTIVES": {"answered": 7, "counts": [0, 0, P, H], "mean": {"mean": H}},
    "EVAL_RELEVANCE": {"answered": 7, "counts": [0, 0, 0, 7],
                       "mean": {"n": 7, "mean": 4.0, "ci": [4.0, 4.0]}},
    # bias: 2 comments are listed, each after a "No", so No ≥ 2, and 7 − Yes (≥ 5) ≤ 2:
    # Yes and the total are hidden
    "EVAL_BIAS": {"answered": H, "counts": [H, P], "not_free_of_bias": P},
    "EVAL_BIAS_COMMENT": {"answered": 2, "statements": COMMENTS},
    "EVAL_FORMAT": {"answered": 7, "counts": [0, P, P, P], "mean": {"mean": H}},
    "CHANGE_TEXT": {"answered": 6, "statements": COMMITMENTS},
    "CHANGE_INTENT": {"answered": 7, "counts": [0, P, P, P], "mean": {"mean": H}},
}  # fmt: skip
# The "hidden" counts (all ≥ 5) a reader can still pin, and no count under 5: an item's
# matched count when the activity's (6) is shown and the item was tested (≥ 6), and K4's
# 5 ("too few" and "hidden"). docs/outcomes-statistics.md lists this limit.
PINNED_HIDDEN = {("K2_PRE", "matched"), ("K2_PRE", "n_matched"), ("K3_PRE", "matched"),
                 ("K3_PRE", "n_matched"), ("K4_PRE", "matched"), ("K4_PRE", "n_matched"),
                 ("CONF_PRE", "matched")}  # fmt: skip


# --- the checks ---------------------------------------------------------------------------------


def option_ids(qid: str) -> list[str]:
    return [o["id"] for o in ITEMS[qid].get("options", [])]


def expected_pairs(identified: bool) -> dict[str, dict[str, Any]]:
    """Each pre/post pair as the report should show it (counts as lists, in option order)."""
    if identified:
        return SHOWN
    pairs = {}
    for pid, t in TRUTH.pairs.items():
        pairs[pid] = {
            "answered": {"pre": t.answered[0], "post": t.answered[1]},
            "learners": dict(zip(("matched", "pre_only", "post_only"), t.learners, strict=True)),
            "counts": {
                "pre": [t.pre[o] for o in option_ids(pid)],
                "post": [t.post[o] for o in option_ids(pid)],
            },  # fmt: skip
            **(CONF if pid == "CONF_PRE" else KNOWLEDGE[pid]),
        }
    return pairs


def expected_singles(identified: bool) -> dict[str, dict[str, Any]]:
    if identified:
        return SINGLES_SHOWN
    singles: dict[str, dict[str, Any]] = {
        "EVAL_BIAS_COMMENT": {"answered": 2, "statements": COMMENTS},
        "CHANGE_TEXT": {"answered": 6, "statements": COMMITMENTS},
    }
    for iid, counts in TRUTH.singles.items():
        singles[iid] = {"answered": sum(counts.values()),
                        "counts": [counts[o] for o in option_ids(iid)]}  # fmt: skip
        if iid in MEANS:
            mean, half = MEANS[iid]
            ci = [mean - half, min(4.0, mean + half)]  # the scales run 1 to 4
            singles[iid]["mean"] = {"n": 7, "mean": mean, "ci": ci}
    singles["EVAL_BIAS"]["not_free_of_bias"] = 2  # L2 and L5
    return singles


def flat(block: dict[str, Any]) -> dict[str, Any]:
    """A block with its option counts as plain lists (their option ids checked apart)."""
    out = dict(block)
    if isinstance(block.get("counts"), dict):
        out["counts"] = {s: [c["count"] for c in rows] for s, rows in block["counts"].items()}
    elif isinstance(block.get("counts"), list):
        out["counts"] = [c["count"] for c in block["counts"]]
    return out


def check_document(doc: dict[str, Any], code: str, identified: bool) -> None:
    """Every figure of the JSON report against the hand-computed numbers."""
    mode = "identified" if identified else "anonymous"
    same(doc, {"title": TITLE, "code": code, "design": "matched", "design_chosen_by": "rule",
               "identified": identified, "min_cell": 5 if identified else None,
               "level1_participation": PARTICIPATION[mode],
               "methods": {"alpha": 0.05, "min_matched": 6, "min_per_group": 4, "min_items": 4,
                           "min_cell": 5, "bowker": False}})  # fmt: skip
    pairs = expected_pairs(identified)
    blocks = doc["level3_knowledge"] + doc["level4_competence"]["items"]
    assert [b["pre_id"] for b in blocks] == ["K1_PRE", "K2_PRE", "K3_PRE", "K4_PRE", "CONF_PRE"]
    for block in blocks:
        for side in ("pre", "post"):
            assert [c["option_id"] for c in block["counts"][side]] == option_ids(block["pre_id"])
        same(flat(block), pairs[block["pre_id"]], block["pre_id"])
    sure = doc["level4_competence"]["confidence"]
    same(sure, [SURE_K1, SURE_K2_SHOWN if identified else SURE_K2], "confidence")
    singles = expected_singles(identified)
    roles = [(b["id"], b["role"]) for b in doc["level2_satisfaction"] + doc["level5_commitment"]]
    assert roles == [("EVAL_OBJECTIVES", "eval_objectives"), ("EVAL_RELEVANCE", "eval_relevance"),
                     ("EVAL_BIAS", "eval_bias"), ("EVAL_BIAS_COMMENT", "eval_bias_comment"),
                     ("EVAL_FORMAT", "eval_format"), ("CHANGE_TEXT", "commitment"),
                     ("CHANGE_INTENT", "intent_to_change")]  # fmt: skip
    for block in doc["level2_satisfaction"] + doc["level5_commitment"]:
        same(flat(block), singles[block["id"]], block["id"])
    check_summary(doc, identified)
    check_counts(doc, identified)


def check_summary(doc: dict[str, Any], identified: bool) -> None:
    if not identified:
        same(doc["summary"], SUMMARY, "summary")
        assert doc["summary_verdict"] == POOLED and doc["suppressed"] == 0
        return
    withheld = {"K2_PRE", "K3_PRE", "CONF_PRE"}
    items = [{**i, "p_value": H, "p_holm": H} if i["item_id"] in withheld else i
             for i in SUMMARY["items"]]  # fmt: skip
    same(
        doc["summary"],
        {
            **SUMMARY,
            "items": items,
            "learners": {"matched": 6, "pre_only": P, "post_only": P},
            "pooled": {**SUMMARY["pooled"], "odds_ratio": H, "cohens_d": H},
        },
    )
    assert doc["summary_verdict"] == (
        "Pooled effect over 4 items withheld (it rests on cells under 5)."
    )


def check_counts(doc: dict[str, Any], identified: bool) -> None:
    """Every count shown against the hand count; identified, none under 5 can be worked out.

    The reader's integer programme (testkit.disclosure) holds every count and marker of
    the report, the sums between them, each item's learners within the activity's, the
    matched table inside each side's answers, the verdicts' minimum n and the comments
    that follow a "No"; the true counts must satisfy it (so every number shown is right
    and every marker tells the truth).
    """
    reader = outcomes_reader(doc, TRUTH)
    assert reader.feasible_truth() == []
    if not identified:
        assert reader.markers == {}  # nothing hidden: every count is its hand count
        return
    for key in reader.seen:
        truth, marker = reader.truth[key], reader.markers.get(key)
        if 1 <= truth <= 4:
            assert marker == P, (key, truth, marker)
        elif truth == 0:
            assert marker is None, (key, marker)
    # hidden by hand: K1 3 (its wrong options before); K2 20 (answered 2, learners 3, options
    # 4 + 3, a–d 4, right and wrong each side 4); K3 17 (2, 3, 3 + 2, a–c 3, 4); K4 19 (2, 3,
    # 3 + 3, 4, 4); CONF 15 (2, 3, 3 + 2, 5 table cells); K2 "how sure" 2; the activity's
    # pre and post only 2; evaluation and intent 11 (2 + 3 + 3 + 3): 89
    assert doc["suppressed"] == 89
    assert reader.recovered() == {}  # no count of 1–4 learners can be worked out
    assert set(reader.recovered(only=None)) == PINNED_HIDDEN


def check_card(panel: Any, identified: bool) -> None:
    """The CME card's counts (read again when the panel is looked at again)."""
    card = panel.locator("#cme")
    panel.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    p = PARTICIPATION["identified" if identified else "anonymous"]
    for name in ("learners", "identified", "threshold_met", "certificates"):
        expect(card.locator(f"#cme-n-{name}")).to_have_text(str(p[name]))
    pars = p["pars"]
    expect(card.locator("#cme-pars")).to_have_text(
        f"PARS: {pars['physicians']} physicians, {pars['other_learners']} other learners"
    )
    mode = "Identified for credit" if identified else "Anonymous"
    expect(card.locator("#cme-mode-now")).to_have_text(mode)
    follow_up = card.get_by_role("button", name="Follow-up by name (CSV)")
    if identified:
        expect(follow_up).to_be_visible()
    else:
        expect(follow_up).to_be_hidden()


def check_the_phones_certificates(phones: dict[str, Any], code: str, shots: Path) -> None:
    """L1 met the threshold: its button is enabled and gives its PDF; L7 and L6 get none."""
    l1 = phones["L1"]
    expect(l1.locator("#credit-progress")).to_have_text(f"{answered('L1')} / 17")  # 17 / 17
    button = l1.get_by_role("button", name="Download my certificate")
    expect(button).to_be_enabled()
    l1.locator("#credit").scroll_into_view_if_needed()
    assert_accessible(l1, "phone with its certificate ready")
    l1.screenshot(path=str(shots / "identified-phone-certificate-390.png"))
    with l1.expect_download() as info:
        button.click()
    assert info.value.suggested_filename == f"certificate-{code}.pdf"
    text = pdf_text(Path(info.value.path()).read_bytes())
    assert "Dr L1 Adler" in text and "Physician" in text
    # L1 said "Yes" (free of bias): never shown the comment box, so 17 items were asked
    assert "answered 17 of 17 items asked (100%; required 50%)" in text
    l7 = phones["L7"]  # identified, left after the pre-test: 4 of 17 (never saw the box)
    expect(l7.locator("#credit-progress")).to_have_text("4 / 17")
    expect(l7.get_by_role("button", name="Download my certificate")).to_be_disabled()
    expect(phones["L6"].locator("#credit-form")).to_be_visible()  # declined: never asked twice


def pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def check_attendance(data: bytes, identified: bool) -> None:
    """One row per learner, by name (nameless last), items answered of those asked."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 8
    got = sorted((r["name"], r["profession"], int(r["items_answered"]), r["threshold_met"])
                 for r in rows)  # fmt: skip
    assert all(r["threshold"] == "0.5" for r in rows)
    by_answered = sorted((int(r["items_answered"]), int(r["items_asked"])) for r in rows)
    assert by_answered == sorted((answered(who), ASKED[who]) for who in LEARNERS)
    names = {who: ("", "") for who in LEARNERS}
    if identified:
        names |= IDENTITIES
        assert [r["name"] for r in rows] == sorted(
            (n for n, _job in IDENTITIES.values()), key=str.casefold
        ) + [""]  # by name; L6, who gave none, last
    want = sorted((names[who][0], names[who][1], answered(who),
                   "no" if who == "L7" else "yes") for who in LEARNERS)  # fmt: skip
    assert got == want  # 17 18 17 16 17 14 4 11 answered


def check_certificates(data: bytes, code: str, identified: bool) -> None:
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    pdfs = sorted(n for n in names if n.endswith(".pdf"))
    assert "attendance.csv" in names
    if not identified:
        assert pdfs == []  # nobody is named: no certificate
        return
    slugs = ["Dr-L1-Adler", "Dr-L2-Berg", "Dr-L4-Dahl", "L3-Costa", "L5-Eze", "L8-Holm"]
    assert [n.rsplit("-", 1)[0] for n in pdfs] == [f"certificate-{code}-{s}" for s in slugs]


def check_follow_up(data: bytes) -> None:
    """Name, statement and intent of each identified learner who committed (L6 declined)."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    intent = {"L2": "Somewhat likely", "L3": "Likely", "L4": "Very likely"}
    got = [(r["name"], r["statement"], r["intent"], float(r["intent_value"])) for r in rows]
    want = []
    for who, answers in EVALUATION.items():
        if who in IDENTITIES:
            level = answers["CHANGE_INTENT"]
            want.append((IDENTITIES[who][0], answers.get("CHANGE_TEXT", ""), intent[level],
                         float(level[1])))  # L4 "Very likely" is 4  # fmt: skip
    assert got == sorted(want, key=lambda w: w[0].casefold())


def check_bowker(doc: dict[str, Any]) -> None:
    """Bowker when asked: (1 − 0)²/1 + (1 − 0)²/1 + (2 − 1)²/3 = 7/3 over the 3 pairs of
    categories anyone moved between; P(χ²₃ > 7/3) = erfc(√(x/2)) + √(2x/π)·e^(−x/2) =
    0.5061652."""
    assert doc["methods"]["bowker"] is True
    same(doc["level4_competence"]["items"][0]["test"]["bowker"],
         {"statistic": 7 / 3, "df": 3, "p_value": 0.5061652})  # fmt: skip


# --- the workbook: the same figures, sheet by sheet ---------------------------------------------

#: Where each figure of a pair sits in the JSON block: the "3 Knowledge" and "4 Competence"
#: columns (the provider's analysis reads these names).
PAIR_SHEET: dict[str, tuple[Any, ...]] = {
    "answered_pre": ("answered", "pre"), "answered_post": ("answered", "post"),
    "matched": ("learners", "matched"), "pre_only": ("learners", "pre_only"),
    "post_only": ("learners", "post_only"), "share_right_pre": ("share_right", "pre"),
    "share_right_post": ("share_right", "post"), "test": ("test", "test"),
    "n_matched": ("test", "n_matched"), "a_right_to_right": ("test", "counts", "a"),
    "b_right_to_wrong": ("test", "counts", "b"), "c_wrong_to_right": ("test", "counts", "c"),
    "d_wrong_to_wrong": ("test", "counts", "d"), "mcnemar_p_exact": ("test", "p_exact"),
    "mcnemar_mid_p": ("test", "p_mid"), "mcnemar_chi2_uncorrected": ("test", "chi_square"),
    "mcnemar_chi2_p": ("test", "p_chi_square"),
    "odds_ratio": ("test", "odds_ratio", "estimate"),
    "odds_ratio_ci_low": ("test", "odds_ratio", "ci", 0),
    "odds_ratio_ci_high": ("test", "odds_ratio", "ci", 1),
    "odds_ratio_code": ("test", "odds_ratio", "code"),
    "cohens_d": ("test", "odds_ratio", "cohens_d"),
    "cohens_d_ci_low": ("test", "odds_ratio", "cohens_d_ci", 0),
    "cohens_d_ci_high": ("test", "odds_ratio", "cohens_d_ci", 1),
    "stuart_maxwell_chi2": ("test", "stuart_maxwell", "statistic"),
    "stuart_maxwell_df": ("test", "stuart_maxwell", "df"),
    "stuart_maxwell_p": ("test", "stuart_maxwell", "p_value"),
    "p_holm": ("p_holm",), "test_code": ("test", "code"), "code": ("code",),
    "verdict": ("verdict",),
    "rating_n_pre": ("means", "pre", "n"), "rating_mean_pre": ("means", "pre", "mean"),
    "rating_mean_pre_ci_low": ("means", "pre", "ci", 0),
    "rating_mean_pre_ci_high": ("means", "pre", "ci", 1),
    "rating_n_post": ("means", "post", "n"), "rating_mean_post": ("means", "post", "mean"),
    "rating_mean_post_ci_low": ("means", "post", "ci", 0),
    "rating_mean_post_ci_high": ("means", "post", "ci", 1),
    "rating_change_n": ("means", "n"), "rating_change": ("means", "change"),
    "rating_change_ci_low": ("means", "change_ci", 0),
    "rating_change_ci_high": ("means", "change_ci", 1),
    "rating_change_cohens_d": ("means", "cohens_d"), "rating_change_p": ("means", "p_value"),
    "rating_change_code": ("means", "code"),
}  # fmt: skip
SURE_SHEET: dict[str, tuple[Any, ...]] = {
    "n_pre": ("pre", "n"), "mean_pre": ("pre", "mean"), "mean_pre_ci_low": ("pre", "ci", 0),
    "mean_pre_ci_high": ("pre", "ci", 1), "n_post": ("post", "n"),
    "mean_post": ("post", "mean"), "mean_post_ci_low": ("post", "ci", 0),
    "mean_post_ci_high": ("post", "ci", 1), "n_matched": ("n_matched",), "n_change": ("n",),
    "change": ("change",), "change_ci_low": ("change_ci", 0),
    "change_ci_high": ("change_ci", 1), "cohens_d": ("cohens_d",), "p": ("p_value",),
    "code": ("code",),
}  # fmt: skip


def dig(value: Any, path: tuple[Any, ...]) -> tuple[bool, Any]:
    """(found, value) at ``path`` of an expected block; not found: not a figure of it."""
    for key in path:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and key < len(value):
            value = value[key]
        elif value is None:  # a missing level (an untested item): its figures are empty
            return True, None
        else:
            return False, None
    return True, value


def sheet(book: Any, name: str) -> list[dict[str, Any]]:
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def check_rows(rows: list[dict[str, Any]], key: str, want: dict[str, Any],
               columns: dict[str, tuple[Any, ...]]) -> int:  # fmt: skip
    """Each row's columns against the expected block of its item; how many were checked."""
    checked = 0
    assert [r[key] for r in rows] == list(want), [r[key] for r in rows]
    for row in rows:
        for column, path in columns.items():
            found, value = dig(want[row[key]], path)
            if found:
                same(row[column], value, f"{row[key]}.{column}")
                checked += 1
    return checked


def check_xlsx(data: bytes, identified: bool) -> None:
    """Every sheet of the workbook against the same hand numbers as the JSON."""
    book = load_workbook(io.BytesIO(data))
    mode = "identified" if identified else "anonymous"
    pairs = expected_pairs(identified)
    knowledge = {k: v for k, v in pairs.items() if k != "CONF_PRE"}
    n = check_rows(sheet(book, "3 Knowledge"), "pre_id", knowledge, PAIR_SHEET)
    n += check_rows(sheet(book, "4 Competence"), "pre_id", {"CONF_PRE": pairs["CONF_PRE"]},
                    PAIR_SHEET)  # fmt: skip
    sure = {"K1_PRE": SURE_K1, "K2_PRE": SURE_K2_SHOWN if identified else SURE_K2}
    n += check_rows(sheet(book, "4 Confidence"), "pre_id", sure, SURE_SHEET)
    assert n > 150  # the columns above, for five pairs and two "how sure" rows
    participation = {r["figure"]: r["value"] for r in sheet(book, "1 Participation")}
    p = PARTICIPATION[mode]
    same(participation, {**{k: v for k, v in p.items() if k != "pars"},
                         "pars_physicians": p["pars"]["physicians"],
                         "pars_other_learners": p["pars"]["other_learners"]})  # fmt: skip
    per_option = {(r["pre_id"], r["side"], r["option_id"]): r["count"]
                  for r in sheet(book, "Answers per option")}  # fmt: skip
    assert per_option == {
        (pid, side, o): c
        for pid, block in pairs.items()
        for side in ("pre", "post")
        for o, c in zip(option_ids(pid), block["counts"][side], strict=True)
    }
    table = [[r["count"] for r in sheet(book, "k x k tables")][i : i + 4] for i in (0, 4, 8, 12)]
    assert table == pairs["CONF_PRE"]["test"]["table"]
    check_single_sheets(book, identified)
    check_summary_sheets(book, identified)


def check_single_sheets(book: Any, identified: bool) -> None:
    singles = expected_singles(identified)
    rows = sheet(book, "2 Satisfaction") + sheet(book, "5 Commitment")
    for iid, want in singles.items():
        mine = [r for r in rows if r["item"] == iid]
        assert {r["answered"] for r in mine} == {want["answered"]}, iid
        figures = {(r["figure"], r["option_id"]): r["value"] for r in mine}
        for o, count in zip(option_ids(iid), want.get("counts", []), strict=False):
            assert figures[("count", o)] == count, (iid, o)
        if "not_free_of_bias" in want:
            assert figures[("not_free_of_bias", None)] == want["not_free_of_bias"]
        if "mean" in want:
            same(figures[("mean", None)], want["mean"]["mean"], iid)
        if "statements" in want:
            assert figures[("statements", None)] == len(want["statements"])
    said = [(r["item"], r["statement"]) for r in sheet(book, "Statements")]
    assert said == [("EVAL_BIAS_COMMENT", c) for c in COMMENTS] + [
        ("CHANGE_TEXT", c) for c in COMMITMENTS
    ]


def check_summary_sheets(book: Any, identified: bool) -> None:
    summary = {r["figure"]: r["value"] for r in sheet(book, "Summary")}
    pooled = (H, H) if identified else (5.0, 0.8873296)
    same(summary, {"design": "matched", "design_chosen_by": "rule", "identified": identified,
                   "suppressed_cells": 89 if identified else 0, "learners_matched": 6,
                   "learners_pre_only": P if identified else 1,
                   "learners_post_only": P if identified else 1, "items_tested": 4,
                   "summary_code": "summarised", "pooled_code": "pooled",
                   "pooled_items": 4, "pooled_odds_ratio": pooled[0],
                   "pooled_cohens_d": pooled[1]})  # fmt: skip
    rows = sheet(book, "Holm family")
    holm = [[r["item_id"], r["p_value"], r["p_holm"], r["code"]] for r in rows]
    want = [[i["item_id"], i["p_value"], i["p_holm"], i["code"]] for i in SUMMARY["items"]]
    if identified:  # only K1's (its cells are 0 and 6) and K4's "none" stay
        want = [w if w[0] in ("K1_PRE", "K4_PRE") else [w[0], H, H, w[3]] for w in want]
    same(holm, want, "Holm family")


def check_pdf(data: bytes, code: str, identified: bool, prefix: Path) -> None:
    """The PDF's pages as PNG to look at, and the figures it prints (rounded as it prints
    them: two decimals; p to two significant digits, never rounded across 0.05)."""
    pdf = prefix.with_suffix(".pdf")
    pdf.write_bytes(data)
    for old in prefix.parent.glob(f"{prefix.name}-page-*.png"):
        old.unlink()
    pages = len(PdfReader(io.BytesIO(data)).pages)
    if shutil.which("pdftoppm"):  # installed by scripts/setup.sh
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), f"{prefix}-page"], check=True)
        assert len(list(prefix.parent.glob(f"{prefix.name}-page-*.png"))) == pages
    text = pdf_text(data)
    for line in PDF_BOTH + (PDF_IDENTIFIED if identified else PDF_ANONYMOUS):
        assert line.format(code=code) in text, line
    for name, _job in IDENTITIES.values():  # names never appear in the report
        assert name not in text and name.split()[-1].lower() + "@" not in text


#: Printed in both runs (K1's test and K1's "how sure" are shown even when identified).
PDF_BOTH = [
    "CME outcomes report " + TITLE,
    "Learners who joined 8 Learners who answered at least one item 8 Items asked 18 Met the "
    "participation threshold (50% of items) 7",
    "Strongly agree 7 100% Mean 4.00 (4.00 to 4.00) (95% interval).",
    "2 written, as the learners wrote them (sorted; no names): • " + " • ".join(COMMENTS),
    "6 written, as the learners wrote them (sorted; no names): • " + " • ".join(COMMITMENTS),
    "Answered pre 6, post 6; matched 6, pre only 0, post only 0. Right: pre 0%, post 100%.",
    "Trastuzumab deruxtecan 0% 100%",
    # matched, a/b/c/d, exact p 0.03125, mid-p 0.015625, Holm 0.125 (Python's format,
    # round half to even: 0.12); χ² 6 (p 0.0143); OR ∞ from 1.18, d ∞ from 0.09
    "6 0 / 0 / 6 / 0 0.031 0.016 0.12",
    "6.00 (p 0.014) ∞ (1.18 to ∞) ∞ (0.09 to ∞) " + HOLM_NO_CHANGE,
    "1.50 (1.00 to 2.07) (n 6) 3.50 (2.93 to 4.00) (n 6) 2.00 (1.34 to 2.66) (matched, n 6) "
    "3.16 < 0.001",
    "2.00 (1.34 to 2.66) (n 6) 3.00 (2.34 to 3.66) (n 6) too few to tell (matched, n",
    "Too few matched learners to tell (fewer than 6 answered both).",
]
PDF_ANONYMOUS = [
    "Session {code} · anonymous · learners matched pre/post by their phone's token: 6 "
    "matched, 1 pre only, 1 post only. Design: matched, by the rule in Methods. " + POOLED,
    "Identified for credit 0 Certificates of participation 0 PARS: physician learners 0 "
    "PARS: other learners 8",
    "Agree 2 29% Strongly agree 5 71% Mean 3.71 (3.26 to 4.00) (95% interval).",
    "Yes 5 71% No 2 29% Not free of commercial bias (answered “No”): 2.",
    "Disagree 1 14% Agree 3 43% Strongly agree 3 43% Mean 3.29 (2.59 to 3.98)",
    "Somewhat likely 1 14% Likely 3 43% Very likely 3 43% Mean 3.29 (2.59 to 3.98)",
    "Trastuzumab emtansine 50% 0% Lapatinib plus capecitabine 33% 0% Neratinib plus "
    "capecitabine 17% 0%",  # 3, 2, 1 of 6 before
    "Answered pre 7, post 7; matched 6, pre only 1, post only 1. Right: pre 29%, post 71%.",
    "Interstitial lung disease / pneumonitis 29% 71% Hyperglycaemia 14% 14% Peripheral "
    "neuropathy 43% 0% Hypertension 14% 14%",
    "6 1 / 1 / 3 / 1 0.62 0.38 0.96",  # 0.625, 0.375 (half to even), Holm 0.9567
    "1.00 (p 0.32) 3.00 (0.24 to 157.49) 0.61 (-0.78 to 2.79)",
    "Answered pre 7, post 7; matched 6, pre only 1, post only 1. Right: pre 43%, post 71%.",
    "6 1 / 1 / 4 / 0 0.38 0.22 0.96",  # 0.375, 0.21875
    "1.80 (p 0.18) 4.00 (0.40 to 196.99) 0.76 (-0.51 to 2.91)",
    "Answered pre 7, post 6; matched 5, pre only 2, post only 1. Right: pre 43%, post 67%.",
    "5 1 / 1 / 2 / 1 – – –",
    "6 2.29 2 0.32 0.96",  # Stuart–Maxwell 16/7, 2 df, p 0.3189, Holm 0.9567
    "Mean rating 2.00 (1.24 to 2.76) (n 7) 2.71 (2.26 to 3.17) (n 7) 0.67 (-0.42 to 1.75) "
    "(matched, n 6) 0.65 0.17",
    "too few to tell (matched, n 4)",
]
PDF_IDENTIFIED = [
    "Session {code} · identified for credit · learners matched pre/post by their phone's "
    "token: 6 matched, <5 pre only, <5 post only.",
    "Learners are identified: 89 count(s) under 5 or that would give one away are shown "
    "“<5” or “hidden”",
    "Pooled effect over 4 items withheld (it rests on cells under 5).",
    "Identified for credit 7 Certificates of participation 6 PARS: physician learners 4 "
    "PARS: other learners 3",
    "Agree <5 <5 Strongly agree hidden hidden Mean withheld: it rests on a count under 5.",
    "The number who answered is withheld: it would reveal a count under 5. answer learners "
    "share Yes hidden hidden No <5 <5 Not free of "
    "commercial bias (answered “No”): <5.",
    "Disagree <5 <5 Agree <5 <5 Strongly agree <5 <5 Mean withheld",
    "Trastuzumab emtansine <5 0% Lapatinib plus capecitabine <5 0%",
    "Answered pre hidden, post hidden; matched hidden, pre only <5, post only <5. Right: pre "
    "hidden, post hidden.",
    # K2: every bar withheld (a "<5", or 0 of a hidden total): a sentence, not empty axes
    "Right: pre hidden, post hidden. Chart withheld: every share in it rests on a count "
    "under 5 or on one that would reveal such a count",
    "hidden <5 / <5 / <5 / <5 hidden hidden hidden",  # K2
    "hidden <5 / <5 / <5 / 0 hidden hidden hidden",  # K3
    "hidden <5 / <5 / <5 / <5 – – –",  # K4: too few, no test
    "hidden hidden hidden hidden hidden",  # CONF: Stuart–Maxwell withheld
    "Mean rating hidden (n hidden) hidden (n hidden) hidden hidden hidden",
    "too few to tell (matched, n <5)",
]
