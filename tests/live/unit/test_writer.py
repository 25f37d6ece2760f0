"""The group-commit writer: batches, acks after the commit, failures, timeouts, on_commit.

A fake recorder stands in for ``record_votes``: it remembers each batch, can
hold a commit open (so votes pile up behind it, as under a burst) and can fail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import gevent
import pytest
from gevent.event import Event

from her2poll.core.errors import Her2pollError, Unavailable, VoteRefused
from her2poll.core.polls import Action
from her2poll.core.questions import QuestionSet
from her2poll.live.writer import VoteWriter
from her2poll.services.sessions import create
from her2poll.store import participants, polls
from her2poll.store.db import Database
from her2poll.store.repository import SqlStore
from her2poll.store.snapshot import read_snapshot
from her2poll.store.votes import VoteIn, VoteResult

from .conftest import GeventServer

WAIT = 5.0  # seconds; only reached when a test is about to fail


def vote(vote_id: str, session_id: int = 1) -> VoteIn:
    return VoteIn(session_id, 1, "PQ6", "LIKELY", vote_id)


def counted(v: VoteIn) -> VoteResult:
    return VoteResult(ok=True)


class FakeRecorder:
    """Records batches like ``record_votes``; answers each vote with ``answer``."""

    def __init__(self, answer: Callable[[VoteIn], VoteResult] = counted) -> None:
        self.answer = answer
        self.batches: list[list[str]] = []
        self.log: list[str] = []  # "committed <id>" and "acked <id>", in the order they happened
        self.fail: dict[str, BaseException] = {}  # a batch holding this vote id raises
        self.entered = Event()  # a batch is being recorded
        self.release = Event()  # the commit may finish
        self.release.set()

    def __call__(self, db: object, votes: Sequence[VoteIn]) -> list[VoteResult]:
        ids = [v.vote_id for v in votes]
        self.batches.append(ids)
        self.entered.set()
        assert self.release.wait(WAIT)
        for vote_id in ids:
            if vote_id in self.fail:
                raise self.fail[vote_id]
        self.log.extend(f"committed {i}" for i in ids)
        return [self.answer(v) for v in votes]


class Harness:
    def __init__(self, server: GeventServer, recorder: FakeRecorder, **kwargs: object) -> None:
        self.recorder = recorder
        self.commits: list[set[int]] = []
        kwargs.setdefault("timeout", WAIT)  # a stuck writer fails the test in seconds
        self.writer = VoteWriter(
            None,  # type: ignore[arg-type]  # the fake recorder needs no database
            server,
            self.commits.append,
            record=recorder,
            **kwargs,  # type: ignore[arg-type]
        )

    def submit(self, v: VoteIn) -> VoteResult:
        result = self.writer.submit(v)
        self.recorder.log.append(f"acked {v.vote_id}")
        return result

    def spawn(self, votes: Sequence[VoteIn]) -> list[gevent.Greenlet]:
        return [gevent.spawn(self.submit, v) for v in votes]

    def behind_a_commit(self, votes: Sequence[VoteIn]) -> list[gevent.Greenlet]:
        """Submit ``votes`` while a first vote's commit is held open, then let it finish.

        Every vote is queued before the writer looks at its queue again: what
        a burst looks like while an fsync is in flight.
        """
        self.recorder.release.clear()
        self.recorder.entered.clear()
        blocker = self.spawn([vote("blocker-0")])
        assert self.recorder.entered.wait(WAIT)
        submitters = self.spawn(votes)
        gevent.idle()  # every submitter has queued its vote and now waits for its ack
        assert self.writer.queue.qsize() == len(votes)
        self.recorder.release.set()
        gevent.joinall(blocker + submitters, timeout=WAIT, raise_error=True)
        return submitters


def ids(prefix: str, n: int) -> list[VoteIn]:
    return [vote(f"{prefix}-{i:04d}") for i in range(n)]


@pytest.fixture
def recorder() -> FakeRecorder:
    return FakeRecorder()


@pytest.fixture
def harness(server: GeventServer, recorder: FakeRecorder) -> Harness:
    return Harness(server, recorder)


def test_votes_queued_during_a_commit_share_the_next_transaction(harness: Harness) -> None:
    votes = ids("vote", 20)
    submitters = harness.behind_a_commit(votes)
    assert harness.recorder.batches == [["blocker-0"], [v.vote_id for v in votes]]
    assert harness.writer.batches == 2
    assert all(g.value == VoteResult(ok=True) for g in submitters)


def test_with_a_linger_a_vote_just_behind_another_shares_its_commit(
    server: GeventServer, recorder: FakeRecorder
) -> None:
    harness = Harness(server, recorder, linger=0.5)
    first = harness.spawn([vote("vote-0001")])
    gevent.idle()  # the writer holds vote-0001 and lingers for more
    assert recorder.batches == [], "nothing committed while lingering"
    second = harness.spawn([vote("vote-0002")])
    gevent.joinall(first + second, timeout=WAIT, raise_error=True)
    assert recorder.batches == [["vote-0001", "vote-0002"]]
    assert recorder.log.index("committed vote-0002") < recorder.log.index("acked vote-0001")
    assert all(g.value == VoteResult(ok=True) for g in first + second)


def test_a_batch_never_holds_more_than_max_batch_votes(
    server: GeventServer, recorder: FakeRecorder
) -> None:
    harness = Harness(server, recorder, max_batch=8)
    votes = ids("vote", 20)
    harness.behind_a_commit(votes)
    assert [len(b) for b in recorder.batches] == [1, 8, 8, 4]
    assert sum(recorder.batches[1:], []) == [v.vote_id for v in votes]


def test_each_submitter_gets_the_result_of_its_own_vote(
    server: GeventServer, recorder: FakeRecorder
) -> None:
    def by_number(v: VoteIn) -> VoteResult:
        if int(v.vote_id[-4:]) % 3 == 0:
            return VoteResult(ok=False, error=VoteRefused(v.vote_id))
        return VoteResult(ok=True, dup=int(v.vote_id[-4:]) % 3 == 1)

    recorder.answer = by_number
    harness = Harness(server, recorder)
    votes = ids("vote", 12)
    submitters = harness.behind_a_commit(votes)
    assert len(recorder.batches) == 2
    for v, g in zip(votes, submitters, strict=True):
        n = int(v.vote_id[-4:])
        result = g.value
        if n % 3 == 0:
            assert (result.ok, result.error.message) == (False, v.vote_id)
        else:
            assert (result.ok, result.dup) == (True, n % 3 == 1)


def test_a_vote_is_acked_only_after_its_batch_committed(harness: Harness) -> None:
    recorder = harness.recorder
    recorder.release.clear()
    submitter = gevent.spawn(harness.submit, vote("vote-0001"))
    assert recorder.entered.wait(WAIT)
    gevent.idle()
    assert not submitter.ready()  # the commit is still in flight: no ack yet
    assert recorder.log == []
    recorder.release.set()
    assert submitter.get(timeout=WAIT) == VoteResult(ok=True)
    assert recorder.log == ["committed vote-0001", "acked vote-0001"]


def test_a_vote_that_fails_its_batch_fails_alone(harness: Harness) -> None:
    """One refused vote used to fail its whole batch; now the batch is split down to it."""
    refused = VoteRefused("The poll closed.")
    harness.recorder.fail["vote-0002"] = refused
    submitters = harness.behind_a_commit(ids("vote", 4))
    ok = VoteResult(ok=True)
    assert [g.value for g in submitters] == [ok, ok, VoteResult(ok=False, error=refused), ok]
    assert harness.recorder.batches[1:] == [
        ["vote-0000", "vote-0001", "vote-0002", "vote-0003"],
        ["vote-0000", "vote-0001"],
        ["vote-0002", "vote-0003"],
        ["vote-0002"],
        ["vote-0003"],
    ]
    assert harness.commits == [{1}, {1}]  # the blocker's batch, then the three counted


def test_an_item_that_breaks_its_batch_does_not_fail_the_others(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug or bad data (psycopg refusing a value, say) is the one item's, not the batch's."""
    harness.recorder.fail["vote-0005"] = OverflowError("int too big to convert")
    with caplog.at_level(logging.WARNING, logger="her2poll.live.writer"):
        submitters = harness.behind_a_commit(ids("vote", 8))
    results = [g.value for g in submitters]
    assert [r.ok for r in results] == [True] * 5 + [False] + [True] * 2
    assert results[5].error is not None and results[5].error.code == "unavailable"
    assert "vote batch of 1 failed (a VoteIn)" in caplog.text
    assert len(harness.recorder.batches) == 1 + 1 + 2 + 2 + 2  # log2(8) splits down to it


