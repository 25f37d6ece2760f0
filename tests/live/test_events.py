"""Every Socket.IO event and every error code, through Flask-SocketIO's test client."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from her2poll.store.db import get_db
from her2poll.store.models import ConnectionRow

from .conftest import LiveSession, names


def vote(client, option: str = "LIKELY", vote_id: str = "vote-0001", question: str = "PQ6"):
    return client.emit(
        "vote", {"question_id": question, "option_id": option, "vote_id": vote_id}, callback=True
    )


def control(client, action: str, question: str | None = None):
    payload = {"action": action} | ({"question_id": question} if question else {})
    return client.emit("control", payload, callback=True)


def test_an_attendee_join_ack_carries_the_full_state(live: LiveSession) -> None:
    m = live.moderator()
    control(m, "open", "PQ6")
    _, ack = live.attendee()
    assert ack["role"] == "attendee"
    assert ack["answers"] == {}
    current = ack["state"]["current"]
    assert current["question_id"] == "PQ6" and current["state"] == "open"
    assert [o["id"] for o in current["options"]][:2] == ["VERY_LIKELY", "LIKELY"]
    assert current["results"] is None
    assert ack["state"]["version"] >= 2


def test_the_participant_token_keeps_identity_and_answers_across_reloads(
    live: LiveSession,
) -> None:
    control(live.moderator(), "open", "PQ6")
    phone, ack = live.attendee()
    assert vote(phone) == {"ok": True, "dup": False}
    phone.disconnect()
    _, again = live.attendee(ack["participant_token"])
    assert again["participant"] == ack["participant"]
    assert again["answers"] == {"PQ6": "LIKELY"}


def test_a_disconnect_closes_the_attendance_interval_its_join_opened(live: LiveSession) -> None:
    staying, _ = live.attendee()
    leaving, _ = live.attendee()
    leaving.disconnect()  # returns once the writer has committed the close
    with get_db(live.app).begin() as conn:
        rows = conn.execute(select(ConnectionRow.disconnected_at).order_by(ConnectionRow.id))
        closed = [at is not None for (at,) in rows]
    assert closed == [False, True]
    assert staying.is_connected()


def test_a_forged_or_foreign_token_gets_a_fresh_identity(make_session) -> None:
    a, b = make_session(), make_session()
    _, ack = a.attendee()
    _, forged = a.attendee(ack["participant_token"][:-2] + "xx")
    _, foreign = b.attendee(ack["participant_token"])
    assert forged["participant"] != ack["participant"]
    assert foreign["participant"] != ack["participant"]


def test_vote_ack_dup_and_change(live: LiveSession) -> None:
    control(live.moderator(), "open", "PQ6")
    phone, _ = live.attendee()
    assert vote(phone) == {"ok": True, "dup": False}
    assert vote(phone) == {"ok": True, "dup": True}
    assert vote(phone, "VERY_LIKELY", "vote-0002") == {"ok": True, "dup": False}


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("not an object", "bad_request"),
        ({"question_id": "PQ6"}, "bad_request"),
        ({"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "short"}, "bad_request"),
        ({"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "x" * 65}, "bad_request"),
        ({"question_id": ["PQ6"], "option_id": "LIKELY", "vote_id": "vote-0001"}, "bad_request"),
        (
            {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "vote-0001", "x": 1},
            "bad_request",
        ),
        ({"question_id": "PQ9", "option_id": "LIKELY", "vote_id": "vote-0001"}, "unknown_question"),
        ({"question_id": "PQ6", "option_id": "MAYBE", "vote_id": "vote-0001"}, "unknown_option"),
        ({"question_id": "PQ5", "option_id": "VERY", "vote_id": "vote-0001"}, "poll_not_open"),
    ],
)
def test_bad_votes_get_a_stable_code(live: LiveSession, payload: object, code: str) -> None:
    control(live.moderator(), "open", "PQ6")
    phone, _ = live.attendee()
    ack = phone.emit("vote", payload, callback=True)
    assert ack["ok"] is False
    assert ack["code"] == code
    assert ack["message"]


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (None, "bad_request"),
        ({"code": 12345}, "bad_request"),
        ({"code": "X" * 50}, "bad_request"),
        ({"code": "ZZZZZZ"}, "session_not_found"),
        ({"role": "moderator"}, "bad_request"),
        ({"role": "admin"}, "bad_request"),
    ],
)
def test_bad_joins_get_a_stable_code(live: LiveSession, payload, code: str) -> None:
    if isinstance(payload, dict) and payload.get("role") in ("moderator", "admin"):
        payload = {**payload, "code": live.code}
        if payload["role"] == "moderator":
            payload["secret"] = "wrong"
            code = "bad_secret"
    ack = live.client().emit("join", payload, callback=True)
    assert (ack["ok"], ack["code"]) == (False, code)


def test_a_wrong_projector_token_is_refused(live: LiveSession) -> None:
    ack = live.client().emit(
        "join", {"code": live.code, "role": "screen", "token": "nope"}, callback=True
    )
    assert ack["code"] == "bad_secret"


def test_events_before_join_are_refused(live: LiveSession) -> None:
    c = live.client()
    assert vote(c)["code"] == "not_joined"
    assert control(c, "next")["code"] == "not_joined"


def test_an_unknown_event_is_answered_bad_request_when_an_ack_is_asked(live: LiveSession) -> None:
    for c in (live.client(), live.attendee()[0], live.moderator()):
        ack = c.emit("vot", {"question_id": "PQ6"}, callback=True)
        assert ack == {"ok": False, "code": "bad_request", "message": "Unknown event 'vot'."}
        long = c.emit("x" * 500, callback=True)
        assert long["code"] == "bad_request" and len(long["message"]) < 80
        star = c.emit("*", {"language": "en"}, callback=True)  # the catch-all's own name
        assert star == {"ok": False, "code": "bad_request", "message": "Unknown event '*'."}
        c.emit("no_ack_wanted", {})  # nothing comes back, nothing breaks
        assert c.emit("join", {"code": live.code}, callback=True)["ok"]


def test_ids_past_the_database_range_are_bad_requests_over_the_socket(live: LiveSession) -> None:
    m = live.moderator()
    phone, _ = live.attendee()
    for client, event, payload in [
        (m, "hide_answer", {"answer_id": 10**30, "hidden": True}),
        (phone, "qa_upvote", {"question_id": 2**63, "up": True}),
        (m, "qa_moderate", {"action": "approve", "question_id": 2**63}),
    ]:
        ack = client.emit(event, payload, callback=True)
        assert (ack["ok"], ack["code"]) == (False, "bad_request"), (event, ack)


def test_an_event_named_disconnect_does_not_unjoin_a_connected_phone(live: LiveSession) -> None:
    control(live.moderator(), "open", "PQ6")
    phone, _ = live.attendee()
    ack = phone.emit("disconnect", {}, callback=True)
    assert ack == {"ok": False, "code": "bad_request", "message": "Unknown event 'disconnect'."}
    assert vote(phone) == {"ok": True, "dup": False}  # still joined


def test_unknown_events_count_against_the_rate_limit(live: LiveSession) -> None:
    live.app.extensions["her2poll_live"].limiter.rate = 0.0
    live.app.extensions["her2poll_live"].limiter.burst = 2
    c = live.client()
    codes = [c.emit("spam", {}, callback=True)["code"] for _ in range(4)]
    assert codes == ["bad_request", "bad_request", "rate_limited", "rate_limited"]


def test_an_attendee_can_never_trigger_a_moderator_event(live: LiveSession) -> None:
    phone, _ = live.attendee()
    for action in ("open", "close", "reveal", "hide", "reset", "next", "reopen"):
        ack = control(phone, action, "PQ1")
        assert (ack["ok"], ack["code"]) == (False, "forbidden")
    assert live.moderator().emit("join", {"code": live.code}, callback=True)["ok"]


def test_a_projector_is_read_only(live: LiveSession) -> None:
    control(live.moderator(), "open", "PQ6")
    screen = live.screen()
    assert control(screen, "close", "PQ6")["code"] == "forbidden"
    assert vote(screen)["code"] == "forbidden"


def test_moderator_controls_and_their_errors(live: LiveSession) -> None:
    m = live.moderator()
    assert control(m, "close", "PQ1")["code"] == "invalid_transition"
    assert control(m, "open", "PQ9")["code"] == "not_found"
    assert control(m, "open")["code"] == "bad_request"
    assert control(m, "launch", "PQ1")["code"] == "bad_request"
    assert control(m, "open", "PQ1")["ok"]
    assert control(m, "open", "PQ2")["code"] == "another_poll_open"
    for _ in range(5):
        assert control(m, "next")["ok"]
    assert control(m, "next")["code"] == "no_next_question"


def test_state_changes_reach_everyone_tallies_only_moderator_and_screen(
    live: LiveSession,
) -> None:
    m = live.moderator()
    screen = live.screen()
    phones = [live.attendee()[0] for _ in range(3)]
    for c in (m, screen, *phones):
        c.get_received()
    control(m, "open", "PQ6")
    for i, p in enumerate(phones):
        vote(p, vote_id=f"vote-{i:04d}")
    live.flush()
    assert "tally" in names(m)
    assert names(screen) == ["state", "tally"]
    for p in phones:
        assert names(p) == ["state"], "attendees get state changes only, never tallies"


def test_tallies_are_coalesced_not_sent_per_vote(live: LiveSession) -> None:
    m = live.moderator()
    control(m, "open", "PQ6")
    phones = [live.attendee()[0] for _ in range(5)]
    m.get_received()
    for i, p in enumerate(phones):
        vote(p, vote_id=f"vote-{i:04d}")
    live.flush()
    tallies = [x["args"][0] for x in m.get_received() if x["name"] == "tally"]
    assert len(tallies) == 1
    assert tallies[0]["tallies"]["PQ6"]["n"] == 5
    assert tallies[0]["connected"] == 5
    live.flush()
    assert names(m) == [], "nothing changed, nothing sent"


def test_the_screen_sees_results_only_once_revealed(live: LiveSession) -> None:
    m = live.moderator()
    screen = live.screen()
    control(m, "open", "PQ6")
    phone, _ = live.attendee()
    vote(phone)
    live.flush()
    hidden = [x["args"][0] for x in screen.get_received() if x["name"] == "tally"][-1]
    assert hidden["tallies"] == {}
    ack = control(m, "reveal", "PQ6")
    assert ack["state"]["current"]["results"]["n"] == 1
    live.flush()
    shown = [x["args"][0] for x in screen.get_received() if x["name"] == "tally"][-1]
    assert shown["tallies"]["PQ6"]["n"] == 1


def test_revealed_results_reach_attendees_with_the_state(live: LiveSession) -> None:
    m = live.moderator()
    control(m, "open", "PQ6")
    phone, _ = live.attendee()
    vote(phone)
    phone.get_received()
    control(m, "reveal", "PQ6")
    states = [x["args"][0] for x in phone.get_received() if x["name"] == "state"]
    assert states[-1]["current"]["results"]["counts"]["LIKELY"] == 1


def test_one_session_cannot_touch_another(make_session) -> None:
    a, b = make_session(), make_session()
    control(a.moderator(), "open", "PQ6")
    control(b.moderator(), "open", "PQ6")
    phone_b, _ = b.attendee()
    b_mod = b.moderator()
    b.flush()
    b_mod.get_received()
    phone_b.get_received()
    phone_a, _ = a.attendee()
    vote(phone_a)
    a.flush()
    assert names(b_mod) == []
    assert names(phone_b) == []
    wrong = a.client().emit(
        "join", {"code": b.code, "role": "moderator", "secret": a.secret}, callback=True
    )
    assert wrong["code"] == "bad_secret"


def test_a_flood_of_votes_is_rate_limited(live: LiveSession) -> None:
    live.app.extensions["her2poll_live"].limiter.rate = 0.0
    live.app.extensions["her2poll_live"].limiter.burst = 3
    control(live.moderator(), "open", "PQ6")
    phone, _ = live.attendee()
    acks = [vote(phone, vote_id=f"vote-{i:04d}") for i in range(6)]
    limited = [a for a in acks if a.get("code") == "rate_limited"]
    assert len(limited) >= 3
    assert all(a["retryable"] for a in limited), "the client is told to slow down and retry"
    live.flush()


def test_an_unexpected_error_is_an_ack_with_a_reference_not_a_crash(
    live: LiveSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from her2poll.store.repository import SqlStore

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(SqlStore, "attendee_join", broken)
    ack = live.client().emit("join", {"code": live.code}, callback=True)
    assert ack["code"] == "internal_error"
    assert "boom" not in ack["message"] and "ref" in ack["message"]
