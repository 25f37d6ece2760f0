"""Recording votes and reading tallies.

Votes are recorded in batches, one transaction per batch, because under a
burst the cost of a commit (an fsync) dominates: the group-commit writer
hands a whole queue of votes to :func:`record_votes` and acknowledges each
only after that call returns. A single vote is just a batch of one.

Idempotency has two parts: a ``vote_id`` seen before from the same
participant is a duplicate (answered ``dup=True`` and changes nothing), and
the unique (session, question, participant) constraint keeps one answer per
person, a new ``vote_id`` replacing the previous answer while the poll is open.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from ..core.errors import Her2pollError, NotFound
from ..core.items import Answered, ItemBase, RawAnswer, Responses, Summary
from ..core.polls import Poll, check_vote
from ..core.questions import QuestionSet
from ..core.session import SessionState, normalize_code
from .db import Database
from .models import AnswerRow, SessionRow, VoteReceiptRow, utcnow
from .rows import STAMPS_BY_IDS, SessionStates, find_session, load_questions

_CHUNK = 400  # rows per IN (...) clause; far below SQLite's variable limit


@dataclass(frozen=True)
class VoteIn:
    """A vote as received, already bound to an authenticated participant.

    The answer is in the one field its item type takes (``core.items``):
    ``option_id``, ``option_ids``, ``value`` or ``text``.
    """

    session_id: int
    participant_id: int
    question_id: str
    option_id: str | None
    vote_id: str
    option_ids: tuple[str, ...] | None = None
    value: float | None = None
    text: str | None = None
    confidence: int | None = None

    def raw(self) -> RawAnswer:
        return RawAnswer(self.option_id, self.option_ids, self.value, self.text)


@dataclass(frozen=True)
class _Kept:
    """An answer as the answers table keeps it."""

    option_id: str | None
    value: str | None
    hidden: bool


@dataclass(frozen=True)
class VoteResult:
    """The outcome of one vote: counted, a harmless duplicate, or refused."""

    ok: bool
    dup: bool = False
    error: Her2pollError | None = None


def record_votes(db: Database, votes: Sequence[VoteIn]) -> list[VoteResult]:
    """Apply a batch of votes in one transaction; results are in input order.

    Returns only after the commit, so every ``ok`` result is durable. A race
    with another process on the unique constraint rolls the batch back and
    runs it once more, when the other process's rows are visible.
    """
    if not votes:
        return []
    for attempt in range(2):
        try:
            with db.begin() as conn:
                return _record(conn, votes, db.states)
        except IntegrityError:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def record_vote(db: Database, vote: VoteIn) -> VoteResult:
    return record_votes(db, [vote])[0]


def _record(conn: Connection, votes: Sequence[VoteIn], states: SessionStates) -> list[VoteResult]:
    sessions = _load_sessions(conn, {v.session_id for v in votes}, states)
    seen = _existing_receipts(conn, votes)
    answers = _existing_answers(conn, votes)
    now = utcnow()
    results: list[VoteResult] = []
    receipts: list[dict[str, object]] = []
    inserts: dict[tuple[int, str, int], dict[str, object]] = {}
    updates: dict[tuple[int, str, int], dict[str, object]] = {}
    for v in votes:
        if (v.participant_id, v.vote_id) in seen:
            results.append(VoteResult(ok=True, dup=True))
            continue
        try:
            kept = _check(sessions, v, now)
        except Her2pollError as e:
            results.append(VoteResult(ok=False, error=e))
            continue
        seen.add((v.participant_id, v.vote_id))
        receipts.append(_receipt(v, kept, now))
        key = (v.session_id, v.question_id, v.participant_id)
        fields: dict[str, object] = {
            "option_id": kept.option_id,
            "value": kept.value,
            "hidden": kept.hidden,
            "confidence": v.confidence,
        }
        if key in inserts:  # answered earlier in this same batch
            row = inserts[key]
            changed = (row["option_id"], row["value"]) != (kept.option_id, kept.value)
            row.update(fields, changed_count=int(row["changed_count"]) + changed)  # type: ignore[call-overload]
        elif key in answers:
            answer_id, count, before = answers[key]
            count += before != (kept.option_id, kept.value)
            answers[key] = (answer_id, count, (kept.option_id, kept.value))
            updates[key] = {"b_id": answer_id, **fields, "changed_count": count, "updated_at": now}
        else:
            inserts[key] = _answer(v, fields, now)
        results.append(VoteResult(ok=True))
    _write(conn, receipts, inserts, updates)
    return results


def _check(
    sessions: dict[int, tuple[QuestionSet, Mapping[str, Poll]]], v: VoteIn, now: datetime
) -> _Kept:
    """The vote's answer as it will be kept, or the reason it is refused."""
    questions, polls = sessions[v.session_id]
    question = questions.question(v.question_id)
    poll = polls.get(v.question_id)
    if question is None or poll is None:
        raise NotFound(f"No question {v.question_id!r} in this session.", code="unknown_question")
    answer = check_vote(poll, question, v.raw(), confidence=v.confidence, now=now)
    option_id, value = question.store_answer(answer)
    return _Kept(option_id, value, question.hidden_on_arrival(answer, questions.word_filter))


