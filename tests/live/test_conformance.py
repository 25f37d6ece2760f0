"""What docs/protocol.md promises at its edges, each decided and tested once."""

from __future__ import annotations

from typing import Any

from .conftest import LiveSession

VOTE = {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "vote-0001"}


def limit(live: LiveSession, burst: int) -> Any:
    svc = live.app.extensions["her2poll_live"]
    svc.limiter.rate, svc.limiter.burst = 0.0, burst
    return svc


def test_an_extra_argument_is_a_bad_request_not_a_crash(live: LiveSession) -> None:
    phone, _ = live.attendee()
    ack = phone.emit("vote", VOTE, {"extra": True}, callback=True)
    assert ack["code"] == "bad_request" and "one payload" in ack["message"]


def test_an_empty_token_is_a_fresh_identity(live: LiveSession) -> None:
    _phone, first = live.attendee()
    _other, second = live.attendee(token="")
    assert second["participant"] != first["participant"]


def test_an_empty_secret_is_a_wrong_secret(live: LiveSession) -> None:
    for role, proof in (("moderator", "secret"), ("screen", "token")):
        ack = live.client().emit(
            "join", {"code": live.code, "role": role, proof: ""}, callback=True
        )
        assert ack["code"] == "bad_secret", role


def test_a_join_without_a_role_is_an_attendees(live: LiveSession) -> None:
    ack = live.client().emit("join", {"code": live.code}, callback=True)
    assert ack["ok"] and ack["role"] == "attendee" and "participant_token" in ack


def test_the_moderator_key_opens_the_projector_view_as_a_screen(live: LiveSession) -> None:
    screen = {"code": live.code, "role": "screen", "token": live.secret}
    ack = live.client().emit("join", screen, callback=True)
    assert ack["ok"] and ack["role"] == "screen" and "results" not in ack


def test_a_proof_meant_for_another_role_is_refused(live: LiveSession) -> None:
    cases = [
        ({"code": live.code, "secret": live.secret}, "secret"),
        ({"code": live.code, "role": "screen", "secret": live.secret}, "secret"),
        ({"code": live.code, "role": "moderator", "token": live.secret}, "token"),
    ]
    for payload, field in cases:
        ack = live.client().emit("join", payload, callback=True)
        assert ack["code"] == "bad_request" and ack["message"].startswith(f"Invalid {field}")


def test_next_takes_no_question_and_the_others_need_one(live: LiveSession) -> None:
    mod = live.moderator()
    nxt = mod.emit("control", {"action": "next", "question_id": "PQ9"}, callback=True)
    assert nxt["code"] == "bad_request" and "next" in nxt["message"]
    bare = mod.emit("control", {"action": "open"}, callback=True)
    assert bare["code"] == "bad_request" and "question_id" in bare["message"]
    assert mod.emit("control", {"action": "next"}, callback=True)["ok"]


def test_a_vote_from_before_a_reset_never_counts_again(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    mod.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
    assert phone.emit("vote", VOTE, callback=True) == {"ok": True, "dup": False}
    for action in ("close", "reset", "open"):
        assert mod.emit("control", {"action": action, "question_id": "PQ6"}, callback=True)["ok"]
    late = phone.emit("vote", VOTE, callback=True)
    assert late == {"ok": True, "dup": True}, "the delayed retry is recognised"
    mod.get_received()
    live.flush()
    tallies = [m["args"][0] for m in mod.get_received() if m["name"] == "tally"]
    assert tallies[-1]["tallies"]["PQ6"]["n"] == 0
    fresh = {**VOTE, "vote_id": "vote-0002"}
    assert phone.emit("vote", fresh, callback=True) == {"ok": True, "dup": False}


def test_votes_before_joining_are_rate_limited(live: LiveSession) -> None:
    limit(live, burst=3)
    client = live.client()
    codes = [client.emit("vote", VOTE, callback=True)["code"] for _ in range(5)]
    assert codes == ["not_joined"] * 3 + ["rate_limited"] * 2


def test_control_is_rate_limited_with_room_for_a_busy_panel(live: LiveSession) -> None:
    mod = live.moderator()
    svc = live.app.extensions["her2poll_live"]
    svc.control_limiter.rate = 0.0
    burst = svc.control_limiter.burst
    acks = [
        mod.emit("control", {"action": a, "question_id": "PQ6"}, callback=True)
        for a in ["reveal", "hide"] * (burst // 2 + 1)
    ]
    assert sum(1 for a in acks if a.get("code") == "rate_limited") == len(acks) - burst
    assert all(a.get("code") != "rate_limited" for a in acks[:burst])
