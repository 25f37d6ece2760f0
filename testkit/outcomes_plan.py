"""Eight learners of a pre/post CME activity and what each answers, by hand.

Played in Chromium by tests/e2e/test_outcomes.py; read into the report directly by
tests/core/test_outcomes_report.py.

examples/cme-activity.json, played by eight phones L1–L8. Option ids as in the example
(the test taps each option by its text). ``(option, n)``: the answer and its "how sure are
you?" level n (1–4). L1–L6 answer before and after (matched), L7 only the pre-test (it
leaves after it), L8 only the talk, the post-test and the evaluation (it came late).

=======  =========  =========  ======  =======  =====  =====  ==============================
learner  K1 (TDXD)  K2 (ILD)   K3      K4       CONF   TALK1  evaluation (obj/rel/bias/fmt)
=======  =========  =========  ======  =======  =====  =====  ==============================
L1       W1 → R3    W1 → R3    W → R   W → R    C1→C2  ONC    A4 A4 YES A4, intent L4
L2       W2 → R4    W2 → R3    W → R   W → R    C1→C3  MDT    A4 A4 NO (comment) A3, L4
L3       W1 → R3    W2 → R4    W → R   R → R    C2→C3  MDT    A4 A4 YES A4, L3
L4       W2 → R3    R3 → R3    W → R   W → W    C2→C3  –      A4 A4 YES A3, L4
L5       W1 → R4    R2 → W     R → R   R → W    C3→C2  –      A3 A4 NO (comment) A2, L2
L6       W2 → R4    W → W2     R → W   R → –    C3→C3  –      A4 A4 YES A4, L3, no statement
L7       – → –      W2 → –     R → –   W → –    C2→–   –      – (left after the pre-test)
L8       – → –      – → R3     – → W   – → R    –→C3   OTHER  A3 A4 YES A3, L3
=======  =========  =========  ======  =======  =====  =====  ==============================

(W/R: wrong/right; the digit: how sure.) K1 is the teaching point nobody knew: every
learner who answered it got it wrong before and right after, and L7 and L8 skipped it.
Identities (identified run): everyone but L6, who declines the form; physicians L1, L2, L4,
L7; other health professionals L3, L5, L8.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .disclosure import PairTruth, Truth

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "cme-activity.json"
ITEMS: dict[str, dict[str, Any]] = {
    q["id"]: q for q in json.loads(EXAMPLE.read_text())["questions"]
}

#: The "how sure are you?" buttons, by level.
SURE = {1: "1 · Not sure", 2: "2 · Somewhat sure", 3: "3 · Fairly sure", 4: "4 · Very sure"}

BRAND = "One slide named a brand."
SPONSOR = "Only the sponsor's trial was shown."

PRE: dict[str, dict[str, Any]] = {
    "L1": {"K1_PRE": ("TDM1", 1), "K2_PRE": ("HYPERGLY", 1), "K3_PRE": "PERT", "K4_PRE": "Q12M",
           "CONF_PRE": "C1"},
    "L2": {"K1_PRE": ("LAP", 2), "K2_PRE": ("NEURO", 2), "K3_PRE": "TDM1", "K4_PRE": "NEVER",
           "CONF_PRE": "C1"},
    "L3": {"K1_PRE": ("TDM1", 1), "K2_PRE": ("HTN", 2), "K3_PRE": "PERT", "K4_PRE": "Q3M",
           "CONF_PRE": "C2"},
    "L4": {"K1_PRE": ("NER", 2), "K2_PRE": ("ILD", 3), "K3_PRE": "PERT", "K4_PRE": "Q12M",
           "CONF_PRE": "C2"},
    "L5": {"K1_PRE": ("TDM1", 1), "K2_PRE": ("ILD", 2), "K3_PRE": "TUC", "K4_PRE": "Q3M",
           "CONF_PRE": "C3"},
    "L6": {"K1_PRE": ("LAP", 2), "K2_PRE": "NEURO", "K3_PRE": "TUC", "K4_PRE": "Q3M",
           "CONF_PRE": "C3"},
    "L7": {"K2_PRE": ("NEURO", 2), "K3_PRE": "TUC", "K4_PRE": "Q12M", "CONF_PRE": "C2"},
}  # fmt: skip

TALK = {"L1": "ONC", "L2": "MDT", "L3": "MDT", "L8": "OTHER"}

POST: dict[str, dict[str, Any]] = {
    "L1": {"K1_POST": ("TDXD", 3), "K2_POST": ("ILD", 3), "K3_POST": "TUC", "K4_POST": "Q3M",
           "CONF_POST": "C2"},
    "L2": {"K1_POST": ("TDXD", 4), "K2_POST": ("ILD", 3), "K3_POST": "TUC", "K4_POST": "Q3M",
           "CONF_POST": "C3"},
    "L3": {"K1_POST": ("TDXD", 3), "K2_POST": ("ILD", 4), "K3_POST": "TUC", "K4_POST": "Q3M",
           "CONF_POST": "C3"},
    "L4": {"K1_POST": ("TDXD", 3), "K2_POST": ("ILD", 3), "K3_POST": "TUC", "K4_POST": "NEVER",
           "CONF_POST": "C3"},
    "L5": {"K1_POST": ("TDXD", 4), "K2_POST": "HTN", "K3_POST": "TUC", "K4_POST": "Q12M",
           "CONF_POST": "C2"},
    "L6": {"K1_POST": ("TDXD", 4), "K2_POST": ("HYPERGLY", 2), "K3_POST": "PERT",
           "CONF_POST": "C3"},
    "L8": {"K2_POST": ("ILD", 3), "K3_POST": "PERT", "K4_POST": "Q3M", "CONF_POST": "C3"},
}  # fmt: skip

STATEMENTS = {
    "L1": "Check LVEF every 3 months during trastuzumab",
    "L2": "Offer trastuzumab deruxtecan second line",
    "L3": "Ask about cough and breathlessness at every visit",
    "L4": "Refer to the tumour board earlier",
    "L5": "Use tucatinib for active brain metastases",
    "L8": "Review pneumonitis grading with the team",
}


def _evaluation(obj: str, bias: str, fmt: str, intent: str, who: str) -> dict[str, Any]:
    answers: dict[str, Any] = {"EVAL_OBJECTIVES": obj, "EVAL_RELEVANCE": "A4", "EVAL_BIAS": bias,
                               "EVAL_FORMAT": fmt, "CHANGE_INTENT": intent}  # fmt: skip
    if who in STATEMENTS:
        answers["CHANGE_TEXT"] = STATEMENTS[who]
    return answers


EVALUATION: dict[str, dict[str, Any]] = {
    "L1": _evaluation("A4", "YES", "A4", "L4", "L1"),
    "L2": {**_evaluation("A4", "NO", "A3", "L4", "L2"), "EVAL_BIAS_COMMENT": BRAND},
    "L3": _evaluation("A4", "YES", "A4", "L3", "L3"),
    "L4": _evaluation("A4", "YES", "A3", "L4", "L4"),
    "L5": {**_evaluation("A3", "NO", "A2", "L2", "L5"), "EVAL_BIAS_COMMENT": SPONSOR},
    "L6": _evaluation("A4", "YES", "A4", "L3", "L6"),
    "L8": _evaluation("A3", "YES", "A3", "L3", "L8"),
}

#: Identified run: name, profession; L6 declines the form.
IDENTITIES = {
    "L1": ("Dr L1 Adler", "physician"),
    "L2": ("Dr L2 Berg", "physician"),
    "L3": ("L3 Costa", "other"),
    "L4": ("Dr L4 Dahl", "physician"),
    "L5": ("L5 Eze", "other"),
    "L7": ("Dr L7 Gray", "physician"),
    "L8": ("L8 Holm", "other"),
}

LEARNERS = [f"L{i}" for i in range(1, 9)]


def answered(who: str) -> int:
    """Items this learner answers (the attendance's items answered)."""
    sides = (PRE, {k: {"TALK1": v} for k, v in TALK.items()}, POST, EVALUATION)
    return sum(len(side.get(who, {})) for side in sides)


def option_text(qid: str, option: str) -> str:
    return str(next(o["text"] for o in ITEMS[qid]["options"] if o["id"] == option))


def answers_and_sure() -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, int]]]:
    """The answer table as the report takes it: learner -> item -> answer, and "how sure"."""
    answers: dict[str, dict[str, Any]] = {}
    sure: dict[str, dict[str, int]] = {}
    talk = {who: {"TALK1": option} for who, option in TALK.items()}
    for phase in (PRE, talk, POST, EVALUATION):
        for who, items in phase.items():
            for qid, answer in items.items():
                option, level = answer if isinstance(answer, tuple) else (answer, None)
                answers.setdefault(who, {})[qid] = option
                if level is not None:
                    sure.setdefault(who, {})[qid] = level
    return answers, sure


