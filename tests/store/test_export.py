"""Reading a session for export: one snapshot, pseudonyms, streamed rows (both backends)."""

from __future__ import annotations

import time

from her2poll.core.qa import Settings
from her2poll.core.questions import QuestionSet
from her2poll.store import participants
from her2poll.store.db import Database
from her2poll.store.export import snapshot
from her2poll.store.snapshot import read_snapshot
from her2poll.store.votes import VoteIn, record_votes
from testkit.pseudonyms import by_join
from tests.exports.conftest import (
    PARTICIPANTS,
    QA_ROWS,
    add_qa,
    db_answers,
    db_qa,
    vote_session,
)


def test_participants_appear_only_as_pseudonyms_numbered_apart_from_the_join_order(
    db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    with snapshot(db, v.code.lower()) as snap:
        people = list(snap.participants())
    assert [p.participant for p in people] == [f"P{i:04d}" for i in range(1, PARTICIPANTS + 1)]
    assert all(p.joined_at.tzinfo is not None for p in people)
    joined = {p.participant: p.joined_at for p in people}
    assert [joined[name] for name in by_join(db, v.session_id)] == sorted(joined.values())


def test_pseudonyms_follow_the_public_ids_so_join_order_cannot_line_them_up(
    db: Database, questions: QuestionSet
) -> None:
    """Three devices join with public ids in falling byte order: P0003, P0002, P0001."""
    from sqlalchemy import insert

    from her2poll.store.models import ParticipantRow

    v = vote_session(db, questions)
    late = [f"~{c}" for c in "zyx"]  # after every base64url id, in falling order
    with db.begin() as conn:
        for public_id in late:
            conn.execute(insert(ParticipantRow).values(session_id=v.session_id,
                                                       public_id=public_id))  # fmt: skip
    names = by_join(db, v.session_id)
    n = PARTICIPANTS + 3
    assert names[-3:] == [f"P{n:04d}", f"P{n - 1:04d}", f"P{n - 2:04d}"]


def test_responses_are_the_answers_table_by_question_then_participant(
    db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    with snapshot(db, v.code) as snap:
        rows = list(snap.responses())
        assert snap.counts.answers == len(rows) == 4 * PARTICIPANTS + 3
        assert snap.tallies == read_snapshot(db, v.session_id).tallies
    got = {(int(r.participant[1:]), r.question_id): (r.option_id, r.changed_count) for r in rows}
    assert got == db_answers(db, v.session_id)
    order = [questions.question_ids.index(r.question_id) for r in rows]
    assert order == sorted(order)
    first = int(by_join(db, v.session_id)[0][1:])  # the first to join changed twice
    assert got[(first, "PQ1")] == ("OTHER", 2)


def test_votes_are_the_whole_log_including_changes(db: Database, questions: QuestionSet) -> None:
    v = vote_session(db, questions)
    with snapshot(db, v.code) as snap:
        log = list(snap.votes())
        assert len(log) == snap.counts.votes == 4 * PARTICIPANTS + 3 + 4
    first = by_join(db, v.session_id)[0]  # changed twice: three votes
    p1 = [x.option_id for x in log if x.participant == first and x.question_id == "PQ1"]
    assert len(p1) == 3
    assert [x.received_at for x in log] == sorted(x.received_at for x in log)


def test_a_snapshot_sees_one_moment_and_never_blocks_a_vote(
    db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    with snapshot(db, v.code) as snap:
        before = snap.counts.answers
        newcomer = participants.join(db, v.session_id, None)
        started = time.monotonic()
        result = record_votes(db, [VoteIn(v.session_id, newcomer.id, "PQ5", "VERY", "late")])
        assert result[0].ok and time.monotonic() - started < 2
        assert len(list(snap.responses())) == before
        assert len(list(snap.participants())) == PARTICIPANTS
    with snapshot(db, v.code) as snap:
        assert len(list(snap.responses())) == before + 1


def test_progress_is_reported_per_batch_of_rows(db: Database, questions: QuestionSet) -> None:
    v = vote_session(db, questions)
    seen: list[int] = []
    with snapshot(db, v.code) as snap:
        snap.on_rows = seen.append
        rows = sum(1 for _ in snap.responses())
    assert sum(seen) == rows


def test_audience_questions_in_the_order_asked_with_their_upvoters(
    db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    add_qa(db, v.session_id)
    with snapshot(db, v.code) as snap:
        qa = list(snap.qa_questions())
        assert snap.counts.qa_questions == len(qa) == len(QA_ROWS)
        assert snap.qa_settings == Settings(False, False, True, ("spam", "advert"))
    assert [q.id for q in qa] == [f"Q{i:03d}" for i in range(1, len(QA_ROWS) + 1)]
    merged = [None if q.merged_into is None else int(q.merged_into[1:]) for q in qa]
    got = [(q.text, q.name, q.status, q.votes, q.pinned, q.edited, q.filtered, m)
           for q, m in zip(qa, merged, strict=True)]  # fmt: skip
    assert got == db_qa(db, v.session_id)
    names = by_join(db, v.session_id)  # QA_ROWS name people by their join rank
    assert [q.asker for q in qa] == [names[row[0] - 1] for row in QA_ROWS]
    assert [q.upvoters for q in qa] == [tuple(sorted(names[r - 1] for r in row[8]))
                                        for row in QA_ROWS]  # fmt: skip
    assert (qa[4].merged_into, qa[5].merged_into) == ("Q001", "Q007")
    assert all(q.created_at.tzinfo is not None and q.updated_at > q.created_at for q in qa)
    assert [q.created_at for q in qa] == sorted(q.created_at for q in qa)


def test_a_session_without_audience_questions_has_the_default_settings(
    db: Database, questions: QuestionSet
) -> None:
    v = vote_session(db, questions)
    with snapshot(db, v.code) as snap:
        assert list(snap.qa_questions()) == [] and snap.counts.qa_questions == 0
        assert snap.qa_settings == Settings()
