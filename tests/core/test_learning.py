"""Pre/post twins and the learning outcomes they feed (Moore level 3), with hand-worked values."""

from __future__ import annotations

from typing import Any

import pytest

from her2poll.core.errors import QuestionSetError
from her2poll.core.learning import learning_outcomes, pairs
from her2poll.core.outcomes import Design
from her2poll.core.questions import parse_question_set

OPTS = [{"id": i, "text": f"Option {i}"} for i in "ABCD"]
POINTS = [{"id": f"P{v}", "text": f"{v}", "value": v} for v in (1, 2, 3, 4)]


def activity(*items: dict[str, Any]) -> Any:
    return parse_question_set(
        {"format_version": 2, "id": "a", "title": "t", "questions": list(items)}
    )


def pre_post(qid: str, **item: Any) -> list[dict[str, Any]]:
    return [
        {"id": f"{qid}_PRE", "phase": "pre", **item},
        {"id": f"{qid}_POST", "phase": "post", "twin_of": f"{qid}_PRE", **item},
    ]


KC = {"text": "Best second-line therapy?", "options": OPTS, "correct": ["A"]}
SCALE = {"type": "rating", "text": "How confident are you treating X?", "options": POINTS}
OPEN = {"type": "text", "text": "What will you change?"}


def test_a_post_twin_must_repeat_its_pre_item_word_for_word_and_in_order() -> None:
    ok = activity(*pre_post("K", **KC))
    assert [(p.pre.id, p.post.id) for p in pairs(ok)] == [("K_PRE", "K_POST")]
    reordered = pre_post("K", **KC)
    reordered[1] = {**reordered[1], "options": list(reversed(OPTS))}
    with pytest.raises(QuestionSetError, match="K_POST must repeat K_PRE.*options"):
        activity(*reordered)
    reworded = pre_post("K", **KC)
    reworded[1] = {**reworded[1], "text": "Best 2nd-line therapy?"}
    with pytest.raises(QuestionSetError, match="differ in: text"):
        activity(*reworded)
    # the rationale and the countdown may differ: they are not what is measured
    free = pre_post("K", **KC)
    free[1] = {**free[1], "rationale": "Because DESTINY-Breast03.", "timer_seconds": 30}
    activity(*free)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"id": "Q", "text": "?", "options": OPTS, "twin_of": "P"}], "only a post-test item"),
        ([{"id": "P", "text": "?", "options": OPTS},
          {"id": "Q", "phase": "post", "text": "?", "options": OPTS, "twin_of": "P"}],
         "must name a pre-test item"),
        ([{"id": "P", "phase": "pre", "text": "?", "options": OPTS},
          {"id": "Q", "phase": "post", "text": "?", "options": OPTS, "twin_of": "P"},
          {"id": "R", "phase": "post", "text": "?", "options": OPTS, "twin_of": "P"}],
         "two post twins"),
    ],
)  # fmt: skip
def test_a_twin_that_names_the_wrong_item_is_refused(items: list[dict], message: str) -> None:
    with pytest.raises(QuestionSetError, match=message):
        activity(*items)


def test_eight_learners_pre_only_post_only_and_wrong_to_right() -> None:
    """Worked by hand.

    Knowledge check (right = A): L1–L3 wrong→right, L4 right→right, L5 wrong→wrong,
    L8 right→wrong; L6 answers only pre, L7 only post. Matched 6, pre-only 1,
    post-only 1; b (right→wrong) = 1, c (wrong→right) = 3.
    Exact McNemar: X ~ Bin(4, ½), p = 2·P(X ≤ 1) = 2·5/16 = 0.625 (McNemar 1947;
    the binomial by hand); mid-p = 0.625 − P(X = 1) = 0.625 − 4/16 = 0.375
    (Fagerland et al. 2013); odds ratio c/b = 3; Chinn's d = ln 3 / 1.8138 = 0.6057.
    """
    acts = activity(*pre_post("K", **KC), *pre_post("C", **SCALE), *pre_post("T", **OPEN))
    pre, post = "K_PRE", "K_POST"
    answers: dict[str, dict[str, Any]] = {
        "L1": {pre: "B", post: "A"}, "L2": {pre: "C", post: "A"}, "L3": {pre: "D", post: "A"},
        "L4": {pre: "A", post: "A"}, "L5": {pre: "B", post: "C"}, "L6": {pre: "B"},
        "L7": {post: "A"}, "L8": {pre: "A", post: "D"},
    }  # fmt: skip
    for learner, scale in zip(
        answers, ["P1", "P2", "P2", "P3", "P1", "P2", "P4", "P3"], strict=True
    ):
        answers[learner]["C_PRE"] = scale
        answers[learner]["C_POST"] = "P4" if learner != "L6" else None
    for learner in answers:
        if answers[learner]["C_POST"] is None:
            del answers[learner]["C_POST"]
        answers[learner]["T_POST"] = "Screen earlier"
    result = learning_outcomes(acts, answers, Design.MATCHED)
    k = next(o for o in result.tested if o.item_id == "K_PRE")
    assert k.learners.to_dict() == {"matched": 6, "pre_only": 1, "post_only": 1}
    body = k.result.to_dict()
    assert body["test"] == "mcnemar"
    assert (body["counts"]["b"], body["counts"]["c"]) == (1, 3)
    assert body["p_exact"] == pytest.approx(0.625)
    assert body["p_mid"] == pytest.approx(0.375)
    assert body["odds_ratio"]["estimate"] == pytest.approx(3.0)
    assert body["odds_ratio"]["cohens_d"] == pytest.approx(0.6057, abs=1e-4)
    assert body["code"] == "no_clear_change"
    # the scale is analysed as categories, the open text only counted
    c = next(o for o in result.tested if o.item_id == "C_PRE")
    scale = c.result.to_dict()
    assert scale["test"] == "stuart_maxwell" and scale["n_matched"] == 7  # all but L6
    # pre rows × post columns: P1→P4 (L1, L5), P2→P4 (L2, L3), P3→P4 (L4, L8), P4→P4 (L7)
    assert scale["table"] == [[0, 0, 0, 2], [0, 0, 0, 2], [0, 0, 0, 2], [0, 0, 0, 1]]
    assert result.counts_only["T_PRE"].to_dict() == {"matched": 0, "pre_only": 0, "post_only": 8}
    # across the activity, every learner answered some pre item (C_PRE) and some post item
    # (T_POST), so all eight are matched there even though L6 and L7 are not on K
    assert result.summary.learners.to_dict() == {"matched": 8, "pre_only": 0, "post_only": 0}
    assert result.summary.items_tested == 2


def test_an_anonymous_room_is_compared_as_two_groups() -> None:
    acts = activity(*pre_post("K", **KC))
    # pre: 1 right of 4; post: 4 right of 4 (different people).
    answers = {f"A{i}": {"K_PRE": "A" if i == 0 else "B"} for i in range(4)}
    answers |= {f"B{i}": {"K_POST": "A"} for i in range(4)}
    result = learning_outcomes(acts, answers, Design.UNMATCHED)
    body = result.tested[0].result.to_dict()
    # Fisher exact, two-sided, on [[1, 3], [4, 0]]: the hypergeometric P(k right of 4 pre)
    # is 5, 30, 30, 5 / 70 for k = 1..4; k = 1 and k = 4 are as extreme: p = 10/70 = 0.1429
    assert body["p_value"] == pytest.approx(0.142857, abs=1e-5)
