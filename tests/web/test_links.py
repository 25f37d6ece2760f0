"""Links and QR codes: on HER2POLL_PUBLIC_URL when set, else on the request's host."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from her2poll import create_app
from her2poll.store.db import get_db
from her2poll.web import links
from testkit.accounts import organiser_client

PUBLIC = "https://poll.example.org"


@pytest.fixture
def public_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose phones reach it through a proxy at PUBLIC (trailing slash on purpose)."""
    flask_app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'app.db'}",
            "secret_key": "test-secret-key",
            "public_url": PUBLIC + "/",
        }
    )
    flask_app.testing = True
    yield flask_app
    get_db(flask_app).dispose()


def test_without_a_public_url_links_follow_the_request_host(app: Flask) -> None:
    with app.test_request_context(base_url="http://10.1.2.3:5000"):
        assert links.attendee_url("KX7D4M") == "http://10.1.2.3:5000/j/KX7D4M"
        assert links.moderator_url("KX7D4M", "s3") == "http://10.1.2.3:5000/m/KX7D4M#key=s3"
        assert links.screen_url("KX7D4M", "t") == "http://10.1.2.3:5000/s/KX7D4M#token=t"


def test_with_a_public_url_every_link_uses_it_whatever_the_request_host(
    public_app: Flask,
) -> None:
    with public_app.test_request_context(base_url="http://127.0.0.1:5000"):
        assert links.attendee_url("KX7D4M") == f"{PUBLIC}/j/KX7D4M"
        assert links.moderator_url("KX7D4M", "s3") == f"{PUBLIC}/m/KX7D4M#key=s3"
        assert links.screen_url("KX7D4M", "t") == f"{PUBLIC}/s/KX7D4M#token=t"


def test_a_public_url_with_a_path_is_refused_in_one_line(tmp_path: Path) -> None:
    """The pages call /api/… and /socket.io/ at the host's root: a prefix would break them."""
    from her2poll.config import SettingError

    with pytest.raises(SettingError) as e:
        create_app(
            {
                "database_url": f"sqlite:///{tmp_path / 'p.db'}",
                "secret_key": "k",
                "public_url": "https://example.org/poll/",
            }
        )
    assert e.value.message == (
        "HER2POLL_PUBLIC_URL 'https://example.org/poll/': it may not have a path "
        "(her2poll is served at the root of its host), e.g. https://poll.example.org"
    )


def test_a_public_url_with_only_a_trailing_slash_is_the_host(tmp_path: Path) -> None:
    app = create_app(
        {
            "database_url": f"sqlite:///{tmp_path / 'p.db'}",
            "secret_key": "k",
            "public_url": "https://example.org:8443/",
        }
    )
    with app.test_request_context():
        assert links.attendee_url("KX7D4M") == "https://example.org:8443/j/KX7D4M"
    get_db(app).dispose()


def test_the_api_returns_links_on_the_public_url(public_app: Flask) -> None:
    client = organiser_client(public_app)
    body = client.post("/api/sessions", json={}).get_json()
    code, secret = body["code"], body["moderator_secret"]
    assert body["attendee_url"] == f"{PUBLIC}/j/{code}"
    assert body["moderator_url"] == f"{PUBLIC}/m/{code}#key={secret}"
    assert body["screen_url"].startswith(f"{PUBLIC}/s/{code}#token=")
    again = client.get(
        f"/api/sessions/{code}/links", headers={"Authorization": f"Bearer {secret}"}
    ).get_json()
    assert again["attendee_url"] == body["attendee_url"]
    assert again["screen_url"] == body["screen_url"]


def test_the_qr_code_encodes_the_public_url(app: Flask, public_app: Flask) -> None:
    def qr(flask_app: Flask) -> tuple[str, str]:
        client = organiser_client(flask_app)
        code = client.post("/api/sessions", json={}).get_json()["code"]
        return code, client.get(f"/qr/{code}.svg").get_data(as_text=True)

    code, public_svg = qr(public_app)
    assert public_svg == links.qr_svg(f"{PUBLIC}/j/{code}")
    assert public_svg != links.qr_svg(f"http://localhost/j/{code}")
    code, local_svg = qr(app)
    assert local_svg == links.qr_svg(f"http://localhost/j/{code}")


