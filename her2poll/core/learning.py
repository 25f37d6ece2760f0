"""From an activity's pre/post items and its learners' answers to the outcomes statistics.

A post-test item names its pre-test twin (``twin_of``); the question set has
already made sure both are worded and ordered the same. Each pair is analysed
by what its answers are:

- a knowledge check (an item with a correct answer): right/wrong per learner,
  McNemar when matched, Fisher when not (:func:`outcomes.binary_item`);
- a single-choice or rating item without a key: the chosen option as a
  category, Stuart–Maxwell when matched (:func:`outcomes.category_item`);
- other types (a number, a text, a ranking) are reported as answered counts
  only: no test here fits them without choices the provider has not made.

Learners are keyed by their anonymous token, which never leaves core: every
result carries counts only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from . import outcomes
from .items import Answer, ChoiceItem, ItemBase, Phase
from .outcomes import ActivitySummary, Design, ItemAnswers, ItemOutcome, LearnerCounts
from .questions import QuestionSet

#: Learner token → question id → their answer.
Answers = Mapping[str, Mapping[str, Answer]]


@dataclass(frozen=True)
class Pair:
    """A pre-test item and its post-test twin."""

    pre: ItemBase
    post: ItemBase

    @property
    def analysis(self) -> str:
        """``right_wrong``, ``categories`` or ``counts_only`` (see the module docstring)."""
        if isinstance(self.pre, ChoiceItem) and self.pre.correct is not None:
            return "right_wrong"
        if isinstance(self.pre, ChoiceItem) and self.pre.counted:
            return "categories"
        return "counts_only"


def pairs(questions: QuestionSet) -> list[Pair]:
    """Every pre/post pair of the set, in the order of the pre items."""
    post_of = {q.twin_of: q for q in questions.questions if q.twin_of is not None}
    return [
        Pair(q, post_of[q.id])
        for q in questions.questions
        if q.phase is Phase.PRE and q.id in post_of
    ]


def _side(answers: Answers, item: ItemBase) -> dict[str, Answer]:
    return {t: a[item.id] for t, a in answers.items() if item.id in a}


def pair_answers(pair: Pair, answers: Answers) -> ItemAnswers[bool] | ItemAnswers[str]:
    """The pair's answers as the statistics take them (right/wrong or the option)."""
    pre, post = _side(answers, pair.pre), _side(answers, pair.post)
    if pair.analysis == "right_wrong":
        return ItemAnswers(
            pair.pre.id,
            {t: bool(pair.pre.is_correct(a)) for t, a in pre.items()},
            {t: bool(pair.post.is_correct(a)) for t, a in post.items()},
        )
    return ItemAnswers(
        pair.pre.id, {t: str(a) for t, a in pre.items()}, {t: str(a) for t, a in post.items()}
    )


def pair_outcome(pair: Pair, answers: Answers, design: Design) -> ItemOutcome | LearnerCounts:
    """The pair's test, or only its learner counts when no test fits its type."""
    data = pair_answers(pair, answers)
    if pair.analysis == "right_wrong":
        return outcomes.binary_item(data, design)  # type: ignore[arg-type]
    if pair.analysis == "categories" and isinstance(pair.pre, ChoiceItem):
        return outcomes.category_item(data, pair.pre.option_ids, design)  # type: ignore[arg-type]
    return outcomes.split(data.pre, data.post).learners


@dataclass(frozen=True)
class LearningOutcomes:
    """Moore level 3 for one activity: each pair's result and the activity's summary."""

    design: Design
    tested: tuple[ItemOutcome, ...]
    counts_only: Mapping[str, LearnerCounts]
    summary: ActivitySummary

    def to_dict(self) -> dict[str, object]:
        return {
            "design": self.design.value,
            "items": [o.to_dict() for o in self.tested],
            "counts_only": {k: v.to_dict() for k, v in self.counts_only.items()},
            "summary": self.summary.to_dict(),
        }


def learning_outcomes(questions: QuestionSet, answers: Answers, design: Design) -> LearningOutcomes:
    """Analyse every pre/post pair of an activity and summarise them (Holm, pooled effect).

    :param design: ``MATCHED`` when learners are identified across pre and post
        (the same token on both sides), ``UNMATCHED`` for an anonymous room.
    """
    tested: list[ItemOutcome] = []
    counts_only: dict[str, LearnerCounts] = {}
    for pair in pairs(questions):
        result = pair_outcome(pair, answers, design)
        if isinstance(result, ItemOutcome):
            tested.append(result)
        else:
            counts_only[pair.pre.id] = result
    learners = outcomes.activity_learners(pair_answers(p, answers) for p in pairs(questions))
    return LearningOutcomes(
        design, tuple(tested), counts_only, outcomes.summarise(tested, learners)
    )
