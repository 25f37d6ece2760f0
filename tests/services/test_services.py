"""The service layer with a fake store: each entry point's steps, no database, no server."""

from __future__ import annotations

import pytest

from her2poll.core.access import Role
from her2poll.core.errors import BadRequest, Forbidden, NotFound, VoteRefused
from her2poll.core.questions import QuestionSet
from her2poll.services import control, joining, qa, results, sessions, voting
from her2poll.services.joining import JoinRequest, Member

from .fakes import FakeSink, FakeStore

KEY = "test-signing-key"


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def created(store: FakeStore, questions: QuestionSet) -> sessions.Created:
    return sessions.create(store, questions, "Grand rounds")


def join(store: FakeStore, code: str, **kw: object) -> joining.Joined:
    return joining.join(store, KEY, JoinRequest(code, **kw), lambda _sid: 7)  # type: ignore[arg-type]


def test_a_new_session_keeps_only_digests_of_its_secrets(store, created) -> None:
    digests = store.digests(created.state.code)
    assert created.moderator_secret not in (digests.moderator, digests.screen)
    assert created.screen_token not in (digests.moderator, digests.screen)
    assert created.state.title == "Grand rounds"
    assert [s.code for s in sessions.summaries(store)] == [created.state.code]


def test_an_attendee_gets_a_token_that_finds_them_again(store, created) -> None:
    first = join(store, created.state.code)
    again = join(store, created.state.code, token=first.ack["participant_token"])
    assert again.ack["participant"] == first.ack["participant"]
    assert again.member == first.member and first.member.role is Role.ATTENDEE
    assert first.ack["state"]["current"] is None, "nothing is open yet"
    assert "tally" not in first.ack, "attendees never get tallies"


def test_an_attendee_join_before_a_reveal_reads_no_tallies(store, created) -> None:
    join(store, created.state.code)
    assert store.snapshots_read == 0


def test_the_moderator_join_is_one_snapshot_with_tally_and_results(store, created) -> None:
    joined = join(store, created.state.code, role=Role.MODERATOR, secret=created.moderator_secret)
    assert store.snapshots_read == 1
    assert joined.member == Member(Role.MODERATOR, created.state.id, created.state.code)
    assert joined.ack["tally"]["connected"] == 7
    assert [q["question_id"] for q in joined.ack["results"]["questions"]][:2] == ["PQ1", "PQ2"]
    assert joined.ack["questions"]["questions"][0]["id"] == "PQ1"


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.SCREEN])
def test_a_wrong_secret_is_refused_for_moderator_and_screen(store, created, role) -> None:
    with pytest.raises(Forbidden) as e:
        join(store, created.state.code, role=role, secret="nope", token="nope")
    assert e.value.code == "bad_secret"


def test_the_projector_token_opens_the_screen_but_not_the_panel(store, created) -> None:
    screen = join(store, created.state.code, role=Role.SCREEN, token=created.screen_token)
    assert screen.member.role is Role.SCREEN
    assert [q["id"] for q in screen.ack["questions"]][:1] == ["PQ1"]
    assert "results" not in screen.ack
    with pytest.raises(Forbidden):
        join(store, created.state.code, role=Role.MODERATOR, secret=created.screen_token)


def test_an_unknown_code_is_not_found(store) -> None:
    with pytest.raises(NotFound) as e:
        join(store, "ZZZZZZ")
    assert e.value.code == "session_not_found"


def test_a_vote_is_acked_new_then_duplicate(store, created) -> None:
    member = join(store, created.state.code).member
    sink = FakeSink()
    assert voting.cast_vote(sink, member, "PQ6", "LIKELY", "vote-0001") == {
        "ok": True,
        "dup": False,
    }
    assert voting.cast_vote(sink, member, "PQ6", "LIKELY", "vote-0001") == {"ok": True, "dup": True}
    assert [(v.participant_id, v.question_id, v.option_id) for v in sink.votes] == [
        (member.participant_id, "PQ6", "LIKELY")
    ] * 2