def _load_sessions(
    conn: Connection, ids: Iterable[int], states: SessionStates
) -> dict[int, tuple[QuestionSet, Mapping[str, Poll]]]:
    """Each session's question set and polls, as of this transaction (mostly cached)."""
    ids = sorted(set(ids))
    found = {
        sid: (now.state.questions, now.polls)
        for sid, now in states.current(conn, STAMPS_BY_IDS, {"ids": ids}).items()
    }
    missing = set(ids) - found.keys()
    if missing:
        raise NotFound(f"No session with id {sorted(missing)[0]}.", code="session_not_found")
    return found


def chunks(items: Sequence, size: int = _CHUNK) -> Iterable[Sequence]:  # type: ignore[type-arg]
    """``items`` in slices small enough for one ``IN (...)`` clause on every backend."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def existing_pairs(
    conn: Connection,
    columns: tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]],
    keys: Iterable[tuple[Any, Any]],
    searched: int = 2,
) -> set[tuple[Any, Any]]:
    """Which of these two-column keys are rows already, read in bounded ``IN`` clauses.

    :param searched: how many of the key's leading columns the database searches by
        (see :func:`_keys_in`); the rest are compared here.
    """
    stmt = _keys_in(columns, (), searched)
    return {(a, b) for a, b in rows_with_keys(conn, stmt, 2, keys, searched)}


@functools.cache
def _keys_in(columns: tuple[Any, ...], extra: tuple[Any, ...] = (), searched: int = 0) -> Any:
    """``SELECT key…, extra… WHERE k1 IN (…) AND k2 IN (…) …``, built once per key.

    One ``IN`` per column, not a row-value ``(k1, k2) IN ((…), …)``: SQLite answers
    a row-value list by scanning the whole index (every receipt of every session,
    1.8 ms at 15,000 rows, per batch), while an ``IN`` per column is a set of index
    searches on both backends. The rows may pair a value of one column with
    another's from a different key: :func:`rows_with_keys` drops those.

    :param searched: give only the first this many columns an ``IN`` (0: all). Two
        ``IN`` lists of n values each are n² index searches: for receipts
        (participant, random vote id) a batch of 400 took 57 ms that way, against 2 ms
        for the participants' few receipts, filtered here.
    """
    where = [
        c.in_(bindparam(f"k{i}", expanding=True))
        for i, c in enumerate(columns[: searched or len(columns)])
    ]
    return select(*columns, *extra).where(*where)


def rows_with_keys(
    conn: Connection,
    stmt: Any,
    width: int,
    keys: Iterable[tuple[Any, ...]],
    searched: int = 0,
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``stmt`` (from :func:`_keys_in`) whose first ``width`` columns are a key."""
    for chunk in chunks(sorted(set(keys))):
        wanted = set(chunk)
        params = {f"k{i}": sorted({k[i] for k in chunk}) for i in range(searched or width)}
        for row in conn.execute(stmt, params):
            if tuple(row[:width]) in wanted:
                yield tuple(row)


def _existing_receipts(conn: Connection, votes: Sequence[VoteIn]) -> set[tuple[int, str]]:
    """Which votes were recorded before: searched by participant (a few receipts each)."""
    columns = (VoteReceiptRow.participant_id, VoteReceiptRow.vote_id)
    keys = ((v.participant_id, v.vote_id) for v in votes)
    return existing_pairs(conn, columns, keys, searched=1)


