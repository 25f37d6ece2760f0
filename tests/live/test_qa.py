"""Audience Q&A over Socket.IO (Flask-SocketIO's test client): every event and rule."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import LiveSession


def qa_messages(client: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "qa"]


def flush(live: LiveSession) -> None:
    """Run both Q&A coalescers' ticks now."""
    for b in live.app.extensions["her2poll_live"].qa_broadcasters:
        b.flush()


def ask(client: Any, text: str, client_id: str = "ask-00001", **kw: Any) -> dict[str, Any]:
    ack = client.emit("qa_ask", {"text": text, "client_id": client_id, **kw}, callback=True)
    assert isinstance(ack, dict)
    return ack


def moderate(mod: Any, action: str, qid: int, **kw: Any) -> dict[str, Any]:
    return mod.emit("qa_moderate", {"action": action, "question_id": qid, **kw}, callback=True)


def test_a_question_waits_for_the_moderator_then_reaches_the_room(live: LiveSession) -> None:
    mod, (phone, _ack) = live.moderator(), live.attendee()
    ack = ask(phone, "  What about brain metastases?  ")
    assert ack["ok"] and not ack["dup"]
    assert ack["question"]["status"] == "pending" and ack["question"]["text"] == (
        "What about brain metastases?"
    )
    mod.get_received(), phone.get_received()
    flush(live)
    (queue,) = qa_messages(mod)
    assert queue["counts"]["pending"] == 1 and queue["questions"][0]["votes"] == 0
    (room,) = qa_messages(phone)
    assert room["questions"] == [], "the room never sees a pending question"
    assert moderate(mod, "approve", ack["question"]["id"]) == {"ok": True}
    flush(live)
    (room,) = qa_messages(phone)
    assert [q["text"] for q in room["questions"]] == ["What about brain metastases?"]
    assert room["qa_seq"] > queue["qa_seq"]


def test_a_retried_ask_is_the_same_question(live: LiveSession) -> None:
    phone, _ = live.attendee()
    first = ask(phone, "Dose in renal impairment?")
    again = ask(phone, "Dose in renal impairment?")
    assert again["dup"] and again["question"] == first["question"]


def test_bad_questions_get_clear_errors(live: LiveSession) -> None:
    phone, _ = live.attendee()
    assert ask(phone, "   ")["code"] == "bad_request"
    too_long = ask(phone, "x" * 301, "ask-00002")
    assert too_long["code"] == "bad_request" and "301" in too_long["message"]
    named = ask(phone, "Hello?", "ask-00003", name="Dr A")
    assert named["code"] == "bad_request" and "names" in named["message"]
    assert (
        phone.emit("qa_ask", {"text": "Hi", "client_id": "short"}, callback=True)["code"]
        == "bad_request"
    )