def test_a_database_that_cannot_answer_fails_the_batch_once_without_splitting(
    harness: Harness,
) -> None:
    down = Unavailable("The database is unavailable; try again shortly.")
    harness.recorder.fail["vote-0001"] = down
    submitters = harness.behind_a_commit(ids("vote", 4))
    assert [g.value for g in submitters] == [VoteResult(ok=False, error=down)] * 4
    assert len(harness.recorder.batches) == 2  # the blocker's and this one: no retries


def test_an_unexpected_failure_answers_unavailable_and_the_writer_carries_on(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    harness.recorder.fail["vote-0001"] = RuntimeError("a bug in the store")
    with caplog.at_level(logging.ERROR, logger="her2poll.live.writer"):
        failed = harness.submit(vote("vote-0001"))
    assert failed.ok is False
    assert isinstance(failed.error, Her2pollError)
    assert (failed.error.code, failed.error.retryable) == ("unavailable", True)
    assert "vote batch of 1 failed" in caplog.text
    assert harness.submit(vote("vote-0002")) == VoteResult(ok=True)
    assert harness.recorder.batches == [["vote-0001"], ["vote-0002"]]


def test_a_commit_that_takes_too_long_is_answered_unavailable(
    server: GeventServer, recorder: FakeRecorder
) -> None:
    harness = Harness(server, recorder, timeout=0.05)
    recorder.release.clear()
    result = harness.submit(vote("vote-0001"))
    assert result.ok is False
    assert result.error is not None
    assert (result.error.code, result.error.retryable) == ("unavailable", True)
    assert recorder.batches == [["vote-0001"]]  # it was handed to the store, just too slowly
    recorder.release.set()


def test_on_commit_hears_only_sessions_that_gained_a_new_counted_vote(
    server: GeventServer,
) -> None:
    outcomes = {
        1: VoteResult(ok=True),
        2: VoteResult(ok=True, dup=True),
        3: VoteResult(ok=False, error=VoteRefused("closed")),
        4: VoteResult(ok=True),
    }
    harness = Harness(server, FakeRecorder(lambda v: outcomes.get(v.session_id, counted(v))))
    votes = [vote(f"vote-000{s}", session_id=s) for s in (1, 2, 3, 4, 4, 2)]
    harness.behind_a_commit(votes)
    assert harness.commits == [{1}, {1, 4}]  # the blocker's session 1, then this batch


def test_on_commit_is_not_called_for_a_batch_of_duplicates_only(server: GeventServer) -> None:
    harness = Harness(server, FakeRecorder(lambda v: VoteResult(ok=True, dup=True)))
    assert harness.submit(vote("vote-0001")) == VoteResult(ok=True, dup=True)
    assert harness.commits == []


def test_by_default_the_writer_records_votes_in_the_database(
    server: GeventServer, questions: QuestionSet, tmp_path: Path
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'writer.db'}")
    db.upgrade()
    try:
        session = create(SqlStore(db), questions).state
        polls.apply_action(db, session.code, "PQ6", Action.OPEN)
        people = [participants.join(db, session.id, None) for _ in range(5)]
        commits: list[set[int]] = []
        writer = VoteWriter(db, server, commits.append)
        votes = [VoteIn(session.id, p.id, "PQ6", "LIKELY", f"vote-{p.id:04d}") for p in people]
        submitters = [gevent.spawn(writer.submit, v) for v in votes]
        gevent.joinall(submitters, timeout=WAIT, raise_error=True)
        assert [g.value for g in submitters] == [VoteResult(ok=True)] * 5
        assert read_snapshot(db, session.id).tallies["PQ6"].n == 5
        assert set().union(*commits) == {session.id}
    finally:
        db.dispose()


def test_an_upvote_the_database_refuses_fails_alone_on_each_backend(
    server: GeventServer, questions: QuestionSet, db: Database
) -> None:
    """An id past 64 bits (the protocol refuses it now; here it is past that check) breaks
    the driver (SQLite: OverflowError; psycopg: a numeric the column cannot compare), not
    the other people's upvotes of its batch."""
    from her2poll.store import qa as store_qa

    session = create(SqlStore(db), questions).state
    asker = participants.join(db, session.id, None)
    store_qa.change_settings(db, session.id, premoderate=False)  # asked: approved at once
    question, _ = store_qa.ask(db, store_qa.AskIn(session.id, asker.id, "q-00000001", "Why?", None))
    people = [participants.join(db, session.id, None) for _ in range(6)]
    question_id = int(question["id"])  # type: ignore[call-overload]
    ups = [store_qa.UpvoteIn(session.id, p.id, question_id, True) for p in people]
    ups[3] = store_qa.UpvoteIn(session.id, people[3].id, 2**63, True)
    writer = VoteWriter(db, server, lambda _s: None, record=store_qa.record_upvotes, linger=0.05)
    submitters = [gevent.spawn(writer.submit, u) for u in ups]
    gevent.joinall(submitters, timeout=WAIT, raise_error=True)
    assert [g.value.ok for g in submitters] == [True, True, True, False, True, True]
    assert store_qa.read(db, session.id).questions[0].votes == 5  # type: ignore[attr-defined]
