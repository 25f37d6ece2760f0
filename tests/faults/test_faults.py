"""Faults, each with real processes and real clients: nothing acked is ever lost."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
import socketio
from sqlalchemy import create_engine, text

from her2poll.cli import port_free
from testkit.phones import Phone, moderator
from testkit.servers import LiveServer, fresh_pg_database
from testkit.wait import wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.fault,
    # When the server dies, websocket-client drops its socket without closing it;
    # that leak is the client library's, in the test process, not the server's.
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]
OPTIONS = ["VERY_LIKELY", "LIKELY", "SOMEWHAT_UNLIKELY", "VERY_UNLIKELY"]


def db_answers(db_url: str, code: str) -> tuple[dict[str, int], int, int]:
    """From the database itself: counts per option, answers, receipts of PQ6."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        sid = conn.execute(text("SELECT id FROM sessions WHERE code = :c"), {"c": code}).scalar()
        rows = conn.execute(
            text(
                "SELECT option_id, count(*) FROM answers WHERE session_id = :s "
                "AND question_id = 'PQ6' GROUP BY option_id"
            ),
            {"s": sid},
        ).all()
        receipts = conn.execute(
            text("SELECT count(*) FROM vote_receipts WHERE session_id = :s"), {"s": sid}
        ).scalar()
    engine.dispose()
    counts = {o: n for o, n in rows}
    return counts, sum(counts.values()), receipts


@pytest.fixture(params=["sqlite", "postgresql"])
def crash_db(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'crash.db'}"
        return
    url, drop = fresh_pg_database(request.getfixturevalue("pg_server"))
    yield url
    drop()


def test_kill_9_during_a_vote_burst_loses_no_acked_vote(crash_db: str, tmp_path: Path) -> None:
    server = LiveServer(crash_db, tmp_path / "instance").start()
    session = server.create_session()
    mod = moderator(server.url, session)
    assert mod.call("control", {"action": "open", "question_id": "PQ6"})["ok"]
    mod.disconnect()
    phones = [Phone(server.url, session["code"]).connect() for _ in range(40)]
    try:
        for i, p in enumerate(phones[:20]):
            p.vote("PQ6", OPTIONS[i % 4])
        assert wait_until(lambda: sum(len(p.acked) for p in phones) >= 10, 30)
        for i, p in enumerate(phones[20:], start=20):
            p.vote("PQ6", OPTIONS[i % 4])
        server.kill()  # mid-burst: some votes acked, some in flight, some unsent
        acked_before = {p.participant: p.last_acked("PQ6") for p in phones if p.acked}
        # Restart once every phone has seen the server go and its port is free again.
        assert wait_until(lambda: not any(p.joined.is_set() for p in phones), 30)
        assert wait_until(lambda: port_free(server.port), 30)
        server.start()  # same port, same database
        assert wait_until(lambda: all(p.settled() for p in phones), 60), "votes left pending"
    finally:
        for p in phones:
            p.close()
        server.stop()
    assert 10 <= len(acked_before) < 40, "the crash came in the middle of the burst"
    stored = db_answer_of_each(crash_db, session["code"])
    assert all(stored[who] == option for who, option in acked_before.items()), (
        "every vote acked before the crash is in the database after the restart"
    )
    expected = {o: sum(1 for p in phones if p.last_acked("PQ6") == o) for o in OPTIONS}
    counts, n, receipts = db_answers(crash_db, session["code"])
    assert all(not p.refused for p in phones)
    assert n == 40, "the final tally equals the number of distinct voters"
    assert receipts == 40, "no vote was recorded twice"
    assert {o: counts.get(o, 0) for o in OPTIONS} == expected
    print(
        f"kill -9 [{crash_db.split(':')[0]}]: {len(acked_before)} acked before the crash, "
        f"{sum(len(p.acked) for p in phones)} acked in all, {n} answers and "
        f"{receipts} receipts in the database"
    )


def db_answer_of_each(db_url: str, code: str) -> dict[str, str]:
    """Participant public id -> stored PQ6 answer."""
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.public_id, a.option_id FROM answers a "
                "JOIN participants p ON p.id = a.participant_id "
                "JOIN sessions s ON s.id = a.session_id "
                "WHERE s.code = :c AND a.question_id = 'PQ6'"
            ),
            {"c": code},
        ).all()
    engine.dispose()
    return dict(rows)


def test_database_unavailable_refuses_votes_then_accepts_them(
    pg_server: str, tmp_path: Path
) -> None:
    url, drop = fresh_pg_database(pg_server)
    name = url.rsplit("/", 1)[1]
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    server = LiveServer(url, tmp_path / "instance").start()
    try:
        session = server.create_session()
        mod = moderator(server.url, session)
        mod.call("control", {"action": "open", "question_id": "PQ6"})

        raw = socketio.Client(reconnection=False)
        raw.connect(server.url, transports=["websocket"])
        assert raw.call("join", {"code": session["code"]})["ok"]
        phone = Phone(server.url, session["code"]).connect()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"),
                {"d": name},
            )
        ack = raw.call(
            "vote",
            {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "down-vote-1"},
            timeout=40,
        )
        assert ack["ok"] is False and ack["code"] == "unavailable" and ack["retryable"]
        phone.vote("PQ6", "VERY_LIKELY")  # keeps retrying while the database is away
        assert wait_until(lambda: phone.retries >= 3, 60), "the vote is refused, then resent"
        assert not phone.acked, "never acked without a commit"
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        assert wait_until(phone.settled, 30)
        assert phone.last_acked("PQ6") == "VERY_LIKELY"
        counts, n, _ = db_answers(url, session["code"])
        assert counts == {"VERY_LIKELY": 1} and n == 1
        print(f"database down: 0 acked while down, {len(phone.acked)} acked after, {n} in DB")
        raw.disconnect()
        phone.close()
        mod.disconnect()
    finally:
        server.stop()
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
        admin.dispose()
        drop()


def test_a_stalled_client_does_not_hold_up_the_others(live_server: LiveServer) -> None:
    import websocket

    session = live_server.create_session()
    mod = moderator(live_server.url, session)
    mod.call("control", {"action": "open", "question_id": "PQ6"})
    stalled = websocket.WebSocket()
    stalled.connect(
        f"ws://127.0.0.1:{live_server.port}/socket.io/?EIO=4&transport=websocket",
        sockopt=[(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)],
    )
    stalled.recv()  # the Engine.IO open packet
    stalled.send("40")
    stalled.send('420["join",' + json.dumps({"code": session["code"]}) + "]")
    # From here on it never reads: the server's sends to it back up.
    for _ in range(60):
        mod.call("control", {"action": "reveal", "question_id": "PQ6"})
        mod.call("control", {"action": "hide", "question_id": "PQ6"})
    phones = [Phone(live_server.url, session["code"]).connect() for _ in range(20)]
    for i, p in enumerate(phones):
        p.vote("PQ6", OPTIONS[i % 4])
    assert wait_until(lambda: all(p.settled() for p in phones), 30)
    assert all(len(p.acked) == 1 for p in phones)
    stalled.close()
    for p in phones:
        p.close()
    mod.disconnect()
