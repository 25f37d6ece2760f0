"""Who is calling: a signed-in organiser (cookie session), or a moderator key (Bearer).

Organisers sign in with a password (argon2) or, when configured, through an
OpenID Connect provider (Authlib). A moderator key still opens one session to
anyone who holds it, with no account: the way to hand a session to a guest.
Every form and state-changing request carries a CSRF token (Flask-WTF), and
password sign-in is rate-limited per address (Flask-Limiter).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import TooManyRequests, Unauthorized
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ..config import Settings, limiter_storage, oidc_enabled
from ..core.accounts import AccountError, Organiser
from ..core.errors import Forbidden
from ..services import accounts, sessions
from ..store.db import get_db
from ..store.repository import get_store
from . import links

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
#: Endpoints a phone calls with its signed participant token in the JSON body: that token,
#: not a cookie, is the authority, so another site's page cannot forge one (no CSRF).
TOKEN_AUTHORISED = frozenset({"credit.post_identity", "credit.me", "credit.my_certificate"})
limiter = Limiter(key_func=get_remote_address, default_limits=[])
login_manager = LoginManager()
#: Blueprints whose every page and form needs a signed-in organiser.
ORGANISER_BLUEPRINTS = frozenset({"authoring"})

# -- the moderator key (unchanged: guests run one session with it) ---------------------


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def moderator_key() -> str:
    """The Bearer token, or 403 saying how to send it."""
    secret = bearer()
    if secret is None:
        raise Forbidden("Send the moderator key as 'Authorization: Bearer <key>'.")
    return secret


def require_moderator(code: str) -> str:
    """Raise 403 unless the request carries this session's moderator secret; return it."""
    secret = moderator_key()
    sessions.require_moderator(get_store(), code, secret)
    return secret


# -- organisers -------------------------------------------------------------------------


class User(UserMixin):  # type: ignore[misc]
    """Flask-Login's view of an :class:`Organiser`."""

    def __init__(self, organiser: Organiser) -> None:
        self.organiser = organiser

    def get_id(self) -> str:
        return str(self.organiser.id)


def organiser() -> Organiser | None:
    """The signed-in organiser of this request, if any."""
    return current_user.organiser if current_user.is_authenticated else None


def require_organiser() -> Organiser:
    """The signed-in organiser, or 401 (JSON for the API, the sign-in page for a browser)."""
    who = organiser()
    if who is None:
        login_manager.unauthorized()
        raise AssertionError("unreachable")  # pragma: no cover - unauthorized() aborts
    return who


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


def _settings() -> Settings:
    return current_app.config["HER2POLL"]  # type: ignore[no-any-return]


def _safe_next(target: str | None) -> str:
    """A path on this site to go to after signing in; anything else is the sessions list."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("moderator.home")
    if target.startswith("//") or "\\" in target:
        return url_for("moderator.home")
    return target


def _login_page(
    form: LoginForm, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    settings = _settings()
    return (
        render_template(
            "login.html",
            form=form,
            error=error,
            next=_safe_next(request.args.get("next")),
            no_users=not accounts.has_organisers(get_db()),
            oidc=oidc_enabled(settings),
            oidc_name=settings.oidc_name,
        ),
        status,
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: _settings().login_rate, methods=["POST"])
def login() -> ResponseReturnValue:
    """The sign-in page; a right e-mail and password go on to the sessions list."""
    form = LoginForm()
    if request.method == "GET":
        return _login_page(form)
    if not form.validate_on_submit():
        return _login_page(form, _("Enter your e-mail address and password."), 400)
    user = accounts.authenticate(get_db(), form.email.data or "", form.password.data or "")
    if user is None:
        return _login_page(form, _("That e-mail address and password do not match."), 401)
    login_user(User(user))
    return redirect(_safe_next(request.args.get("next")))


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    return redirect(url_for("auth.login"))


# -- single sign-on (OpenID Connect) ---------------------------------------------------


def _oidc_client() -> Any:
    client = current_app.extensions.get("her2poll_oidc")
    if client is None:
        abort(404)
    return client


@bp.get("/login/oidc")
@limiter.limit(lambda: _settings().login_rate)
def oidc_start() -> ResponseReturnValue:
    """Off to the identity provider; it comes back to :func:`oidc_callback`."""
    client = _oidc_client()
    # The provider sends the browser back here: to the public address behind a proxy.
    return client.authorize_redirect(links.external_url("auth.oidc_callback"))  # type: ignore[no-any-return]


@bp.get("/login/oidc/callback")
@limiter.limit(lambda: _settings().login_rate)
def oidc_callback() -> ResponseReturnValue:
    """The provider's answer: its ID token (checked by Authlib) names a known organiser."""
    from authlib.integrations.base_client.errors import OAuthError

    client = _oidc_client()
    try:
        token = client.authorize_access_token()
    except OAuthError as e:
        return _login_page(
            LoginForm(),
            _("Single sign-on failed: %(reason)s", reason=e.description or e.error),
            401,
        )
    claims = token.get("userinfo") or {}
    try:
        user = accounts.single_sign_on(get_db(), claims.get("email"), claims.get("email_verified"))
    except AccountError as e:
        return _login_page(LoginForm(), e.message, 403)
    login_user(User(user))
    return redirect(url_for("moderator.home"))


def _init_oidc(app: Flask, settings: Settings) -> None:
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    issuer = (settings.oidc_issuer or "").rstrip("/")
    app.extensions["her2poll_oidc"] = oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": "openid email profile"},
    )


def init_app(app: Flask) -> None:
    settings: Settings = app.config["HER2POLL"]
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # valid as long as the sign-in
    # Pages send no Referer (Referrer-Policy: no-referrer), so Flask-WTF's HTTPS
    # referrer check would refuse every form; the token and SameSite cookie suffice.
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    app.config.setdefault("RATELIMIT_STORAGE_URI", limiter_storage(settings))
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    # A request with the moderator key as a Bearer header needs no token: another site's
    # page cannot add that header (no CORS here); everything else is checked.
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    csrf.init_app(app)

    @app.before_request
    def check_csrf() -> None:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE") or bearer() is not None:
            return
        if request.endpoint in TOKEN_AUTHORISED:
            return
        csrf.protect()

    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    if oidc_enabled(settings):
        _init_oidc(app, settings)
    app.register_blueprint(bp)

    @app.before_request
    def organisers_only() -> ResponseReturnValue | None:
        """Authoring (activities, starting runs, archiving, deleting) is an organiser's."""
        if request.blueprint in ORGANISER_BLUEPRINTS and organiser() is None:
            return login_manager.unauthorized()  # type: ignore[no-any-return]
        return None

    @login_manager.user_loader  # type: ignore[untyped-decorator]
    def load(user_id: str) -> User | None:
        found = accounts.organiser(get_db(), int(user_id)) if user_id.isdigit() else None
        return User(found) if found else None

    @login_manager.unauthorized_handler  # type: ignore[untyped-decorator]
    def unauthorized() -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            raise Unauthorized("Sign in as an organiser first (/login).")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))

    @app.errorhandler(TooManyRequests)
    def too_many(e: TooManyRequests) -> ResponseReturnValue:
        message = _("Too many sign-in attempts from this address. Wait a minute, then try again.")
        if request.path.startswith("/api/"):
            return {"ok": False, "code": "too_many_requests", "message": message}, 429
        return render_template("error.html", status=429, message=message), 429

    @app.context_processor
    def organiser_in_templates() -> dict[str, object]:
        return {"organiser": organiser()}
