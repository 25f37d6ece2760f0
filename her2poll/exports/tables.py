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

from ..core import commitments, suppressed
from ..core.items import ItemBase, options_of
from ..core.questions import QuestionSet
from ..core.results import session_results
from ..core.suppression import SECONDARY
from ..store.export import PollRecord, QARecord, ResponseRecord, SessionSnapshot, VoteRecord
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
    "position", "question_id", "type", "question", "text_status", "text_quote", "text_note",
    "phase", "twin_of", "settings", "rationale", "asks_confidence", "timer_seconds", "state",
    "revealed", "opened_at", "closed_at", "option_id", "option", "option_value", "option_note",
    "correct", "published_percent", "published_status", "published_quote", "published_note",
]  # fmt: skip

#: One row per current answer: the answer as sent and as a person reads it.
RESPONSES_HEADER = [
    "participant", "question_id", "question", "type", "answer", "answer_text", "correct",
    "confidence", "hidden", "answered_at", "updated_at", "changed_count",
]  # fmt: skip

#: One row per applied vote, in the order received (a changed answer has several).
VOTES_HEADER = [
    "participant", "question_id", "question", "type", "answer", "answer_text", "received_at",
]  # fmt: skip

#: One row per learner who said what they will change (Moore level 5), by pseudonym.
COMMITMENTS_HEADER = ["participant", "statement", "intent", "intent_value"]

#: Every figure of every item's summary, one per row (the results API's names).
RESULTS_HEADER = ["question_id", "type", "question", "measure", "key", "label", "value"]

#: The audience questions without who asked: the activity is anonymous (issue 14), so
#: only the name a learner typed for the room to see is shown.
QA_HEADER = [
    "id", "text", "name", "status", "votes", "pinned", "edited", "filtered", "merged_into",
    "created_at", "updated_at",
]  # fmt: skip


def aggregate_results(snap: SessionSnapshot) -> dict[str, Any]:
    """The results the aggregate sheets show: suppressed when learners are identified.

    The per-respondent sheets (responses, votes) carry pseudonyms only and are not
    suppressed; see :mod:`her2poll.core.suppressed`.
    """
    results = session_results(snap.state, snap.tallies)
    return suppressed.results(results) if snap.identified else results


def pct(value: float | str | None) -> float | str | None:
    """A percentage rounded once for every format; a suppression marker passes as it is."""
    return value if value is None or isinstance(value, str) else round(value, 2)


def _ci(interval: Sequence[float | str] | None) -> tuple[Any, Any]:
    return (pct(interval[0]), pct(interval[1])) if interval else (None, None)


def summary_rows(results: dict[str, Any]) -> Iterator[list[Cell]]:
    """One row per choice item and column: live, printed, reconstructed, difference.

    Items counted per option (single, multiple, rating) have rows; a multiple
    choice's percentages are of respondents. Rankings, numbers and texts have
    their figures in :func:`result_rows` only.
    """
    for q in results["questions"]:
        cmp = q["comparison"]
        if cmp is not None and cmp["options"]:
            for col in cmp["options"]:
                yield _compared_row(q, col, cmp["published_n"])
        elif "counts" in q["live"]:
            for option in q["options"]:
                yield _live_only_row(q, option)


def _texts(q: dict[str, Any], option_ids: Sequence[str]) -> str:
    by_id = {o["id"]: o["text"] for o in q["options"]}
    return " / ".join(by_id[i] for i in option_ids)


def _printed_status(q: dict[str, Any], col: dict[str, Any]) -> str | None:
    if col["printed_percent"] is not None:
        return "published"
    return "derived" if col["derived_percent"] is not None else None


def _total(values: Sequence[Any]) -> Any:
    """The sum of shown percentages; a marker where one of them is withheld."""
    if all(isinstance(v, int | float) for v in values):
        return sum(values)
    return values[0] if len(values) == 1 else SECONDARY


