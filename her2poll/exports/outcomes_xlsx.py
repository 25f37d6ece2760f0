"""The CME outcomes report as a workbook: one sheet per Moore level, the same numbers as the PDF."""

from __future__ import annotations

from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font


def _sheet(wb: Workbook, title: str, head: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(head)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append(r)


def _pair_rows(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    rows = []
    for b in blocks:
        t, s = b.get("test") or {}, b.get("share_right") or {}
        counts = t.get("counts") or {}
        odds = t.get("odds_ratio") or {}
        sm = t.get("stuart_maxwell") or {}
        rows.append([
            b["pre_id"], b["post_id"], b["text"], b["answered"]["pre"], b["answered"]["post"],
            b["learners"]["matched"], b["learners"]["pre_only"], b["learners"]["post_only"],
            s.get("pre"), s.get("post"), counts.get("b"), counts.get("c"), t.get("p_exact"),
            t.get("p_mid"), sm.get("statistic"), sm.get("p_value"), b.get("p_holm"),
            odds.get("estimate"), odds.get("cohens_d"), b.get("code"), b.get("verdict"),
        ])  # fmt: skip
    return rows


PAIR_HEAD = [
    "pre_id", "post_id", "text", "answered_pre", "answered_post", "matched", "pre_only",
    "post_only", "share_right_pre", "share_right_post", "b_right_to_wrong", "c_wrong_to_right",
    "mcnemar_p_exact", "mcnemar_mid_p", "stuart_maxwell_chi2", "stuart_maxwell_p", "p_holm",
    "odds_ratio", "cohens_d", "code", "verdict",
]  # fmt: skip


def _single_rows(blocks: list[dict[str, Any]]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for b in blocks:
        for c in b.get("counts", []):
            count = "<5" if c["count"] is None else c["count"]  # suppressed, as in the PDF
            rows.append([b["id"], b["text"], b["answered"], c["text"], count])
        if "statements" in b:
            rows.append(
                [b["id"], b["text"], b["answered"], "(written statements)", b["statements"]]
            )
    return rows


def write_xlsx(doc: dict[str, Any], out: IO[bytes]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    p = doc["level1_participation"]
    rows = [[k, v] for k, v in p.items() if k != "pars"]
    rows += [["pars_physicians", p.get("pars", {}).get("physicians")],
             ["pars_other_learners", p.get("pars", {}).get("other_learners")]]  # fmt: skip
    s = doc["summary"]
    rows += [[f"learners_{k}", v] for k, v in s["learners"].items()]
    rows += [["items_tested", s["items_tested"]], ["summary", doc["summary_verdict"]]]
    _sheet(wb, "1 Participation", ["figure", "value"], rows)
    single = ["item", "text", "answered", "answer", "learners"]
    _sheet(wb, "2 Satisfaction", single, _single_rows(doc["level2_satisfaction"]))
    _sheet(wb, "3 Knowledge", PAIR_HEAD, _pair_rows(doc["level3_knowledge"]))
    _sheet(wb, "4 Competence", PAIR_HEAD, _pair_rows(doc["level4_competence"]["items"]))
    conf = doc["level4_competence"]["confidence"]
    _sheet(wb, "4 Confidence", ["pre_id", "text", "n_pre", "n_post", "n_matched", "mean_pre",
           "mean_post", "mean_change_matched"],
           [[c["pre_id"], c["text"], c["n_pre"], c["n_post"], c["n_matched"], c["mean_pre"],
             c["mean_post"], c["mean_change_matched"]] for c in conf])  # fmt: skip
    _sheet(wb, "5 Commitment", single, _single_rows(doc["level5_commitment"]))
    wb.save(out)
