"""HTTP: pages for each role, the JSON API, health; compression and security headers."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask_compress import Compress

from . import (
    api,
    attendee,
    auth,
    authoring,
    credit,
    errors,
    exports,
    health,
    i18n,
    moderator,
    screen,
    vendor,
)

#: No inline script or style anywhere: a script injected into a page cannot run.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class PagesOnlySessions(SecureCookieSessionInterface):
    """A signed cookie session for pages (an organiser's sign-in, CSRF tokens), none for Socket.IO.

    Flask opens the session for every request context, and Flask-SocketIO makes
    one per Socket.IO event; live roles prove themselves per event, so skipping
    the signed-cookie machinery there halves the framework's cost of each vote.
    """

    def open_session(self, app: Flask, request: Any) -> Any:
        if request.path.startswith("/socket.io"):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if self.is_null_session(session):
            return None
        super().save_session(app, session, response)


#: Responses a browser only ever runs or applies inside a page, never shows as one.
SUBRESOURCE_MIMETYPES = frozenset({"text/javascript", "application/javascript", "text/css"})


def _security_headers(response: Response) -> Response:
    """Every response: no sniffing, no referrer. Documents also: CSP, no framing, own opener.

    A browser applies CSP, X-Frame-Options and COOP to the document they arrive
    with and ignores them on a script or a style sheet, so those three stay off the
    phone's dozen module responses: 270 bytes each on venue Wi-Fi, for nothing.
    """
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if response.mimetype in SUBRESOURCE_MIMETYPES:
        return response
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def init_app(app: Flask) -> None:
    app.session_interface = PagesOnlySessions()
    app.config.setdefault(
        "COMPRESS_MIMETYPES",
        [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "image/svg+xml",
            "text/csv",
        ],
    )
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    Compress(app)
    for module in (health, attendee, moderator, authoring, screen, api, exports, credit):
        app.register_blueprint(module.bp)
    auth.init_app(app)
    vendor.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    app.after_request(_security_headers)
