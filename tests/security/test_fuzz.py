"""Hypothesis-generated payloads for every Socket.IO event and HTTP endpoint.

Every one must get an answer with a stable code; no handler may raise and no
other session may change. Each runs on SQLite and on PostgreSQL (whose drivers
refuse different things: NUL in text, integers past 64 bits). CI runs the
default count; set ``HER2POLL_FUZZ_EXAMPLES=10000`` for the full run. A line per
backend says how many events were sent, how many went unanswered and how many
were ``internal_error`` (the last two must be 0).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from her2poll.core.questions import load_question_set
from her2poll.services import sessions as session_service
from her2poll.store import sessions
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from her2poll.store.snapshot import read_snapshot
from testkit.accounts import organiser_client
from testkit.servers import ROOT, fresh_pg_database

EXAMPLES = int(os.environ.get("HER2POLL_FUZZ_EXAMPLES", "1500"))
#: pytest-timeout's 300 s fits the default count; the full run needs room in proportion
#: (10,000 events took over 300 s on a loaded 2-core machine).
RUN_TIMEOUT = max(300, EXAMPLES // 5)
KNOWN_CODES = {
    "bad_request",
    "not_joined",
    "session_not_found",
    "bad_secret",
    "forbidden",
    "unknown_question",
    "not_found",
    "poll_not_open",
    "unknown_option",
    "invalid_transition",
    "another_poll_open",
    "no_next_question",
    "rate_limited",
    "qa_closed",
    "qa_not_found",
    "unknown_answer",
    "time_up",
    # a vote's answer that its item refuses (docs/protocol.md, vote)
    "wrong_answer_kind",
    "duplicate_option",
    "choice_count",
    "out_of_range",
    "not_a_number",
    "not_a_whole_number",
    "empty_answer",
    "too_long",
    "no_confidence",
}
EVENTS = ["join", "vote", "control", "hide_answer", "qa_ask", "qa_upvote", "qa_moderate",
          "qa_settings", "room_language", "room_statistics", "submit_block",
          "disconnect"]  # fmt: skip
#: An item of every type (single with confidence, multiple, rating, numeric, text, ranking).
ALL_TYPES = load_question_set(ROOT / "examples" / "all-item-types.json")

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=50),
    st.text(min_size=5000, max_size=6000, alphabet="AZ9-_é\u202e\x00"),
    st.text(max_size=20, alphabet="ab \x00\ud7ff\U0001f600"),
    st.sampled_from([2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30, -(2**63) - 1]),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


class Target:
    """Two sessions: A is attacked, B must never change; C has an item of every type."""

    def __init__(self, app: Flask, backend: str) -> None:
        self.app = app
        self.backend = backend
        self.stats: Counter[str] = Counter()
        c = organiser_client(app)
        self.a = c.post("/api/sessions", json={}).get_json()
        self.b = c.post("/api/sessions", json={}).get_json()
        sio = app.extensions["socketio"]
        self.mod_b = sio.test_client(app)
        assert self.mod_b.emit(
            "join",
            {"code": self.b["code"], "role": "moderator", "secret": self.b["moderator_secret"]},
            callback=True,
        )["ok"]
        self.mod_b.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
        voter = sio.test_client(app)
        voter.emit("join", {"code": self.b["code"]}, callback=True)
        voter.emit(
            "vote",
            {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": "b-vote-01"},
            callback=True,
        )
        self.mod_a = sio.test_client(app)
        self.mod_a.emit(
            "join",
            {"code": self.a["code"], "role": "moderator", "secret": self.a["moderator_secret"]},
            callback=True,
        )
        self.mod_a.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
        self.phone = sio.test_client(app)
        self.phone.emit("join", {"code": self.a["code"]}, callback=True)
        live = app.extensions["her2poll_live"]
        for limiter in (live.ask_limiter, live.upvote_limiter):  # let every ask reach the store
            limiter.rate, limiter.burst = 1e9, 10**9
        created = session_service.create(SqlStore(get_db(app)), ALL_TYPES)
        self.c = created.state.code
        self.mod_c = sio.test_client(app)
        assert self.mod_c.emit(
            "join",
            {"code": self.c, "role": "moderator", "secret": created.moderator_secret},
            callback=True,
        )["ok"]
        self.phone_c = sio.test_client(app)
        assert self.phone_c.emit("join", {"code": self.c}, callback=True)["ok"]
        self.open_in_c: str | None = None
        self.b_before = self.snapshot_b()

    def snapshot_b(self) -> tuple:
        db = get_db(self.app)
        state = sessions.get_session(db, self.b["code"])
        return state.polls, state.version, read_snapshot(db, state.id).tallies["PQ6"].counts

    def emit(self, client, event: str, *args: object) -> object:  # type: ignore[no-untyped-def]
        """Send one event and count what came back."""
        self.stats["events"] += 1
        ack = client.emit(event, *args, callback=True)
        if not isinstance(ack, dict):
            self.stats["unanswered"] += 1
        elif ack.get("code") == "internal_error":
            self.stats["internal_error"] += 1
        return ack

    def open_c(self, item: str) -> None:
        """Open ``item`` of session C (closing the one open before), once per item."""
        if self.open_in_c == item:
            return
        if self.open_in_c is not None:
            self.mod_c.emit("control", {"action": "close", "question_id": self.open_in_c},
                            callback=True)  # fmt: skip
        ack = self.mod_c.emit("control", {"action": "reopen" if self.was_opened(item) else "open",
                                          "question_id": item}, callback=True)  # fmt: skip
        assert ack["ok"], ack
        self.open_in_c = item

    def was_opened(self, item: str) -> bool:
        state = sessions.get_session(get_db(self.app), self.c)
        return any(p.question_id == item and p.state.value != "pending" for p in state.polls)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def target(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Target]:
    from her2poll import create_app

    drop = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    else:
        url, drop = fresh_pg_database(request.getfixturevalue("pg_server"))
    app = create_app(
        {"database_url": url, "secret_key": "fuzz", "rate_per_second": 1e9, "rate_burst": 10**9}
    )
    t = Target(app, request.param)
    started = time.monotonic()
    yield t
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    line = (
        f"fuzz on {t.backend}: {t.stats['events']} events, {t.stats['unanswered']} unanswered, "
        f"{t.stats['internal_error']} internal_error, {time.monotonic() - started:.0f} s"
    )
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown in a passing run too
            reporter.write_line(line)
    get_db(app).dispose()
    if drop is not None:
        drop()  # type: ignore[operator]


VALID_VOTE_IDS = st.uuids().map(str)
#: Short text that often holds NUL (PostgreSQL refuses it) and other oddities.
nul_text = st.text(max_size=30, alphabet="ab \x00\n\u202e\U0001f600")
big_ids = st.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**30])


def crafted(t: Target) -> st.SearchStrategy:
    """Plausible-looking payloads: right keys, wrong or foreign values."""
    ids = st.sampled_from(["PQ1", "PQ6", "PQ9", "", "pq6", "PQ6\x00", "'; DROP TABLE answers;--"])
    codes = st.sampled_from([t.a["code"], t.b["code"], t.a["code"].lower(), "", "ZZZZZZ"])
    secrets = st.sampled_from([t.b["moderator_secret"], t.a["moderator_secret"][:-1], "", None])
    return st.one_of(
        st.fixed_dictionaries(
            {"question_id": ids, "option_id": ids | json_values, "vote_id": st.text(max_size=80)}
        ),
        st.fixed_dictionaries(
            {
                "code": codes,
                "role": st.sampled_from(["attendee", "moderator", "screen", "admin"]),
                "secret": secrets,
                "token": secrets,
            }
        ),
        st.fixed_dictionaries(
            {
                "action": st.sampled_from(["open", "close", "reveal", "next", "reset", "delete"]),
                "question_id": ids,
            }
        ),
        st.fixed_dictionaries(
            {"text": st.text(max_size=400) | nul_text, "client_id": VALID_VOTE_IDS | st.text()},
            optional={"name": st.text(max_size=60) | nul_text | st.none()},
        ),
        st.fixed_dictionaries(
            {
                "question_id": st.integers(-2, 5) | big_ids | json_values,
                "up": st.booleans() | json_values,
            }
        ),
        st.fixed_dictionaries(
            {
                "action": st.sampled_from(["approve", "pin", "merge", "edit", "drop"]),
                "question_id": st.integers(-1, 5) | big_ids,
            },
            optional={
                "into": st.integers(-1, 5) | big_ids,
                "text": st.text(max_size=400) | nul_text,
            },
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "open": st.booleans() | json_values,
                "filter": st.lists(st.text(max_size=50) | nul_text, max_size=5) | json_values,
            },
        ),
        st.fixed_dictionaries(
            {"answer_id": st.integers() | big_ids | json_values, "hidden": st.booleans()},
            optional={"extra": json_values},
        ),
        st.fixed_dictionaries(
            {
                "language": st.sampled_from(["en", "de", None, "fr", "", "de\x00", "EN"])
                | json_values
            }
        ),  # fmt: skip
    )


def check_ack(ack: object) -> None:
    assert isinstance(ack, dict), ack
    assert isinstance(ack.get("ok"), bool)
    if not ack["ok"]:
        assert ack["code"] in KNOWN_CODES, ack
        assert isinstance(ack["message"], str) and "Traceback" not in ack["message"]


@pytest.mark.timeout(RUN_TIMEOUT)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_socket_events_never_crash_or_leak(target: Target, data: st.DataObject) -> None:
    event = data.draw(
        st.sampled_from(EVENTS) | st.text(max_size=20).filter(lambda name: name != "connect")
    )
    payload = data.draw(st.one_of(json_values, crafted(target)))
    client = data.draw(st.sampled_from([target.phone, target.mod_a]))
    extra = data.draw(st.none() | json_values)  # None: the one-payload form
    if extra is None:
        ack = target.emit(client, event, payload)
    else:  # a second argument is a bad request, whatever the event
        ack = target.emit(client, event, payload, extra)
        assert isinstance(ack, dict) and ack.get("code") == "bad_request", (event, ack)
    check_ack(ack)
    if event == "join" and ack["ok"]:  # a fuzzed join may switch role: put it back
        target.phone.emit("join", {"code": target.a["code"]}, callback=True)
        target.mod_a.emit(
            "join",
            {"code": target.a["code"], "role": "moderator", "secret": target.a["moderator_secret"]},
            callback=True,
        )
    assert target.snapshot_b() == target.b_before, "session B must never change"


def answers(item_id: str) -> st.SearchStrategy:
    """Values for any answer field: the item's own options and bounds, and junk."""
    options = [o.id for o in getattr(ALL_TYPES.question(item_id), "options", ())] or ["X"]
    option = st.sampled_from([*options, "", "nope", options[0] + "\x00"])
    numbers = st.one_of(
        st.integers(-(2**70), 2**70),
        st.integers(0, 100),
        st.floats(allow_nan=True, allow_infinity=True),
        big_ids,
    )
    return st.one_of(
        option,
        st.permutations(options).flatmap(lambda p: st.integers(0, len(p)).map(lambda n: p[:n])),
        st.lists(option | json_values, max_size=6),
        numbers,
        st.text(max_size=400),
        st.text(max_size=30, alphabet="ab \x00\n\u202e"),
        json_values,
    )


VOTE_IDS = (
    VALID_VOTE_IDS | st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True) | st.text(max_size=80)
)


@pytest.mark.timeout(RUN_TIMEOUT)
@pytest.mark.parametrize("item_id", ALL_TYPES.question_ids)
def test_every_vote_field_of_every_item_type_is_answered(target: Target, item_id: str) -> None:
    """With the item open: every answer field (option_id, option_ids, value, text,
    confidence), of the right kind or not, gets a known code; B never changes."""
    target.open_c(item_id)
    fields = ("option_id", "option_ids", "value", "text", "confidence")

    one_answer = st.sampled_from(fields[:4]).flatmap(
        lambda field: st.fixed_dictionaries(
            {"question_id": st.just(item_id), "vote_id": VALID_VOTE_IDS, field: answers(item_id)},
            optional={"confidence": st.integers(0, 5) | answers(item_id)},
        )
    )
    anything = st.fixed_dictionaries(
        {"question_id": st.just(item_id), "vote_id": VOTE_IDS},
        optional=dict.fromkeys(fields, answers(item_id)),
    )

    @settings(
        max_examples=max(50, EXAMPLES // 10),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(payload=one_answer | anything)
    def vote(payload: dict[str, object]) -> None:
        ack = target.emit(target.phone_c, "vote", payload)
        check_ack(ack)
        recorded.update([bool(ack["ok"])])  # type: ignore[index]
        assert target.snapshot_b() == target.b_before, "session B must never change"

    recorded: Counter[bool] = Counter()
    vote()
    assert recorded[True] > 0, "no vote reached the database: the strategy only tested parsing"


paths = st.sampled_from(
    [
        "/api/sessions/{a}/results",
        "/api/sessions/{b}/links",
        "/api/sessions/{x}/results",
        "/j/{x}",
        "/s/{x}",
        "/m/{x}",
        "/qr/{x}.svg",
        "/join?code={x}",
        "/healthz",
    ]
)


@settings(
    max_examples=max(200, EXAMPLES // 5),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    path=paths,
    x=st.text(max_size=40),
    bearer=st.text(max_size=60),
    body=json_values,
    method=st.sampled_from(["GET", "POST"]),
)
def test_http_endpoints_never_answer_500(
    target: Target, path: str, x: str, bearer: str, body: object, method: str
) -> None:
    from urllib.parse import quote

    url = path.format(a=target.a["code"], b=target.b["code"], x=quote(x, safe=""))
    client = target.app.test_client()
    headers = {"Authorization": f"Bearer {bearer}"} if bearer.isprintable() else {}
    if method == "POST":
        r = client.post("/api/sessions" if "results" in path else url, json=body, headers=headers)
    else:
        r = client.get(url, headers=headers)
    assert r.status_code < 500, (url, r.status_code, r.data[:200])
    assert b"Traceback" not in r.data
    assert target.snapshot_b()[:2] == target.b_before[:2]
