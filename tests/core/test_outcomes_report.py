"""The outcomes report's document by Moore's level, checked against hand-computed numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from her2poll.core.outcomes_report import report
from her2poll.core.questions import load_question_set

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json"


@pytest.fixture(scope="module")
def doc() -> dict:
    """Eight learners on K1 (right = TDXD), as tests/core/test_learning.py's worked case.

    L1–L3 wrong→right, L4 right→right, L5 wrong→wrong, L8 right→wrong, L6 only pre,
    L7 only post: matched 6, pre-only 1, post-only 1, b = 1, c = 3; exact McNemar
    p = 2·P(Bin(4, ½) ≤ 1) = 0.625 (by hand). Pre right 2 of 7, post right 5 of 7.
    """
    qs = load_question_set(EXAMPLE)
    k1 = {
        "L1": ("TDM1", "TDXD"), "L2": ("LAP", "TDXD"), "L3": ("NER", "TDXD"),
        "L4": ("TDXD", "TDXD"), "L5": ("TDM1", "LAP"), "L8": ("TDXD", "TDM1"),
        "L6": ("TDM1", None), "L7": (None, "TDXD"),
    }  # fmt: skip
    answers: dict[str, dict[str, object]] = {}
    for learner, (pre, post) in k1.items():
        a = answers.setdefault(learner, {})
        if pre:
            a["K1_PRE"] = pre
        if post:
            a["K1_POST"] = post
    for i, learner in enumerate(["L1", "L2", "L3"]):
        answers[learner]["EVAL_BIAS"] = "YES"
        answers[learner]["CHANGE_TEXT"] = f"I will check LVEF every 3 months ({i})"
    sure = {"L1": {"K1_PRE": 1, "K1_POST": 4}, "L2": {"K1_PRE": 2, "K1_POST": 3}}
    return report(qs, answers, sure, {"learners": 8}, identified=True)  # type: ignore[arg-type]


def test_level3_the_knowledge_check_matches_the_hand_computed_case(doc: dict) -> None:
    (k1, *_rest) = doc["level3_knowledge"]
    assert k1["learners"] == {"matched": 6, "pre_only": 1, "post_only": 1}
    assert k1["answered"] == {"pre": 7, "post": 7}
    assert k1["share_right"] == {"pre": pytest.approx(2 / 7), "post": pytest.approx(5 / 7)}
    assert k1["test"]["counts"]["b"] == 1 and k1["test"]["counts"]["c"] == 3
    assert k1["test"]["p_exact"] == pytest.approx(0.625)
    assert k1["code"] == "no_clear_change"
    # the other three knowledge checks had no answers: too few to tell, said plainly
    assert [b["verdict"].startswith("Too few matched") for b in doc["level3_knowledge"][1:]] == [
        True, True, True
    ]  # fmt: skip


def test_identified_counts_under_five_are_suppressed(doc: dict) -> None:
    (k1, *_rest) = doc["level3_knowledge"]
    pre = {c["option_id"]: c["count"] for c in k1["counts"]["pre"]}
    # pre answers: TDM1 ×3 (L1, L5, L6), TDXD ×2, LAP ×1, NER ×1: all under 5
    assert pre == {"TDXD": None, "TDM1": None, "LAP": None, "NER": None}
    bias = next(b for b in doc["level2_satisfaction"] if b["id"] == "EVAL_BIAS")
    assert [c["count"] for c in bias["counts"]] == [None, 0]


def test_levels_hold_the_right_items(doc: dict) -> None:
    assert [b["id"] for b in doc["level2_satisfaction"]] == [
        "EVAL_OBJECTIVES", "EVAL_RELEVANCE", "EVAL_BIAS", "EVAL_BIAS_COMMENT", "EVAL_FORMAT"
    ]  # fmt: skip
    assert [b["id"] for b in doc["level5_commitment"]] == ["CHANGE_TEXT", "CHANGE_INTENT"]
    assert doc["level5_commitment"][0]["statements"] == 3
    (conf_k1, _k2) = doc["level4_competence"]["confidence"]
    assert (conf_k1["mean_pre"], conf_k1["mean_post"], conf_k1["mean_change_matched"]) == (
        1.5, 3.5, 2.0
    )  # fmt: skip
    assert [b["pre_id"] for b in doc["level4_competence"]["items"]] == ["CONF_PRE"]
