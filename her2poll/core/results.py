"""A session's results: per question the live tally, the published side, the comparison.

One shape serves the results API, the live tally messages and every export,
so the numbers a coordinator exports are the numbers the moderator saw.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from .polls import Poll
from .published import QuestionReconstruction, SetReconstruction, reconstruct_set
from .questions import Question, QuestionSet
from .session import SessionState
from .stats import compare
from .tallies import Tally

DEFAULT_CAP = 100


def published_block(question: Question, reconstruction: QuestionReconstruction) -> dict:
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


@lru_cache(maxsize=64)
def _reconstruct(questions_json: str, max_n: int | None) -> SetReconstruction:
    return reconstruct_set(QuestionSet.model_validate_json(questions_json), max_n)


def reconstructions(questions: QuestionSet, max_n: int | None = None) -> SetReconstruction:
    """Reconstruct a set once per set (it is pure and takes milliseconds).

    A set with no footnote N gets a cap of 100, so its percentages can still
    be checked for the counts they imply.
    """
    return _reconstruct(questions.model_dump_json(), _cap(questions, max_n))


def _cap(questions: QuestionSet, max_n: int | None) -> int | None:
    return max_n if max_n is not None or questions.published_n else DEFAULT_CAP


@lru_cache(maxsize=4096)
def _comparison(
    questions_json: str, question_id: str, counts: tuple[int, ...], max_n: int | None
) -> dict:
    questions = QuestionSet.model_validate_json(questions_json)
    question = questions.question(question_id)
    assert question is not None
    rec = next(
        r for r in _reconstruct(questions_json, max_n).questions if r.question_id == question_id
    )
    return compare(question, Tally(tuple(question.option_ids), counts), rec).to_dict()


def comparison(
    questions: QuestionSet, question_id: str, live: Tally, max_n: int | None = None
) -> dict:
    """The live-vs-published comparison, memoised on the counts.

    The broadcaster asks up to ten times a second; only a question whose
    counts changed costs a new computation.
    """
    return _comparison(
        questions.model_dump_json(), question_id, live.counts, _cap(questions, max_n)
    )


def question_result(
    question: Question,
    poll: Poll | None,
    live: Tally,
    questions: QuestionSet,
    reconstruction: QuestionReconstruction,
    max_n: int | None = None,
) -> dict:
    """One question's complete result, as documented in ``docs/api.md``."""
    return {
        "question_id": question.id,
        "text": question.text,
        "state": poll.state.value if poll else None,
        "revealed": poll.revealed if poll else None,
        "options": [{"id": o.id, "text": o.text} for o in question.options],
        "live": live.to_dict(),
        "published": published_block(question, reconstruction),
        "comparison": comparison(questions, question.id, live, max_n),
    }


def session_results(
    state: SessionState, tallies: Mapping[str, Tally], max_n: int | None = None
) -> dict:
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
            question_result(q, state.poll(q.id), tallies[q.id], state.questions, by_id[q.id], max_n)
            for q in state.questions.questions
        ],
    }
