"""Single sign-on against a fake OpenID Connect provider (real HTTP), and 'her2poll user add'."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from her2poll import create_app
from her2poll.config import SettingError
from her2poll.services import accounts
from her2poll.store.db import Database, get_db
from testkit.cli import her2poll
from testkit.oidc import FakeProvider


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with FakeProvider() as p:
        yield p


@pytest.fixture
def sso(tmp_path: Path, provider: FakeProvider) -> Iterator[Flask]:
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'sso.db'}",
            "secret_key": "k",
            "oidc_issuer": provider.issuer,
            "oidc_client_id": provider.client_id,
            "oidc_client_secret": provider.client_secret,
            "oidc_name": "Hospital SSO",
        }
    )
    app.testing = True
    yield app
    get_db(app).dispose()


def _round_trip(app: Flask):  # type: ignore[no-untyped-def]
    """Browser -> app -> provider (real HTTP) -> app's callback; the app fetches the token."""
    c = app.test_client()
    start = c.get("/login/oidc")
    assert start.status_code == 302
    at_provider = requests.get(start.headers["Location"], allow_redirects=False, timeout=10)
    assert at_provider.status_code == 302, at_provider.text
    back = at_provider.headers["Location"]
    assert back.startswith("http://localhost/login/oidc/callback?")
    return c, c.get(back.removeprefix("http://localhost"))


def test_behind_a_proxy_the_provider_sends_the_browser_back_to_the_public_url(
    tmp_path: Path, provider: FakeProvider
) -> None:
    from urllib.parse import parse_qs, urlsplit

    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'sso.db'}",
            "secret_key": "k",
            "oidc_issuer": provider.issuer,
            "oidc_client_id": provider.client_id,
            "oidc_client_secret": provider.client_secret,
            "public_url": "https://poll.example.org",
        }
    )
    start = app.test_client().get("/login/oidc")  # the request's own host: localhost
    assert start.status_code == 302
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["redirect_uri"] == ["https://poll.example.org/login/oidc/callback"]
    get_db(app).dispose()


def test_single_sign_on_signs_in_a_known_organiser(sso: Flask, provider: FakeProvider) -> None:
    accounts.add_user(get_db(sso), "organiser@example.org", None, "Hospital")
    page = sso.test_client().get("/login").get_data(as_text=True)
    assert "Sign in with Hospital SSO" in page
    c, r = _round_trip(sso)
    assert (r.status_code, r.headers["Location"]) == (302, "/moderator")
    assert provider.tokens_issued == 1
    assert "organiser@example.org" in c.get("/moderator").get_data(as_text=True)


def test_single_sign_on_adds_nobody(sso: Flask, provider: FakeProvider) -> None:
    provider.email = "stranger@example.org"
    c, r = _round_trip(sso)
    assert r.status_code == 403
    assert "her2poll user add stranger@example.org --sso-only" in r.get_data(as_text=True)
    assert c.get("/moderator").status_code == 302
    assert not accounts.has_organisers(get_db(sso))


def test_an_unverified_email_is_not_trusted(sso: Flask, provider: FakeProvider) -> None:
    accounts.add_user(get_db(sso), "organiser@example.org", None)
    provider.email_verified = False
    c, r = _round_trip(sso)
    assert r.status_code == 403 and "no verified e-mail" in r.get_data(as_text=True)
    assert c.get("/moderator").status_code == 302


def test_a_forged_state_is_refused(sso: Flask, provider: FakeProvider) -> None:
    accounts.add_user(get_db(sso), "organiser@example.org", None)
    c = sso.test_client()
    c.get("/login/oidc")
    r = c.get("/login/oidc/callback?code=x&state=forged")
    assert r.status_code == 401 and "Single sign-on failed" in r.get_data(as_text=True)
    assert c.get("/moderator").status_code == 302


def test_without_settings_there_is_no_single_sign_on(app: Flask) -> None:
    assert app.test_client().get("/login/oidc").status_code == 404
    assert "Sign in with" not in app.test_client().get("/login").get_data(as_text=True)


def test_half_the_sso_settings_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SettingError, match="HER2POLL_OIDC_ISSUER"):
        create_app({"database_url": f"sqlite:///{tmp_path / 'x.db'}", "oidc_issuer": "http://x"})


# -- her2poll user add -----------------------------------------------------------------


def test_user_add_reads_the_password_from_stdin_and_it_signs_in(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = her2poll(
        "user", "add", "Ann@Example.org", "--organisation", "Clinic A", "--password-stdin",
        "--db", url, input="a long password\n",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "Added organiser ann@example.org (Clinic A)."
    db = Database(url)
    assert accounts.authenticate(db, "ann@example.org", "a long password") is not None
    db.dispose()
    listed = her2poll("user", "list", "--db", url)
    assert "ann@example.org  Clinic A  (password)" in listed.stdout


def test_user_add_prompts_twice_for_the_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = her2poll("user", "add", "ann@example.org", "--db", url, input="a long password\n" * 2)
    assert r.returncode == 0, r.stderr
    mismatch = her2poll(
        "user", "add", "bob@example.org", "--db", url, input="a long password\nanother one\n"
    )
    assert mismatch.returncode != 0


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["nobody"], "a long password\n", "is not an e-mail address"),
        (["ann@example.org"], "short\n", "at least 10 characters"),
    ],
)
def test_user_add_refuses_with_one_line(
    tmp_path: Path, args: list[str], stdin: str, message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    r = her2poll("user", "add", *args, "--password-stdin", "--db", url, input=stdin)
    assert r.returncode == 1 and message in r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_user_add_twice_is_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    her2poll("user", "add", "ann@example.org", "--sso-only", "--db", url)
    r = her2poll("user", "add", "ann@example.org", "--sso-only", "--db", url)
    assert r.returncode == 1 and "already exists" in r.stderr


def test_session_new_with_an_owner_lists_it_for_them(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    her2poll("user", "add", "ann@example.org", "--sso-only", "--db", url)
    r = her2poll("session", "new", "--owner", "ann@example.org", "--db", url)
    assert r.returncode == 0, r.stderr
    r = her2poll("session", "new", "--owner", "bob@example.org", "--db", url)
    assert r.returncode == 1 and "No organiser bob@example.org" in r.stderr