def _share(count: Any, n: Any) -> Any:
    """100·count/n, rounded as every share; withheld where either is."""
    if isinstance(count, str) or isinstance(n, str):
        return SECONDARY
    return pct(100 * count / n) if n else None


def _compared_row(q: dict[str, Any], col: dict[str, Any], published_n: int) -> list[Cell]:
    shown = _total([q["live"]["percent"][i] for i in col["option_ids"]])
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
    share = _share(count, n)
    shown = q["live"]["percent"][option["id"]] if n else None
    return [q["question_id"], q["text"], option["id"], option["text"], count, shown, share]


def comparison_rows(results: dict[str, Any]) -> Iterator[list[Cell]]:
    """One row per item with published figures: the test, the effect size, the verdict."""
    for q in results["questions"]:
        if q["comparison"] is None:
            continue
        cmp, test, effect = q["comparison"], q["comparison"]["test"], q["comparison"]["effect"]
        p_range = cmp["p_range"] or (None, None)
        yield [
            q["question_id"], q["text"], q["state"], cmp["live_n"], cmp["published_n"],
            cmp["published_source"], cmp["published_inconsistent"],
            test["method"] if test else None, test["p_value"] if test else None, *p_range,
            effect["name"] if effect else None,
            _round4(effect["estimate"]) if effect else None,
            *((_round4(effect["ci"][0]), _round4(effect["ci"][1])) if effect else (None, None)),
            effect["method"] if effect else None, INTERVAL_METHOD, DIFFERENCE_METHOD,
            q["published"]["reconstruction"]["summary"], cmp["verdict_code"], cmp["verdict"],
        ]  # fmt: skip


def _round4(value: Any) -> Any:
    return value if isinstance(value, str) else round(value, 4)


def _settings(item: ItemBase) -> str | None:
    """A type's own fields (limits, unit, rank count) as ``name=value; …``."""
    common = set(ItemBase.model_fields) | {"options", "correct", "rationale"}
    fields = {k: v for k, v in item.model_dump(mode="json").items() if k not in common}
    shown = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in fields.items()]
    return "; ".join(shown) or None


def question_rows(questions: QuestionSet, polls: Sequence[PollRecord]) -> Iterator[list[Cell]]:
    """The question set with the provenance of every figure: one row per option, or one
    row for an item without options (a number, a text)."""
    by_id = {p.question_id: p for p in polls}
    for position, q in enumerate(questions.questions, start=1):
        poll = by_id.get(q.id)
        correct = getattr(q, "correct", None)
        head: list[Cell] = [
            position, q.id, q.type, q.text, q.text_status.value, q.text_quote, q.text_note,
            q.phase.value, q.twin_of, _settings(q), getattr(q, "rationale", None), q.confidence,
            q.timer_seconds, poll.state if poll else None, poll.revealed if poll else None,
            poll.opened_at if poll else None, poll.closed_at if poll else None,
        ]  # fmt: skip
        options = options_of(q)
        if not options:
            yield head + [None] * 9
        for o in options:
            fig = o.published
            yield head + [
                o.id, o.text, getattr(o, "value", None), o.note,
                None if correct is None else o.id in correct,
                fig.percent if fig else None, fig.status.value if fig else None,
                fig.quote if fig else None, fig.note if fig else None,
            ]  # fmt: skip