def test_the_screen_and_panel_show_the_public_join_link(public_app: Flask) -> None:
    client = organiser_client(public_app)
    code = client.post("/api/sessions", json={}).get_json()["code"]
    assert f"{PUBLIC}/j/{code}" in client.get(f"/s/{code}").get_data(as_text=True)
    assert f"{PUBLIC}/j/{code}" in client.get(f"/m/{code}").get_data(as_text=True)


def test_the_panel_warns_when_its_join_link_is_a_loopback_address(
    app: Flask, public_app: Flask
) -> None:
    client = organiser_client(app)
    code = client.post("/api/sessions", json={}).get_json()["code"]
    local = client.get(f"/m/{code}", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert 'id="loopback-note"' in local and "Phones cannot open 127.0.0.1" in local
    lan = client.get(f"/m/{code}", base_url="http://192.168.1.20:5000").get_data(as_text=True)
    assert 'id="loopback-note"' not in lan
    screen = client.get(f"/s/{code}", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert "Phones cannot open" not in screen  # never on the projector
    client = organiser_client(public_app)
    code = client.post("/api/sessions", json={}).get_json()["code"]
    proxied = client.get(f"/m/{code}", base_url="http://127.0.0.1:5000").get_data(as_text=True)
    assert 'id="loopback-note"' not in proxied


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:5000/j/X", True),
        ("http://127.8.9.10/j/X", True),
        ("http://localhost:5000/j/X", True),
        ("http://LOCALHOST./j/X", True),
        ("http://app.localhost/j/X", True),
        ("http://[::1]:5000/j/X", True),
        ("http://0.0.0.0:5000/j/X", True),
        ("http://192.168.1.20:5000/j/X", False),
        ("http://[fd00::5]/j/X", False),
        ("https://poll.example.org/j/X", False),
        ("https://localhost.example.org/j/X", False),
    ],
)
def test_loopback_links_are_told_apart(url: str, loopback: bool) -> None:
    assert links.is_loopback(url) is loopback


class FakeUdpSocket:
    """A UDP socket whose route lookup is a table: connect() sends nothing anyway."""

    def __init__(self, routes: dict[str, str], calls: list[object]) -> None:
        self.routes, self.calls, self.local = routes, calls, ""

    def connect(self, address: tuple[str, int]) -> None:
        self.calls.append(("connect", address))
        if address[0] not in self.routes:
            raise OSError(101, "Network is unreachable")
        self.local = self.routes[address[0]]

    def getsockname(self) -> tuple[str, int]:
        return (self.local, 40000)

    def send(self, data: bytes) -> None:  # pragma: no cover - must never be called
        raise AssertionError("the LAN finder sent a packet")

    def close(self) -> None:
        self.calls.append("close")


def finder(routes: dict[str, str]) -> tuple[list[str], list[object]]:
    calls: list[object] = []
    found = links.lan_addresses(lambda: FakeUdpSocket(routes, calls))
    return found, calls


def test_the_lan_finder_lists_each_local_address_once() -> None:
    found, calls = finder(
        {
            "192.168.255.254": "192.168.1.20",
            "10.255.255.254": "10.8.0.3",
            "203.0.113.1": "192.168.1.20",  # the default route: the Wi-Fi again
        }
    )
    assert found == ["192.168.1.20", "10.8.0.3"]
    assert calls.count("close") == len(links.ROUTE_PROBES)  # every socket closed
    assert links.lan_urls(5000, found) == ["http://192.168.1.20:5000", "http://10.8.0.3:5000"]


def test_the_lan_finder_finds_nothing_offline_or_on_loopback_only() -> None:
    assert finder({})[0] == []
    assert finder({"203.0.113.1": "127.0.0.1", "10.255.255.254": "0.0.0.0"})[0] == []


def test_the_lan_finder_only_probes_private_and_documentation_ranges() -> None:
    import ipaddress

    assert all(ipaddress.ip_address(p).is_private for p in links.ROUTE_PROBES)