def test_a_refused_vote_raises_the_sinks_error(store, created) -> None:
    member = join(store, created.state.code).member
    with pytest.raises(VoteRefused):
        voting.cast_vote(FakeSink(VoteRefused("closed")), member, "PQ6", "LIKELY", "vote-0001")


def test_only_an_attendee_may_vote(store, created) -> None:
    moderator = Member(Role.MODERATOR, created.state.id, created.state.code)
    with pytest.raises(Forbidden):
        voting.cast_vote(FakeSink(), moderator, "PQ6", "LIKELY", "vote-0001")


def test_control_returns_the_state_everyone_sees(store, created) -> None:
    done = control.control(store, created.state.code, "open", "PQ6")
    assert done.session_id == created.state.id
    assert done.state["current"]["question_id"] == "PQ6"
    assert done.state["current"]["results"] is None, "open is not revealed"
    assert store.snapshots_read == 0, "no tallies are read for a state without results"


def test_a_reveal_carries_the_results_to_attendees(store, created) -> None:
    member = join(store, created.state.code).member
    control.control(store, created.state.code, "open", "PQ6")
    assert member.participant_id is not None
    store.answer(created.state.code, member.participant_id, "PQ6", "LIKELY")
    control.control(store, created.state.code, "close", "PQ6")
    done = control.control(store, created.state.code, "reveal", "PQ6")
    assert done.state["current"]["results"]["counts"]["LIKELY"] == 1


def test_results_need_the_moderator_key_and_a_sane_cap(store, created) -> None:
    code, key = created.state.code, created.moderator_secret
    with pytest.raises(Forbidden):
        results.results(store, code, "wrong")
    with pytest.raises(BadRequest):
        results.results(store, code, key, max_n=0)
    body = results.results(store, code, key, max_n=20)
    assert body["reconstruction_cap"] == 20


def test_the_screen_sees_only_revealed_questions(store, created) -> None:
    member = join(store, created.state.code).member
    assert member.participant_id is not None
    for qid, option in (("PQ5", "VERY"), ("PQ6", "LIKELY")):
        control.control(store, created.state.code, "open", qid)
        store.answer(created.state.code, member.participant_id, qid, option)
        control.control(store, created.state.code, "close", qid)
    control.control(store, created.state.code, "reveal", "PQ6")
    moderator, screen = results.room_tallies(store, created.state.id, connected=3)
    assert store.snapshots_read == 2, "one for the reveal's state, one for both rooms"
    assert set(moderator["comparison"]) == {"PQ5", "PQ6"}, "asked questions are compared"
    assert set(screen["tallies"]) == {"PQ6"}
    assert screen["comparison"] == {}, "statistics stay off the room until the moderator shows them"
    assert moderator["connected"] == screen["connected"] == 3
    assert moderator["vote_seq"] == screen["vote_seq"] == 2

    shown = control.room_statistics(store, created.state.code, True)
    assert shown.state["session"]["statistics"] is True
    moderator, screen = results.room_tallies(store, created.state.id, connected=3)
    assert set(screen["tallies"]) == set(screen["comparison"]) == {"PQ6"}
    assert screen["vote_seq"] == 3, "newer than any tally read before the switch"


def test_an_upvote_goes_through_the_sink_as_the_wanted_state(store, created) -> None:
    member = join(store, created.state.code).member
    sink = FakeSink()
    assert qa.upvote(sink, member, 17, True) == {"ok": True, "up": True, "changed": True}
    assert [(u.question_id, u.up, u.participant_id) for u in sink.votes] == [
        (17, True, member.participant_id)
    ]
    moderator = Member(Role.MODERATOR, created.state.id, created.state.code)
    with pytest.raises(Forbidden):
        qa.upvote(sink, moderator, 17, True)
