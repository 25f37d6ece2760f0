"""Settings, read once from the environment (``HER2POLL_*``) or a test's mapping.

Every setting has a default that serves one process on SQLite with no set-up;
several processes need ``HER2POLL_DB`` (PostgreSQL), ``HER2POLL_MESSAGE_QUEUE``
(Redis) and a shared ``HER2POLL_SECRET_KEY``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from .core.errors import Her2pollError

N = TypeVar("N", int, float)

PACKAGE = Path(__file__).resolve().parent
#: The source checkout; in an installed wheel this is site-packages and holds nothing of ours.
ROOT = PACKAGE.parent
#: An installed wheel carries its templates and questions.json inside the package;
#: a source (or editable) checkout keeps them at the top of the repository.
INSTALLED = (PACKAGE / "templates").is_dir()
_DATA = PACKAGE if INSTALLED else ROOT
TEMPLATES = _DATA / "templates"
DEFAULT_QUESTIONS = _DATA / "questions.json"
#: Where the SQLite database and the generated secret key live: HER2POLL_INSTANCE, else
#: ``instance/`` in the checkout, or in the current directory for an installed package.
INSTANCE = Path(
    os.environ.get("HER2POLL_INSTANCE") or (Path.cwd() if INSTALLED else ROOT) / "instance"
)


@dataclass(frozen=True)
class Settings:
    database_url: str = f"sqlite:///{INSTANCE / 'her2poll.db'}"
    secret_key: str = ""
    message_queue: str | None = None
    questions_path: Path = DEFAULT_QUESTIONS
    #: Origins allowed to open a Socket.IO connection; empty means same origin only.
    cors_origins: tuple[str, ...] = ()
    #: Seconds between two tally broadcasts of one session (at most 10 a second).
    tally_interval: float = 0.1
    #: Seconds the vote writer waits after a batch's first vote for more before it
    #: commits: a steady stream shares commits too (each ack still follows its commit).
    #: A commit costs about as much CPU as eight votes on SQLite: at 1,000 votes a
    #: second, 20 ms makes batches of about 20 (0.10 ms a vote) instead of about 6
    #: at 5 ms (0.17 ms), for at most 20 ms more per ack (HER2POLL_COMMIT_LINGER_MS).
    commit_linger: float = 0.02
    #: Largest Socket.IO message a client may send; votes are under 200 bytes.
    max_message_bytes: int = 4096
    #: Votes and joins a connection may send per second, and the burst above it.
    rate_per_second: float = 5.0
    rate_burst: int = 20
    #: Where phones reach the server (``https://poll.example.org``): every link and QR
    #: code is built on it instead of the request's host. None: the request's host.
    public_url: str | None = None
    #: Sign-in attempts one address may make (Flask-Limiter's notation).
    login_rate: str = "10 per minute"
    #: How many proxies (nginx, a load balancer) stand in front of the server and set
    #: ``X-Forwarded-For``/``-Proto``/``-Host``: the client's address is then read from
    #: those headers (Werkzeug's ProxyFix), so the sign-in limit counts per visitor, not
    #: per proxy. 0: the headers are ignored (a client could forge them).
    trusted_proxies: int = 0
    #: Where the sign-in limiter counts: None is Redis when ``message_queue`` is Redis
    #: (every process counts together), else this process's memory.
    ratelimit_storage: str | None = None
    #: Single sign-on (OpenID Connect) when all three are set: the issuer's URL (its
    #: ``/.well-known/openid-configuration`` is read) and this app's client id and secret.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    #: The sign-in button's label: "Sign in with <name>".
    oidc_name: str = "single sign-on"
    #: Days a learner's identity (name, e-mail, licence ID) is kept before the purge
    #: deletes it, keeping answers, attendance and PARS counts. None: kept until purged.
    identity_retention_days: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


class SettingError(Her2pollError):
    """A setting's value cannot be used; the message names the setting."""

    code = "invalid_setting"


def check_public_url(value: str, name: str = "HER2POLL_PUBLIC_URL") -> str:
    """``value`` as a link base: http(s), a host, an optional port; nothing after the host.

    :param name: the setting or option named in the error.
    :raises SettingError: one line saying what is wrong, for the CLI to print as is.
    """
    value = value.strip()
    problem = _url_problem(value)
    if problem:
        raise SettingError(f"{name} {value!r}: {problem}, e.g. https://poll.example.org")
    parts = urlsplit(value)
    return f"{parts.scheme.lower()}://{parts.netloc}"


