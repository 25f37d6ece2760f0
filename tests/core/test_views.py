"""Who sees what: the room's statistics switch in the role views.

The room (projector and phones) gets no p-value, interval, verdict or note on the
article's inconsistent figures unless the moderator turns "Show statistics to the
room" on; the moderator's view keeps them either way. Checked on the messages
themselves, so a page cannot show what it was never sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from her2poll.core import views
from her2poll.core.items import Responses
from her2poll.core.polls import Poll, PollState
from her2poll.core.questions import QuestionSet, load_question_set
from her2poll.core.session import SessionState, Snapshot

ROOT = Path(__file__).parents[2]
FOUNDING = load_question_set(ROOT / "questions.json")
EXAMPLE = load_question_set(ROOT / "examples" / "all-item-types.json")

#: Keys that only statistics have, anywhere in a message.
STATISTIC_KEYS = {
    "mean_ci95",
    "verdict",
    "verdict_code",
    "verdict_params",
    "test",
    "p_range",
    "sensitivity",
    "effect",
    "live_ci_percent",
    "published_ci_percent",
    "difference_ci_pp",
    "published_inconsistent",
}


def keys(message: object) -> Iterator[str]:
    """Every key of every dict in a message, however deep."""
    if isinstance(message, Mapping):
        for k, v in message.items():
            yield str(k)
            yield from keys(v)
    elif isinstance(message, list | tuple):
        for v in message:
            yield from keys(v)


def snapshot(
    questions: QuestionSet,
    counts: Mapping[str, Mapping[str, int]],
    revealed: set[str],
    current: str,
    statistics: bool = False,
) -> Snapshot:
    """Every question closed and answered with ``counts``; ``revealed`` shown to the room."""
    polls = tuple(
        Poll(q.id, PollState.CLOSED, revealed=q.id in revealed) for q in questions.questions
    )
    state = SessionState(
        id=1,
        code="KX7D4M",
        title=questions.title,
        questions=questions,
        polls=polls,
        version=3,
        created_at=datetime(2026, 12, 2, tzinfo=UTC),
        current_question_id=current,
        room_statistics=statistics,
    )
    tallies = {
        q.id: q.summarise(Responses(counts=counts.get(q.id, {}))) for q in questions.questions
    }
    return Snapshot(state, vote_seq=5, tallies=tallies, participants=22)


PQ6 = {"VERY_LIKELY": 1, "LIKELY": 2, "SOMEWHAT_UNLIKELY": 5, "VERY_UNLIKELY": 14}
PQ1 = {"HER2CLIMB": 4, "NEOADJUVANT": 2}
RATING = {"VU": 1, "VL": 1}  # 1 and 4: a t-interval of two answers runs far past the scale


def room_messages(snap: Snapshot) -> dict[str, Any]:
    """What the projector and the phones are sent of this snapshot."""
    return {
        "tally": views.screen_tally(snap, connected=20),
        "questions": views.screen_questions(snap.state),
        "state": views.attendee_state(snap.state, snap.tallies),
    }


def test_by_default_the_room_gets_no_statistics_and_the_moderator_all_of_them() -> None:
    snap = snapshot(FOUNDING, {"PQ6": PQ6, "PQ1": PQ1}, {"PQ6", "PQ1"}, "PQ6")
    room = room_messages(snap)
    assert not STATISTIC_KEYS & set(keys(room)), STATISTIC_KEYS & set(keys(room))
    assert room["tally"]["comparison"] == {}
    assert room["state"]["session"]["statistics"] is False
    # what the room does see: the live counts and the published figures beside them
    assert room["tally"]["tallies"]["PQ6"]["counts"] == PQ6
    published = next(q for q in room["questions"] if q["id"] == "PQ6")["published"]
    assert published["LIKELY"]["percent"] == 45
    moderator = views.moderator_tally(snap, connected=20)
    assert moderator["comparison"]["PQ6"]["test"]["p_value"] < 0.05
    assert moderator["comparison"]["PQ1"]["published_inconsistent"] is True


def test_with_the_switch_on_the_room_gets_the_verdict_intervals_and_the_note() -> None:
    snap = snapshot(FOUNDING, {"PQ6": PQ6, "PQ1": PQ1}, {"PQ6", "PQ1"}, "PQ6", statistics=True)
    room = room_messages(snap)
    assert room["state"]["session"]["statistics"] is True
    pq6 = room["tally"]["comparison"]["PQ6"]
    assert pq6["verdict_code"] == "differs" and pq6["test"]["p_value"] < 0.05
    assert all(o["live_ci_percent"] for o in pq6["options"])
    assert room["tally"]["comparison"]["PQ1"]["published_inconsistent"] is True
    # still only what was revealed
    hidden = replace(snap, state=replace(snap.state, polls=tuple(
        replace(p, revealed=p.question_id == "PQ6") for p in snap.state.polls
    )))  # fmt: skip
    assert set(views.screen_tally(hidden, 20)["comparison"]) == {"PQ6"}


def test_a_rating_interval_reaches_the_room_only_with_the_switch_and_never_off_the_scale() -> None:
    off = snapshot(EXAMPLE, {"LIKELY": RATING}, {"LIKELY"}, "LIKELY")
    for message in (
        views.screen_tally(off, 2)["tallies"]["LIKELY"],
        views.attendee_state(off.state, off.tallies)["current"]["results"],
    ):
        assert "mean_ci95" not in message and message["mean"] == 2.5
    full = views.moderator_tally(off, 2)["tallies"]["LIKELY"]["mean_ci95"]
    assert full == [1, 4]  # mean 2.5 ± 19: clipped to the scale's ends
    on = replace(off, state=replace(off.state, room_statistics=True))
    assert views.screen_tally(on, 2)["tallies"]["LIKELY"]["mean_ci95"] == [1, 4]
    current = views.attendee_state(on.state, on.tallies)["current"]
    assert current["results"]["mean_ci95"] == [1, 4]


def counts_of(*option_ids: str) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from(option_ids), st.integers(0, 40))


@given(
    st.fixed_dictionaries({"PQ6": counts_of(*PQ6), "PQ1": counts_of(*PQ1)}),
    counts_of("VU", "SU", "L", "VL"),
    st.sets(st.sampled_from([q.id for q in FOUNDING.questions])),
)
def test_whatever_the_answers_and_reveals_no_statistic_reaches_the_room_while_off(
    counts: dict[str, dict[str, int]], rating: dict[str, int], revealed: set[str]
) -> None:
    snap = snapshot(FOUNDING, counts, revealed, "PQ6")
    assert not STATISTIC_KEYS & set(keys(room_messages(snap)))
    rated = snapshot(EXAMPLE, {"LIKELY": rating}, {"LIKELY"}, "LIKELY")
    assert not STATISTIC_KEYS & set(keys(room_messages(rated)))
