"""What each role sees of a session: the one home of the rules about who sees what.

Every function takes a :class:`~.session.Snapshot` (one transaction's read) and
returns a plain dict ready to send. The live layer sends each room its view; the
HTTP API and the exports return theirs. The rules:

- attendees see the current question and, only once it is revealed, its result;
  never another attendee's answer, never a tally while a question is open;
- the projector sees the tallies of revealed questions only, and of each question
  only what was published beside its live chart;
- the room (projector and phones) sees no statistics — p-values, intervals, the
  verdict, notes on the source's inconsistent figures — unless the moderator turns
  "Show statistics to the room" on (:attr:`SessionState.room_statistics`): they are
  left out of its messages, not merely hidden by its pages;
- the moderator sees everything, with comparisons for the questions already asked
  (a pending question has no answers to compare);
- a self-paced block reaches the phones as a form without its answer keys, and the
  panel and projector see how many learners answered and submitted it, no result.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from .items import Summary, options_of
from .phases import phase_items, phases_of, run_of, shown_block
from .polls import Poll, PollState, time_left
from .results import comparison, session_results
from .session import SessionState, Snapshot

View = dict[str, Any]

#: Fields of a room summary that are statistics for the moderator and the report (a
#: rating's 95% interval); the room gets them only with the moderator's switch on.
ROOM_STATISTICS = frozenset({"mean_ci95"})


def room_summary(summary: Summary, statistics: bool) -> View:
    """A revealed item's answers as the projector and the phones see them.

    Counts, percentages, a median or % correct read plainly from the back of the
    room; an interval invites misreading, so it is the moderator's to show.

    :param statistics: the session's "Show statistics to the room" switch.
    """
    body = summary.room_dict()
    if statistics:
        return body
    return {k: v for k, v in body.items() if k not in ROOM_STATISTICS}


def _poll(poll: Poll) -> View:
    return {"question_id": poll.question_id, "state": poll.state.value, "revealed": poll.revealed}


def shows_results(session: SessionState) -> bool:
    """Whether the attendees' view includes a tally: the current question is revealed."""
    qid = session.current_question_id
    poll = session.poll(qid) if qid else None
    return poll is not None and poll.revealed


def attendee_state(
    session: SessionState, tallies: Mapping[str, Summary], now: datetime | None = None
) -> View:
    """The ``state`` message: what every attendee's screen shows (protocol.md).

    A knowledge check's correct answer and rationale are part of it only once
    revealed; a learner's confidence and hidden open-text answers never are.

    :param tallies: the session's tallies; read only when :func:`shows_results`,
        so a join before the reveal needs none.
    :param now: for the seconds left of a running countdown.
    """
    current = None
    qid = session.current_question_id
    poll = session.poll(qid) if qid else None
    question = session.question(qid) if qid else None
    if poll is not None and question is not None:
        current = {
            "question_id": question.id,
            "position": session.questions.question_ids.index(question.id) + 1,
            "of": len(session.questions.questions),
            "type": question.type,
            "text": question.text,
            **question.attendee_fields(poll.revealed),
            "confidence": question.confidence,
            "state": poll.state.value,
            "revealed": poll.revealed,
            "seconds_left": time_left(poll, now) if now is not None else None,
            "results": (
                room_summary(tallies[question.id], session.room_statistics)
                if poll.revealed
                else None
            ),
        }
    return {
        "version": session.version,
        "session": {
            "code": session.code,
            "title": session.title,
            "language": session.language,
            "statistics": session.room_statistics,
        },
        "current": current,
        "polls": [_poll(p) for p in session.polls],
        **phase_fields(session),
    }


