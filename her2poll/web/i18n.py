"""Pages in the visitor's language: English or German, by choice, room or browser.

Which language a page speaks, first match wins:

1. the room's language, on the pages of a session's room (phone and projector),
   when its moderator fixed one on the panel;
2. the visitor's own choice from the language switch (a cookie);
3. the browser's ``Accept-Language``;
4. English.

Templates say ``_("…")``; the browser modules say ``t("…")`` (static/js/i18n.js)
and get the translations of their strings from the page, in one JSON block that
this module fills from the ``js`` catalog. The question set is never translated.
Catalogs: ``her2poll/translations/<lang>/LC_MESSAGES/{messages,js}.po`` and their
compiled ``.mo`` (``scripts/i18n.sh`` extracts, updates and compiles them).
"""

from __future__ import annotations

import functools
from pathlib import Path
from urllib.parse import urlsplit

from babel.messages.mofile import read_mo
from flask import Blueprint, Flask, g, redirect, request, url_for
from flask_babel import Babel, get_locale
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from ..core.languages import DEFAULT, LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
COOKIE = "her2poll_lang"
#: A year: a language choice is not a secret and should outlive the session.
COOKIE_AGE = 365 * 24 * 3600

bp = Blueprint("i18n", __name__)


def use_room_language(language: str | None) -> None:
    """The page being drawn belongs to a room whose moderator fixed ``language``."""
    g.room_language = language


def select_locale() -> str:
    room = g.get("room_language")
    if room in LANGUAGES:
        return str(room)
    chosen = request.cookies.get(COOKIE)
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def language() -> str:
    """The language of the page being drawn, e.g. ``"de"``."""
    return str(get_locale() or DEFAULT)


@functools.cache
def js_catalog(lang: str) -> dict[str, str | list[str]]:
    """The browser modules' strings in ``lang``: msgid -> text, or -> [one, other]
    for a plural. Empty for English (the modules' own strings) and untranslated ids."""
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "js.mo"
    if not path.is_file():
        return {}
    with path.open("rb") as f:
        catalog = read_mo(f)
    strings: dict[str, str | list[str]] = {}
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            strings[message.id] = str(message.string)
        else:  # a plural: its forms, as the language's plural rule numbers them
            strings[message.id[0]] = [str(form) for form in message.string]
    return strings


#: Modules only the organiser's pages load (panel, projector, home, authoring): their
#: strings stay off the phone's page, which has a byte budget on venue Wi-Fi.
ORGANISER_MODULES = (
    "moderator.js",
    "phase-strip.js",
    "qa-panel.js",
    "cme-panel.js",
    "download.js",
    "moderator_home.js",
    "authoring.js",
    "screen.js",
    "qa-screen.js",
)


@functools.cache
def _organiser_only() -> frozenset[str]:
    """Message ids that occur in organiser modules and in no module a phone loads."""
    from babel.messages.extract import extract_from_file

    def ids(path: Path) -> set[str]:
        found = extract_from_file("javascript", path, keywords={"t": None, "nt": (1, 2)})
        return {m[1] if isinstance(m[1], str) else m[1][0] for m in found}

    static = Path(__file__).parent / "static" / "js"
    organiser: set[str] = set()
    shared: set[str] = set()
    for path in static.rglob("*.js"):
        (organiser if path.name in ORGANISER_MODULES else shared).update(ids(path))
    return frozenset(organiser - shared)


@functools.cache
def _phone_js_catalog(lang: str) -> dict[str, str | list[str]]:
    """:func:`js_catalog` without the strings only organiser modules use (built once)."""
    drop = _organiser_only()
    return {k: v for k, v in js_catalog(lang).items() if k not in drop}


def page_js_catalog(lang: str, blueprint: str | None) -> dict[str, str | list[str]]:
    """The strings a page's modules need: the phone's page leaves the organiser's out."""
    return _phone_js_catalog(lang) if blueprint == "attendee" else js_catalog(lang)


def _local(target: str | None) -> str:
    """Only a path on this site: a switch link must not send anyone elsewhere."""
    parts = urlsplit(target or "")
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return url_for("attendee.home")
    return parts.path + (f"?{parts.query}" if parts.query else "")


@bp.get("/lang/<lang>")
def switch(lang: str) -> BaseResponse:
    """The language switch: remember the choice, go back to the page it was made on."""
    response = redirect(_local(request.args.get("next")))
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=COOKIE_AGE, samesite="Lax", httponly=True)
    return response


def init_app(app: Flask) -> None:
    Babel(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
    )
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        # Code inside a translated sentence: the sentence is translated, the code is not.
        code_tag=lambda text: Markup("<code>%s</code>") % escape(text),
        page_language=language,
        languages=LANGUAGES,
        js_strings=lambda: page_js_catalog(language(), request.blueprint),
    )
