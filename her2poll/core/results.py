"""A session's results: per question the live tally, the published side, the comparison.

One shape serves the results API, the live tally messages and every export,
so the numbers a coordinator exports are the numbers the moderator saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache, cached
from cachetools.keys import hashkey

from . import wording
from .items import ChoiceItem, ItemBase, Summary
from .items.choice import OneOptionSummary
from .polls import Poll
from .published import QuestionReconstruction, SetReconstruction, reconstruct_set
from .questions import QuestionSet
from .session import SessionState
from .stats import compare
from .tallies import Tally

DEFAULT_CAP = 100
#: Comparisons kept per process: a few sessions' questions at their latest counts.
MEMO_SIZE = 4096


def published_block(question: ChoiceItem, reconstruction: QuestionReconstruction) -> dict[str, Any]:
    """What was published for a question: printed figures, provenance, reconstruction."""
    return {
        "options": [
            {
                "option_id": o.id,
                "percent": o.published.percent if o.published else None,
                "status": o.published.status.value if o.published else None,
                "quote": o.published.quote if o.published else None,
                "note": o.published.note if o.published else None,
            }
            for o in question.options
        ],
        "text_status": question.text_status.value,
        "text_quote": question.text_quote,
        "reconstruction": reconstruction.to_dict(),
    }


def reconstructions(questions: QuestionSet, max_n: int | None = None) -> SetReconstruction:
    """Reconstruct a set once per set and cap (it is pure and takes milliseconds).

    A set with no footnote N gets a cap of 100, so its percentages can still
    be checked for the counts they imply.
    """
    return _reconstruct(questions, _cap(questions, max_n))


@cached(LRUCache(maxsize=64), key=lambda questions, cap: hashkey(questions.digest, cap))
def _reconstruct(questions: QuestionSet, cap: int | None) -> SetReconstruction:
    return reconstruct_set(questions, cap)


def _cap(questions: QuestionSet, max_n: int | None) -> int | None:
    return max_n if max_n is not None or questions.published_n else DEFAULT_CAP


@cached(
    LRUCache(maxsize=MEMO_SIZE),
    key=lambda questions, question, live, cap: hashkey(
        questions.digest, question.id, live.counts, cap
    ),
)
def _compare(
    questions: QuestionSet, question: ChoiceItem, live: Tally, cap: int | None
) -> dict[str, Any]:
    rec = next(r for r in _reconstruct(questions, cap).questions if r.question_id == question.id)
    result = compare(question, live, rec)
    body = result.to_dict()
    params = result.verdict_params.to_dict()
    return {**body, "verdict": wording.verdict(question, result.verdict_code, params)}


def comparison(
    questions: QuestionSet, question_id: str, live: Summary | Tally, max_n: int | None = None
) -> dict[str, Any] | None:
    """The live-vs-published comparison, memoised on the set's digest and the counts.

    The broadcaster asks up to ten times a second; only a question whose
    counts changed costs a new computation. Items that cannot be set beside
    published percentages (see :attr:`ItemBase.compares`) have none.
    """
    question = questions.question(question_id)
    if question is None:
        raise KeyError(question_id)
    tally = comparable_tally(question, live)
    if tally is None or not isinstance(question, ChoiceItem):
        return None
    return _compare(questions, question, tally, _cap(questions, max_n))


def comparable_tally(question: ItemBase, live: Summary | Tally) -> Tally | None:
    """The one-option tally to compare, for the item types that have one."""
    if not question.compares:
        return None
    if isinstance(live, Tally):
        return live
    return live.tally if isinstance(live, OneOptionSummary) else None


def _options(question: ItemBase) -> list[dict[str, Any]]:
    """Each option's label as attendees read it, its editorial note apart, a point's value."""
    if not isinstance(question, ChoiceItem):
        return []
    return [
        {"id": o.id, "text": o.text, "note": o.note}
        | ({"value": value} if (value := getattr(o, "value", None)) is not None else {})
        for o in question.options
    ]


def question_result(
    question: ItemBase,
    poll: Poll | None,
    live: Summary,
    questions: QuestionSet,
    reconstruction: QuestionReconstruction | None,
    max_n: int | None = None,
) -> dict[str, Any]:
    """One question's complete result, as documented in ``docs/api.md``.

    ``published`` and ``comparison`` are null for an item the source printed no
    figures for: it simply has live results.
    """
    published = (
        published_block(question, reconstruction)
        if reconstruction is not None
        and isinstance(question, ChoiceItem)
        and question.has_published
        else None
    )
    return {
        "question_id": question.id,
        "type": question.type,
        "text": question.text,
        "state": poll.state.value if poll else None,
        "revealed": poll.revealed if poll else None,
        "options": _options(question),
        **question.result_fields(),
        "live": live.to_dict(),
        "published": published,
        "comparison": comparison(questions, question.id, live, max_n) if published else None,
    }


def session_results(
    state: SessionState, tallies: Mapping[str, Summary], max_n: int | None = None
) -> dict[str, Any]:
    """Every question's result plus what the comparison rests on."""
    recs = reconstructions(state.questions, max_n)
    by_id = {r.question_id: r for r in recs.questions}
    published_n = state.questions.published_n
    return {
        "session": {
            "code": state.code,
            "title": state.title,
            "created_at": state.created_at.isoformat(),
            "question_set": state.questions.id,
        },
        "published_n": published_n.model_dump(mode="json") if published_n else None,
        "reconstruction_cap": recs.cap,
        "questions": [
            question_result(
                q, state.poll(q.id), tallies[q.id], state.questions, by_id.get(q.id), max_n
            )
            for q in state.questions.questions
        ],
    }
