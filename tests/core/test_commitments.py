"""Commitment to change per learner: statement and intent, keyed by whatever the caller uses."""

from __future__ import annotations

from pathlib import Path

from her2poll.core import commitments
from her2poll.core.questions import load_question_set

QS = load_question_set(Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json")


def test_each_learner_with_a_statement_or_an_intent_gets_one_row() -> None:
    answers = {
        "P0002": {"CHANGE_TEXT": "  Check LVEF every 3 months ", "CHANGE_INTENT": "L4"},
        "P0001": {"CHANGE_INTENT": "L2", "K1_PRE": "TDXD"},
        "P0003": {"CHANGE_TEXT": "   ", "K1_POST": "TDXD"},  # blank, no intent: no row
        "P0004": {"K1_PRE": "TDM1"},
    }
    got = commitments.rows(QS, answers)
    assert [(c.learner, c.statement, c.intent, c.intent_value) for c in got] == [
        ("P0002", "Check LVEF every 3 months", "Very likely", 4.0),
        ("P0001", "", "Somewhat likely", 2.0),
    ]


def test_the_items_are_found_by_role() -> None:
    said, intent = commitments.items(QS)
    assert ([q.id for q in said], [q.id for q in intent]) == (["CHANGE_TEXT"], ["CHANGE_INTENT"])
