"""Casting a vote: bound to the joined participant, acknowledged only once durable."""

from __future__ import annotations

from ..core.access import Role
from ..core.errors import Forbidden
from ..store.votes import VoteIn
from .joining import Member
from .ports import VoteSink


def cast_vote(
    sink: VoteSink, member: Member, question_id: str, option_id: str, vote_id: str
) -> dict[str, object]:
    """Record one vote; the ack says whether it was new or a harmless retry.

    The poll rules (open question, known option) are checked by the store in the
    transaction that records the vote, so no state read here can go stale.
    """
    if member.role is not Role.ATTENDEE or member.participant_id is None:
        raise Forbidden(f"Only an attendee may vote; this connection joined as {member.role}.")
    vote = VoteIn(member.session_id, member.participant_id, question_id, option_id, vote_id)
    result = sink.submit(vote)
    if result.error is not None:
        raise result.error
    return {"ok": True, "dup": result.dup}
