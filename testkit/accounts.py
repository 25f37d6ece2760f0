"""Organisers for tests: add one, sign in (with the page's CSRF token), create sessions.

A test that creates sessions over HTTP signs in first, as a browser would: the
token comes from the page's ``csrf-token`` meta tag and goes back on every request.
"""

from __future__ import annotations

import re
from typing import Any

import requests.cookies

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's
EMAIL = "organiser@example.org"
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def page_token(html: str) -> str:
    found = _META.search(html)
    assert found, "the page has no csrf-token meta tag"
    return found.group(1)


def add_organiser(
    db: Any, email: str = EMAIL, password: str = PASSWORD, organisation: str = "Test org"
) -> Any:
    from her2poll.services import accounts

    return accounts.add_user(db, email, password, organisation)


def sign_in(client: Any, email: str = EMAIL, password: str = PASSWORD) -> str:
    """Sign a Flask test client in; every later request of it sends the CSRF token."""
    token = page_token(client.get("/login").get_data(as_text=True))
    r = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    token = page_token(client.get("/login").get_data(as_text=True))
    client.environ_base["HTTP_X_CSRFTOKEN"] = token
    return token


def organiser_client(app: Any, email: str = EMAIL, organisation: str = "Test org") -> Any:
    """A test client of a (new) organiser, signed in."""
    from her2poll.store.accounts import user_by_email
    from her2poll.store.db import get_db

    if user_by_email(get_db(app), email) is None:
        add_organiser(get_db(app), email, organisation=organisation)
    client = app.test_client()
    sign_in(client, email)
    return client


class _LoopbackJar(requests.cookies.RequestsCookieJar):
    """Keeps ``Secure`` cookies of 127.0.0.1 sendable over plain HTTP, as browsers treat
    loopback (a server behind a TLS proxy marks its cookies Secure; tests reach it directly)."""

    def set_cookie(self, cookie: Any, *args: Any, **kwargs: Any) -> Any:
        if cookie.domain.lstrip(".") in ("127.0.0.1", "localhost", "127.0.0.1.local"):
            cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def sign_in_http(http: Any, url: str, email: str = EMAIL, password: str = PASSWORD) -> None:
    """Sign a ``requests.Session`` in to a live server at ``url``; it then sends the token."""
    http.cookies = _LoopbackJar()
    token = page_token(http.get(f"{url}/login", timeout=10).text)
    r = http.post(
        f"{url}/login",
        data={"email": email, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert r.status_code == 302, r.text[:500]
    http.headers["X-CSRFToken"] = page_token(http.get(f"{url}/login", timeout=10).text)


def ensure_organiser(db_url: str) -> None:
    """The test organiser in the database at ``db_url`` (migrated first), if not there yet."""
    from her2poll.core.accounts import AccountError
    from her2poll.store.db import Database

    db = Database(db_url)
    try:
        db.upgrade()
        add_organiser(db)
    except AccountError as e:
        if e.code != "user_exists":
            raise
    finally:
        db.dispose()


def organiser_http(url: str, db_url: str) -> Any:
    """A ``requests.Session`` of the test organiser at ``url`` (its database: ``db_url``)."""
    import requests

    ensure_organiser(db_url)
    http = requests.Session()
    sign_in_http(http, url)
    return http
