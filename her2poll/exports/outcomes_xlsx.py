"""The CME outcomes report as a workbook: every number of the JSON document, by Moore level.

One sheet per level and one per kind of table (answers per option, the k×k
tables, the Holm family, methods), so the provider can analyse further. A
count hidden by the suppression rule is its marker ("<5", "hidden"), as in the
PDF; a test against every number of the JSON document keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .cells import neutralise_row


def _sheet(wb: Workbook, title: str, head: Sequence[str], rows: list[list[Any]]) -> None:
    """A sheet with a bold header; text a spreadsheet would run as a formula (a learner's
    statement or comment, a question from a file) is made inert, as in every export."""
    ws = wb.create_sheet(title)
    ws.append(list(head))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(neutralise_row(r))


def _get(d: Any, *path: Any) -> Any:
    """``d[path…]``, or None where a level is missing (an untested item has no test)."""
    for key in path:
        if isinstance(d, dict):
            d = d.get(key)
        elif isinstance(d, list) and isinstance(key, int) and key < len(d):
            d = d[key]
        else:
            return None
    return d


#: (column, path in a pair block) of the level 3 and 4 sheets.
PAIR_COLUMNS: list[tuple[str, tuple[Any, ...]]] = [
    ("pre_id", ("pre_id",)), ("post_id", ("post_id",)), ("text", ("text",)),
    ("analysis", ("analysis",)), ("answered_pre", ("answered", "pre")),
    ("answered_post", ("answered", "post")), ("matched", ("learners", "matched")),
    ("pre_only", ("learners", "pre_only")), ("post_only", ("learners", "post_only")),
    ("share_right_pre", ("share_right", "pre")), ("share_right_post", ("share_right", "post")),
    ("test", ("test", "test")), ("n_matched", ("test", "n_matched")),
    ("a_right_to_right", ("test", "counts", "a")), ("b_right_to_wrong", ("test", "counts", "b")),
    ("c_wrong_to_right", ("test", "counts", "c")), ("d_wrong_to_wrong", ("test", "counts", "d")),
    ("mcnemar_p_exact", ("test", "p_exact")), ("mcnemar_mid_p", ("test", "p_mid")),
    ("mcnemar_chi2_uncorrected", ("test", "chi_square")),
    ("mcnemar_chi2_p", ("test", "p_chi_square")),
    ("stuart_maxwell_chi2", ("test", "stuart_maxwell", "statistic")),
    ("stuart_maxwell_df", ("test", "stuart_maxwell", "df")),
    ("stuart_maxwell_p", ("test", "stuart_maxwell", "p_value")),
    ("bowker_chi2", ("test", "bowker", "statistic")), ("bowker_df", ("test", "bowker", "df")),
    ("bowker_p", ("test", "bowker", "p_value")),
    ("unmatched_method", ("test", "method")), ("unmatched_p", ("test", "p_value")),
    ("pearson_chi2", ("test", "chi_square", "statistic")),
    ("pearson_df", ("test", "chi_square", "df")),
    ("pearson_p", ("test", "chi_square", "p_value")),
    ("cramers_v", ("test", "cramers_v")), ("cohens_h", ("test", "cohens_h")),
    ("odds_ratio", ("test", "odds_ratio", "estimate")),
    ("odds_ratio_ci_low", ("test", "odds_ratio", "ci", 0)),
    ("odds_ratio_ci_high", ("test", "odds_ratio", "ci", 1)),
    ("odds_ratio_code", ("test", "odds_ratio", "code")),
    ("cohens_d", ("test", "odds_ratio", "cohens_d")),
    ("cohens_d_ci_low", ("test", "odds_ratio", "cohens_d_ci", 0)),
    ("cohens_d_ci_high", ("test", "odds_ratio", "cohens_d_ci", 1)),
    ("p_holm", ("p_holm",)), ("test_code", ("test", "code")), ("code", ("code",)),
    ("verdict", ("verdict",)),
    *[(f"rating_{name}", ("means", *path)) for name, path in [
        ("mean_pre", ("pre", "mean")), ("mean_pre_ci_low", ("pre", "ci", 0)),
        ("mean_pre_ci_high", ("pre", "ci", 1)), ("n_pre", ("pre", "n")),
        ("mean_post", ("post", "mean")), ("mean_post_ci_low", ("post", "ci", 0)),
        ("mean_post_ci_high", ("post", "ci", 1)), ("n_post", ("post", "n")),
        ("change_design", ("design",)), ("change_n", ("n",)), ("change", ("change",)),
        ("change_ci_low", ("change_ci", 0)), ("change_ci_high", ("change_ci", 1)),
        ("change_cohens_d", ("cohens_d",)), ("change_p", ("p_value",)), ("change_code", ("code",)),
    ]],
]  # fmt: skip

#: (column, path) of the confidence sheet ("how sure are you?" pre vs post).
CONFIDENCE_COLUMNS: list[tuple[str, tuple[Any, ...]]] = [
    ("pre_id", ("pre_id",)), ("text", ("text",)), ("design", ("design",)),
    ("n_pre", ("pre", "n")), ("mean_pre", ("pre", "mean")), ("mean_pre_ci_low", ("pre", "ci", 0)),
    ("mean_pre_ci_high", ("pre", "ci", 1)), ("n_post", ("post", "n")),
    ("mean_post", ("post", "mean")), ("mean_post_ci_low", ("post", "ci", 0)),
    ("mean_post_ci_high", ("post", "ci", 1)), ("n_matched", ("n_matched",)),
    ("n_change", ("n",)), ("change", ("change",)), ("change_ci_low", ("change_ci", 0)),
    ("change_ci_high", ("change_ci", 1)), ("cohens_d", ("cohens_d",)), ("p", ("p_value",)),
    ("code", ("code",)),
]  # fmt: skip


def _rows(
    blocks: list[dict[str, Any]], columns: list[tuple[str, tuple[Any, ...]]]
) -> list[list[Any]]:
    return [[_get(b, *path) for _name, path in columns] for b in blocks]


def _answers(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    """Every pre/post pair's count per option and side."""
    rows = []
    for b in blocks:
        for side in ("pre", "post"):
            for c in _get(b, "counts", side) or []:
                rows.append([b["pre_id"], side, c["option_id"], c["text"], c["count"],
                             b["answered"][side]])  # fmt: skip
    return rows


