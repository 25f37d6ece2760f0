"""The group-commit writer: one background task per process records votes in batches.

Handlers put their vote on a queue and wait; the writer takes everything
queued (up to ``max_batch``), records it in one transaction, and wakes each
handler with its own result. Under a burst, thousands of votes share one
commit instead of paying one fsync each, and every ack still follows a commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from ..core.errors import Her2pollError, Unavailable
from ..store.db import Database
from ..store.votes import VoteResult, record_votes

log = logging.getLogger(__name__)


class Batched(Protocol):
    """What the writer batches: votes, and Q&A upvotes (``store.qa.record_upvotes``)."""

    @property
    def session_id(self) -> int: ...


class _Pending:
    __slots__ = ("vote", "done", "result")

    def __init__(self, vote: Batched, done: Any) -> None:
        self.vote = vote
        self.done = done
        self.result: VoteResult | None = None


class VoteWriter:
    """Batches votes into transactions; ``submit`` returns after the commit.

    :param server: the python-socketio server, whose queue, event and
        background-task primitives follow the async mode (gevent in production).
    :param on_commit: called with the session ids that gained or changed votes.
    :param record: records one batch in one transaction; tests pass a fake.
    :param linger: after the first vote of a batch, wait this long (seconds) for
        more before committing: at a steady 1,000 votes a second a commit then
        carries about 20 votes (at 20 ms) instead of one, for that much more per ack
        (PostgreSQL's ``commit_delay``, here). A burst never waits: its queue is full.
    """

    def __init__(
        self,
        db: Database,
        server: Any,
        on_commit: Callable[[set[int]], None],
        max_batch: int = 2000,
        timeout: float = 30.0,
        record: Callable[[Database, Sequence[Any]], list[VoteResult]] = record_votes,
        linger: float = 0.0,
    ) -> None:
        self.db = db
        self.server = server
        self.on_commit = on_commit
        self.max_batch = max_batch
        self.timeout = timeout
        self.record = record
        self.linger = linger
        self.queue = server.eio.create_queue()
        self._task: Any = None
        self.batches = 0

    def start(self) -> None:
        if self._task is None:
            self._task = self.server.start_background_task(self._run)

    def submit(self, vote: Batched) -> VoteResult:
        """Queue one vote and wait until its batch has committed (or failed)."""
        self.start()
        pending = _Pending(vote, self.server.eio.create_event())
        self.queue.put(pending)
        if not pending.done.wait(self.timeout) or pending.result is None:
            return VoteResult(ok=False, error=Unavailable("The vote could not be saved in time."))
        return pending.result

    def _run(self) -> None:
        while True:
            batch = [self.queue.get()]
            if self.linger and self.queue.qsize() < self.max_batch:
                self.server.eio.sleep(self.linger)
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            self._commit(batch)

    def _commit(self, batch: Sequence[_Pending]) -> None:
        results = self._record(batch)
        self.batches += 1
        for pending, result in zip(batch, results, strict=True):
            pending.result = result
            pending.done.set()
        changed = {
            p.vote.session_id for p, r in zip(batch, results, strict=True) if r.ok and not r.dup
        }
        if changed:
            self.on_commit(changed)

    def _record(self, batch: Sequence[_Pending]) -> list[VoteResult]:
        """Record ``batch`` in one transaction; if one item breaks it, the others still count.

        A batch that fails for any reason but the database itself (a retryable
        :class:`Unavailable`: every item would fail alike, and splitting would only
        multiply the attempts) is split in halves, each recorded on its own, down to
        the item at fault: one bad vote costs a few more transactions, never other
        people's votes.
        """
        try:
            return self.record(self.db, [p.vote for p in batch])
        except Her2pollError as e:
            if e.retryable or len(batch) == 1:
                return [VoteResult(ok=False, error=e)] * len(batch)
        except Exception:  # a bug must not kill the writer and strand every later vote
            if len(batch) == 1:
                log.exception("vote batch of 1 failed (a %s)", type(batch[0].vote).__name__)
                error = Unavailable("The vote could not be saved; try again.")
                return [VoteResult(ok=False, error=error)]
            log.warning("vote batch of %d failed: recording its halves apart", len(batch))
        half = len(batch) // 2
        return self._record(batch[:half]) + self._record(batch[half:])
