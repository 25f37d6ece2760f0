"""The outcomes report from a real session, in its three formats.

A small activity (8 phones) checks every figure against numbers computed by hand;
a realistic one (40 phones, testkit.cme) checks that the JSON, the XLSX and the PDF
carry the same numbers, and that the PDF reads well (pages saved as PNG to look at).
"""

from __future__ import annotations

import io
import json
import math
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from her2poll.core import views
from her2poll.core.polls import Action
from her2poll.core.questions import load_question_set
from her2poll.core.suppression import PRIMARY, SECONDARY
from her2poll.services import credit, identity
from her2poll.services.sessions import create
from her2poll.store import joins, polls
from her2poll.store.db import Database, get_db
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_vote
from testkit.cli import her2poll
from testkit.cme import run_cme_activity

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "cme-activity.json"
ARTIFACTS = ROOT / "test-artifacts"

# K1 (right = TDXD): L1–L3 wrong→right, L4 right→right, L5 wrong→wrong, L8 right→wrong,
# L6 only pre, L7 only post. By hand: matched 6, pre-only 1, post-only 1, a = 1, b = 1,
# c = 3, d = 1; exact McNemar p = 2·P(Bin(4, ½) ≤ 1) = 2·5/16 = 0.625; mid-p
# 0.625 − 4/16 = 0.375; uncorrected χ² = (3 − 1)²/4 = 1.0; OR c/b = 3, its exact interval
# from the Clopper–Pearson interval of 3/4 (0.19412 to 0.975^(1/4) = 0.99369), mapped by
# p/(1 − p): 0.24088 to 157.49;
# Chinn d = ln 3 / 1.8138 = 0.6057. Right: pre 2/7, post 5/7.
K1 = {
    "L1": ("TDM1", "TDXD"), "L2": ("LAP", "TDXD"), "L3": ("NER", "TDXD"),
    "L4": ("TDXD", "TDXD"), "L5": ("TDM1", "LAP"), "L6": ("TDM1", None),
    "L7": (None, "TDXD"), "L8": ("TDXD", "TDM1"),
}  # fmt: skip
PHYSICIANS = {"L1", "L2", "L3", "L4", "L5"}


def run_activity(db: Database, key: str, identified: bool = True) -> tuple[str, str]:
    """Every phone joins, (identifies,) and answers K1 pre and/or post; returns (code, secret)."""
    new = create(SqlStore(db), load_question_set(EXAMPLE))
    code, sid = new.state.code, new.state.id
    credit.set_mode(db, code, "identified" if identified else "anonymous", 0.5)
    phones = {name: joins.attendee_join(db, code, None, views.shows_results) for name in K1}
    for name, joined in phones.items():
        if not identified:
            break
        token = identity.sign(key, code, joined.participant.public_id)
        credit.submit_identity(db, key, code, token, {
            "consent": True, "name": f"Dr {name}", "email": f"{name.lower()}@example.org",
            "profession": "physician" if name in PHYSICIANS else "other",
        })  # fmt: skip
    for side, qid in ((0, "K1_PRE"), (1, "K1_POST")):
        polls.apply_action(db, code, qid, Action.OPEN)
        for name, answers in K1.items():
            if answers[side]:
                pid = phones[name].participant.id
                assert record_vote(db, VoteIn(sid, pid, qid, answers[side], f"{name}{qid}")).ok
        polls.apply_action(db, code, qid, Action.CLOSE)
    return code, new.moderator_secret


def _get(app: Flask, code: str, secret: str, fmt: str, query: str = "") -> bytes:
    res = app.test_client().get(
        f"/api/sessions/{code}/outcomes.{fmt}{query}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert res.status_code == 200, res.text
    return res.data


def _pdf_text(data: bytes) -> str:
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(pg.extract_text() for pg in pages).split())


