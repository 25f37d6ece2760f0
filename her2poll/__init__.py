"""her2poll: live audience polls for CME sessions, compared with published results."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from .config import TEMPLATES, Settings, load_settings

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["create_app"]


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """Build the app: settings, database (migrated), web routes and the live layer.

    :param config: overrides of :class:`~her2poll.config.Settings` fields, for tests
        and the CLI; everything else comes from ``HER2POLL_*`` environment variables.
    """
    # Imported here, not at the top: every ``her2poll`` command imports this package,
    # and exports and listings need no Flask (a quarter of a second on a laptop).
    from flask import Flask

    from . import live, web
    from .store import db as store_db

    settings: Settings = load_settings(config)
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES),
        static_folder="web/static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=512 * 1024,
        # Lax, not Strict: single sign-on comes back from the provider by a cross-site
        # redirect that must carry the sign-in state; forms carry CSRF tokens.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=(settings.public_url or "").startswith("https://"),
        SESSION_COOKIE_HTTPONLY=True,
        JSON_SORT_KEYS=False,
    )
    app.config["HER2POLL"] = settings
    db = store_db.Database(settings.database_url)
    db.upgrade()
    store_db.init_app(app, db)
    web.init_app(app)
    live.init_app(app)
    _behind_proxies(app, settings.trusted_proxies)
    return app


def _behind_proxies(app: Flask, count: int) -> None:
    """Trust the ``X-Forwarded-*`` headers of ``count`` proxies in front (0: none).

    Wrapped last, outside Flask-SocketIO's middleware, so pages, the sign-in limiter
    and Socket.IO all see the visitor's address and scheme, not the proxy's.
    """
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )
