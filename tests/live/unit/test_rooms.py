"""The per-process registry of joined connections, and the rooms of each role."""

from __future__ import annotations

import pytest

from her2poll.core.access import Role
from her2poll.core.errors import Her2pollError
from her2poll.live.rooms import Registry, rooms_for
from her2poll.services.joining import Member


def attendee(session_id: int, participant_id: int = 1) -> Member:
    return Member(Role.ATTENDEE, session_id, f"CODE{session_id}", participant_id)


def moderator(session_id: int) -> Member:
    return Member(Role.MODERATOR, session_id, f"CODE{session_id}")


@pytest.fixture
def registry() -> Registry:
    return Registry()


def test_attendees_are_counted_per_session(registry: Registry) -> None:
    registry.add("s1", attendee(1))
    registry.add("s2", attendee(1, 2))
    registry.add("s3", attendee(2))
    assert [registry.connected_attendees(s) for s in (1, 2, 3)] == [2, 1, 0]


def test_moderators_and_screens_are_not_counted_as_attendees(registry: Registry) -> None:
    registry.add("m", moderator(1))
    registry.add("p", Member(Role.SCREEN, 1, "CODE1"))
    assert registry.connected_attendees(1) == 0
    assert registry.sessions() == {1}


def test_leaving_lowers_the_count_and_the_last_one_out_empties_the_session(
    registry: Registry,
) -> None:
    first, second = attendee(1), attendee(1, 2)
    registry.add("s1", first)
    registry.add("s2", second)
    assert registry.remove("s1") == first
    assert registry.connected_attendees(1) == 1
    assert registry.remove("s2") == second
    assert (registry.connected_attendees(1), registry.sessions()) == (0, set())
    assert registry.get("s2") is None


def test_removing_an_unknown_connection_changes_nothing(registry: Registry) -> None:
    registry.add("s1", attendee(1))
    assert registry.remove("never-joined") is None
    assert registry.remove("s1") is not None
    assert registry.remove("s1") is None  # a second disconnect cannot go below zero
    assert registry.connected_attendees(1) == 0


def test_rejoining_moves_the_connection_instead_of_counting_it_twice(
    registry: Registry,
) -> None:
    old = attendee(1)
    assert registry.add("s1", old) is None
    assert registry.add("s1", attendee(1)) == old  # the same session again (a reconnect)
    assert registry.connected_attendees(1) == 1
    registry.add("s1", attendee(2))  # another session
    assert [registry.connected_attendees(s) for s in (1, 2)] == [0, 1]
    registry.add("s1", moderator(2))  # the same session, another role
    assert registry.connected_attendees(2) == 0
    assert registry.get("s1") == moderator(2)


def test_require_returns_the_membership_of_a_connection_that_joined_with_the_role(
    registry: Registry,
) -> None:
    registry.add("m", moderator(1))
    assert registry.require("m", Role.MODERATOR) == moderator(1)


def test_require_refuses_a_connection_that_never_joined(registry: Registry) -> None:
    with pytest.raises(Her2pollError) as e:
        registry.require("nobody", Role.ATTENDEE)
    assert e.value.code == "not_joined"


def test_require_refuses_a_connection_that_joined_with_another_role(
    registry: Registry,
) -> None:
    registry.add("s1", attendee(1))
    with pytest.raises(Her2pollError) as e:
        registry.require("s1", Role.MODERATOR)
    assert e.value.code == "forbidden"
    assert "moderator" in e.value.message
    assert "attendee" in e.value.message


@pytest.mark.parametrize(
    ("role", "rooms"),
    [
        (Role.ATTENDEE, ["session:7", "audience:7"]),
        (Role.MODERATOR, ["session:7", "moderator:7"]),
        (Role.SCREEN, ["session:7", "screen:7", "audience:7"]),
    ],
)
def test_every_role_hears_the_session_and_only_staff_hear_their_own_room(
    role: Role, rooms: list[str]
) -> None:
    assert rooms_for(role, 7) == rooms
