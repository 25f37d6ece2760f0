"""The HTTP API: sessions, links, results, health, errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from her2poll.core.errors import Unavailable
from her2poll.store.db import get_db
from testkit.accounts import organiser_client


def create(client) -> dict:
    r = client.post("/api/sessions", json={})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def failing_ping(failure: Unavailable) -> Callable[[], None]:
    def ping() -> None:
        raise failure

    return ping


def test_health_says_ok(app: Flask) -> None:
    r = app.test_client().get("/healthz")
    assert (r.status_code, r.get_json()) == (200, {"status": "ok"})


def test_health_names_neither_the_database_nor_where_it_is(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = get_db(app)
    ok = app.test_client().get("/healthz").get_data(as_text=True)
    # A failure whose message names the database (as a failed migration's does).
    failure = Unavailable(f"Cannot reach the database {db.describe()}: no answer")
    monkeypatch.setattr(db, "ping", failing_ping(failure))
    r = app.test_client().get("/healthz")
    assert r.status_code == 503
    body = r.get_json()
    assert body["status"] == "unavailable" and body["message"]
    for text in (ok, r.get_data(as_text=True)):
        for leak in (db.url, db.describe(), db.url.split("///")[-1], "sqlite", "postgres"):
            assert leak not in text.lower(), (leak, text)


def test_health_passes_on_a_message_that_names_no_database(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = Unavailable("The server is busy; try again shortly.")
    monkeypatch.setattr(get_db(app), "ping", failing_ping(failure))
    r = app.test_client().get("/healthz")
    assert (r.status_code, r.get_json()) == (
        503,
        {"status": "unavailable", "message": "The server is busy; try again shortly."},
    )


def test_creating_a_session_returns_every_link_once(app: Flask) -> None:
    body = create(organiser_client(app))
    assert body["attendee_url"].endswith(f"/j/{body['code']}")
    assert body["moderator_url"].endswith(f"#key={body['moderator_secret']}")
    assert "#token=" in body["screen_url"]


def test_cross_site_and_non_json_creation_is_refused(app: Flask) -> None:
    c = organiser_client(app)
    r = c.post("/api/sessions", json={}, headers={"Origin": "https://evil.example"})
    assert (r.status_code, r.get_json()["code"]) == (403, "bad_origin")
    r = c.post("/api/sessions", data="title=x", content_type="application/x-www-form-urlencoded")
    assert (r.status_code, r.get_json()["code"]) == (400, "bad_request")
    r = c.post("/api/sessions", json={"title": 7})
    assert r.status_code == 400


def test_results_need_the_moderator_secret(app: Flask) -> None:
    c = organiser_client(app)
    body = create(c)
    url = f"/api/sessions/{body['code']}/results"
    assert c.get(url).status_code == 403
    assert c.get(url, headers=auth("wrong")).get_json()["code"] == "bad_secret"
    assert c.get(url, headers=auth(body["moderator_secret"])).status_code == 200


def test_results_compare_live_with_published(app: Flask) -> None:
    c = organiser_client(app)
    body = create(c)
    sio = app.extensions["socketio"]
    m = sio.test_client(app)
    m.emit(
        "join",
        {"code": body["code"], "role": "moderator", "secret": body["moderator_secret"]},
        callback=True,
    )
    m.emit("control", {"action": "open", "question_id": "PQ6"}, callback=True)
    for i in range(6):
        phone = sio.test_client(app)
        phone.emit("join", {"code": body["code"]}, callback=True)
        ack = phone.emit(
            "vote",
            {"question_id": "PQ6", "option_id": "LIKELY", "vote_id": f"vote-{i:04d}"},
            callback=True,
        )
        assert ack["ok"]
    res = c.get(
        f"/api/sessions/{body['code']}/results", headers=auth(body["moderator_secret"])
    ).get_json()
    pq6 = next(q for q in res["questions"] if q["question_id"] == "PQ6")
    assert pq6["state"] == "open"
    assert pq6["live"]["n"] == 6 and pq6["live"]["percent"]["LIKELY"] == 100
    printed = {o["option_id"]: o["percent"] for o in pq6["published"]["options"]}
    assert printed == {
        "VERY_LIKELY": 22,
        "LIKELY": 45,
        "SOMEWHAT_UNLIKELY": 11,
        "VERY_UNLIKELY": 22,
    }
    assert pq6["published"]["reconstruction"]["best"]["n"] == 9
    comp = pq6["comparison"]
    assert comp["live_n"] == 6 and comp["published_n"] == 9
    assert "Freeman" in comp["test"]["method"]
    assert 0 <= comp["test"]["p_value"] <= 1
    assert comp["verdict"]
    pq1 = next(q for q in res["questions"] if q["question_id"] == "PQ1")
    assert pq1["published"]["reconstruction"]["consistent"] is False
    assert pq1["comparison"]["published_inconsistent"] is True
    assert res["published_n"]["kind"] == "cap"


def test_results_of_an_unknown_session_are_404_json(app: Flask) -> None:
    r = app.test_client().get("/api/sessions/ZZZZZZ/results", headers=auth("x"))
    assert r.status_code == 404
    assert r.get_json()["code"] == "session_not_found"


def test_pages_for_unknown_sessions_are_friendly_404s(app: Flask) -> None:
    r = app.test_client().get("/j/ZZZZZZ")
    assert r.status_code == 404
    assert b"Traceback" not in r.data and b"No session" in r.data


def test_every_response_carries_security_headers(app: Flask) -> None:
    r = app.test_client().get("/")
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "no-referrer"
    for path in ("/api/sessions/ZZZZZZ/results", "/healthz"):
        data = app.test_client().get(path)
        assert "frame-ancestors 'none'" in data.headers["Content-Security-Policy"], path
        assert data.headers["X-Frame-Options"] == "DENY", path


def test_scripts_and_style_sheets_carry_only_the_headers_a_browser_applies_to_them(
    app: Flask,
) -> None:
    """CSP, framing and opener policies govern documents; on a module they are dead bytes."""
    for path in ("/static/js/dom.js", "/static/css/app.css"):
        r = app.test_client().get(path)
        r.close()
        assert r.status_code == 200, path
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["Referrer-Policy"] == "no-referrer", path
        for document_only in (
            "Content-Security-Policy",
            "X-Frame-Options",
            "Cross-Origin-Opener-Policy",
        ):
            assert document_only not in r.headers, (path, document_only)


def test_oversized_requests_are_refused(app: Flask) -> None:
    r = organiser_client(app).post(
        "/api/sessions", data=b"x" * (600 * 1024), content_type="application/json"
    )
    assert r.status_code == 413