class ResponseTexts:
    """An answer's cells (as sent, as read, right or wrong), worked out by each item type.

    One-option answers repeat, so theirs are worked out once per option.
    """

    def __init__(self, questions: QuestionSet) -> None:
        self.items = {q.id: q for q in questions.questions}
        self._seen: dict[tuple[str, str | None, str | None], list[Cell]] = {}

    def answer(self, question_id: str, option_id: str | None, value: str | None) -> list[Cell]:
        """``question, type, answer, answer_text, correct`` of one stored answer."""
        key = (question_id, option_id, value)
        cells = self._seen.get(key)
        if cells is None:
            item = self.items[question_id]
            answer = item.load_answer(option_id, value)
            cells = [
                item.text, item.type, item.answer_cell(answer), item.answer_text(answer),
                item.is_correct(answer),
            ]  # fmt: skip
            if item.counted:
                self._seen[key] = cells
        return cells

    def row(self, r: ResponseRecord) -> list[Cell]:
        question, kind, answer, text, correct = self.answer(r.question_id, r.option_id, r.value)
        return [
            r.participant, r.question_id, question, kind, answer, text, correct, r.confidence,
            r.hidden, r.answered_at, r.updated_at, r.changed_count,
        ]  # fmt: skip

    def vote_row(self, v: VoteRecord) -> list[Cell]:
        question, kind, answer, text, _ = self.answer(v.question_id, v.option_id, v.value)
        return [v.participant, v.question_id, question, kind, answer, text, v.received_at]


def result_rows(results: dict[str, Any]) -> Iterator[list[Cell]]:
    """Every figure of every item's live summary, one per row, named as in the results API.

    ``key`` is what a figure is of (an option id, a histogram bin, a word, a
    confidence level); ``label`` the option's text where it is an option's.
    Open-text answers themselves are in the responses, marked hidden or not.
    """
    for q in results["questions"]:
        labels = {o["id"]: o["text"] for o in q["options"]}
        head = [q["question_id"], q["type"], q["text"]]
        for measure, key, value in _figures(q["live"]):
            label = labels.get(key) if key is not None and measure in _OPTION_MEASURES else None
            yield [*head, measure, key, label, value]


#: The measures whose ``key`` is an option id.
_OPTION_MEASURES = frozenset({"counts", "percent", "borda", "mean_rank", "ranked_by", "first"})


def _figures(live: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str | None, Cell]]:
    for name, value in live.items():
        measure = prefix + name
        if name in ("answers", "order"):  # the texts are rows of their own; order = by borda
            continue
        if isinstance(value, dict) and all(not isinstance(v, dict | list) for v in value.values()):
            if name in ("counts", "percent"):
                yield from ((measure, str(k), v) for k, v in value.items())
            else:
                yield from _figures(value, measure + "_")
        elif isinstance(value, dict):
            yield from _figures(value, measure + "_")
        elif name == "mean_ci95":
            yield from ((f"{measure}_{end}", None, v) for end, v in zip(("low", "high"),
                        value or (None, None), strict=True))  # fmt: skip
        elif name == "histogram":
            yield from ((measure, f"{b['lo']}-{b['hi']}", b["count"]) for b in value)
        elif name == "words":
            yield from ((measure, w["word"], w["count"]) for w in value)
        elif name == "outliers":
            yield from ((measure, None, v) for v in value)
        elif name == "options":  # a ranking's rows
            for row in value:
                for key in ("borda", "mean_rank", "ranked_by", "first"):
                    yield (key, row["option_id"], row[key])
        else:
            yield measure, None, value


def qa_row(q: QARecord) -> list[Cell]:
    """One audience question as the room and the moderator saw it; never its asker."""
    return [
        q.id, q.text, q.name, q.status, q.votes, q.pinned, q.edited, q.filtered, q.merged_into,
        q.created_at, q.updated_at,
    ]  # fmt: skip


def commitment_rows(snap: SessionSnapshot) -> list[list[Cell]]:
    """Each learner's commitment statement and intent to change, under their pseudonym only."""
    said, intent = commitments.items(snap.state.questions)
    by_id = {q.id: q for q in [*said, *intent]}
    stored = snap.answers_to(list(by_id))
    answers = {
        who: {qid: by_id[qid].load_answer(oid, value) for qid, (oid, value) in given.items()}
        for who, given in stored.items()
    }
    return [
        [c.learner, c.statement or None, c.intent or None, c.intent_value]
        for c in commitments.rows(snap.state.questions, answers)
    ]
