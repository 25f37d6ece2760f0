"""Phase runs and block submissions in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from her2poll.core import views
from her2poll.core.attendance import attendance
from her2poll.core.items import Phase
from her2poll.core.phases import (
    BlockCount,
    BlockNotOpen,
    BlockOpen,
    Command,
    Pacing,
    PhaseAction,
    PhaseRun,
    RunState,
)
from her2poll.core.polls import Action, PollState
from her2poll.core.questions import load_question_set
from her2poll.services.sessions import create
from her2poll.store import blocks, identities, joins, polls, sessions
from her2poll.store.db import Database
from her2poll.store.models import PhaseRunRow, PollRow
from her2poll.store.repository import SqlStore
from her2poll.store.snapshot import read_snapshot
from her2poll.store.votes import VoteIn, record_vote

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cme-activity.json"
PRE = ["K1_PRE", "K2_PRE", "K3_PRE", "K4_PRE", "CONF_PRE"]


def opened(state) -> set[str]:
    return {p.question_id for p in state.polls if p.state is PollState.OPEN}


@pytest.fixture
def code(db: Database) -> str:
    return create(SqlStore(db), load_question_set(EXAMPLE)).state.code


def open_phase(phase: Phase, pacing: Pacing | None = None) -> Command:
    return Command(PhaseAction.OPEN_PHASE, phase=phase, pacing=pacing)


def test_a_phase_action_commits_its_items_run_and_version_together(db: Database, code: str) -> None:
    before = sessions.get_session(db, code)
    state = polls.apply_command(db, code, open_phase(Phase.PRE, Pacing.SELF))
    assert opened(state) == set(PRE)
    assert state.version == before.version + 1
    assert state.phases == (PhaseRun(Phase.PRE, Pacing.SELF, RunState.OPEN),)
    assert state.current_phase is Phase.PRE and state.current_question_id is None
    again = sessions.get_session(db, code)  # read back, not the returned value
    assert again.phases == state.phases and opened(again) == set(PRE)
    with db.begin() as conn:
        row = conn.execute(select(PhaseRunRow)).one()
        assert row.opened_at is not None and row.closed_at is None
        stamps = conn.execute(
            select(PollRow.question_id, PollRow.opened_at).where(PollRow.opened_at.is_not(None))
        ).all()
    assert {q for q, _ in stamps} == set(PRE)


def test_a_refused_phase_action_changes_nothing(db: Database, code: str) -> None:
    polls.apply_command(db, code, open_phase(Phase.PRE))
    before = sessions.get_session(db, code)
    with pytest.raises(BlockOpen):
        polls.apply_action(db, code, None, "next")
    assert sessions.get_session(db, code) == before


def test_the_cached_state_of_a_vote_sees_the_block_open_and_then_closed(
    db: Database, code: str
) -> None:
    state = sessions.get_session(db, code)
    pid = joins.attendee_join(db, code, None, views.shows_results).participant.id
    polls.apply_command(db, code, open_phase(Phase.PRE))
    assert record_vote(db, VoteIn(state.id, pid, "K2_PRE", "ILD", "v-k2-pre-1")).ok
    assert record_vote(db, VoteIn(state.id, pid, "K3_PRE", "TUC", "v-k3-pre-1")).ok
    closed = polls.apply_command(db, code, Command(PhaseAction.CLOSE_PHASE, phase=Phase.PRE))
    assert opened(closed) == set()
    late = record_vote(db, VoteIn(state.id, pid, "K4_PRE", "Q3M", "v-k4-pre-1"))
    assert late.error is not None and late.error.code == "poll_not_open"


def test_a_submission_is_recorded_once_and_counted(db: Database, code: str) -> None:
    sid = sessions.get_session(db, code).id
    people = [joins.attendee_join(db, code, None, views.shows_results) for _ in range(3)]
    with pytest.raises(BlockNotOpen):
        blocks.submit_block(db, sid, people[0].participant.id, Phase.PRE)
    polls.apply_command(db, code, open_phase(Phase.PRE))
    seq = read_snapshot(db, sid).vote_seq
    for i, p in enumerate(people[:2]):
        assert record_vote(db, VoteIn(sid, p.participant.id, "K1_PRE", "TDXD", f"vote-{i}-k1")).ok
    first = blocks.submit_block(db, sid, people[0].participant.id, Phase.PRE)
    again = blocks.submit_block(db, sid, people[0].participant.id, Phase.PRE)
    assert not first.dup and again.dup and again.submitted_at == first.submitted_at
    snap = read_snapshot(db, sid)
    assert snap.blocks == {"pre": BlockCount(answered=2, submitted=1)}
    assert snap.vote_seq == seq + 3  # two votes, one submission: each a new tally version
    with pytest.raises(BlockNotOpen):
        blocks.submit_block(db, sid, people[1].participant.id, Phase.POST)
    back = joins.attendee_join(db, code, people[0].participant.public_id, views.shows_results)
    assert back.submitted == ("pre",)


def test_a_session_that_never_ran_a_block_reads_no_block_counts(db: Database, code: str) -> None:
    polls.apply_action(db, code, None, "next")
    assert read_snapshot(db, sessions.get_session(db, code).id).blocks == {}


def test_opening_a_block_counts_each_of_its_items_as_asked(db: Database, code: str) -> None:
    """Attendance (Moore level 1): a learner's share is of the items asked, block items too."""
    state = sessions.get_session(db, code)
    pid = joins.attendee_join(db, code, None, views.shows_results).participant.id
    polls.apply_command(db, code, open_phase(Phase.PRE))
    for qid, option in (("K1_PRE", "TDXD"), ("K2_PRE", "ILD"), ("K3_PRE", "TUC")):
        assert record_vote(db, VoteIn(state.id, pid, qid, option, f"vote-{qid}")).ok
    polls.apply_command(db, code, Command(PhaseAction.CLOSE_PHASE, phase=Phase.PRE))
    with db.begin() as conn:
        asked = identities.asked(conn, state.id)
    assert asked == PRE
    record = attendance([], ["K1_PRE", "K2_PRE", "K3_PRE"], asked, datetime.now(UTC))
    assert (record.items_answered, record.items_asked) == (3, 5)


