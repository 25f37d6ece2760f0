"""The outcomes report's document, organised by Moore's levels (pure; every number once).

The PDF, JSON and XLSX outcomes exports all render this one document, so they
carry the same numbers. Levels:

1. participation: attendance counts and the PARS learner counts;
2. satisfaction: the evaluation items' answers;
3. knowledge: the pre/post twins with a correct answer (McNemar, matched by token);
4. competence and confidence: the pre/post twins without a key (Stuart–Maxwell) and
   the "how sure are you?" ratings pre vs post;
5. commitment to change: items whose wording asks about change (free text counted,
   an intent scale tallied).

Learners are matched by their participant token: the same phone before and
after. When identities are on, a count under :data:`MIN_CELL` learners in an
aggregate table is suppressed (``None``, shown as "<5").
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import mean
from typing import Any

from . import learning, outcomes
from .items import Answer, ChoiceItem, ItemBase, OpenText, Phase
from .learning import Pair
from .outcomes import Design
from .questions import QuestionSet
from .stats import ALPHA

#: Smallest count shown in an aggregate table when learners are identified (CME.md).
MIN_CELL = 5

#: Plain verdicts of the item codes (the Holm-adjusted code decides).
VERDICTS = {
    "improved": "Improved: more learners right after than before (significant after Holm).",
    "worsened": "Worsened: fewer learners right after than before (significant after Holm).",
    "changed": "The answers moved between pre and post (significant after Holm).",
    "no_clear_change": "No clear change between pre and post.",
    "no_discordant_pairs": "Nobody changed their answer between pre and post.",
    "too_few_matched": (
        f"Too few matched learners to tell (fewer than {outcomes.MIN_MATCHED} answered both)."
    ),
    "differs": "Pre and post answers differ (significant after Holm).",
    "no_clear_difference": "No clear difference between pre and post.",
    "too_few": "Too few answers to tell.",
}


def verdict(code: str) -> str:
    return VERDICTS.get(code, code.replace("_", " ").capitalize() + ".")


def _cell(n: int, suppress: bool) -> int | None:
    return None if suppress and 0 < n < MIN_CELL else n


def _counts(
    item: ChoiceItem, answers: Mapping[str, Answer], suppress: bool
) -> list[dict[str, Any]]:
    values = list(answers.values())
    rows = []
    for option in item.options:
        n = sum(1 for v in values if v == option.id or (isinstance(v, tuple) and option.id in v))
        rows.append({"option_id": option.id, "text": option.text, "count": _cell(n, suppress)})
    return rows


def _side(answers: learning.Answers, qid: str) -> dict[str, Answer]:
    return {t: a[qid] for t, a in answers.items() if qid in a}


def _share_right(item: ItemBase, side: Mapping[str, Answer]) -> float | None:
    if not side:
        return None
    return sum(1 for a in side.values() if item.is_correct(a)) / len(side)


def _pair(pair: Pair, answers: learning.Answers, adjusted: Mapping[str, Any],
          result: Any, suppress: bool) -> dict[str, Any]:  # fmt: skip
    pre, post = _side(answers, pair.pre.id), _side(answers, pair.post.id)
    block: dict[str, Any] = {
        "pre_id": pair.pre.id,
        "post_id": pair.post.id,
        "text": pair.pre.text,
        "analysis": pair.analysis,
        "answered": {"pre": len(pre), "post": len(post)},
        "learners": outcomes.split(pre, post).learners.to_dict(),
    }
    if pair.analysis == "right_wrong":
        block["share_right"] = {"pre": _share_right(pair.pre, pre),
                                "post": _share_right(pair.post, post)}  # fmt: skip
    if isinstance(pair.pre, ChoiceItem):
        block["counts"] = {"pre": _counts(pair.pre, pre, suppress),
                           "post": _counts(pair.pre, post, suppress)}  # fmt: skip
    if result is not None:
        adj = adjusted.get(pair.pre.id)
        block["test"] = result.to_dict()["result"]
        block["p_holm"] = adj.p_holm if adj else None
        block["code"] = adj.code if adj else result.code
        block["verdict"] = verdict(block["code"])
    return block


def _confidence(
    questions: QuestionSet, sure: Mapping[str, Mapping[str, int]]
) -> list[dict[str, Any]]:
    """Mean "how sure are you?" (1–4) on each pre/post pair that asks it."""
    rows = []
    for pair in learning.pairs(questions):
        if not (pair.pre.confidence and pair.post.confidence):
            continue
        pre = [s[pair.pre.id] for s in sure.values() if pair.pre.id in s]
        post = [s[pair.post.id] for s in sure.values() if pair.post.id in s]
        matched = [
            (s[pair.pre.id], s[pair.post.id])
            for s in sure.values()
            if pair.pre.id in s and pair.post.id in s
        ]
        rows.append({
            "pre_id": pair.pre.id, "text": pair.pre.text,
            "n_pre": len(pre), "n_post": len(post), "n_matched": len(matched),
            "mean_pre": mean(pre) if pre else None, "mean_post": mean(post) if post else None,
            "mean_change_matched": mean(b - a for a, b in matched) if matched else None,
        })  # fmt: skip
    return rows


def is_commitment(item: ItemBase) -> bool:
    """A commitment-to-change item: not a pre-test, and its wording asks about change."""
    return item.phase is not Phase.PRE and "change" in item.text.lower()


def _single(item: ItemBase, answers: learning.Answers, suppress: bool) -> dict[str, Any]:
    side = _side(answers, item.id)
    block: dict[str, Any] = {"id": item.id, "text": item.text, "type": item.type,
                             "answered": len(side)}  # fmt: skip
    if isinstance(item, ChoiceItem):
        block["counts"] = _counts(item, side, suppress)
    if isinstance(item, OpenText):
        block["statements"] = len([a for a in side.values() if str(a).strip()])
    return block


def report(
    questions: QuestionSet,
    answers: learning.Answers,
    sure: Mapping[str, Mapping[str, int]],
    participation: Mapping[str, Any],
    identified: bool,
) -> dict[str, Any]:
    """The outcomes report's document (see the module docstring).

    :param participation: the attendance summary (counts and PARS), level 1 as is.
    """
    suppress = identified
    found = learning.learning_outcomes(questions, answers, Design.MATCHED)
    tested = {o.item_id: o for o in found.tested}
    adjusted = {a.item_id: a for a in found.summary.items}
    pair_list = learning.pairs(questions)
    blocks = [_pair(p, answers, adjusted, tested.get(p.pre.id), suppress) for p in pair_list]
    paired_ids = {p.pre.id for p in pair_list} | {p.post.id for p in pair_list}
    rest = [q for q in questions.questions if q.id not in paired_ids]
    return {
        "design": "matched",
        "identified": identified,
        "min_cell": MIN_CELL if suppress else None,
        "level1_participation": dict(participation),
        "level2_satisfaction": [
            _single(q, answers, suppress)
            for q in rest
            if q.phase is Phase.EVALUATION and not is_commitment(q)
        ],
        "level3_knowledge": [b for b in blocks if b["analysis"] == "right_wrong"],
        "level4_competence": {
            "items": [b for b in blocks if b["analysis"] != "right_wrong"],
            "confidence": _confidence(questions, sure),
        },
        "level5_commitment": [_single(q, answers, suppress) for q in rest if is_commitment(q)],
        "summary": found.summary.to_dict(),
        "summary_verdict": _summary_verdict(found.summary.to_dict()),
        "methods": {
            "alpha": ALPHA,
            "min_matched": outcomes.MIN_MATCHED,
            "min_items": outcomes.MIN_ITEMS,
            "min_cell": MIN_CELL,
        },
    }


def _summary_verdict(summary: Mapping[str, Any]) -> str:
    if summary["code"] == "too_few_items":
        return (
            f"{summary['items_tested']} item(s) could be tested; outcomes teams pool at least "
            f"{outcomes.MIN_ITEMS}, so read the items one by one."
        )
    pooled = summary.get("pooled") or {}
    if pooled.get("odds_ratio") is None:
        return "No pooled effect (no right/wrong items with discordant pairs)."
    return (
        f"Pooled odds ratio {pooled['odds_ratio']:.2f} (Cohen's d "
        f"{pooled['cohens_d']:.2f}) over {pooled['items']} items."
    )
