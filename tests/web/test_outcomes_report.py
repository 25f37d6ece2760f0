"""The outcomes report from a real session: 8 phones, identified, pre-only, post-only,
wrong→right; every figure checked against numbers computed by hand here."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from flask import Flask
from openpyxl import load_workbook
from pypdf import PdfReader

from her2poll.core import views
from her2poll.core.polls import Action
from her2poll.core.questions import load_question_set
from her2poll.services import credit, identity
from her2poll.services.sessions import create
from her2poll.store import joins, polls
from her2poll.store.db import Database, get_db
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, record_vote
from testkit.cli import her2poll

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json"

# K1 (right = TDXD): L1–L3 wrong→right, L4 right→right, L5 wrong→wrong, L8 right→wrong,
# L6 only pre, L7 only post. By hand: matched 6, pre-only 1, post-only 1, b = 1, c = 3,
# exact McNemar p = 2·P(Bin(4, ½) ≤ 1) = 2·5/16 = 0.625; mid-p 0.625 − 4/16 = 0.375;
# OR c/b = 3; Chinn d = ln 3 / 1.8138 = 0.6057. Right: pre 2/7, post 5/7.
K1 = {
    "L1": ("TDM1", "TDXD"), "L2": ("LAP", "TDXD"), "L3": ("NER", "TDXD"),
    "L4": ("TDXD", "TDXD"), "L5": ("TDM1", "LAP"), "L6": ("TDM1", None),
    "L7": (None, "TDXD"), "L8": ("TDXD", "TDM1"),
}  # fmt: skip
PHYSICIANS = {"L1", "L2", "L3", "L4", "L5"}


def run_activity(db: Database, key: str) -> tuple[str, str]:
    """Every phone joins, identifies, and answers K1 pre and/or post; returns (code, secret)."""
    new = create(SqlStore(db), load_question_set(EXAMPLE))
    code, sid = new.state.code, new.state.id
    credit.set_mode(db, code, "identified", 0.5)
    phones = {name: joins.attendee_join(db, code, None, views.shows_results) for name in K1}
    for name, joined in phones.items():
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


@pytest.fixture
def activity(app: Flask) -> tuple[str, str]:
    return run_activity(get_db(app), app.config["HER2POLL"].secret_key)


def test_every_figure_of_the_report_against_the_hand_computed_numbers(
    app: Flask, activity: tuple[str, str]
) -> None:
    code, secret = activity
    c = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    doc = c.get(f"/api/sessions/{code}/outcomes.json", headers=headers).get_json()
    p = doc["level1_participation"]
    # 2 items asked (K1_PRE, K1_POST); threshold 50%: everyone answered 1 or 2 → all 8 meet it
    assert (p["learners"], p["items_asked"], p["threshold_met"], p["certificates"]) == (8, 2, 8, 8)
    assert p["pars"] == {"physicians": 5, "other_learners": 3}
    k1 = doc["level3_knowledge"][0]
    assert k1["learners"] == {"matched": 6, "pre_only": 1, "post_only": 1}
    assert doc["summary"]["learners"] == {"matched": 6, "pre_only": 1, "post_only": 1}
    t = k1["test"]
    assert (t["counts"]["b"], t["counts"]["c"]) == (1, 3)
    assert t["p_exact"] == pytest.approx(0.625) and t["p_mid"] == pytest.approx(0.375)
    assert t["odds_ratio"]["estimate"] == pytest.approx(3.0)
    assert t["odds_ratio"]["cohens_d"] == pytest.approx(0.6057, abs=1e-4)
    assert k1["share_right"]["pre"] == pytest.approx(2 / 7)
    assert k1["share_right"]["post"] == pytest.approx(5 / 7)
    # post TDXD by 5 (L1, L2, L3, L4, L7): shown; TDM1 1, LAP 1: suppressed; NER 0: shown
    post = {r["option_id"]: r["count"] for r in k1["counts"]["post"]}
    assert post == {"TDXD": 5, "TDM1": None, "LAP": None, "NER": 0}
    assert k1["verdict"] == "No clear change between pre and post."
    assert all(b["verdict"].startswith("Too few matched") for b in doc["level3_knowledge"][1:])
    pdf = c.get(f"/api/sessions/{code}/outcomes.pdf", headers=headers)
    Path("test-artifacts").mkdir(exist_ok=True)
    Path("test-artifacts/outcomes-report.pdf").write_bytes(pdf.data)
    pages = PdfReader(io.BytesIO(pdf.data)).pages
    text = " ".join(" ".join(pg.extract_text() for pg in pages).split())
    # p-values printed to two significant digits (core.wording.format_p): 0.625 → 0.62
    for figure in ("6 matched, 1 pre only, 1 post only", "PARS: physician learners", "0.62",
                   "0.38", "3.00", "0.61", "Right: pre 29%, post 71%", "Too few matched",
                   "Methods"):  # fmt: skip
        assert figure in text, figure
    assert "Dr L1" not in text  # no name in the report

    xlsx = c.get(f"/api/sessions/{code}/outcomes.xlsx", headers=headers)
    ws = load_workbook(io.BytesIO(xlsx.data))["3 Knowledge"]
    head = [cell.value for cell in ws[1]]
    row = dict(zip(head, [cell.value for cell in ws[2]], strict=True))
    assert (row["matched"], row["b_right_to_wrong"], row["c_wrong_to_right"]) == (6, 1, 3)
    assert row["mcnemar_p_exact"] == pytest.approx(0.625)
    assert c.get(f"/api/sessions/{code}/outcomes.pdf").status_code == 403


def test_the_cli_writes_the_same_report(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    database = Database(url)
    database.upgrade()
    code, _secret = run_activity(database, "cli-key")
    database.dispose()
    out = tmp_path / "report.json"
    r = her2poll("report", code, "--kind", "outcomes", "-o", str(out), "--db", url)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["level3_knowledge"][0]["test"]["p_exact"] == pytest.approx(
        0.625
    )
    pdf = tmp_path / "report.pdf"
    assert her2poll("report", code, "-o", str(pdf), "--db", url).returncode == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    bad = her2poll("report", code, "--format", "pdf", "-o", str(tmp_path / "r.json"), "--db", url)
    assert bad.returncode != 0 and "Traceback" not in bad.stderr
