"""The tables every format shows, built from one results document.

The results document is :func:`her2poll.core.results.session_results`, the same
one the results API returns, so a CSV cell, an XLSX cell and a PDF figure are
the numbers the moderator saw. Percentages are rounded to two decimals here,
once, so the CSV and the XLSX agree to the digit; the JSON export carries the
results document unrounded.

A "column" is what the comparison compares: one option, or, when several options
have no printed figure, their merged remainder (as in the results API).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..core.items import options_of
from ..core.questions import QuestionSet
from ..store.export import PollRecord, QARecord, ResponseRecord
from .cells import Cell

INTERVAL_METHOD = "Wilson score interval, 95%"
DIFFERENCE_METHOD = "Newcombe hybrid score interval of the difference, 95%"

SUMMARY_HEADER = [
    "question_id", "question", "option_id", "option", "live_count", "live_percent",
    "live_share_percent", "live_ci_low", "live_ci_high", "printed_percent", "printed_status",
    "published_count", "published_n", "published_percent", "published_ci_low",
    "published_ci_high", "difference_pp", "difference_ci_low", "difference_ci_high",
]  # fmt: skip

COMPARISON_HEADER = [
    "question_id", "question", "state", "live_n", "published_n", "published_source",
    "published_inconsistent", "test_method", "p_value", "p_min", "p_max", "effect",
    "effect_estimate", "effect_ci_low", "effect_ci_high", "effect_method", "interval_method",
    "difference_method", "reconstruction", "verdict_code", "verdict",
]  # fmt: skip

QUESTIONS_HEADER = [
    "position", "question_id", "question", "text_status", "text_quote", "text_note", "state",
    "revealed", "opened_at", "closed_at", "option_id", "option", "published_percent",
    "published_status", "published_quote", "published_note",
]  # fmt: skip

RESPONSES_HEADER = [
    "participant", "question_id", "question", "option_id", "option", "answered_at",
    "updated_at", "changed_count",
]  # fmt: skip


#: The audience questions without who asked: the activity is anonymous (issue 14), so
#: only the name a learner typed for the room to see is shown.
QA_HEADER = [
    "id", "text", "name", "status", "votes", "pinned", "edited", "filtered", "merged_into",
    "created_at", "updated_at",
]  # fmt: skip


def pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _ci(interval: Sequence[float] | None) -> tuple[float | None, float | None]:
    return (pct(interval[0]), pct(interval[1])) if interval else (None, None)


def summary_rows(results: dict[str, Any]) -> Iterator[list[Cell]]:
    """One row per question and column: live, printed, reconstructed, difference."""
    for q in results["questions"]:
        cmp = q["comparison"]
        if cmp["options"]:
            for col in cmp["options"]:
                yield _compared_row(q, col, cmp["published_n"])
        else:
            for option in q["options"]:
                yield _live_only_row(q, option)


def _texts(q: dict[str, Any], option_ids: Sequence[str]) -> str:
    by_id = {o["id"]: o["text"] for o in q["options"]}
    return " / ".join(by_id[i] for i in option_ids)


def _printed_status(q: dict[str, Any], col: dict[str, Any]) -> str | None:
    if col["printed_percent"] is not None:
        return "published"
    return "derived" if col["derived_percent"] is not None else None


def _compared_row(q: dict[str, Any], col: dict[str, Any], published_n: int) -> list[Cell]:
    shown = sum(q["live"]["percent"][i] for i in col["option_ids"])
    printed = col["printed_percent"]
    return [
        q["question_id"], q["text"], col["key"], _texts(q, col["option_ids"]), col["live_count"],
        shown if q["live"]["n"] else None, pct(col["live_percent"]), *_ci(col["live_ci_percent"]),
        printed if printed is not None else col["derived_percent"], _printed_status(q, col),
        col["published_count"], published_n, pct(col["published_percent"]),
        *_ci(col["published_ci_percent"]), pct(col["difference_pp"]),
        *_ci(col["difference_ci_pp"]),
    ]  # fmt: skip


def _live_only_row(q: dict[str, Any], option: dict[str, str]) -> list[Cell]:
    n, count = q["live"]["n"], q["live"]["counts"][option["id"]]
    share = pct(100 * count / n) if n else None
    shown = q["live"]["percent"][option["id"]] if n else None
    return [q["question_id"], q["text"], option["id"], option["text"], count, shown, share]


def comparison_rows(results: dict[str, Any]) -> Iterator[list[Cell]]:
    """One row per question: the test, the effect size and the verdict, methods named."""
    for q in results["questions"]:
        cmp, test, effect = q["comparison"], q["comparison"]["test"], q["comparison"]["effect"]
        p_range = cmp["p_range"] or (None, None)
        yield [
            q["question_id"], q["text"], q["state"], cmp["live_n"], cmp["published_n"],
            cmp["published_source"], cmp["published_inconsistent"],
            test["method"] if test else None, test["p_value"] if test else None, *p_range,
            effect["name"] if effect else None,
            round(effect["estimate"], 4) if effect else None,
            *((round(effect["ci"][0], 4), round(effect["ci"][1], 4)) if effect else (None, None)),
            effect["method"] if effect else None, INTERVAL_METHOD, DIFFERENCE_METHOD,
            q["published"]["reconstruction"]["summary"], cmp["verdict_code"], cmp["verdict"],
        ]  # fmt: skip


def question_rows(questions: QuestionSet, polls: Sequence[PollRecord]) -> Iterator[list[Cell]]:
    """The question set with the provenance of every figure, one row per option."""
    by_id = {p.question_id: p for p in polls}
    for position, q in enumerate(questions.questions, start=1):
        poll = by_id.get(q.id)
        for o in options_of(q):
            fig = o.published
            yield [
                position, q.id, q.text, q.text_status.value, q.text_quote, q.text_note,
                poll.state if poll else None, poll.revealed if poll else None,
                poll.opened_at if poll else None, poll.closed_at if poll else None,
                o.id, o.text, fig.percent if fig else None, fig.status.value if fig else None,
                fig.quote if fig else None, fig.note if fig else None,
            ]  # fmt: skip


class ResponseTexts:
    """Question and option words for response rows, looked up once per id."""

    def __init__(self, questions: QuestionSet) -> None:
        self.questions = {q.id: q.text for q in questions.questions}
        self.options = {(q.id, o.id): o.text for q in questions.questions for o in options_of(q)}

    def row(self, r: ResponseRecord) -> list[Cell]:
        return [
            r.participant, r.question_id, self.questions.get(r.question_id), r.option_id,
            self.options.get((r.question_id, r.option_id)), r.answered_at, r.updated_at,
            r.changed_count,
        ]  # fmt: skip


def qa_row(q: QARecord) -> list[Cell]:
    """One audience question as the room and the moderator saw it; never its asker."""
    return [
        q.id, q.text, q.name, q.status, q.votes, q.pinned, q.edited, q.filtered, q.merged_into,
        q.created_at, q.updated_at,
    ]  # fmt: skip