_Existing = dict[tuple[int, str, int], tuple[int, int, tuple[str | None, str | None]]]
_ANSWER_KEY = (AnswerRow.session_id, AnswerRow.question_id, AnswerRow.participant_id)
_ANSWERS_IN = _keys_in(
    _ANSWER_KEY, (AnswerRow.id, AnswerRow.changed_count, AnswerRow.option_id, AnswerRow.value)
)


def _existing_answers(conn: Connection, votes: Sequence[VoteIn]) -> _Existing:
    """Current answers of the voters in the batch: key -> (id, changed_count, answer)."""
    keys = {(v.session_id, v.question_id, v.participant_id) for v in votes}
    return {
        (s, q, p): (aid, changed, (oid, val))
        for s, q, p, aid, changed, oid, val in rows_with_keys(conn, _ANSWERS_IN, 3, keys)
    }


def _receipt(v: VoteIn, kept: _Kept, now: object) -> dict[str, object]:
    return {
        "participant_id": v.participant_id,
        "vote_id": v.vote_id,
        "session_id": v.session_id,
        "question_id": v.question_id,
        "option_id": kept.option_id,
        "value": kept.value,
        "received_at": now,
    }


def _answer(v: VoteIn, fields: dict[str, object], now: object) -> dict[str, object]:
    return {
        "session_id": v.session_id,
        "question_id": v.question_id,
        "participant_id": v.participant_id,
        **fields,
        "answered_at": now,
        "updated_at": now,
        "changed_count": 0,
    }


_INSERT_RECEIPTS = insert(VoteReceiptRow)
_INSERT_ANSWERS = insert(AnswerRow)
_answer_cols = AnswerRow.__table__.c
#: A Core update by primary key: an "executemany" of one statement.
_UPDATE_ANSWERS = (
    update(AnswerRow.__table__)  # type: ignore[arg-type]
    .where(_answer_cols.id == bindparam("b_id"))
    .values(
        option_id=bindparam("option_id"),
        value=bindparam("value"),
        hidden=bindparam("hidden"),
        confidence=bindparam("confidence"),
        changed_count=bindparam("changed_count"),
        updated_at=bindparam("updated_at"),
    )
    .execution_options(synchronize_session=False)
)
_BUMP_VOTE_SEQ = (
    update(SessionRow)
    .where(SessionRow.id.in_(bindparam("ids", expanding=True)))
    .values(vote_seq=SessionRow.vote_seq + 1)
)


def _write(
    conn: Connection,
    receipts: list[dict[str, object]],
    inserts: dict[tuple[int, str, int], dict[str, object]],
    updates: dict[tuple[int, str, int], dict[str, object]],
) -> None:
    if not receipts:
        return
    conn.execute(_INSERT_RECEIPTS, receipts)
    if inserts:
        conn.execute(_INSERT_ANSWERS, list(inserts.values()))
    if updates:
        conn.execute(_UPDATE_ANSWERS, list(updates.values()))
    bump_vote_seq(conn, (int(r["session_id"]) for r in receipts))  # type: ignore[call-overload]


def bump_vote_seq(conn: Connection, session_ids: Iterable[int]) -> None:
    """Mark a new tally version of these sessions, in the transaction that changed it."""
    conn.execute(_BUMP_VOTE_SEQ, {"ids": sorted(set(session_ids))})


def delete_answers(conn: Connection, session_id: int, question_id: str) -> None:
    """Forget a question's answers (a reset), as a new tally version.

    The receipts stay, voided: a vote sent before the reset and retried after it
    is then a duplicate, never an answer to the question asked again.
    """
    conn.execute(
        delete(AnswerRow).where(
            AnswerRow.session_id == session_id, AnswerRow.question_id == question_id
        )
    )
    conn.execute(
        update(VoteReceiptRow)
        .where(VoteReceiptRow.session_id == session_id, VoteReceiptRow.question_id == question_id)
        .values(voided=True)
    )
    bump_vote_seq(conn, [session_id])


#: Built once (the broadcaster counts up to ten times a second): per option, per level.
_COUNTS = (
    select(AnswerRow.question_id, AnswerRow.option_id, func.count())
    .where(AnswerRow.session_id == bindparam("session_id"), AnswerRow.option_id.is_not(None))
    .group_by(AnswerRow.question_id, AnswerRow.option_id)
)
_CONFIDENCE = (
    select(AnswerRow.question_id, AnswerRow.confidence, func.count())
    .where(AnswerRow.session_id == bindparam("session_id"), AnswerRow.confidence.is_not(None))
    .group_by(AnswerRow.question_id, AnswerRow.confidence)
)