def phase_fields(session: SessionState) -> View:
    """The ``state`` message's ``phases`` (how each is run) and ``block`` (the form phones show).

    A block's items never carry ``correct`` or ``rationale``: a self-paced form is
    answered before any reveal, and a reveal shows one item as ``current``. A set with
    one phase (the founding case's talk) lists none: there is nothing to run by phase,
    and every phone's join ack stays as small as it was.
    """
    present = phases_of(session.questions)
    return {
        "phases": [
            {"phase": r.phase.value, "pacing": r.pacing.value, "state": r.state.value}
            for r in (run_of(session.phases, p) for p in present)
        ]
        if len(present) > 1
        else [],
        "block": block_view(session),
    }


def block_view(session: SessionState) -> View | None:
    """The self-paced block on the phones, as :func:`~.phases.shown_block` decides."""
    run = shown_block(session)
    if run is None:
        return None
    ids = phase_items(session.questions, run.phase)
    items = []
    for position, qid in enumerate(ids, start=1):
        question, poll = session.question(qid), session.poll(qid)
        if question is None or poll is None:
            continue
        cond = question.show_if
        items.append(
            {
                "question_id": qid,
                "position": position,
                "of": len(ids),
                "type": question.type,
                "text": question.text,
                **question.attendee_fields(False),
                "confidence": question.confidence,
                "state": poll.state.value,
                "show_if": cond.model_dump(mode="json") if cond is not None else None,
            }
        )
    return {"phase": run.phase.value, "pacing": run.pacing.value, "state": run.state.value,
            "items": items}  # fmt: skip


def _asked(state: SessionState, question_id: str) -> bool:
    poll = state.poll(question_id)
    return poll is not None and poll.state is not PollState.PENDING


def moderator_tally(snap: Snapshot, connected: int) -> View:
    """The moderator's ``tally`` message: every count, and comparisons once asked."""
    questions = snap.state.questions
    return {
        "vote_seq": snap.vote_seq,
        "participants": snap.participants,
        "connected": connected,
        "tallies": {q: t.to_dict() for q, t in snap.tallies.items()},
        # Learners, never answers: the projector shows a block's "submitted" count too.
        "blocks": {phase: asdict(count) for phase, count in snap.blocks.items()},
        "comparison": {
            q: c
            for q, t in snap.tallies.items()
            if _asked(snap.state, q) and (c := comparison(questions, q, t)) is not None
        },
    }


def screen_tally(snap: Snapshot, connected: int, moderator: View | None = None) -> View:
    """The projector's ``tally`` message: the moderator's, for revealed questions only.

    The comparison with the published figures is all statistics (its verdict, tests,
    intervals and the note on inconsistent figures); the projector draws the published
    bars from :func:`screen_questions`, so without the switch it gets no comparison.

    :param moderator: this snapshot's :func:`moderator_tally`, if already made.
    """
    full = moderator if moderator is not None else moderator_tally(snap, connected)
    revealed = {p.question_id for p in snap.state.polls if p.revealed}
    statistics = snap.state.room_statistics
    return {
        **full,
        "tallies": {
            q: room_summary(t, statistics) for q, t in snap.tallies.items() if q in revealed
        },
        # Every question's number of answers (the projector shows it while voting runs).
        "answered": {q: t.n for q, t in snap.tallies.items()},
        "comparison": (
            {q: c for q, c in full["comparison"].items() if q in revealed} if statistics else {}
        ),
    }


def moderator_questions(state: SessionState) -> View:
    """The whole question set, sources and notes included, for the panel."""
    return state.questions.model_dump(mode="json")


def screen_questions(state: SessionState) -> list[View]:
    """What the projector needs beside the live chart: published percentages only."""
    return [
        {
            "id": q.id,
            "published": {
                o.id: (
                    {"percent": o.published.percent, "status": o.published.status.value}
                    if o.published
                    else None
                )
                for o in options_of(q)
            },
        }
        for q in state.questions.questions
    ]


def results(snap: Snapshot, max_n: int | None = None) -> View:
    """The results API's body (``docs/api.md``), also what every export is built from."""
    return session_results(snap.state, snap.tallies, max_n)
