"""Behind nginx terminating TLS, every link and QR code names the public https address.

One her2poll process (SQLite) listens on plain HTTP on 127.0.0.1; nginx listens with
``ssl`` on another port of 127.0.0.1 with a self-signed certificate made here, and
proxies to it with the WebSocket upgrade and the ``X-Forwarded-*`` headers
(testkit/nginx.py). The server is told ``HER2POLL_PUBLIC_URL=https://127.0.0.1:<nginx>/``
and trusts one proxy. Every request and the Socket.IO connection (wss) go through
nginx and verify its certificate; nothing may hand out ``http://`` or the app's own port.
"""

from __future__ import annotations

import datetime
import ipaddress
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from testkit.accounts import sign_in_http
from testkit.ci import missing_service
from testkit.nginx import find_nginx, render
from testkit.procs import stop
from testkit.servers import LiveServer, free_port
from testkit.wait import wait_until

pytestmark = [pytest.mark.slow]

QUESTION = "PQ1"
OPTION = "HER2CLIMB"
DEADLINE = 30.0


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (its own issuer) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@dataclass
class Venue:
    """The public https entry point (nginx), the server behind it, and the certificate."""

    public: str
    server: LiveServer
    cert: Path

    def http(self) -> requests.Session:
        """A client that trusts only this certificate (no ``verify=False`` anywhere)."""
        session = requests.Session()
        session.verify = str(self.cert)
        # Else REQUESTS_CA_BUNDLE (set on many hosts) overrides ``verify`` on every request.
        session.trust_env = False
        return session

    def socket(self) -> socketio.Client:
        """A Socket.IO client connected over wss through nginx, verifying the certificate."""
        client = socketio.Client(reconnection=False, http_session=self.http())
        client.connect(self.public, transports=["websocket"], wait_timeout=DEADLINE)
        assert client.transport() == "websocket"
        return client


@pytest.fixture
def venue(tmp_path: Path) -> Iterator[Venue]:
    """nginx with TLS on one free port of 127.0.0.1, in front of one her2poll process."""
    binary = find_nginx()
    if binary is None:
        missing_service("nginx is not installed")
        return
    cert, key = _self_signed(tmp_path)
    port = free_port()
    public = f"https://127.0.0.1:{port}"
    env = {"HER2POLL_PUBLIC_URL": public + "/", "HER2POLL_TRUSTED_PROXIES": "1"}
    with LiveServer.on_sqlite(tmp_path / "instance", env) as server:
        run_dir = tmp_path / "nginx"
        (run_dir / "tmp").mkdir(parents=True)
        conf = run_dir / "nginx.conf"
        conf.write_text(
            render(
                run_dir,
                port,
                [server.port],
                workers=1,
                worker_connections=256,
                nofile=1024,
                tls=(cert, key),
            )
        )
        error_log = run_dir / "nginx-error.log"
        with (run_dir / "nginx.out").open("ab") as out:
            proxy = subprocess.Popen(  # noqa: S603 - the system's nginx, our config
                [binary, "-p", str(run_dir), "-e", str(error_log), "-c", str(conf)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            venue = Venue(public, server, cert)
            probe = venue.http()

            def answers() -> bool:
                assert proxy.poll() is None, f"nginx exited: {error_log.read_text()[-2000:]}"
                try:
                    return probe.get(f"{public}/healthz", timeout=2).ok
                except requests.exceptions.SSLError:
                    raise  # the certificate, not a proxy still starting
                except requests.ConnectionError:
                    return False

            assert wait_until(answers, DEADLINE), f"nginx did not answer on {public}"
            yield venue
        finally:
            stop(proxy, timeout=10)


def _assert_public(url: str, public: str, what: str) -> None:
    assert url.startswith(public + "/"), f"{what}: {url} is not on {public}"


def test_links_qr_and_a_vote_all_go_through_nginx_over_https(venue: Venue) -> None:
    public, app_port = venue.public, venue.server.port
    organiser = venue.http()
    sign_in_http(organiser, public)  # the sign-in form and its CSRF token, over https

    created = organiser.post(f"{public}/api/sessions", json={}, timeout=DEADLINE)
    assert created.status_code == 201, created.text[:500]
    session = created.json()
    code, secret = session["code"], session["moderator_secret"]
    assert session["attendee_url"] == f"{public}/j/{code}"

    reopened = organiser.get(
        f"{public}/api/sessions/{code}/links",
        headers={"Authorization": f"Bearer {secret}"},
        timeout=DEADLINE,
    )
    assert reopened.ok, reopened.text[:500]
    for links in (session, reopened.json()):
        for name in ("attendee_url", "moderator_url", "screen_url"):
            _assert_public(links[name], public, name)
    assert reopened.json()["attendee_url"] == session["attendee_url"]

    # What people see: the panel's link and QR caption, the projector's join line.
    attendee = session["attendee_url"]
    for page in (f"/m/{code}", f"/s/{code}"):
        html = organiser.get(f"{public}{page}", timeout=DEADLINE)
        assert html.ok, html.status_code
        assert attendee in html.text, f"{page} does not name {attendee}"
        assert "http://127.0.0.1" not in html.text, page
        assert f"127.0.0.1:{app_port}" not in html.text, page
    # The phone page itself, as a scanned QR code opens it, through nginx.
    assert venue.http().get(attendee, timeout=DEADLINE).ok

    # The QR code encodes exactly the public attendee link (segno's output is deterministic).
    from her2poll.web.links import qr_svg

    qr = organiser.get(f"{public}{session['qr_url']}", timeout=DEADLINE)
    assert qr.ok and qr.headers["Content-Type"].startswith("image/svg+xml")
    assert qr.text == qr_svg(attendee)
    assert qr.text != qr_svg(f"http://127.0.0.1:{app_port}/j/{code}")

    # A phone and the moderator over wss through nginx: join, open, vote, acked and tallied.
    counted = threading.Event()
    moderator = venue.socket()
    clients = [moderator]
    try:

        def on_tally(data: dict[str, Any]) -> None:
            counts = data.get("tallies", {}).get(QUESTION, {}).get("counts", {})
            if counts.get(OPTION) == 1:
                counted.set()

        moderator.on("tally", on_tally)
        joined = moderator.call(
            "join", {"code": code, "role": "moderator", "secret": secret}, timeout=DEADLINE
        )
        assert joined["ok"], joined
        phone = venue.socket()
        clients.append(phone)
        joined = phone.call("join", {"code": code}, timeout=DEADLINE)
        assert joined["ok"], joined
        opened = moderator.call(
            "control", {"action": "open", "question_id": QUESTION}, timeout=DEADLINE
        )
        assert opened["ok"], opened
        vote = {"question_id": QUESTION, "option_id": OPTION, "vote_id": uuid.uuid4().hex}
        assert phone.call("vote", vote, timeout=DEADLINE) == {"ok": True, "dup": False}
        assert counted.wait(DEADLINE), "the moderator never saw the vote's tally"
    finally:
        for client in clients:
            client.disconnect()
