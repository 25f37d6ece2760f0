"""The URLs each role opens, the QR code attendees scan, and where phones can reach us.

Links are built on ``HER2POLL_PUBLIC_URL`` when it is set (a server behind a proxy,
or a laptop whose panel is opened on 127.0.0.1), else on the request's host.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import segno
from flask import current_app, url_for


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute URL of ``endpoint``, on ``HER2POLL_PUBLIC_URL`` when it is set."""
    base: str | None = current_app.config["HER2POLL"].public_url
    if base is None:
        return url_for(endpoint, _external=True, **values)
    return base + url_for(endpoint, **values)


def attendee_url(code: str) -> str:
    return external_url("attendee.page", code=code)


def moderator_url(code: str, secret: str) -> str:
    # The secret travels in the fragment: browsers never send it to the server,
    # so it cannot end up in access logs or a Referer header.
    return external_url("moderator.panel", code=code) + f"#key={secret}"


def screen_url(code: str, token: str) -> str:
    return external_url("screen.page", code=code) + f"#token={token}"


def is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine only (127.0.0.0/8, ::1, localhost, 0.0.0.0)."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


#: Addresses no packet is sent to: connecting a UDP socket only asks the kernel which
#: local address routes there. Private ranges, then TEST-NET-3 for the default route.
ROUTE_PROBES = ("192.168.255.254", "172.31.255.254", "10.255.255.254", "203.0.113.1")


def lan_addresses(make_socket: Callable[[], Any] | None = None) -> list[str]:
    """This machine's IPv4 addresses on its networks, found without sending anything.

    :param make_socket: a factory of UDP sockets (tests pass a fake).
    """
    found: list[str] = []
    for probe in ROUTE_PROBES:
        sock = make_socket() if make_socket else socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.connect((probe, 9))
            address = str(sock.getsockname()[0])
        except OSError:
            continue  # no route to that range
        finally:
            sock.close()
        ip = ipaddress.ip_address(address)
        if not (ip.is_loopback or ip.is_unspecified) and address not in found:
            found.append(address)
    return found


def lan_urls(port: int, addresses: list[str]) -> list[str]:
    return [f"http://{address}:{port}" for address in addresses]


def qr_svg(url: str) -> str:
    """A standalone SVG QR code, dark on light, sized by the page's CSS.

    Served as an image, so it needs the SVG namespace (``svg_inline`` leaves it
    out and browsers then show a broken image) and a viewBox instead of a fixed
    size, so that it scales to the projector.
    """
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out, kind="svg", xmldecl=False, omitsize=True, scale=1, dark="#111", light="#fff", border=2
    )
    return out.getvalue().decode()