def test_with_premoderation_off_a_question_goes_live_unless_filtered(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    ack = mod.emit(
        "qa_settings", {"premoderate": False, "filter": ["Spam", "spam", " advert "]},
        callback=True,
    )  # fmt: skip
    assert ack["settings"] == {
        "open": True, "premoderate": False, "names": False, "filter": ["spam", "advert"]
    }  # fmt: skip
    assert ask(phone, "Is this trial relevant?")["question"]["status"] == "approved"
    held = ask(phone, "Buy my SPAM now", "ask-00002")
    assert held["question"]["status"] == "pending"
    assert ask(phone, "Spammer-free question", "ask-00003")["question"]["status"] == "approved"
    mod.get_received()
    flush(live)
    (queue,) = qa_messages(mod)
    assert [q["filtered"] for q in queue["questions"]] == [False, True, False]


def test_upvotes_are_one_per_participant_and_toggle(live: LiveSession) -> None:
    mod, (alice, _), (bob, _) = live.moderator(), live.attendee(), live.attendee()
    qid = ask(alice, "Sequencing after T-DXd?")["question"]["id"]
    pending = alice.emit("qa_upvote", {"question_id": qid, "up": True}, callback=True)
    assert pending["code"] == "qa_not_found", "only approved questions can be upvoted"
    moderate(mod, "approve", qid)
    up = {"question_id": qid, "up": True}
    assert alice.emit("qa_upvote", up, callback=True) == {"ok": True, "up": True, "changed": True}
    assert alice.emit("qa_upvote", up, callback=True) == {"ok": True, "up": True, "changed": False}
    assert bob.emit("qa_upvote", up, callback=True)["changed"]
    down = {"question_id": qid, "up": False}
    assert bob.emit("qa_upvote", down, callback=True) == {"ok": True, "up": False, "changed": True}
    mod.get_received()
    flush(live)
    (queue,) = qa_messages(mod)
    assert queue["questions"][0]["votes"] == 1
    _phone, rejoin = live.attendee(token=None)
    assert rejoin["qa"]["questions"][0]["votes"] == 1
    assert rejoin["qa_mine"] == {"upvoted": [], "asked": []}


def test_a_rejoin_brings_back_my_upvotes_and_questions(live: LiveSession) -> None:
    mod, (phone, ack) = live.moderator(), live.attendee()
    qid = ask(phone, "Cardiac monitoring?")["question"]["id"]
    moderate(mod, "approve", qid)
    phone.emit("qa_upvote", {"question_id": qid, "up": True}, callback=True)
    _again, rejoined = live.attendee(token=ack["participant_token"])
    assert rejoined["qa_mine"] == {
        "upvoted": [qid],
        "asked": [{"id": qid, "text": "Cardiac monitoring?", "status": "approved"}],
    }


def test_pin_answer_edit_and_merge(live: LiveSession) -> None:
    mod, (a, _), (b, _), (c, _) = (
        live.moderator(),
        live.attendee(),
        live.attendee(),
        live.attendee(),
    )
    first = ask(a, "What abuot ILD?")["question"]["id"]
    dup = ask(b, "ILD risk?", "ask-00009")["question"]["id"]
    for qid in (first, dup):
        moderate(mod, "approve", qid)
    for phone, qid in ((a, dup), (b, dup), (c, first), (b, first)):
        assert phone.emit("qa_upvote", {"question_id": qid, "up": True}, callback=True)["ok"]
    assert moderate(mod, "edit", first, text="What about ILD?") == {"ok": True}
    assert moderate(mod, "merge", dup, into=first) == {"ok": True}
    assert moderate(mod, "pin", first) == {"ok": True}
    screen = live.screen()
    screen.get_received()
    flush(live)
    (room,) = qa_messages(screen)
    assert room["questions"] == [
        {"id": first, "text": "What about ILD?", "name": None, "status": "approved",
         "pinned": True, "votes": 3, "created_at": room["questions"][0]["created_at"]}
    ], "a, b and c once each: b's two upvotes count once"  # fmt: skip
    assert moderate(mod, "answered", first) == {"ok": True}
    mod.get_received()
    flush(live)
    (queue,) = qa_messages(mod)
    by_id = {q["id"]: q for q in queue["questions"]}
    assert by_id[first]["status"] == "answered" and not by_id[first]["pinned"]
    assert by_id[first]["edited"] and by_id[dup]["merged_into"] == first
    assert queue["counts"] == {
        "pending": 0, "approved": 0, "answered": 1, "dismissed": 0, "merged": 1
    }  # fmt: skip
    assert moderate(mod, "merge", first, into=first)["code"] == "qa_not_found"
    assert moderate(mod, "approve", dup)["code"] == "bad_request", "a merged one stays merged"


def test_only_one_question_is_pinned(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    ids = [ask(phone, f"Question {i}?", f"ask-0000{i}")["question"]["id"] for i in range(2)]
    for qid in ids:
        moderate(mod, "pin", qid)
    mod.get_received()
    flush(live)
    (queue,) = qa_messages(mod)
    assert [q["pinned"] for q in queue["questions"]] == [False, True]


def test_closed_qa_refuses_questions_and_upvotes(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    qid = ask(phone, "Before closing?")["question"]["id"]
    moderate(mod, "approve", qid)
    assert mod.emit("qa_settings", {"open": False}, callback=True)["settings"]["open"] is False
    assert ask(phone, "After closing?", "ask-00002")["code"] == "qa_closed"
    upvote = phone.emit("qa_upvote", {"question_id": qid, "up": True}, callback=True)
    assert upvote["code"] == "qa_closed"


def test_names_show_only_while_allowed(live: LiveSession) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    mod.emit("qa_settings", {"names": True, "premoderate": False}, callback=True)
    assert ask(phone, "Named?", name="Dr Lee")["question"]["name"] == "Dr Lee"
    phone.get_received()
    flush(live)
    assert qa_messages(phone)[0]["questions"][0]["name"] == "Dr Lee"
    mod.emit("qa_settings", {"names": False}, callback=True)
    phone.get_received()
    flush(live)
    assert qa_messages(phone)[0]["questions"][0]["name"] is None


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("qa_ask", {"text": "Hi there", "client_id": "ask-00001", "extra": 1}),
        ("qa_upvote", {"question_id": "1", "up": True}),
        ("qa_upvote", {"question_id": 1, "up": "yes"}),
        ("qa_moderate", {"action": "delete", "question_id": 1}),
        ("qa_settings", {"filter": "spam"}),
        ("qa_settings", {"filter": ["x" * 41]}),
    ],
)
def test_bad_payloads_are_bad_requests(live: LiveSession, event: str, payload: object) -> None:
    mod, (phone, _) = live.moderator(), live.attendee()
    client = mod if event in ("qa_moderate", "qa_settings") else phone
    assert client.emit(event, payload, callback=True)["code"] == "bad_request"


def test_roles_are_kept_apart(live: LiveSession) -> None:
    mod, (phone, _), screen = live.moderator(), live.attendee(), live.screen()
    assert (
        phone.emit("qa_moderate", {"action": "approve", "question_id": 1}, callback=True)["code"]
        == "forbidden"
    )
    assert phone.emit("qa_settings", {"open": False}, callback=True)["code"] == "forbidden"
    assert ask(screen, "From the projector?")["code"] == "forbidden"
    assert ask(mod, "From the panel?")["code"] == "forbidden"
    assert (
        live.client().emit("qa_ask", {"text": "x", "client_id": "ask-00001"}, callback=True)["code"]
        == "not_joined"
    )


def test_another_sessions_question_cannot_be_touched(make_session) -> None:
    a, b = make_session(), make_session()
    mod_a, mod_b, (phone_b, _) = a.moderator(), b.moderator(), b.attendee()
    qid = ask(phone_b, "In session B")["question"]["id"]
    assert moderate(mod_a, "approve", qid)["code"] == "qa_not_found"
    moderate(mod_b, "approve", qid)
    phone_a, _ = a.attendee()
    assert (
        phone_a.emit("qa_upvote", {"question_id": qid, "up": True}, callback=True)["code"]
        == "qa_not_found"
    )


def test_asking_is_rate_limited_per_participant(live: LiveSession) -> None:
    phone, ack = live.attendee()
    codes = [ask(phone, f"Question {i}?", f"ask-{i:05d}").get("code") for i in range(4)]
    assert codes == [None, None, None, "rate_limited"]
    again, _ = live.attendee(token=ack["participant_token"])
    assert ask(again, "After a reconnect?", "ask-00099")["code"] == "rate_limited"