def _url_problem(value: str) -> str | None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a port that is not 1 to 65535
    except ValueError:
        return "its host or port is malformed"
    if parts.scheme.lower() not in ("http", "https"):
        return "it must start with http:// or https://"
    if not parts.hostname or any(c.isspace() for c in value):
        return "it needs a host and no spaces"
    if parts.username is not None:
        return "it may not carry a user name or password (phones would show them)"
    if parts.query or parts.fragment or "?" in value or "#" in value:
        return "it may not have a query (?…) or a fragment (#…)"
    if parts.path.strip("/"):
        # The pages fetch /api/…, /static/… and /socket.io/ from the host's root: under a
        # path prefix every link would work and every page would fail. Refused, not half-done.
        return "it may not have a path (her2poll is served at the root of its host)"
    return None


def _secret_key(instance: Path) -> str:
    """A stable key for one machine: generated once and kept beside the database."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _bounded(value: str, parse: Callable[[str], N], low: N, high: N | None, advice: str) -> N:
    """``value`` parsed and within ``low``..``high`` (None: no top), else one line of
    advice naming the setting. NaN is never within."""
    try:
        number = parse(value)
    except ValueError:
        raise SettingError(advice) from None
    if not (low <= number and (high is None or number <= high)):
        raise SettingError(advice)
    return number


def _days(value: str) -> int:
    advice = f"HER2POLL_IDENTITY_RETENTION_DAYS {value!r}: give a whole number of days, e.g. 365"
    return _bounded(value, int, 0, None, advice)


def _proxies(value: str) -> int:
    advice = (
        f"HER2POLL_TRUSTED_PROXIES {value!r}: give how many proxies stand in front "
        "of the server, 0 to 10 (1 for one nginx)"
    )
    return _bounded(value, int, 0, 10, advice)


def _linger(value: str) -> float:
    """Milliseconds as seconds: 0 to 100 (beyond that an ack waits too long for company)."""
    advice = f"HER2POLL_COMMIT_LINGER_MS {value!r}: give milliseconds, 0 to 100"
    return _bounded(value, float, 0.0, 100.0, advice) / 1000


def load_settings(overrides: Mapping[str, object] | None = None) -> Settings:
    """Settings from the environment, then from ``overrides`` (tests, the CLI)."""
    env = os.environ
    values: dict[str, object] = {}
    if env.get("HER2POLL_DB"):
        values["database_url"] = env["HER2POLL_DB"]
    if env.get("HER2POLL_SECRET_KEY"):
        values["secret_key"] = env["HER2POLL_SECRET_KEY"]
    if env.get("HER2POLL_MESSAGE_QUEUE"):
        values["message_queue"] = env["HER2POLL_MESSAGE_QUEUE"]
    if env.get("HER2POLL_QUESTIONS"):
        values["questions_path"] = Path(env["HER2POLL_QUESTIONS"])
    if env.get("HER2POLL_CORS_ORIGINS"):
        values["cors_origins"] = tuple(env["HER2POLL_CORS_ORIGINS"].split(","))
    for name in ("login_rate", "ratelimit_storage", "oidc_issuer", "oidc_client_id",
                 "oidc_client_secret", "oidc_name"):  # fmt: skip
        if env.get(f"HER2POLL_{name.upper()}"):
            values[name] = env[f"HER2POLL_{name.upper()}"]
    if env.get("HER2POLL_PUBLIC_URL"):
        values["public_url"] = env["HER2POLL_PUBLIC_URL"]
    if env.get("HER2POLL_TRUSTED_PROXIES"):
        values["trusted_proxies"] = _proxies(env["HER2POLL_TRUSTED_PROXIES"])
    if env.get("HER2POLL_COMMIT_LINGER_MS"):
        values["commit_linger"] = _linger(env["HER2POLL_COMMIT_LINGER_MS"])
    if env.get("HER2POLL_IDENTITY_RETENTION_DAYS"):
        values["identity_retention_days"] = _days(env["HER2POLL_IDENTITY_RETENTION_DAYS"])
    values.update(overrides or {})
    public_url = values.get("public_url")
    if isinstance(public_url, str):
        values["public_url"] = check_public_url(public_url) if public_url.strip() else None
    settings = Settings(**values)  # type: ignore[arg-type]
    oidc = (settings.oidc_issuer, settings.oidc_client_id, settings.oidc_client_secret)
    if any(oidc) and not all(oidc):
        raise SettingError(
            "Single sign-on needs HER2POLL_OIDC_ISSUER, HER2POLL_OIDC_CLIENT_ID and "
            "HER2POLL_OIDC_CLIENT_SECRET together."
        )
    if not settings.secret_key:
        settings = Settings(**{**settings.__dict__, "secret_key": _secret_key(INSTANCE)})
    return settings


def oidc_enabled(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def limiter_storage(settings: Settings) -> str:
    if settings.ratelimit_storage:
        return settings.ratelimit_storage
    mq = settings.message_queue or ""
    return mq if mq.startswith(("redis://", "rediss://")) else "memory://"
