"""The URLs each role opens, and the QR code attendees scan."""

from __future__ import annotations

import io

import segno
from flask import url_for


def attendee_url(code: str) -> str:
    return url_for("attendee.page", code=code, _external=True)


def moderator_url(code: str, secret: str) -> str:
    # The secret travels in the fragment: browsers never send it to the server,
    # so it cannot end up in access logs or a Referer header.
    return url_for("moderator.panel", code=code, _external=True) + f"#key={secret}"


def screen_url(code: str, token: str) -> str:
    return url_for("screen.page", code=code, _external=True) + f"#token={token}"


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
