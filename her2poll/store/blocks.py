"""Self-paced blocks: who submitted each, and how far the room has got.

A learner's answers to a block are ordinary answers, each committed (and acked)
as it is given, so nothing here keeps answers: a submission records only that a
learner pressed "Submit", and when. The counts the panel and the projector show
are learners, never answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, distinct, func, insert, select
from sqlalchemy.exc import IntegrityError

from ..core.items import Phase
from ..core.phases import BlockCount, Pacing, check_submission, phase_items
from ..core.session import SessionState
from .db import Database
from .models import AnswerRow, BlockSubmissionRow, utc, utcnow
from .rows import STAMPS_BY_IDS, session_not_found
from .votes import bump_vote_seq


@dataclass(frozen=True)
class Submitted:
    """A submission as recorded: ``dup`` when this learner had submitted already."""

    phase: Phase
    submitted_at: datetime
    dup: bool


def submit_block(db: Database, session_id: int, participant_id: int, phase: Phase) -> Submitted:
    """Record that a learner submitted a block; a second press changes nothing.

    Refused (:class:`~her2poll.core.phases.BlockNotOpen`) unless the block is open
    as a self-paced form, checked in the transaction that records it.
    """
    for attempt in range(2):
        try:
            with db.begin() as conn:
                return _submit(conn, db, session_id, participant_id, phase)
        except IntegrityError:  # the same learner's other tab, at the same moment
            if attempt == 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _submit(
    conn: Connection, db: Database, session_id: int, participant_id: int, phase: Phase
) -> Submitted:
    found = db.states.current(conn, STAMPS_BY_IDS, {"ids": [session_id]})
    if session_id not in found:
        raise session_not_found(str(session_id))
    check_submission(found[session_id].state, phase)
    key = (
        BlockSubmissionRow.session_id == session_id,
        BlockSubmissionRow.phase == phase.value,
        BlockSubmissionRow.participant_id == participant_id,
    )
    before = conn.execute(select(BlockSubmissionRow.submitted_at).where(*key)).scalar()
    if before is not None:
        return Submitted(phase, utc(before), dup=True)
    now = utcnow()
    conn.execute(
        insert(BlockSubmissionRow).values(
            session_id=session_id,
            phase=phase.value,
            participant_id=participant_id,
            submitted_at=now,
        )
    )
    bump_vote_seq(conn, [session_id])  # the panel's and projector's counts changed
    return Submitted(phase, now, dup=False)


def submitted_by(conn: Connection, state: SessionState, participant_id: int) -> list[str]:
    """The phases this learner submitted (for their join ack), in running order."""
    if not _self_paced(state):
        return []
    rows = conn.execute(
        select(BlockSubmissionRow.phase).where(
            BlockSubmissionRow.session_id == state.id,
            BlockSubmissionRow.participant_id == participant_id,
        )
    ).scalars()
    done = set(rows)
    return [r.phase.value for r in state.phases if r.phase.value in done]


def block_counts(conn: Connection, state: SessionState) -> dict[str, BlockCount]:
    """Each self-paced block's learners who answered some of it, and who submitted it.

    One round trip of scalar subqueries (two per block), and none for a session that
    never ran a block (the founding case's tally tick stays as it was).
    """
    phases = _self_paced(state)
    if not phases:
        return {}
    counts = conn.execute(select(*(c for p in phases for c in _counts(state, p)))).one()
    return {
        p.value: BlockCount(int(counts[2 * i]), int(counts[2 * i + 1]))
        for i, p in enumerate(phases)
    }


def _counts(state: SessionState, phase: Phase) -> tuple[Any, Any]:
    """Learners with an answer to the block, and learners who submitted it."""
    answered = (
        select(func.count(distinct(AnswerRow.participant_id)))
        .where(
            AnswerRow.session_id == state.id,
            AnswerRow.question_id.in_(phase_items(state.questions, phase)),
        )
        .scalar_subquery()
    )
    submitted = (
        select(func.count())
        .select_from(BlockSubmissionRow)
        .where(BlockSubmissionRow.session_id == state.id, BlockSubmissionRow.phase == phase.value)
        .scalar_subquery()
    )
    return answered, submitted


def _self_paced(state: SessionState) -> list[Phase]:
    return [r.phase for r in state.phases if r.pacing is Pacing.SELF]
