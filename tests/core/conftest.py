"""Core fixtures: the founding question set, reconstructed once per module."""

from __future__ import annotations

import pytest

from her2poll.core.items import SingleChoice
from her2poll.core.published import QuestionReconstruction, reconstruct_set
from her2poll.core.questions import QuestionSet


@pytest.fixture(scope="module")
def reconstructed(questions: QuestionSet) -> dict[str, QuestionReconstruction]:
    """The article's questions reconstructed with the footnote's cap, by question id."""
    return {q.question_id: q for q in reconstruct_set(questions).questions}


def make_question(printed: list[float | None], derived: float | None = None) -> SingleChoice:
    """A question whose options print ``printed``; ``None`` is an unprinted option."""
    options = []
    for i, p in enumerate(printed):
        if p is None:
            fig = None if derived is None else {"percent": derived, "status": "derived"}
        else:
            fig = {"percent": p, "status": "published", "quote": f"{p}% said {i}"}
        options.append({"id": f"O{i}", "text": f"Option {i}", "published": fig})
    return SingleChoice.model_validate({"id": "Q", "text": "Which?", "options": options})