def _sheet_rows(data: bytes, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(io.BytesIO(data))[sheet]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_every_figure_of_an_anonymous_report_against_the_hand_computed_numbers(
    app: Flask,
) -> None:
    code, secret = run_activity(get_db(app), app.config["HER2POLL"].secret_key, False)
    doc = json.loads(_get(app, code, secret, "json"))
    p = doc["level1_participation"]
    assert (p["learners"], p["items_asked"], p["threshold_met"]) == (8, 2, 8)
    k1 = doc["level3_knowledge"][0]
    assert k1["learners"] == {"matched": 6, "pre_only": 1, "post_only": 1}
    t = k1["test"]
    assert t["counts"] == {"a": 1, "b": 1, "c": 3, "d": 1}
    assert t["p_exact"] == pytest.approx(0.625) and t["p_mid"] == pytest.approx(0.375)
    assert t["chi_square"] == pytest.approx(1.0)
    assert t["odds_ratio"]["estimate"] == pytest.approx(3.0)
    assert t["odds_ratio"]["ci"] == pytest.approx([0.24088, 157.49], rel=1e-4)
    assert t["odds_ratio"]["cohens_d"] == pytest.approx(0.6057, abs=1e-4)
    post = {r["option_id"]: r["count"] for r in k1["counts"]["post"]}
    assert post == {"TDXD": 5, "TDM1": 1, "LAP": 1, "NER": 0}  # anonymous: nothing hidden
    assert k1["verdict"] == "No clear change between pre and post."  # p 0.625 before Holm too

    text = _pdf_text(_get(app, code, secret, "pdf"))
    for figure in ("6 matched, 1 pre only, 1 post only", "PARS: physician learners", "0.62",
                   "0.38", "3.00 (0.24 to 157.49)", "0.61", "1 / 1 / 3 / 1", "1.00 (p 0.32)",
                   "Right: pre 29%, post 71%", "Too few matched", "Methods"):  # fmt: skip
        assert figure in text, figure

    (row, *_rest) = _sheet_rows(_get(app, code, secret, "xlsx"), "3 Knowledge")
    wanted = {"matched": 6, "a_right_to_right": 1, "b_right_to_wrong": 1, "c_wrong_to_right": 3,
              "d_wrong_to_wrong": 1, "mcnemar_chi2_uncorrected": 1.0,
              "odds_ratio": 3.0}  # fmt: skip
    assert {k: row[k] for k in wanted} == pytest.approx(wanted)
    assert (row["odds_ratio_ci_low"], row["odds_ratio_ci_high"]) == pytest.approx(
        (0.24088, 157.49), rel=1e-4
    )
    assert row["cohens_d_ci_low"] == pytest.approx(
        math.log(0.24088) / (math.pi / math.sqrt(3)), rel=1e-3
    )


def test_an_identified_report_shows_markers_in_every_format_and_never_a_name(app: Flask) -> None:
    code, secret = run_activity(get_db(app), app.config["HER2POLL"].secret_key)
    doc = json.loads(_get(app, code, secret, "json"))
    assert doc["level1_participation"]["pars"] == {"physicians": 5, "other_learners": 3}
    k1 = doc["level3_knowledge"][0]
    assert k1["learners"] == {"matched": SECONDARY, "pre_only": PRIMARY, "post_only": PRIMARY}
    assert k1["test"]["p_exact"] == SECONDARY and k1["code"] == "no_clear_change"
    pdf = _get(app, code, secret, "pdf")
    text = _pdf_text(pdf)
    assert "matched hidden, pre only <5, post only <5" in text
    assert "Learners are identified" in text and "Dr L1" not in text
    (row, *_rest) = _sheet_rows(_get(app, code, secret, "xlsx"), "3 Knowledge")
    assert (row["matched"], row["b_right_to_wrong"], row["mcnemar_p_exact"]) == (
        SECONDARY, PRIMARY, SECONDARY
    )  # fmt: skip
    assert app.test_client().get(f"/api/sessions/{code}/outcomes.pdf").status_code == 403


# -- the same numbers in the JSON, the XLSX and the PDF ------------------------------------


@pytest.fixture(scope="module")
def rich(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str, str]]:
    """A 40-learner identified activity and an anonymous twin (testkit.cme), one database."""
    db = Database(f"sqlite:///{tmp_path_factory.mktemp('rich') / 'rich.db'}")
    db.upgrade()
    named = run_cme_activity(db, "k", identified=True)
    anonymous = run_cme_activity(db, "k", identified=False)
    yield db, named.code, anonymous.code
    db.dispose()


