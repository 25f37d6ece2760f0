"""Who is on each connection, and the rooms each role listens in.

The registry is per process and in memory on purpose: a connection lives in
exactly one process, and after any reconnect the client joins again, so
nothing here needs to survive a restart.
"""

from __future__ import annotations

from collections import Counter

from ..core.access import Role
from ..core.errors import Forbidden, Her2pollError
from ..services.joining import Member


class NotJoined(Her2pollError):
    code = "not_joined"


def session_room(session_id: int) -> str:
    return f"session:{session_id}"


def moderator_room(session_id: int) -> str:
    return f"moderator:{session_id}"


def screen_room(session_id: int) -> str:
    return f"screen:{session_id}"


def audience_room(session_id: int) -> str:
    return f"audience:{session_id}"


def rooms_for(role: Role, session_id: int) -> list[str]:
    """Every role hears state changes; only moderator and screen hear tallies.

    The room's view of Q&A goes to the audience (phones and projector); the
    moderator hears the whole queue in its own room instead.
    """
    rooms = [session_room(session_id)]
    if role is Role.MODERATOR:
        rooms.append(moderator_room(session_id))
    elif role is Role.SCREEN:
        rooms += [screen_room(session_id), audience_room(session_id)]
    else:
        rooms.append(audience_room(session_id))
    return rooms


class Registry:
    """Joined connections of this process, with attendee counts per session."""

    def __init__(self) -> None:
        self._conns: dict[str, Member] = {}
        self._attendees: Counter[int] = Counter()

    def add(self, sid: str, conn: Member) -> Member | None:
        """Record a join; return the connection's previous membership, if any."""
        previous = self.remove(sid)
        self._conns[sid] = conn
        if conn.role is Role.ATTENDEE:
            self._attendees[conn.session_id] += 1
        return previous

    def remove(self, sid: str) -> Member | None:
        conn = self._conns.pop(sid, None)
        if conn is not None and conn.role is Role.ATTENDEE:
            self._attendees[conn.session_id] -= 1
            if self._attendees[conn.session_id] <= 0:
                del self._attendees[conn.session_id]
        return conn

    def get(self, sid: str) -> Member | None:
        return self._conns.get(sid)

    def require(self, sid: str, role: Role) -> Member:
        """The connection's membership, if it joined with ``role``; else a clear error."""
        conn = self._conns.get(sid)
        if conn is None:
            raise NotJoined("Send join first.")
        if conn.role is not role:
            raise Forbidden(
                f"Only a {role.value} may do this; this connection joined as {conn.role.value}."
            )
        return conn

    def connected_attendees(self, session_id: int) -> int:
        return self._attendees.get(session_id, 0)

    def sessions(self) -> set[int]:
        """Sessions with at least one joined connection in this process."""
        return {c.session_id for c in self._conns.values()}