def _tables(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    """The matched k×k tables (pre rows, post columns) of the Stuart–Maxwell items."""
    rows = []
    for b in blocks:
        test = b.get("test") or {}
        for i, row in enumerate(test.get("table") or []):
            for j, count in enumerate(row):
                rows.append([b["pre_id"], test["categories"][i], test["categories"][j], count])
    return rows


def _unmatched(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    """The unmatched tests' 2×k tables: each side's count per category (right/wrong or option)."""
    rows = []
    for b in blocks:
        test = b.get("test") or {}
        if test.get("test") != "unmatched":
            continue
        names = (["right", "wrong"] if b["analysis"] == "right_wrong"
                 else [c["option_id"] for c in b["counts"]["pre"]])  # fmt: skip
        for side in ("pre", "post"):
            rows += [
                [b["pre_id"], side, name, n] for name, n in zip(names, test[side], strict=True)
            ]
    return rows


def _single(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for b in blocks:
        head = [b["id"], b["role"], b["text"], b["answered"]]
        for c in b.get("counts", []):
            rows.append([*head, "count", c["option_id"], c["text"], c["count"]])
        if "not_free_of_bias" in b:
            rows.append([*head, "not_free_of_bias", None, None, b["not_free_of_bias"]])
        if "mean" in b:
            m = b["mean"]
            rows.append([*head, "mean", None, None, m["mean"]])
            rows.append([*head, "mean_ci_low", None, None, m["ci"][0]])
            rows.append([*head, "mean_ci_high", None, None, m["ci"][1]])
            rows.append([*head, "mean_n", None, None, m["n"]])
        if "statements" in b:
            rows.append([*head, "statements", None, None, len(b["statements"])])
    return rows


SINGLE_HEAD = ["item", "role", "text", "answered", "figure", "option_id", "option", "value"]


def _statements(doc: dict[str, Any]) -> list[list[Any]]:
    blocks = doc["level2_satisfaction"] + doc["level5_commitment"]
    return [[b["id"], b["role"], s] for b in blocks for s in b.get("statements", [])]


def _summary(doc: dict[str, Any]) -> list[list[Any]]:
    s, pooled = doc["summary"], doc["summary"].get("pooled") or {}
    rows: list[list[Any]] = [
        ["design", doc["design"]], ["design_chosen_by", doc["design_chosen_by"]],
        ["identified", doc["identified"]], ["min_cell", doc["min_cell"]],
        ["suppressed_cells", doc["suppressed"]],
        *[[f"learners_{k}", v] for k, v in s["learners"].items()],
        ["items_tested", s["items_tested"]], ["summary_code", s["code"]],
        ["pooled_code", s["pooled_code"]], ["pooled_method", pooled.get("method")],
        ["pooled_items", pooled.get("items")], ["pooled_odds_ratio", pooled.get("odds_ratio")],
        ["pooled_cohens_d", pooled.get("cohens_d")], ["pooled_or_code", pooled.get("code")],
        ["summary", doc["summary_verdict"]],
    ]  # fmt: skip
    return rows


def _participation(doc: dict[str, Any]) -> list[list[Any]]:
    p = doc["level1_participation"]
    rows = [[k, v] for k, v in p.items() if k != "pars"]
    pars = p.get("pars", {})
    return rows + [["pars_physicians", pars.get("physicians")],
                   ["pars_other_learners", pars.get("other_learners")]]  # fmt: skip


def write_xlsx(doc: dict[str, Any], out: IO[bytes]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    pairs = doc["level3_knowledge"] + doc["level4_competence"]["items"]
    _sheet(wb, "Summary", ["figure", "value"], _summary(doc))
    _sheet(wb, "1 Participation", ["figure", "value"], _participation(doc))
    _sheet(wb, "2 Satisfaction", SINGLE_HEAD, _single(doc["level2_satisfaction"]))
    heads = [name for name, _path in PAIR_COLUMNS]
    _sheet(wb, "3 Knowledge", heads, _rows(doc["level3_knowledge"], PAIR_COLUMNS))
    _sheet(wb, "4 Competence", heads, _rows(doc["level4_competence"]["items"], PAIR_COLUMNS))
    _sheet(wb, "4 Confidence", [n for n, _p in CONFIDENCE_COLUMNS],
           _rows(doc["level4_competence"]["confidence"], CONFIDENCE_COLUMNS))  # fmt: skip
    _sheet(wb, "5 Commitment", SINGLE_HEAD, _single(doc["level5_commitment"]))
    _sheet(wb, "Statements", ["item", "role", "statement"], _statements(doc))
    _sheet(wb, "Answers per option", ["pre_id", "side", "option_id", "option", "count",
                                      "answered"], _answers(pairs))  # fmt: skip
    _sheet(wb, "k x k tables", ["pre_id", "pre", "post", "count"], _tables(pairs))
    _sheet(wb, "Unmatched tables", ["pre_id", "side", "category", "count"], _unmatched(pairs))
    holm = [[i["item_id"], i["p_value"], i["p_holm"], i["code"]] for i in doc["summary"]["items"]]
    _sheet(wb, "Holm family", ["item_id", "p_value", "p_holm", "code"], holm)
    _sheet(wb, "Methods", ["setting", "value"], [[k, v] for k, v in doc["methods"].items()])
    wb.save(out)