def tallies(conn: Connection, state: SessionState) -> dict[str, Summary]:
    """Every item's live summary of a session, in the caller's transaction.

    Items answered with one option are counted by the database (one grouped
    query for the whole session); the others read their answers. Confidence is
    counted only where some item asks for it.
    """
    items = state.questions.questions
    counts: dict[str, dict[str, int]] = {}
    for qid, oid, n in conn.execute(_COUNTS, {"session_id": state.id}):
        counts.setdefault(qid, {})[str(oid)] = n
    confidence: dict[str, dict[int, int]] = {}
    if any(q.confidence for q in items):
        for qid, level, n in conn.execute(_CONFIDENCE, {"session_id": state.id}):
            confidence.setdefault(qid, {})[int(level or 0)] = n
    listed = _listed_answers(conn, state.id, [q for q in items if not q.counted])
    return {
        q.id: q.summarise(
            Responses(
                counts=counts.get(q.id, {}),
                answers=listed.get(q.id, ()),
                confidence=confidence.get(q.id, {}),
            )
        )
        for q in items
    }


def _listed_answers(
    conn: Connection, session_id: int, items: Sequence[ItemBase]
) -> dict[str, list[Answered]]:
    """Every answer to these (uncounted) items, in the order they were first given."""
    if not items:
        return {}
    by_id = {q.id: q for q in items}
    found: dict[str, list[Answered]] = {q.id: [] for q in items}
    rows = conn.execute(
        select(
            AnswerRow.question_id,
            AnswerRow.id,
            AnswerRow.option_id,
            AnswerRow.value,
            AnswerRow.confidence,
            AnswerRow.hidden,
        )
        .where(AnswerRow.session_id == session_id, AnswerRow.question_id.in_(list(by_id)))
        .order_by(AnswerRow.id)
    )
    for qid, answer_id, option_id, value, level, hidden in rows:
        answer = by_id[qid].load_answer(option_id, value)
        found[qid].append(Answered(answer, level, bool(hidden), answer_id))
    return found


def answers_of(db: Database, session_id: int, participant_id: int) -> dict[str, object]:
    """One participant's current answers by question id (for a re-join), as sent to the phone.

    An answer is an option id, a number, a text, or a list of option ids.
    """
    with db.begin() as conn:
        qjson = conn.execute(
            select(SessionRow.questions_json).where(SessionRow.id == session_id)
        ).scalar_one_or_none()
        if qjson is None:
            return {}
        return _answers(conn, load_questions(qjson), session_id, participant_id)


def answers_in(conn: Connection, state: SessionState, participant_id: int) -> dict[str, object]:
    """:func:`answers_of` in the caller's transaction, for a session already read."""
    return _answers(conn, state.questions, state.id, participant_id)


def _answers(
    conn: Connection, questions: QuestionSet, session_id: int, participant_id: int
) -> dict[str, object]:
    rows = conn.execute(
        select(AnswerRow.question_id, AnswerRow.option_id, AnswerRow.value).where(
            AnswerRow.session_id == session_id, AnswerRow.participant_id == participant_id
        )
    ).all()
    found: dict[str, object] = {}
    for qid, option_id, value in rows:
        item = questions.question(qid)
        if item is not None:
            answer = item.load_answer(option_id, value)
            found[qid] = list(answer) if isinstance(answer, tuple) else answer
    return found


def set_hidden(db: Database, code: str, answer_id: int, hidden: bool) -> SessionState:
    """Hide an open-text answer from the room, or show it again.

    A new tally version (the moderator's and the projector's lists change) and a
    new state version (phones showing the revealed results must drop it too).

    :return: the session's new state.
    :raises NotFound: when the session has no such answer.
    """
    with db.begin() as conn:
        row, _ = find_session(conn, SessionRow.code == normalize_code(code), code)
        found = conn.execute(
            select(AnswerRow.id).where(AnswerRow.id == answer_id, AnswerRow.session_id == row.id)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"No answer {answer_id} in this session.", code="unknown_answer")
        conn.execute(update(AnswerRow).where(AnswerRow.id == answer_id).values(hidden=hidden))
        conn.execute(
            update(SessionRow)
            .where(SessionRow.id == row.id)
            .values(version=SessionRow.version + 1, vote_seq=SessionRow.vote_seq + 1)
        )
        _, state = find_session(conn, SessionRow.id == row.id, code)
    return state