# --- the true counts, by hand from the table above ------------------------------------------
# (the anonymous report must show exactly these; the identified one hides some of them)

TRUTH = Truth(
    learners=8,
    # matched: L1–L6 answered some pre and some post item; L7 only pre; L8 only post
    activity=(6, 1, 1),
    pairs={
        # K1: pre L1 TDM1, L2 LAP, L3 TDM1, L4 NER, L5 TDM1, L6 LAP; post L1–L6 TDXD
        "K1_PRE": PairTruth(
            (6, 6),
            (6, 0, 0),
            {"TDXD": 0, "TDM1": 3, "LAP": 2, "NER": 1},
            {"TDXD": 6, "TDM1": 0, "LAP": 0, "NER": 0},
            ("TDXD",),
            (0, 0, 6, 0),
        ),
        # K2: pre L1 HYPERGLY, L2 NEURO, L3 HTN, L4 ILD, L5 ILD, L6 NEURO, L7 NEURO;
        # post L1–L4 ILD, L5 HTN, L6 HYPERGLY, L8 ILD. a = L4, b = L5, c = L1–L3, d = L6
        "K2_PRE": PairTruth(
            (7, 7),
            (6, 1, 1),
            {"ILD": 2, "HYPERGLY": 1, "NEURO": 3, "HTN": 1},
            {"ILD": 5, "HYPERGLY": 1, "NEURO": 0, "HTN": 1},
            ("ILD",),
            (1, 1, 3, 1),
        ),
        # K3: pre L1 PERT, L2 TDM1, L3 PERT, L4 PERT, L5–L7 TUC; post L1–L5 TUC, L6 PERT,
        # L8 PERT. a = L5, b = L6, c = L1–L4, d = none
        "K3_PRE": PairTruth(
            (7, 7),
            (6, 1, 1),
            {"TUC": 3, "PERT": 3, "TDM1": 1},
            {"TUC": 5, "PERT": 2, "TDM1": 0},
            ("TUC",),
            (1, 1, 4, 0),
        ),
        # K4: pre L1 Q12M, L2 NEVER, L3 Q3M, L4 Q12M, L5 Q3M, L6 Q3M, L7 Q12M; post L1–L3
        # Q3M, L4 NEVER, L5 Q12M, L8 Q3M (L6 skipped it). Matched L1–L5: a = L3, b = L5,
        # c = L1 L2, d = L4; pre only L6 L7; post only L8
        "K4_PRE": PairTruth(
            (7, 6),
            (5, 2, 1),
            {"Q3M": 3, "Q12M": 3, "NEVER": 1},
            {"Q3M": 4, "Q12M": 1, "NEVER": 1},
            ("Q3M",),
            (1, 1, 2, 1),
        ),
        # CONF: pre L1 L2 C1, L3 L4 L7 C2, L5 L6 C3; post L1 L5 C2, L2 L3 L4 L6 L8 C3.
        # Matched pairs (pre row → post column): C1→C2 L1, C1→C3 L2, C2→C3 L3 L4,
        # C3→C2 L5, C3→C3 L6
        "CONF_PRE": PairTruth(
            (7, 7),
            (6, 1, 1),
            {"C1": 2, "C2": 3, "C3": 2, "C4": 0},
            {"C1": 0, "C2": 2, "C3": 5, "C4": 0},
            (),
            (0, 1, 1, 0, 0, 0, 2, 0, 0, 1, 1, 0, 0, 0, 0, 0),
        ),
    },  # fmt: skip
    singles={
        # L1–L6 and L8 answered the evaluation (7); L5 and L8 "Agree", the rest "Strongly"
        "EVAL_OBJECTIVES": {"A1": 0, "A2": 0, "A3": 2, "A4": 5},
        "EVAL_RELEVANCE": {"A1": 0, "A2": 0, "A3": 0, "A4": 7},
        "EVAL_BIAS": {"YES": 5, "NO": 2},  # No: L2, L5
        # A4: L1 L3 L6; A3: L2 L4 L8; A2: L5
        "EVAL_FORMAT": {"A1": 0, "A2": 1, "A3": 3, "A4": 3},
        # L4: L1 L2 L4; L3: L3 L6 L8; L2: L5
        "CHANGE_INTENT": {"L1": 0, "L2": 1, "L3": 3, "L4": 3},
    },
    # "how sure": K1 L1–L6 both sides; K2 pre L1–L5 L7, post L1–L4 L6 L8, both L1–L4
    sure={"K1_PRE": (6, 6, 6), "K2_PRE": (6, 6, 4)},
    conditions={"EVAL_BIAS_COMMENT": ("EVAL_BIAS", ("NO",))},
)
