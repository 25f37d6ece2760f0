"""The outcomes report's document by Moore's level, checked against hand-computed numbers."""

from __future__ import annotations

import copy
import itertools
import math
from pathlib import Path
from typing import Any

import pytest

from her2poll.core.outcomes import Design
from her2poll.core.outcomes_report import report
from her2poll.core.questions import load_question_set
from her2poll.core.suppression import PRIMARY, SECONDARY
from testkit import outcomes_plan
from testkit.disclosure import outcomes_reader

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json"
QS = load_question_set(EXAMPLE)

# K1 (right = TDXD): L1–L3 wrong→right, L4 right→right, L5 wrong→wrong, L8 right→wrong,
# L6 only pre, L7 only post: matched 6, pre-only 1, post-only 1, b = 1, c = 3; exact
# McNemar p = 2·P(Bin(4, ½) ≤ 1) = 0.625 (by hand). Pre right 2 of 7, post right 5 of 7.
K1 = {
    "L1": ("TDM1", "TDXD"), "L2": ("LAP", "TDXD"), "L3": ("NER", "TDXD"),
    "L4": ("TDXD", "TDXD"), "L5": ("TDM1", "LAP"), "L8": ("TDXD", "TDM1"),
    "L6": ("TDM1", None), "L7": (None, "TDXD"),
}  # fmt: skip
# "How sure are you?" on K1 for the six matched learners: changes 2, 1, 2, 1, 1, 1.
# By hand: mean change 4/3; SD of the changes √(4/3 / 5) = 0.51640; d_z = 2.5820;
# t(0.975, 5) = 2.570582 → interval 4/3 ± 2.570582·0.51640/√6 = 0.79141 to 1.87526.
SURE = dict(zip(["L1", "L2", "L3", "L4", "L5", "L8"],
                zip([1, 2, 2, 3, 1, 2], [3, 3, 4, 4, 2, 3], strict=True), strict=True))  # fmt: skip


