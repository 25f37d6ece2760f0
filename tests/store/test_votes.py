"""Recording votes: idempotent, one answer per person, durable (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from her2poll.core.polls import Action
from her2poll.core.questions import QuestionSet
from her2poll.core.session import SessionState
from her2poll.services.sessions import create
from her2poll.store import participants, polls
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.snapshot import read_snapshot
from her2poll.store.votes import VoteIn, answers_of, record_vote, record_votes


@pytest.fixture
def session(db: Database, questions: QuestionSet) -> SessionState:
    code = create(SqlStore(db), questions).state.code
    return polls.apply_action(db, code, "PQ6", Action.OPEN)


def vote(s: SessionState, participant: int, option: str, vote_id: str, q: str = "PQ6") -> VoteIn:
    return VoteIn(s.id, participant, q, option, vote_id)


def test_a_retry_with_the_same_vote_id_is_harmless(db: Database, session: SessionState) -> None:
    p = participants.join(db, session.id, None)
    first = record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    retry = record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    assert (first.ok, first.dup) == (True, False)
    assert (retry.ok, retry.dup) == (True, True)
    assert read_snapshot(db, session.id).tallies["PQ6"].n == 1


def test_a_changed_answer_replaces_the_old_one(db: Database, session: SessionState) -> None:
    p = participants.join(db, session.id, None)
    record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    record_vote(db, vote(session, p.id, "VERY_UNLIKELY", "vote-0002"))
    t = read_snapshot(db, session.id).tallies["PQ6"]
    assert t.n == 1
    assert dict(zip(t.option_ids, t.counts, strict=True))["VERY_UNLIKELY"] == 1
    assert answers_of(db, session.id, p.id) == {"PQ6": "VERY_UNLIKELY"}


def test_a_late_retry_of_an_old_vote_never_overwrites_a_newer_one(
    db: Database, session: SessionState
) -> None:
    p = participants.join(db, session.id, None)
    record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    record_vote(db, vote(session, p.id, "VERY_LIKELY", "vote-0002"))
    late = record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    assert late.dup
    assert answers_of(db, session.id, p.id) == {"PQ6": "VERY_LIKELY"}


def test_a_vote_id_another_participant_used_is_not_a_duplicate(
    db: Database, session: SessionState
) -> None:
    """Receipts are looked up one column at a time: crossed pairs must not match."""
    a, b = (participants.join(db, session.id, None) for _ in range(2))
    record_votes(db, [vote(session, a.id, "LIKELY", "vote-aaaa"),
                      vote(session, b.id, "LIKELY", "vote-bbbb")])  # fmt: skip
    crossed = record_votes(db, [vote(session, a.id, "VERY_LIKELY", "vote-bbbb"),
                                vote(session, b.id, "VERY_LIKELY", "vote-aaaa")])  # fmt: skip
    assert [(r.ok, r.dup) for r in crossed] == [(True, False), (True, False)]
    assert (
        answers_of(db, session.id, a.id)
        == answers_of(db, session.id, b.id)
        == {"PQ6": "VERY_LIKELY"}
    )


def test_votes_on_a_question_that_is_not_open_are_refused(
    db: Database, session: SessionState
) -> None:
    p = participants.join(db, session.id, None)
    results = record_votes(
        db,
        [
            vote(session, p.id, "VERY", "vote-0001", q="PQ5"),
            vote(session, p.id, "MAYBE", "vote-0002"),
            vote(session, p.id, "X", "vote-0003", q="PQ99"),
        ],
    )
    assert [r.error.code for r in results] == [
        "poll_not_open",
        "unknown_option",
        "unknown_question",
    ]
    assert read_snapshot(db, session.id).tallies["PQ6"].n == 0


def test_a_batch_mixes_new_changed_duplicate_and_refused_votes(
    db: Database, session: SessionState
) -> None:
    a, b = (participants.join(db, session.id, None) for _ in range(2))
    results = record_votes(
        db,
        [
            vote(session, a.id, "LIKELY", "vote-a001"),
            vote(session, a.id, "LIKELY", "vote-a001"),
            vote(session, a.id, "VERY_LIKELY", "vote-a002"),
            vote(session, b.id, "NOPE", "vote-b001"),
            vote(session, b.id, "SOMEWHAT_UNLIKELY", "vote-b002"),
        ],
    )
    assert [(r.ok, r.dup) for r in results] == [
        (True, False),
        (True, True),
        (True, False),
        (False, False),
        (True, False),
    ]
    t = read_snapshot(db, session.id).tallies["PQ6"].to_dict()
    assert t["n"] == 2
    assert t["counts"] == {
        "VERY_LIKELY": 1,
        "LIKELY": 0,
        "SOMEWHAT_UNLIKELY": 1,
        "VERY_UNLIKELY": 0,
    }


def test_closing_freezes_the_tally(db: Database, session: SessionState) -> None:
    p = participants.join(db, session.id, None)
    record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    polls.apply_action(db, session.code, "PQ6", Action.CLOSE)
    late = record_vote(db, vote(session, p.id, "VERY_LIKELY", "vote-0002"))
    assert late.error is not None and late.error.code == "poll_not_open"
    assert answers_of(db, session.id, p.id) == {"PQ6": "LIKELY"}


def test_reset_deletes_the_answers_of_that_question(db: Database, session: SessionState) -> None:
    p = participants.join(db, session.id, None)
    record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    seq = read_snapshot(db, session.id).vote_seq
    polls.apply_action(db, session.code, "PQ6", Action.CLOSE)
    polls.apply_action(db, session.code, "PQ6", Action.RESET)
    after = read_snapshot(db, session.id)
    assert after.tallies["PQ6"].n == 0
    assert after.vote_seq > seq, "a reset is a new tally version"


def test_the_vote_sequence_orders_tally_snapshots(db: Database, session: SessionState) -> None:
    p = participants.join(db, session.id, None)
    seqs = [read_snapshot(db, session.id).vote_seq]
    for i, option in enumerate(["LIKELY", "LIKELY", "VERY_LIKELY"]):
        record_vote(db, vote(session, p.id, option, f"vote-{i:04d}"))
        seqs.append(read_snapshot(db, session.id).vote_seq)
    assert seqs == sorted(seqs) and seqs[-1] > seqs[0]


def test_votes_are_durable_once_recorded(db_url: str, questions: QuestionSet) -> None:
    writer = Database(db_url)
    writer.upgrade()
    code = create(SqlStore(writer), questions).state.code
    s = polls.apply_action(writer, code, "PQ6", Action.OPEN)
    p = participants.join(writer, s.id, None)
    assert record_vote(writer, vote(s, p.id, "LIKELY", "vote-0001")).ok
    writer.dispose()  # the "process" is gone; a new one reads what was acked
    reader = Database(db_url)
    assert read_snapshot(reader, s.id).tallies["PQ6"].n == 1
    reader.dispose()


options = st.sampled_from(["VERY_LIKELY", "LIKELY", "SOMEWHAT_UNLIKELY", "VERY_UNLIKELY"])
events = st.lists(
    st.tuples(st.integers(0, 5), options, st.integers(0, 12)), min_size=1, max_size=40
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=st.lists(events, min_size=1, max_size=4))
def test_tally_equals_the_number_of_distinct_voters(
    db: Database, session: SessionState, batches
) -> None:
    with db.begin() as conn:  # hypothesis reuses the fixture: start each example clean
        conn.exec_driver_sql("DELETE FROM answers")
        conn.exec_driver_sql("DELETE FROM vote_receipts")
    people = [participants.join(db, session.id, None).id for _ in range(6)]
    latest: dict[int, str] = {}
    applied: dict[tuple[int, str], str] = {}
    for batch in batches:
        vs = [vote(session, people[who], opt, f"v-{who}-{k:06d}") for who, opt, k in batch]
        for v in vs:
            if (v.participant_id, v.vote_id) not in applied:
                applied[(v.participant_id, v.vote_id)] = v.option_id
                latest[v.participant_id] = v.option_id
        record_votes(db, vs)
    t = read_snapshot(db, session.id).tallies["PQ6"]
    assert t.n == len(latest)
    assert dict(zip(t.option_ids, t.counts, strict=True)) == {
        o: sum(1 for x in latest.values() if x == o) for o in t.option_ids
    }


def test_a_snapshot_counts_every_vote_even_with_the_counts_kept_between_ticks(
    db: Database, session: SessionState
) -> None:
    """The counts are reused while vote_seq holds: a join alone reuses, a vote re-reads."""
    p = participants.join(db, session.id, None)
    before = read_snapshot(db, session.id)
    participants.join(db, session.id, None)  # the head count changes, the counts do not
    joined = read_snapshot(db, session.id)
    assert joined.participants == before.participants + 1
    assert joined.tallies["PQ6"].n == before.tallies["PQ6"].n == 0
    record_vote(db, vote(session, p.id, "LIKELY", "vote-0001"))
    after = read_snapshot(db, session.id)
    assert after.vote_seq > joined.vote_seq and after.tallies["PQ6"].n == 1
