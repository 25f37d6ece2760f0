"""Settings: HER2POLL_PUBLIC_URL is checked once, with one line saying what is wrong."""

from __future__ import annotations

import pytest

from her2poll.config import SettingError, check_public_url, load_settings


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("https://poll.example.org", "https://poll.example.org"),
        ("https://poll.example.org/", "https://poll.example.org"),
        ("  http://192.168.1.20:5000/  ", "http://192.168.1.20:5000"),
        ("HTTPS://poll.example.org/", "https://poll.example.org"),
        ("http://[fd00::5]:8080", "http://[fd00::5]:8080"),
    ],
)
def test_a_public_url_is_normalised_to_a_base_without_trailing_slash(given: str, base: str) -> None:
    assert check_public_url(given) == base


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("poll.example.org", "must start with http:// or https://"),
        ("ftp://poll.example.org", "must start with http:// or https://"),
        ("https://", "needs a host"),
        ("https://poll example.org", "needs a host and no spaces"),
        ("https://poll.example.org/?room=1", "may not have a query"),
        ("https://poll.example.org/#x", "or a fragment"),
        ("https://poll.example.org/her2poll/", "may not have a path"),
        ("https://poll.example.org?", "may not have a query"),
        ("https://poll.example.org:99999", "port is malformed"),
        ("https://me:pw@poll.example.org", "user name or password"),
    ],
)
def test_a_bad_public_url_is_one_line_naming_the_setting(given: str, says: str) -> None:
    with pytest.raises(SettingError) as raised:
        check_public_url(given)
    message = raised.value.message
    assert message.startswith("HER2POLL_PUBLIC_URL ") and says in message
    assert "\n" not in message and "e.g. https://poll.example.org" in message


def test_the_public_url_comes_from_the_environment_and_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HER2POLL_SECRET_KEY", "k")
    monkeypatch.delenv("HER2POLL_PUBLIC_URL", raising=False)
    assert load_settings().public_url is None
    monkeypatch.setenv("HER2POLL_PUBLIC_URL", "https://poll.example.org/")
    assert load_settings().public_url == "https://poll.example.org"
    assert (
        load_settings({"public_url": "http://10.0.0.2:5000"}).public_url == "http://10.0.0.2:5000"
    )
    assert load_settings({"public_url": ""}).public_url is None
    monkeypatch.setenv("HER2POLL_PUBLIC_URL", "poll.example.org")
    with pytest.raises(SettingError):
        load_settings()


@pytest.mark.parametrize(("given", "days"), [("30", 30), ("0", 0), (" 365 ", 365), ("", None)])
def test_the_identity_retention_is_a_whole_number_of_days(
    monkeypatch: pytest.MonkeyPatch, given: str, days: int | None
) -> None:
    monkeypatch.setenv("HER2POLL_SECRET_KEY", "k")
    monkeypatch.setenv("HER2POLL_IDENTITY_RETENTION_DAYS", given)
    assert load_settings().identity_retention_days == days


def test_no_retention_setting_keeps_identities_until_purged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HER2POLL_SECRET_KEY", "k")
    monkeypatch.delenv("HER2POLL_IDENTITY_RETENTION_DAYS", raising=False)
    assert load_settings().identity_retention_days is None


@pytest.mark.parametrize("given", ["-1", "ten", "1.5", "30d"])
def test_a_bad_identity_retention_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    monkeypatch.setenv("HER2POLL_SECRET_KEY", "k")
    monkeypatch.setenv("HER2POLL_IDENTITY_RETENTION_DAYS", given)
    with pytest.raises(SettingError) as raised:
        load_settings()
    assert raised.value.message == (
        f"HER2POLL_IDENTITY_RETENTION_DAYS {given!r}: give a whole number of days, e.g. 365"
    )


def test_the_commit_linger_is_read_in_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HER2POLL_SECRET_KEY", "k")
    monkeypatch.setenv("HER2POLL_COMMIT_LINGER_MS", "12.5")
    assert load_settings().commit_linger == pytest.approx(0.0125)
    for bad in ("-1", "101", "soon"):
        monkeypatch.setenv("HER2POLL_COMMIT_LINGER_MS", bad)
        with pytest.raises(SettingError) as raised:
            load_settings()
        assert raised.value.message.startswith("HER2POLL_COMMIT_LINGER_MS ")