def test_a_moderator_paced_block_and_next_inside_it(db: Database, code: str) -> None:
    state = polls.apply_command(db, code, open_phase(Phase.POST, Pacing.MODERATOR))
    assert opened(state) == {"K1_POST"} and state.current_question_id == "K1_POST"
    state = polls.apply_action(db, code, None, "next")
    assert opened(state) == {"K2_POST"}
    state = polls.apply_action(db, code, "K2_POST", Action.CLOSE)
    state = polls.apply_command(db, code, Command(PhaseAction.CLOSE_PHASE, phase=Phase.POST))
    assert state.phases == (PhaseRun(Phase.POST, Pacing.MODERATOR, RunState.CLOSED),)
    assert polls.apply_action(db, code, None, "next").current_question_id == "TALK1"


def test_the_bias_comment_counts_as_asked_only_of_those_its_form_showed_it_to(
    db: Database, code: str
) -> None:
    """Self-paced, the comment box appears only after "No": whoever said "Yes" was
    never asked it and can still answer every item asked of them."""
    from her2poll.services import credit

    state = sessions.get_session(db, code)
    yes, no = (joins.attendee_join(db, code, None, views.shows_results) for _ in range(2))
    polls.apply_command(db, code, open_phase(Phase.EVALUATION, Pacing.SELF))
    evaluation = [q.id for q in state.questions.questions if q.phase is Phase.EVALUATION]
    for who, bias in ((yes, "YES"), (no, "NO")):
        pid = who.participant.id
        for qid in evaluation:
            item = state.question(qid)
            if qid == "EVAL_BIAS_COMMENT":
                if bias == "NO":
                    assert record_vote(
                        db, VoteIn(state.id, pid, qid, None, f"c{pid}", text="Ads")
                    ).ok
                continue
            if item.type == "text":  # type: ignore[union-attr]
                vote = VoteIn(state.id, pid, qid, None, f"{qid}{pid}", text="Fewer scans")
            else:
                option = bias if qid == "EVAL_BIAS" else item.options[0].id  # type: ignore[union-attr]
                vote = VoteIn(state.id, pid, qid, option, f"{qid}{pid}")
            assert record_vote(db, vote).ok, qid
    polls.apply_command(db, code, Command(PhaseAction.CLOSE_PHASE, phase=Phase.EVALUATION))
    found = credit.report(db, code)
    by_id = {r.public_id: r.attendance for r in found.records}
    said_yes, said_no = by_id[yes.participant.public_id], by_id[no.participant.public_id]
    assert len(found.asked) == len(evaluation)  # the session asked every item of the block
    assert (said_no.items_answered, said_no.items_asked) == (len(evaluation),) * 2
    assert (said_yes.items_answered, said_yes.items_asked) == (len(evaluation) - 1,) * 2
    assert said_yes.share == said_no.share == 1.0
