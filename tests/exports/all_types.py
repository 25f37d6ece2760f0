"""A session of examples/all-item-types.json run through the services, as phones and a
moderator would: six learners, every item type, a knowledge check with confidence, a
changed answer, an open-text answer hidden by the word filter and one by the moderator.

The figures each item must show are worked out by hand below (``EXPECTED``), so the
tests compare every export with arithmetic, not with the code under test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.services import control, joining, sessions, voting
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.votes import VoteIn, VoteResult, record_vote
from testkit.servers import ROOT

EXAMPLE = ROOT / "examples" / "all-item-types.json"
EVIL_TEXT = '=HYPERLINK("http://evil.example","MRI")'

#: Per learner (P1…P6), per item: the answer as the phone sends it (None: no answer).
ANSWERS: dict[str, list[Any]] = {
    "CASE1": ["TDXD", "TDXD", "TDXD", "TDM1", "LAP", "TDXD"],
    "SCREEN": [
        ["LVEF", "ILD", "CBC"],
        ["LVEF", "ILD"],
        ["LVEF", "ILD", "CBC", "DPD"],
        ["CBC"],
        ["CBC", "ILD", "LVEF"],
        None,
    ],  # fmt: skip
    "LIKELY": ["VU", "SU", "L", "L", "VL", "L"],
    "SHARE": [10, 20, 25, 30, 35, 95],
    "BARRIER": [
        "No MRI slots",
        "Time and MRI access",
        "stupid rules",
        "Cost of MRI",
        EVIL_TEXT,
        None,
    ],  # fmt: skip
    "PRIORITY": [
        ["QOL", "PFS", "CNS"],
        ["CNS", "QOL", "TOX"],
        ["QOL", "CNS", "PFS"],
        ["PFS", "QOL", "CNS"],
        None,
        None,
    ],  # fmt: skip
}
CONFIDENCE = [4, 3, 4, 2, 1, None]  # CASE1 only
#: P4 first answered LAP, then changed to TDM1.
FIRST_CASE1_OF_P4 = "LAP"
#: Answered by the last learner first: the order given is not the join order.
ANSWERED_LAST_FIRST = ("SHARE", "BARRIER")
#: The moderator hides P4's text; P3's holds a filtered word and arrives hidden.
HIDDEN_BY_MODERATOR = "Cost of MRI"

EXPECTED: dict[str, dict[str, Any]] = {
    "CASE1": {"n": 6, "counts": {"TDXD": 4, "TDM1": 1, "LAP": 1, "NER": 0},
              "percent": {"TDXD": 67, "TDM1": 17, "LAP": 16, "NER": 0},
              "correct": {"n": 4, "of": 6, "percent": 67},
              "confidence": {"n": 5, "counts": {"1": 1, "2": 1, "3": 1, "4": 2}, "mean": 14 / 5}},
    "SCREEN": {"n": 5, "selections": 13, "counts": {"LVEF": 4, "ILD": 4, "CBC": 4, "DPD": 1},
               "percent": {"LVEF": 80, "ILD": 80, "CBC": 80, "DPD": 20},
               "correct": {"n": 2, "of": 5, "percent": 40}},
    "LIKELY": {"n": 6, "counts": {"VU": 1, "SU": 1, "L": 3, "VL": 1},
               "percent": {"VU": 17, "SU": 17, "L": 50, "VL": 16}, "median": 3.0,
               "mean": 16 / 6},
    "SHARE": {"n": 6, "median": 27.5, "q1": 21.25, "q3": 33.75, "iqr": 12.5, "min": 10,
              "max": 95, "outliers": [95]},
    "BARRIER": {"n": 5, "shown": 3, "hidden": 2},
    "PRIORITY": {"n": 4, "order": ["QOL", "CNS", "PFS", "TOX"],
                 "borda": {"QOL": 10, "CNS": 7, "PFS": 6, "TOX": 1},
                 "mean_rank": {"QOL": 1.5, "CNS": 2.25, "PFS": 2.0, "TOX": 3.0},
                 "ranked_by": {"QOL": 4, "CNS": 4, "PFS": 3, "TOX": 1}},
}  # fmt: skip

#: What responses.csv says of each answer in 'answer_text', per item, for P1.
P1_ANSWER_TEXT = {
    "CASE1": "Trastuzumab deruxtecan",
    "SCREEN": "Left ventricular ejection fraction; Baseline chest imaging for interstitial "
    "lung disease; Blood counts",
    "LIKELY": "Very unlikely",
    "SHARE": "10 %",
    "BARRIER": "No MRI slots",
    "PRIORITY": "1. Quality of life; 2. Progression-free survival; 3. Activity in the brain",
}


class StoreSink:
    """The vote sink without the group-commit writer: each vote committed on its own."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def submit(self, vote: VoteIn) -> VoteResult:  # type: ignore[override]
        return record_vote(self.db, vote)


@dataclass(frozen=True)
class AllTypes:
    db: Database
    code: str
    secret: str
    session_id: int
    questions: QuestionSet


def _field(qs: QuestionSet, qid: str, answer: Any) -> dict[str, Any]:
    field = qs.question(qid).answer_field  # type: ignore[union-attr]
    return {"option_id": answer} if field == "option_id" else {field: answer}


def run_all_types(db: Database, title: str | None = None) -> AllTypes:
    """Open, answer, close and reveal every item in order, through the services."""
    store, sink = SqlStore(db), StoreSink(db)
    qs = load_question_set(EXAMPLE)
    new = sessions.create(store, qs, title)
    code = new.state.code
    people = [joining.join(store, "test-key", joining.JoinRequest(code)).member for _ in range(6)]
    for q in qs.questions:
        control.control(store, code, "open", q.id)
        if q.id == "CASE1":
            voting.cast_vote(sink, people[3], q.id, FIRST_CASE1_OF_P4, "first-p4")
        given = list(enumerate(zip(people, ANSWERS[q.id], strict=True)))
        if q.id in ANSWERED_LAST_FIRST:
            given.reverse()
        for i, (member, answer) in given:
            if answer is None:
                continue
            fields = _field(qs, q.id, answer)
            level = CONFIDENCE[i] if q.confidence else None
            voting.cast_vote(
                sink, member, q.id, fields.pop("option_id", None), f"v-{q.id}-{i}",
                confidence=level, **fields,
            )  # fmt: skip
        control.control(store, code, "close", q.id)
        control.control(store, code, "reveal", q.id)
    hide = next(
        a["id"]
        for a in store.snapshot(new.state.id).tallies["BARRIER"].to_dict()["answers"]
        if a["text"] == HIDDEN_BY_MODERATOR
    )
    control.hide_answer(store, code, hide, True)
    return AllTypes(db, code, new.moderator_secret, new.state.id, qs)
