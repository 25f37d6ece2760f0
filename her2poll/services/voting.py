"""Casting a vote, and submitting a self-paced block: bound to the joined participant,
acknowledged only once durable."""

from __future__ import annotations

from collections.abc import Sequence

from ..core.access import Role
from ..core.errors import Forbidden
from ..core.items import Phase
from ..store.votes import VoteIn
from .joining import Member
from .ports import Store, VoteSink


def cast_vote(
    sink: VoteSink,
    member: Member,
    question_id: str,
    option_id: str | None,
    vote_id: str,
    *,
    option_ids: Sequence[str] | None = None,
    value: float | None = None,
    text: str | None = None,
    confidence: int | None = None,
) -> dict[str, object]:
    """Record one vote; the ack says whether it was new or a harmless retry.

    The answer comes in the one field its item type takes (``option_id`` for
    single choice and rating, ``option_ids``, ``value`` or ``text``). The poll
    rules (open question, an answer the item allows, the countdown) are checked
    by the store in the transaction that records the vote, so no state read
    here can go stale.
    """
    if member.role is not Role.ATTENDEE or member.participant_id is None:
        raise Forbidden(f"Only an attendee may vote; this connection joined as {member.role}.")
    vote = VoteIn(
        member.session_id,
        member.participant_id,
        question_id,
        option_id,
        vote_id,
        tuple(option_ids) if option_ids is not None else None,
        float(value) if value is not None else None,
        text,
        confidence,
    )
    result = sink.submit(vote)
    if result.error is not None:
        raise result.error
    return {"ok": True, "dup": result.dup}


def submit_block(store: Store, member: Member, phase: Phase) -> dict[str, object]:
    """Record that the learner submitted a self-paced block; a repeat is ``dup``.

    Their answers came as votes, each committed and acked as given: a submission
    keeps nothing but who pressed Submit and when.
    """
    if member.role is not Role.ATTENDEE or member.participant_id is None:
        raise Forbidden(f"Only an attendee submits a block; this connection is {member.role}.")
    done = store.submit_block(member.session_id, member.participant_id, phase)
    return {
        "ok": True,
        "dup": done.dup,
        "phase": done.phase.value,
        "submitted_at": done.submitted_at.isoformat(),
    }
