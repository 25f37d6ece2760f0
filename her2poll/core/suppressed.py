"""The results document as the aggregate exports show it when learners are identified.

:func:`results` applies :mod:`.suppression`'s one rule to a copy of
:func:`.results.session_results`: every count of learners (answers per option,
% correct, confidence levels, histogram bins, ranked first / ranked by, words,
the live side of a comparison) is shown, ``"<5"`` or ``"hidden"``; every figure
computed from a hidden count (a share, a mean, an interval, a test, a verdict's
numbers) is withheld. Texts are listed as written, so their number is no secret;
the values of single learners (a number's smallest, largest and outliers) are
withheld. Published figures are the source's, not learners', and stay.
"""

from __future__ import annotations

import copy
from typing import Any

from .suppression import SECONDARY, Ledger, withhold

#: A comparison's verdict when its numbers are withheld: the code, worded without them.
WITHHELD_VERDICTS = {
    "differs": "This room differs from the published panel (figures withheld: counts under 5).",
    "no_clear_difference": (
        "No clear difference from the published panel (figures withheld: counts under 5)."
    ),
    "depends_on_reconstruction": (
        "Whether this room differs depends on the reconstruction (figures withheld: counts "
        "under 5)."
    ),
    "too_few": "Too few answers to tell.",
}


def results(doc: dict[str, Any]) -> dict[str, Any]:
    """A suppressed copy of a results document (the original is left as it was)."""
    out = copy.deepcopy(doc)
    ledger = Ledger()
    for q in out["questions"]:
        _question(ledger, q)
    ledger.apply()
    for q in out["questions"]:
        _verdict(q)
    single_values(out)
    out["suppressed"] = len(ledger.hidden)
    return out


def _question(ledger: Ledger, q: dict[str, Any]) -> None:
    qid, live = q["question_id"], q["live"]
    n = (qid, "n")
    ledger.count(n, live, "n")
    if isinstance(live.get("counts"), dict):
        _counts(ledger, q, n)
    if isinstance(live.get("correct"), dict):
        _correct(ledger, q, n)
    if isinstance(live.get("confidence"), dict):
        _confidence(ledger, qid, live["confidence"])
    if "histogram" in live:
        _numeric(ledger, qid, live, n)
    if "words" in live:
        for i, w in enumerate(live["words"]):
            ledger.count((qid, "word", i), w, "count")
    if q["type"] == "ranking":
        _ranking(ledger, qid, live, n)
    if q.get("comparison"):
        _comparison(ledger, q, n)


def _counts(ledger: Ledger, q: dict[str, Any], n: Any) -> None:
    """Answers per option; a one-answer item's add up to n; shares and means rest on them."""
    qid, live = q["question_id"], q["live"]
    keys = [(qid, "count", o) for o in live["counts"]]
    for key in keys:
        ledger.count(key, live["counts"], key[2])
        ledger.derived([key, n], live.get("percent", {}), key[2])
    if q["type"] != "multiple":
        ledger.table(n, keys)
    elif "selections" in live:  # every tick once: the ticks add up to the selections
        ledger.count((qid, "selections"), live, "selections")
        ledger.table((qid, "selections"), keys)
    for field in ("median", "mean", "mean_ci95"):
        ledger.derived([n, *keys], live, field)


def _correct(ledger: Ledger, q: dict[str, Any], n: Any) -> None:
    """% correct: right + wrong = n; a single choice's right is its key's options' count."""
    qid, right = q["question_id"], q["live"]["correct"]
    ledger.count((qid, "right"), right, "n")
    ledger.count(n, right, "of")
    ledger.value((qid, "wrong"), right["of"] - right["n"])
    ledger.table(n, [(qid, "right"), (qid, "wrong")])
    key = q.get("correct") or []
    if q["type"] != "multiple" and key:
        ledger.table((qid, "right"), [(qid, "count", o) for o in key])
    ledger.derived([(qid, "right"), n], right, "percent")


def _confidence(ledger: Ledger, qid: str, conf: dict[str, Any]) -> None:
    total = (qid, "sure")
    ledger.count(total, conf, "n")
    keys = [(qid, "sure", level) for level in conf["counts"]]
    for key in keys:
        ledger.count(key, conf["counts"], key[2])
    ledger.table(total, keys)
    ledger.derived([total, *keys], conf, "mean")


def _numeric(ledger: Ledger, qid: str, live: dict[str, Any], n: Any) -> None:
    keys = [(qid, "bin", i) for i in range(len(live["histogram"]))]
    for key, b in zip(keys, live["histogram"], strict=True):
        ledger.count(key, b, "count")
    ledger.table(n, keys)
    for field in ("median", "q1", "q3", "iqr", "mean"):
        ledger.derived([n], live, field)


def _ranking(ledger: Ledger, qid: str, live: dict[str, Any], n: Any) -> None:
    firsts = []
    for row in live.get("options", []):
        by, first = (qid, "ranked_by", row["option_id"]), (qid, "first", row["option_id"])
        ledger.count(by, row, "ranked_by")
        ledger.count(first, row, "first")
        firsts.append(first)
        ledger.derived([by, n], row, "borda")
        ledger.derived([by, n], row, "mean_rank")
    ledger.table(n, firsts)


def _comparison(ledger: Ledger, q: dict[str, Any], n: Any) -> None:
    """The live side of a comparison: its columns' counts, and all that rests on them."""
    qid, cmp = q["question_id"], q["comparison"]
    ledger.count(n, cmp, "live_n")
    cells = []
    for col in cmp["options"]:
        key = (qid, "column", col["key"])
        ledger.count(key, col, "live_count")
        ledger.table(key, [(qid, "count", o) for o in col["option_ids"]])
        cells.append(key)
        for field in ("live_percent", "live_ci_percent", "difference_pp", "difference_ci_pp"):
            ledger.derived([key, n], col, field)
    for field in ("test", "p_range", "effect", "sensitivity", "verdict_params"):
        ledger.derived([n, *cells], cmp, field)


def _verdict(q: dict[str, Any]) -> None:
    """A comparison whose numbers were withheld keeps its code, worded without them."""
    cmp = q.get("comparison")
    if cmp and cmp.get("test") and cmp["test"].get("p_value") == SECONDARY:
        cmp["verdict"] = WITHHELD_VERDICTS.get(cmp["verdict_code"], cmp["verdict"])


def single_values(doc: dict[str, Any]) -> None:
    """Withhold the values of single learners (a number's smallest, largest, outliers)."""
    for q in doc["questions"]:
        live = q["live"]
        for field in ("min", "max", "outliers"):
            if field in live:
                withhold(live, field)
