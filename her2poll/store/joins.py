"""An attendee's join, read and written in one transaction.

Every phone joins on every (re)connect, so a room of thousands reconnecting
after a Wi-Fi drop is thousands of joins at once. One transaction finds the
session (its state from the per-process cache while its version holds), finds
or adds the participant, and reads what the ack shows: the tallies when a result
is revealed, the room's Q&A (kept per process while the session's ``qa_seq``
holds) and, for a returning participant only, their own answers, Q&A and the
self-paced blocks they submitted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..core.items import Summary
from ..core.session import Participant, SessionState, normalize_code
from . import blocks, identities, participants, qa, votes
from .db import Database
from .rows import STAMPS_BY_CODE, session_not_found


@dataclass(frozen=True)
class AttendeeJoin:
    """What an attendee's join ack is made of, as of one transaction."""

    state: SessionState
    participant: Participant
    #: Every question's summary, or None when ``with_tallies`` said the view shows none.
    tallies: Mapping[str, Summary] | None
    qa: qa.QAState
    #: The participant's own answers and Q&A (empty for a new participant).
    answers: dict[str, object]
    qa_mine: dict[str, object]
    #: Whether the participant joined before (their token named them).
    returning: bool
    #: This connection's attendance interval, closed by the disconnect.
    connection_id: int | None = None
    #: The self-paced blocks this participant submitted (phase names).
    submitted: tuple[str, ...] = ()


def attendee_join(
    db: Database,
    code: str,
    public_id: str | None,
    with_tallies: Callable[[SessionState], bool],
) -> AttendeeJoin:
    """Find the session by ``code``, find or add the participant, read their ack's parts.

    :param public_id: the participant the (already verified) token names, if any.
    :param with_tallies: whether the attendee's view of a state shows the tallies.
    """
    with db.begin() as conn:
        found = db.states.current(conn, STAMPS_BY_CODE, {"code": normalize_code(code)})
        if not found:
            raise session_not_found(code)
        ((state, _polls, qa_seq, stamp, _vote_seq),) = found.values()
        participant, returning = participants.find_or_add(conn, state.id, public_id)
        connection_id = identities.connect(conn, state.id, participant.id)
        tallies = votes.tallies(conn, state) if with_tallies(state) else None
        # Q&A changes bump qa_seq in their transaction: the room's view is kept per seq.
        room_qa = db.states.memo(("qa", stamp, qa_seq), lambda: qa.read_in(conn, state.id))
        submitted: list[str] = []
        if returning:
            answers = votes.answers_in(conn, state, participant.id)
            mine = qa.mine_in(conn, state.id, participant.id)
            submitted = blocks.submitted_by(conn, state, participant.id)
        else:
            answers, mine = {}, {"upvoted": [], "asked": []}
    return AttendeeJoin(
        state,
        participant,
        tallies,
        room_qa,
        answers,
        mine,
        returning,
        connection_id,
        tuple(submitted),
    )