def _numbers(value: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every number of a JSON document with its path (flags and counts of lists aside)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int | float):
        yield path, float(value)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _numbers(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _numbers(v, f"{path}[{i}]")


def _xlsx_numbers(data: bytes) -> list[float]:
    wb = load_workbook(io.BytesIO(data))
    return [
        float(v)
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
        for v in row
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]


@pytest.mark.parametrize("which", ["identified", "anonymous"])
@pytest.mark.parametrize("options", [{}, {"bowker": True}])
def test_every_number_of_the_json_report_is_in_the_xlsx(
    rich: tuple[Database, str, str], which: str, options: dict[str, Any]
) -> None:
    from her2poll.services import outcomes

    db, named, anonymous = rich
    code = named if which == "identified" else anonymous
    doc = json.loads(outcomes.outcomes_file(db, code, "json", **options).data)
    cells = sorted(_xlsx_numbers(outcomes.outcomes_file(db, code, "xlsx", **options).data))
    missing = []
    for path, x in _numbers(doc):
        if not any(math.isclose(x, c, rel_tol=1e-12, abs_tol=1e-12) for c in cells):
            missing.append(f"{path} = {x}")
    assert not missing, missing
    walked = len(list(_numbers(doc)))
    assert walked > (250 if which == "anonymous" else 140)  # the walk saw a whole report


def test_the_pdf_prints_the_key_numbers_of_the_json(rich: tuple[Database, str, str]) -> None:
    from her2poll.core.wording import format_p
    from her2poll.services import outcomes

    db, _named, code = rich
    doc = json.loads(outcomes.outcomes_file(db, code, "json", bowker=True).data)
    text = _pdf_text(outcomes.outcomes_file(db, code, "pdf", bowker=True).data)
    for block in doc["level3_knowledge"]:
        t = block["test"]
        assert " / ".join(str(t["counts"][k]) for k in "abcd") in text
        assert format_p(t["p_exact"]) in text and format_p(block["p_holm"]) in text
        ci = t["odds_ratio"]["ci"]
        assert f"{t['odds_ratio']['estimate']:.2f} ({ci[0]:.2f} to {ci[1]:.2f})" in text
        assert f"{t['chi_square']:.2f} (p" in text
    (conf_item,) = doc["level4_competence"]["items"]
    assert f"{conf_item['test']['bowker']['statistic']:.2f}" in text
    for row in doc["level4_competence"]["confidence"]:
        lo, hi = row["change_ci"]
        assert f"{row['change']:.2f} ({lo:.2f} to {hi:.2f}) (matched, n {row['n']})" in text
    bias = next(b for b in doc["level2_satisfaction"] if b["role"] == "eval_bias")
    assert f"Not free of commercial bias (answered “No”): {bias['not_free_of_bias']}." in text
    for statement in doc["level5_commitment"][0]["statements"][:3]:
        assert statement in text
    assert f"Pooled odds ratio {doc['summary']['pooled']['odds_ratio']:.2f}" in text


@pytest.mark.parametrize("which", ["identified", "anonymous"])
def test_no_level_heading_is_left_at_the_foot_of_a_page_and_the_pages_are_saved(
    rich: tuple[Database, str, str], which: str
) -> None:
    """Each page's last line above the footer is never a level's heading; PNGs to look at."""
    from her2poll.services import outcomes

    db, named, anonymous = rich
    pdf = outcomes.outcomes_file(db, named if which == "identified" else anonymous, "pdf").data
    pages = PdfReader(io.BytesIO(pdf)).pages
    headings = []
    for page in pages:
        lines = [ln for ln in page.extract_text().splitlines() if ln.strip()]
        body = [ln for ln in lines if not ln.startswith("her2poll · CME outcomes")]
        headings.append(body[-1])
    assert not [h for h in headings if h.startswith(("Level ", "Methods"))], headings
    text = _pdf_text(pdf)
    assert all(f"Level {n} ·" in text for n in range(1, 6))
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"outcomes-{which}.pdf"
    target.write_bytes(pdf)
    if shutil.which("pdftoppm"):  # installed by scripts/setup.sh: every page as an image
        prefix = ARTIFACTS / f"outcomes-{which}-page"
        subprocess.run(["pdftoppm", "-r", "80", "-png", str(target), str(prefix)], check=True)
        assert len(list(ARTIFACTS.glob(f"outcomes-{which}-page-*.png"))) == len(pages)


def test_the_cli_writes_the_same_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    database = Database(url)
    database.upgrade()
    code, _secret = run_activity(database, "cli-key", identified=False)
    database.dispose()
    out = tmp_path / "report.json"
    r = her2poll("report", code, "--kind", "outcomes", "-o", str(out), "--db", url)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert doc["level3_knowledge"][0]["test"]["p_exact"] == pytest.approx(0.625)
    assert doc["design"] == "matched" and doc["methods"]["bowker"] is False
    r = her2poll("report", code, "--design", "unmatched", "--bowker", "-o", str(out), "--db", url)
    assert r.returncode == 0, r.stderr
    doc = json.loads(out.read_text())
    assert (doc["design"], doc["design_chosen_by"], doc["methods"]["bowker"]) == (
        "unmatched", "caller", True
    )  # fmt: skip
    # unmatched K1: pre 2 right of 7, post 5 of 7: Fisher 2×2
    assert doc["level3_knowledge"][0]["test"]["method"] == "fisher_exact"
    pdf = tmp_path / "report.pdf"
    assert her2poll("report", code, "-o", str(pdf), "--db", url).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = her2poll("report", code, "--format", "pdf", "-o", str(tmp_path / "r.json"), "--db", url)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_the_design_query_is_checked(app: Flask) -> None:
    code, secret = run_activity(get_db(app), app.config["HER2POLL"].secret_key, False)
    res = app.test_client().get(
        f"/api/sessions/{code}/outcomes.json?design=paired",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert (
        res.status_code == 400 and "'auto', 'matched' or 'unmatched'" in res.get_json()["message"]
    )
    doc = json.loads(_get(app, code, secret, "json", "?design=unmatched&bowker=1"))
    assert doc["design"] == "unmatched" and doc["methods"]["bowker"] is True
