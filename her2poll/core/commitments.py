"""Commitment to change, per learner (Moore level 5): what each learner said they will change.

ACCME asks providers to analyse the changes learners intend to make and then
make (CME.md): the statements are followed up weeks later. Two files carry them:
the answer exports list them by pseudonym (with nothing else of the learner), and
in identified sessions the provider's follow-up file lists them by name (with no
test answers). Both come from :func:`rows`, keyed by whatever the caller uses.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from .items import Answer, ChoiceItem, ItemBase, Role
from .questions import QuestionSet

K = TypeVar("K", bound=Hashable)

#: Statements of several commitment items (or labels of several intent items) are joined by this.
JOIN = " | "


@dataclass(frozen=True)
class Commitment(Generic[K]):
    """One learner's commitment: their statement(s) and how likely they are to change."""

    learner: K
    statement: str
    intent: str
    #: The intent scale's value (e.g. 1–4), when there is exactly one intent item.
    intent_value: float | None


def items(questions: QuestionSet) -> tuple[list[ItemBase], list[ItemBase]]:
    """The commitment items and the intent-to-change items, in the set's order."""
    said: list[ItemBase] = [q for q in questions.questions if q.role is Role.COMMITMENT]
    intent: list[ItemBase] = [q for q in questions.questions if q.role is Role.INTENT_TO_CHANGE]
    return said, intent


def _value(item: ItemBase, answer: Answer) -> float | None:
    if not isinstance(item, ChoiceItem):
        return None
    point = next((o for o in item.options if o.id == answer), None)
    value = getattr(point, "value", None)
    return float(value) if value is not None else None


def rows(questions: QuestionSet, answers: Mapping[K, Mapping[str, Answer]]) -> list[Commitment[K]]:
    """Every learner who answered a commitment or intent item, in the order of ``answers``.

    A blank statement counts as no statement.
    """
    said, intent = items(questions)
    out: list[Commitment[K]] = []
    for learner, given in answers.items():
        statements = [str(given[q.id]).strip() for q in said if str(given.get(q.id, "")).strip()]
        intents = [q for q in intent if q.id in given]
        if not statements and not intents:
            continue
        labels = [q.answer_text(given[q.id]) for q in intents]
        value = _value(intents[0], given[intents[0].id]) if len(intent) == 1 and intents else None
        out.append(Commitment(learner, JOIN.join(statements), JOIN.join(labels), value))
    return out
