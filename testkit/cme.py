"""A realistic CME activity run into a database: phones join, identify, answer every item.

The outcomes report, the panel's CME card and the exports are checked and looked
at on this one activity (``examples/cme-activity.json``), played by a seeded
random audience so every run has the same answers:

- most learners answer the four knowledge checks before and after, better after;
  a few answer only before or only after (response rates fall between pre and post);
- "how sure are you?" rises, the confidence rating rises;
- the evaluation: most agree, two say the activity was not free of commercial bias
  (a cell under 5: suppressed when identified) and say why;
- commitment to change: a statement and an intent per learner who stays.

It writes through the store, as the live handlers do, so the server under test
(or a Flask app) reads what a session would hold.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cme-activity.json"

STATEMENTS = [
    "Check LVEF every 3 months during trastuzumab",
    "Offer trastuzumab deruxtecan second line",
    "Ask about cough and breathlessness at every visit",
    "Refer to the tumour board earlier",
    "Use tucatinib for active brain metastases",
    "Review pneumonitis grading with the team",
]


@dataclass(frozen=True)
class Activity:
    code: str
    secret: str
    #: public id → the name it identified with (identified activities only)
    names: dict[str, str]


def _knowledge(rng: random.Random, item: Any, after: bool) -> str:
    right = item.correct[0]
    if rng.random() < (0.8 if after else 0.35):
        return str(right)
    return rng.choice([o.id for o in item.options if o.id != right])


def _plan(rng: random.Random, learners: int, questions: Any) -> dict[int, dict[str, Any]]:
    """Learner index → question id → (answer, confidence or None)."""
    by_id = {q.id: q for q in questions.questions}
    plan: dict[int, dict[str, Any]] = {}
    for i in range(learners):
        pre_only, post_only = i < 3, 3 <= i < 5
        mine: dict[str, Any] = {}
        for k in ("K1", "K2", "K3", "K4"):
            for side, after in (("PRE", False), ("POST", True)):
                if (after and pre_only) or (not after and post_only):
                    continue
                item = by_id[f"{k}_{side}"]
                sure = rng.randint(3, 4) if after else rng.randint(1, 3)
                mine[item.id] = (_knowledge(rng, item, after), sure if item.confidence else None)
        if not post_only:
            mine["CONF_PRE"] = (rng.choice(["C1", "C2", "C2", "C3"]), None)
        if not pre_only:
            mine["CONF_POST"] = (rng.choice(["C2", "C3", "C3", "C4"]), None)
            mine["TALK1"] = (rng.choice(["ONC", "MDT", "MDT", "OTHER"]), None)
            for e in ("EVAL_OBJECTIVES", "EVAL_RELEVANCE", "EVAL_FORMAT"):
                mine[e] = (rng.choice(["A2", "A3", "A3", "A4", "A4"]), None)
            mine["EVAL_BIAS"] = ("NO" if i in (7, 11) else "YES", None)
            if i in (7, 11):
                why = "Too much about one product" if i == 7 else "The sponsor's slides were used"
                mine["EVAL_BIAS_COMMENT"] = (why, None)
            mine["CHANGE_TEXT"] = (f"{STATEMENTS[i % len(STATEMENTS)]} ({i})", None)
            mine["CHANGE_INTENT"] = (rng.choice(["L2", "L3", "L3", "L4", "L4"]), None)
        plan[i] = mine
    return plan


def run_cme_activity(
    db: Any, key: str, learners: int = 40, identified: bool = True, seed: int = 13
) -> Activity:
    """Create a session of the example activity and play its audience into ``db``.

    :param key: the server's secret key (the identities are sent with signed tokens).
    """
    from her2poll.core import views
    from her2poll.core.polls import Action
    from her2poll.core.questions import load_question_set
    from her2poll.services import credit, identity
    from her2poll.services.sessions import create
    from her2poll.store import joins, polls
    from her2poll.store.repository import SqlStore
    from her2poll.store.votes import VoteIn, record_vote

    questions = load_question_set(EXAMPLE)
    new = create(SqlStore(db), questions, "HER2 pre/post activity")
    code, sid = new.state.code, new.state.id
    credit.set_mode(db, code, "identified" if identified else "anonymous", 0.5)
    rng = random.Random(seed)
    phones = [joins.attendee_join(db, code, None, views.shows_results) for _ in range(learners)]
    names: dict[str, str] = {}
    if identified:
        for i, joined in enumerate(phones[:-2]):  # two stay anonymous: no certificate
            public_id = joined.participant.public_id
            names[public_id] = f"Dr Learner {i:02d}"
            credit.submit_identity(db, key, code, identity.sign(key, code, public_id), {
                "consent": True, "name": names[public_id], "email": f"l{i:02d}@example.org",
                "profession": "physician" if i % 3 else "other",
            })  # fmt: skip
    plan = _plan(rng, learners, questions)
    for item in questions.questions:
        polls.apply_action(db, code, item.id, Action.OPEN)
        for i, joined in enumerate(phones):
            if item.id not in plan[i]:
                continue
            answer, sure = plan[i][item.id]
            text = answer if item.type == "text" else None
            option = None if text else answer
            vote = VoteIn(sid, joined.participant.id, item.id, option, f"v{i}{item.id}",
                          text=text, confidence=sure)  # fmt: skip
            assert record_vote(db, vote).ok
        polls.apply_action(db, code, item.id, Action.CLOSE)
    return Activity(code, new.moderator_secret, names)
