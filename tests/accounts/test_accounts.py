"""Organiser accounts: sign-in, CSRF, the sign-in rate limit, who sees which session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask

from her2poll import create_app
from her2poll.core.accounts import AccountError
from her2poll.services import accounts
from her2poll.store.db import Database, get_db
from her2poll.store.repository import SqlStore
from testkit.accounts import PASSWORD, add_organiser, organiser_client, page_token, sign_in


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'acc.db'}",
            "secret_key": "k",
            "login_rate": "3 per minute",
        }
    )
    app.testing = True
    yield app
    get_db(app).dispose()


def _login(client, email: str, password: str):  # type: ignore[no-untyped-def]
    token = page_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


# -- services --------------------------------------------------------------------------


def test_passwords_are_stored_as_argon2id_hashes_and_checked(db: Database) -> None:
    user = accounts.add_user(db, " Ann@Example.ORG ", "a long password", "Clinic")
    assert (user.email, user.organisation, user.has_password) == (
        "ann@example.org",
        "Clinic",
        True,
    )
    from her2poll.store.accounts import password_hash

    stored = password_hash(db, user.id)
    assert stored is not None and stored.startswith("$argon2id$")
    assert "a long password" not in stored
    assert accounts.authenticate(db, "ANN@example.org", "a long password") == user
    assert accounts.authenticate(db, "ann@example.org", "a long passwore") is None
    assert accounts.authenticate(db, "bob@example.org", "a long password") is None
    assert accounts.authenticate(db, "not an address", "a long password") is None


def test_an_old_hash_is_replaced_at_the_next_sign_in(db: Database) -> None:
    from her2poll.store.accounts import password_hash, set_password_hash

    user = accounts.add_user(db, "ann@example.org", "a long password")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("a long password")
    set_password_hash(db, user.id, weak)
    assert accounts.authenticate(db, "ann@example.org", "a long password") == user
    assert password_hash(db, user.id) != weak


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [("nobody", "a long password", "bad_email"), ("ann@example.org", "short", "weak_password")],
)
def test_bad_organisers_are_refused_with_a_reason(
    db: Database, email: str, password: str, code: str
) -> None:
    with pytest.raises(AccountError) as e:
        accounts.add_user(db, email, password)
    assert e.value.code == code
    assert not accounts.has_organisers(db)


def test_an_email_is_taken_once(db: Database) -> None:
    accounts.add_user(db, "ann@example.org", "a long password")
    with pytest.raises(AccountError) as e:
        accounts.add_user(db, "ANN@example.org", "another password", "Elsewhere")
    assert e.value.code == "user_exists"
    assert [u.organisation for u in accounts.users(db)] == ["Default"]


# -- sign-in ---------------------------------------------------------------------------


def test_a_fresh_install_sends_the_organiser_to_sign_in_and_says_how_to_add_one(
    web: Flask,
) -> None:
    c = web.test_client()
    r = c.get("/moderator")
    assert (r.status_code, r.headers["Location"]) == (302, "/login?next=/moderator")
    page = c.get("/login").get_data(as_text=True)
    assert "No organiser account yet" in page and "her2poll user add" in page
    add_organiser(get_db(web))
    assert "No organiser account yet" not in c.get("/login").get_data(as_text=True)


def test_the_right_password_signs_in_and_goes_where_it_was_asked(web: Flask) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    token = page_token(c.get("/login").get_data(as_text=True))
    r = c.post(
        "/login?next=/moderator",
        data={"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/moderator")
    home = c.get("/moderator").get_data(as_text=True)
    assert "organiser@example.org" in home and "Sign out" in home


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil"])
def test_after_sign_in_it_never_goes_to_another_site(web: Flask, target: str) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    token = page_token(c.get("/login").get_data(as_text=True))
    r = c.post(
        "/login",
        query_string={"next": target},
        data={"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert (r.status_code, r.headers["Location"]) == (302, "/moderator")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(web: Flask) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    wrong = _login(c, "organiser@example.org", "not the password")
    unknown = _login(c, "nobody@example.org", PASSWORD)
    for r in (wrong, unknown):
        assert r.status_code == 401
        assert "That e-mail address and password do not match." in r.get_data(as_text=True)
    assert c.get("/moderator").status_code == 302


def test_sign_in_is_rate_limited_with_a_clear_page(web: Flask) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    for _ in range(3):
        assert _login(c, "organiser@example.org", "wrong password").status_code == 401
    r = _login(c, "organiser@example.org", PASSWORD)  # even the right one, for a while
    assert r.status_code == 429
    page = r.get_data(as_text=True)
    assert "Too many sign-in attempts from this address" in page
    assert "Traceback" not in page and r.headers.get("Retry-After")
    assert c.get("/moderator").status_code == 302  # not signed in


def _proxied_app(tmp_path: Path, proxies: int) -> Flask:
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / f'proxy{proxies}.db'}",
            "secret_key": "k",
            "login_rate": "3 per minute",
            "trusted_proxies": proxies,
        }
    )
    app.testing = True
    add_organiser(get_db(app))
    return app


def _wrong_sign_ins(app: Flask, forwarded_for: str, times: int) -> list[int]:
    """Status of each wrong sign-in of one visitor, as nginx on this machine passes it on."""
    c = app.test_client()
    c.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for  # from 127.0.0.1, the proxy
    return [_login(c, "organiser@example.org", "wrong password").status_code for _ in range(times)]


def test_behind_a_trusted_proxy_each_visitor_has_their_own_sign_in_limit(tmp_path: Path) -> None:
    app = _proxied_app(tmp_path, 1)
    assert _wrong_sign_ins(app, "203.0.113.5", 4) == [401, 401, 401, 429]
    assert _wrong_sign_ins(app, "203.0.113.6", 1) == [401]  # another visitor: not locked out
    assert _wrong_sign_ins(app, "198.51.100.1, 203.0.113.5", 1) == [429]  # only the
    # address the trusted proxy saw counts: a forged earlier entry does not escape
    get_db(app).dispose()


def test_without_trusted_proxies_the_forwarded_header_is_ignored(tmp_path: Path) -> None:
    app = _proxied_app(tmp_path, 0)
    assert _wrong_sign_ins(app, "203.0.113.5", 3) == [401, 401, 401]
    assert _wrong_sign_ins(app, "203.0.113.6", 1) == [429]  # a forged header buys nothing
    get_db(app).dispose()


def test_a_bad_trusted_proxies_value_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from her2poll.config import SettingError, load_settings

    monkeypatch.setenv("HER2POLL_TRUSTED_PROXIES", "yes")
    with pytest.raises(SettingError, match="HER2POLL_TRUSTED_PROXIES 'yes'"):
        load_settings({"secret_key": "k"})
    monkeypatch.setenv("HER2POLL_TRUSTED_PROXIES", "2")
    assert load_settings({"secret_key": "k"}).trusted_proxies == 2


def test_sign_out_needs_the_token_and_ends_the_sign_in(web: Flask) -> None:
    c = organiser_client(web)
    del c.environ_base["HTTP_X_CSRFTOKEN"]
    assert c.post("/logout").status_code == 400
    assert c.get("/moderator").status_code == 200
    token = page_token(c.get("/moderator").get_data(as_text=True))
    assert c.post("/logout", data={"csrf_token": token}).status_code == 302
    assert c.get("/moderator").status_code == 302


# -- CSRF ------------------------------------------------------------------------------


def test_a_sign_in_without_its_csrf_token_is_refused(web: Flask) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    c.get("/login")
    r = c.post("/login", data={"email": "organiser@example.org", "password": PASSWORD})
    assert r.status_code == 400 and "CSRF" in r.get_data(as_text=True)
    assert c.get("/moderator").status_code == 302


#: Stand-ins for a route's parts: the CSRF check runs before any view looks them up.
_PARTS = {"code": "ABC123", "fmt": "pdf", "item_id": "Q1", "activity_id": "1", "session_id": "1"}


def _unsafe_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every route that changes state, parts filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<{name}>", _PARTS.get(name, "x"))
                url = url.replace(f"<int:{name}>", _PARTS.get(name, "1"))
            routes.append((rule.endpoint, method, url))
    return routes


def test_every_form_and_call_that_changes_state_needs_the_csrf_token(web: Flask) -> None:
    """Walks the app's own URL map, so a form added later is covered without a new test.
    Signed in as an organiser (the session cookie another site's page would ride on),
    without the token: each is refused with 400 before its view runs. The learner's own
    calls (TOKEN_AUTHORISED) carry their secret token in the body instead, which another
    site's page cannot know."""
    from her2poll.web.auth import TOKEN_AUTHORISED

    c = organiser_client(web)
    del c.environ_base["HTTP_X_CSRFTOKEN"]
    routes = _unsafe_routes(web)
    assert len(routes) >= 15, routes  # the walk found the app's forms (19 today)
    checked = [r for r in routes if r[0] not in TOKEN_AUTHORISED]
    assert {e for e, _m, _u in routes} - {e for e, _m, _u in checked} == set(TOKEN_AUTHORISED)
    let_through = [
        (endpoint, method, url, r.status_code)
        for endpoint, method, url in checked
        if (r := c.open(url, method=method, data={"x": "1"})).status_code != 400
        or "CSRF" not in r.get_data(as_text=True)
    ]
    assert let_through == []
    assert c.get("/moderator").status_code == 200  # still signed in: refused, not signed out


def test_creating_a_session_without_the_token_is_refused_and_creates_nothing(web: Flask) -> None:
    c = organiser_client(web)
    token = c.environ_base.pop("HTTP_X_CSRFTOKEN")
    r = c.post("/api/sessions", json={})
    assert (r.status_code, r.get_json()["code"]) == (400, "bad_request")
    assert "CSRF token is missing" in r.get_json()["message"]
    r = c.post("/api/sessions", json={}, headers={"X-CSRFToken": "forged"})
    assert r.status_code == 400
    assert _codes_listed(c) == [] and not SqlStore(get_db(web)).list_sessions()
    r = c.post("/api/sessions", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 201


def test_only_a_signed_in_organiser_creates_sessions(web: Flask) -> None:
    c = web.test_client()
    token = page_token(c.get("/login").get_data(as_text=True))
    r = c.post("/api/sessions", json={}, headers={"X-CSRFToken": token})
    assert (r.status_code, r.get_json()["code"]) == (401, "unauthorized")


def test_every_page_carries_the_token_for_its_scripts(web: Flask) -> None:
    c = organiser_client(web)
    code = c.post("/api/sessions", json={}).get_json()["code"]
    for path in ("/moderator", f"/m/{code}", "/login"):
        assert page_token(c.get(path).get_data(as_text=True))


# -- who sees which session ------------------------------------------------------------


def _codes_listed(client) -> list[str]:  # type: ignore[no-untyped-def]
    import re

    return re.findall(r'data-code="([A-Z0-9]+)"', client.get("/moderator").get_data(as_text=True))


def test_an_organiser_sees_their_own_and_their_organisations_sessions_only(web: Flask) -> None:
    ann = organiser_client(web, "ann@example.org", organisation="Clinic A")
    ada = organiser_client(web, "ada@example.org", organisation="Clinic A")
    bob = organiser_client(web, "bob@example.org", organisation="Clinic B")
    a1 = ann.post("/api/sessions", json={"title": "Ann's"}).get_json()
    b1 = bob.post("/api/sessions", json={"title": "Bob's"}).get_json()
    assert _codes_listed(ann) == [a1["code"]]
    assert _codes_listed(ada) == [a1["code"]]  # same organisation
    assert _codes_listed(bob) == [b1["code"]]
    assert "Ann's" not in bob.get("/moderator").get_data(as_text=True)
    # Bob cannot open Ann's session without its key: the links need it.
    r = bob.get(f"/api/sessions/{a1['code']}/links")
    assert r.status_code == 403
    # A guest with the key, and no account, still runs it.
    guest = web.test_client()
    r = guest.get(
        f"/api/sessions/{a1['code']}/links",
        headers={"Authorization": f"Bearer {a1['moderator_secret']}"},
    )
    assert r.status_code == 200 and r.get_json()["code"] == a1["code"]
    assert guest.get(f"/m/{a1['code']}").status_code == 200


def test_sessions_made_from_the_shell_are_nobodys_unless_given_an_owner(web: Flask) -> None:
    from her2poll.core.questions import load_question_set
    from her2poll.services import sessions
    from her2poll.store.repository import SqlStore

    ann = organiser_client(web, "ann@example.org")
    store = SqlStore(get_db(web))
    qs = load_question_set(web.config["HER2POLL"].questions_path)
    orphan = sessions.create(store, qs)
    owner = accounts.authenticate(get_db(web), "ann@example.org", PASSWORD)
    owned = sessions.create(store, qs, owner=owner)
    assert _codes_listed(ann) == [owned.state.code]
    assert {s.code for s in sessions.summaries(store)} == {orphan.state.code, owned.state.code}


def test_sign_in_is_remembered_in_a_cookie_that_scripts_cannot_read(web: Flask) -> None:
    add_organiser(get_db(web))
    c = web.test_client()
    token = page_token(c.get("/login").get_data(as_text=True))
    r = c.post(
        "/login", data={"email": "organiser@example.org", "password": PASSWORD, "csrf_token": token}
    )
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    sign_in(web.test_client())  # the helper works as a browser would


# -- whose activities ------------------------------------------------------------------


def _new_activity(client) -> int:  # type: ignore[no-untyped-def]
    r = client.post("/activities/from-template", data={"template": "founding"})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    return int(r.headers["Location"].rsplit("/", 1)[1])


def _start(client, activity_id: int) -> str:  # type: ignore[no-untyped-def]
    import re

    r = client.post(f"/activities/{activity_id}/start")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    found = re.search(r"/m/([A-Z0-9]+)#key=", r.get_data(as_text=True))
    assert found
    return found.group(1)


def _refused(r) -> None:  # type: ignore[no-untyped-def]
    """The 404 page: says nothing of the activity, no traceback."""
    assert r.status_code == 404, (r.status_code, r.get_data(as_text=True)[:300])
    page = r.get_data(as_text=True)
    assert "Traceback" not in page and "Updates in HER2" not in page
    assert "<h1" in page  # the error page, not an empty body


def test_an_organiser_sees_and_acts_on_their_organisations_activities_only(web: Flask) -> None:
    ann = organiser_client(web, "ann@example.org", organisation="Clinic A")
    ada = organiser_client(web, "ada@example.org", organisation="Clinic A")
    bob = organiser_client(web, "bob@example.org", organisation="Clinic B")
    store = SqlStore(get_db(web))
    activity = _new_activity(ann)
    code = _start(ann, activity)
    assert store.session(code).id  # Ann's run, owned by Ann
    title = store.activity(activity).title

    home = bob.get("/moderator").get_data(as_text=True)
    assert title not in home and code not in home and _codes_listed(bob) == []
    base = f"/activities/{activity}"
    for r in (
        bob.get(base),
        bob.post(f"{base}/settings", data={"title": "Bob's now"}),
        bob.get(f"{base}/items/new?type=text"),
        bob.post(f"{base}/items", data={"type": "text", "text": "Why?"}),
        bob.get(f"{base}/items/PQ1"),
        bob.post(f"{base}/items/PQ1/delete"),
        bob.get(f"{base}/export.json"),
        bob.post(f"{base}/start"),
        bob.post(f"{base}/archive", data={"archived": "1"}),
        bob.get(f"{base}/delete"),
        bob.post(f"{base}/delete"),
        bob.post(f"/sessions/{code}/archive", data={"archived": "1"}),
        bob.get(f"/sessions/{code}/delete"),
        bob.post(f"/sessions/{code}/delete"),
    ):
        _refused(r)
    # Nothing changed: same title and items, one run, nothing archived, all still there.
    [summary] = store.list_activities()
    assert (summary.title, summary.items, summary.archived) == (title, 6, False)
    assert [(s.code, s.archived) for s in summary.sessions] == [(code, False)]
    # A 404 for a real activity reads exactly as for one that does not exist.
    missing = bob.get("/activities/999999")
    assert missing.status_code == 404
    same = missing.get_data(as_text=True).replace("999999", str(activity))
    assert same == bob.get(base).get_data(as_text=True)

    # Ann's colleague in Clinic A sees both and may do all of it; her run is hers.
    home = ada.get("/moderator").get_data(as_text=True)
    assert title in home and code in _codes_listed(ada)
    assert ada.get(base).status_code == 200
    assert ada.post(f"{base}/settings", data={"title": "Ada's edit"}).status_code == 303
    ada_run = _start(ada, activity)
    assert ada.post(f"/sessions/{code}/archive", data={"archived": "1"}).status_code == 303
    assert ada.get(f"/sessions/{code}/delete").status_code == 200
    assert ada.post(f"/sessions/{code}/delete").status_code == 303
    assert set(_codes_listed(ann)) == {ada_run}  # Ann sees her colleague's run
    assert _codes_listed(bob) == []
    assert ada.post(f"{base}/archive", data={"archived": "1"}).status_code == 303
    assert ada.post(f"{base}/delete").status_code == 303
    assert store.list_activities() == []


def test_activities_made_before_accounts_are_shared_only_while_there_is_one_organisation(
    web: Flask,
) -> None:
    """No owner: every organiser sees it while all are of one organisation (as before
    accounts); once another organisation exists nobody does, until the CLI assigns it."""
    from her2poll.core.questions import load_question_set
    from her2poll.services import authoring
    from her2poll.store.accounts import assign_activity, user_by_email

    store = SqlStore(get_db(web))
    old = authoring.import_set(store, load_question_set(web.config["HER2POLL"].questions_path))
    old_run = authoring.start(store, old.id).state.code  # no owner either
    ann = organiser_client(web, "ann@example.org", organisation="Clinic A")
    assert ann.get(f"/activities/{old.id}").status_code == 200
    assert _codes_listed(ann) == [old_run]
    bob = organiser_client(web, "bob@example.org", organisation="Clinic B")
    for who in (ann, bob):
        _refused(who.get(f"/activities/{old.id}"))
        _refused(who.post(f"/sessions/{old_run}/delete"))
        assert _codes_listed(who) == []
    owner = user_by_email(get_db(web), "ann@example.org")
    assert owner is not None
    assert assign_activity(get_db(web), old.id, owner) == 1  # its run came with it
    assert ann.get(f"/activities/{old.id}").status_code == 200
    assert _codes_listed(ann) == [old_run]
    _refused(bob.get(f"/activities/{old.id}"))