def _answers(extra: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    answers: dict[str, dict[str, Any]] = {}
    for learner, (pre, post) in K1.items():
        a = answers.setdefault(learner, {})
        if pre:
            a["K1_PRE"] = pre
        if post:
            a["K1_POST"] = post
    for learner, items in (extra or {}).items():
        answers.setdefault(learner, {}).update(items)
    return answers


def _roles() -> dict[str, dict[str, Any]]:
    """Six say free of bias, two say not, one comment each; three statements, intents 4, 3, 3."""
    extra: dict[str, dict[str, Any]] = {}
    for i, learner in enumerate(["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8"]):
        extra[learner] = {"EVAL_BIAS": "NO" if i >= 6 else "YES"}
    extra["L7"]["EVAL_BIAS_COMMENT"] = "  Too much about one drug  "
    extra["L8"]["EVAL_BIAS_COMMENT"] = "Sponsor's slides"
    extra["L8"]["EVAL_COMMENT"] = "ignored: no item with this id"
    for learner, text, intent in (("L3", "Check LVEF every 3 months", "L4"),
                                  ("L1", "ask about cough at every visit", "L3"),
                                  ("L2", "   ", "L3")):  # fmt: skip
        extra[learner] |= {"CHANGE_TEXT": text, "CHANGE_INTENT": intent}
    return extra


def _sure() -> dict[str, dict[str, int]]:
    return {t: {"K1_PRE": a, "K1_POST": b} for t, (a, b) in SURE.items()}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    """The anonymous report: every number shown, for the hand-computed checks."""
    return report(QS, _answers(_roles()), _sure(), {"learners": 8}, identified=False)


def test_level3_the_knowledge_check_matches_the_hand_computed_case(doc: dict) -> None:
    (k1, *_rest) = doc["level3_knowledge"]
    assert doc["design"] == "matched" and doc["design_chosen_by"] == "rule"
    assert k1["learners"] == {"matched": 6, "pre_only": 1, "post_only": 1}
    assert k1["answered"] == {"pre": 7, "post": 7}
    assert k1["share_right"] == {"pre": pytest.approx(2 / 7), "post": pytest.approx(5 / 7)}
    assert k1["test"]["counts"] == {"a": 1, "b": 1, "c": 3, "d": 1}
    assert k1["test"]["p_exact"] == pytest.approx(0.625)
    assert k1["code"] == "no_clear_change"
    assert [b["verdict"].startswith("Too few matched") for b in doc["level3_knowledge"][1:]] == [
        True, True, True
    ]  # fmt: skip


def test_level2_lists_the_evaluation_by_role_with_the_bias_no_count_and_comments(
    doc: dict,
) -> None:
    by_id = {b["id"]: b for b in doc["level2_satisfaction"]}
    assert list(by_id) == [
        "EVAL_OBJECTIVES", "EVAL_RELEVANCE", "EVAL_BIAS", "EVAL_BIAS_COMMENT", "EVAL_FORMAT"
    ]  # fmt: skip
    assert by_id["EVAL_BIAS"]["not_free_of_bias"] == 2
    assert [c["count"] for c in by_id["EVAL_BIAS"]["counts"]] == [6, 2]
    # comments as written (trimmed), sorted: never in the order learners answered
    assert by_id["EVAL_BIAS_COMMENT"]["statements"] == [
        "Sponsor's slides",
        "Too much about one drug",
    ]


def test_level5_lists_commitments_and_the_intent_scale_by_role(doc: dict) -> None:
    statements, intent = doc["level5_commitment"]
    assert (statements["id"], statements["role"]) == ("CHANGE_TEXT", "commitment")
    assert statements["statements"] == [
        "ask about cough at every visit",
        "Check LVEF every 3 months",
    ]
    assert statements["answered"] == 3  # the blank one was answered, but states nothing
    assert intent["role"] == "intent_to_change"
    assert [c["count"] for c in intent["counts"]] == [0, 0, 2, 1]
    # values 3, 3, 4: mean 10/3; SD √(1/3); t(0.975, 2) = 4.302653 → ±4.302653·0.57735/√3
    assert intent["mean"]["mean"] == pytest.approx(10 / 3)
    # = 10/3 ± 1.434218: 1.899116 to 4.767551, clipped to the 1–4 scale's top
    half = 4.302653 * math.sqrt(1 / 3) / math.sqrt(3)
    assert intent["mean"]["ci"] == pytest.approx([10 / 3 - half, 4.0], abs=1e-5)


def test_wording_no_longer_decides_the_level() -> None:
    """An evaluation item whose text says "change" but has no role stays at level 2."""
    data = QS.model_dump(mode="json")
    for q in data["questions"]:
        if q["id"] == "CHANGE_TEXT":
            del q["role"]
    from her2poll.core.questions import parse_question_set

    got = report(parse_question_set(data), _answers(_roles()), {}, {}, identified=False)
    assert "CHANGE_TEXT" in [b["id"] for b in got["level2_satisfaction"]]
    assert [b["id"] for b in got["level5_commitment"]] == ["CHANGE_INTENT"]


def test_confidence_pre_vs_post_with_intervals_and_the_matched_change(doc: dict) -> None:
    (k1, k2) = doc["level4_competence"]["confidence"]
    assert (k1["pre"]["n"], k1["post"]["n"], k1["n_matched"]) == (6, 6, 6)
    assert k1["pre"]["mean"] == pytest.approx(11 / 6) and k1["post"]["mean"] == pytest.approx(
        19 / 6
    )
    assert k1["change"] == pytest.approx(4 / 3)
    assert k1["change_ci"] == pytest.approx([0.791407, 1.875260], abs=1e-5)
    assert k1["cohens_d"] == pytest.approx(2.581989, abs=1e-5)
    assert k1["p_value"] == pytest.approx(0.0014566, abs=1e-6)  # t = 6.3246, 5 df
    assert k1["code"] == "increased"
    assert k2["code"] == "too_few" and k2["change"] is None
    # the rating twin (CONF_PRE/POST) carries the same block, here without answers
    (conf,) = doc["level4_competence"]["items"]
    assert conf["pre_id"] == "CONF_PRE" and conf["means"]["code"] == "too_few"


def test_unmatched_design_when_pre_and_post_came_from_different_phones() -> None:
    """K1 pre by A1–A8 (2 right), post by B1–B8 (7 right): nobody can be matched.

    Fisher, by hand: 9 right, 7 wrong, 8 per side; P(k right pre) = C(9,k)·C(7,8−k)/C(16,8),
    observed k = 2: 252/12870; as or less likely: k = 1, 2, 7, 8 → (9+252+252+9)/12870
    = 0.040559. Cohen's h = 2·asin√(7/8) − 2·asin√(2/8) = 1.371660. Pearson χ² = 6.349206,
    Cramér's V = √(χ²/16) = 0.629941.
    """
    answers: dict[str, dict[str, Any]] = {}
    for i in range(8):
        answers[f"A{i}"] = {"K1_PRE": "TDXD" if i < 2 else "TDM1"}
        answers[f"B{i}"] = {"K1_POST": "TDXD" if i < 7 else "LAP"}
    got = report(QS, answers, {}, {}, identified=False)
    assert got["design"] == "unmatched" and got["design_chosen_by"] == "rule"
    k1 = got["level3_knowledge"][0]
    t = k1["test"]
    assert (t["test"], t["method"], t["pre"], t["post"]) == (
        "unmatched",
        "fisher_exact",
        [2, 6],
        [7, 1],
    )
    assert t["p_value"] == pytest.approx(522 / 12870)
    assert t["cohens_h"] == pytest.approx(1.371660, abs=1e-6)
    assert t["chi_square"]["statistic"] == pytest.approx(6.349206, abs=1e-6)
    assert t["cramers_v"] == pytest.approx(0.629941, abs=1e-6)
    assert k1["code"] == "improved" and k1["verdict"].startswith("Improved")
    assert got["summary"]["pooled"]["method"] == "mantel_haenszel_unmatched"
    # the caller may still ask for the matched design: then nothing can be tested
    matched = report(QS, answers, {}, {}, identified=False, design=Design.MATCHED)
    assert matched["level3_knowledge"][0]["code"] == "too_few_matched"


def test_few_matched_among_many_is_unmatched_by_the_documented_rule() -> None:
    """6 matched of 13 who answered (fewer than half): unmatched; 7 of 13: matched."""
    answers = _answers()
    for i in range(5):
        answers[f"X{i}"] = {"K1_POST": "TDXD"}
    assert report(QS, answers, {}, {}, identified=False)["design"] == "unmatched"
    answers["L6"]["K1_POST"] = "TDXD"  # 7 matched, 0 pre only, 6 post only
    assert report(QS, answers, {}, {}, identified=False)["design"] == "matched"


def test_bowker_only_when_asked() -> None:
    answers = {f"L{i}": {"CONF_PRE": "C1", "CONF_POST": "C3" if i % 2 else "C2"} for i in range(8)}
    plain = report(QS, answers, {}, {}, identified=False)
    (conf,) = plain["level4_competence"]["items"]
    assert "bowker" not in conf["test"] and plain["methods"]["bowker"] is False
    asked = report(QS, answers, {}, {}, identified=False, bowker=True)
    (conf,) = asked["level4_competence"]["items"]
    # 4 moved C1→C2, 4 moved C1→C3, nobody back: Bowker χ² = 4 + 4 = 8 on 2 df
    assert conf["test"]["bowker"]["statistic"] == pytest.approx(8.0)
    assert conf["test"]["bowker"]["df"] == 2
    assert conf["means"]["change"] == pytest.approx(1.5)  # values 1 → 2 or 3


# -- suppression when learners are identified ---------------------------------------------


@pytest.fixture(scope="module")
def named() -> dict[str, Any]:
    return report(QS, _answers(_roles()), _sure(), {"learners": 8}, identified=True)


def test_identified_small_cells_are_under_five_and_their_complements_hidden(named: dict) -> None:
    (k1, *_rest) = named["level3_knowledge"]
    pre = {c["option_id"]: c["count"] for c in k1["counts"]["pre"]}
    # pre: TDM1 3, TDXD 2, LAP 1, NER 1; answered 7: all under 5, none recoverable
    assert pre == {"TDXD": PRIMARY, "TDM1": PRIMARY, "LAP": PRIMARY, "NER": PRIMARY}
    post = {c["option_id"]: c["count"] for c in k1["counts"]["post"]}
    # post: TDXD 5, TDM1 1, LAP 1, NER 0 of 7. The two "<5" add up to 7 − 5 = 2 → both 1,
    # so TDXD is hidden too; then "<5" + "<5" + (≥ 5) = 7 still pins them: the total goes
    assert post == {"TDXD": SECONDARY, "TDM1": PRIMARY, "LAP": PRIMARY, "NER": 0}
    # K1 was tested, which says at least 6 matched: "answered pre 7" would give pre-only
    # 7 − 6 = 1, so the pre total is hidden too
    assert k1["answered"] == {"pre": SECONDARY, "post": SECONDARY}
    assert k1["learners"] == {"matched": SECONDARY, "pre_only": PRIMARY, "post_only": PRIMARY}


def test_identified_figures_resting_on_hidden_cells_are_withheld_the_verdict_stays(
    named: dict,
) -> None:
    (k1, *_rest) = named["level3_knowledge"]
    t = k1["test"]
    assert t["counts"] == {"a": PRIMARY, "b": PRIMARY, "c": PRIMARY, "d": PRIMARY}
    assert (t["p_exact"], t["p_mid"], t["chi_square"], k1["p_holm"]) == (SECONDARY,) * 4
    assert (
        t["odds_ratio"]["ci"] == [SECONDARY, SECONDARY] and t["odds_ratio"]["code"] == "estimated"
    )
    assert k1["share_right"] == {"pre": SECONDARY, "post": SECONDARY}
    assert k1["verdict"] == "No clear change between pre and post."  # p 0.625 before Holm too
    item = next(i for i in named["summary"]["items"] if i["item_id"] == "K1_PRE")
    assert (item["p_value"], item["p_holm"]) == (SECONDARY, SECONDARY)
    assert named["summary"]["pooled"]["odds_ratio"] == SECONDARY
    (conf, _k2) = named["level4_competence"]["confidence"]
    assert conf["n"] == 6 and conf["change"] == pytest.approx(4 / 3)  # 6 learners: shown
    bias = next(b for b in named["level2_satisfaction"] if b["id"] == "EVAL_BIAS")
    assert bias["not_free_of_bias"] == PRIMARY and [c["count"] for c in bias["counts"]] == [
        SECONDARY, PRIMARY
    ]  # fmt: skip
    assert bias["answered"] == 8 and named["suppressed"] > 0


def _reader_range(cell: int | str, total: int) -> list[int] | range:
    """What a reader can tell of a cell: its number, 1–4 for "<5", 5 or more for "hidden"."""
    if isinstance(cell, int):
        return [cell]
    return range(1, 5) if cell == PRIMARY else range(5, total + 1)


def test_every_hidden_count_of_a_one_answer_table_leaves_two_possibilities(named: dict) -> None:
    """Brute force over each option-count table the identified report shows."""
    for block in named["level3_knowledge"] + named["level4_competence"]["items"]:
        for side in ("pre", "post"):
            total = block["answered"][side]
            cells = [c["count"] for c in block["counts"][side]]
            if not any(isinstance(c, str) for c in cells) or isinstance(total, str):
                continue
            ranges = [_reader_range(c, total) for c in cells]

            worlds = [w for w in itertools.product(*ranges) if sum(w) == total]
            for i, c in enumerate(cells):
                if isinstance(c, str):
                    assert len({w[i] for w in worlds}) >= 2, (block["pre_id"], side, cells)


def test_anonymous_reports_suppress_nothing(doc: dict) -> None:
    assert doc["suppressed"] == 0 and doc["min_cell"] is None


# -- eight identified learners (testkit.outcomes_plan): nothing under 5 can be worked out ------


@pytest.fixture(scope="module")
def eight() -> dict[str, Any]:
    answers, sure = outcomes_plan.answers_and_sure()
    return report(QS, answers, sure, {"learners": 8}, identified=True)


def test_no_count_under_five_of_eight_identified_learners_can_be_worked_out(eight: dict) -> None:
    """An integer programme over every shown count and every relation a reader knows."""
    reader = outcomes_reader(eight, outcomes_plan.TRUTH)
    assert reader.feasible_truth() == []
    assert reader.recovered() == {}


def test_the_verdict_the_comments_and_the_matched_table_no_longer_give_a_count_away(
    eight: dict,
) -> None:
    """Three leaks of the 8-learner activity, each now closed by hiding a total.

    K2 was tested (≥ 6 matched) with 7 answers before: pre-only 7 − 6 = 1. Two bias
    comments are listed, and a comment follows a "No": No ≥ 2, and 7 answered − Yes (≥ 5)
    ≤ 2. The confidence scale's post "Slightly confident" holds the matched table's
    column (two "<5" cells, so ≥ 2), and 7 − "Confident" (≥ 5) ≤ 2.
    """
    k2 = eight["level3_knowledge"][1]
    assert k2["answered"]["pre"] == SECONDARY and k2["learners"]["pre_only"] == PRIMARY
    bias = next(b for b in eight["level2_satisfaction"] if b["id"] == "EVAL_BIAS")
    assert bias["answered"] == SECONDARY and bias["not_free_of_bias"] == PRIMARY
    (conf,) = eight["level4_competence"]["items"]
    assert conf["answered"]["post"] == SECONDARY
    assert [c["count"] for c in conf["counts"]["post"]] == [0, PRIMARY, SECONDARY, 0]
    # the check itself finds such a leak: show K2's pre total again
    leaky = copy.deepcopy(eight)
    leaky["level3_knowledge"][1]["answered"]["pre"] = 7
    assert outcomes_reader(leaky, outcomes_plan.TRUTH).recovered() == {("K2_PRE", "pre_only"): 1}


def test_a_verdict_says_when_the_holm_adjustment_made_it_null() -> None:
    """K1 of the eight: 0/0/6/0, exact p 2·0.5⁶ = 0.03125 alone, Holm 4 × 0.03125 = 0.125;
    K2: p 0.625 before Holm too, so its verdict need not mention it."""
    answers, sure = outcomes_plan.answers_and_sure()
    doc = report(QS, answers, sure, {"learners": 8}, identified=False)
    k1, k2 = doc["level3_knowledge"][:2]
    assert (k1["test"]["p_exact"], k1["p_holm"], k1["code"]) == (0.03125, 0.125, "no_clear_change")
    assert k1["verdict"] == (
        "No clear change between pre and post after the Holm adjustment across items."
    )
    assert (k2["test"]["p_exact"], k2["verdict"]) == (
        0.625,
        "No clear change between pre and post.",
    )
