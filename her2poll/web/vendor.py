"""Browser libraries served by the app itself, never from a CDN: venues have no internet.

plotly.js ships inside the ``plotly`` Python package. Its URL carries its
version, so a browser may keep it for a year and a new version is a new URL.
It is 4.8 MB: each encoding is compressed once per process and kept, because
compressing it per request would stall every connection of the gevent worker
for about 0.2 s, votes included.
"""

from __future__ import annotations

import functools
import gzip
import importlib.util
import re
from pathlib import Path

import brotli
from flask import Blueprint, Flask, Response, abort, request, url_for
from werkzeug.wrappers import Response as BaseResponse

bp = Blueprint("vendor", __name__, url_prefix="/vendor")

#: Safe because the URL changes whenever the file does.
LONG_CACHE = "public, max-age=31536000, immutable"


@functools.cache
def plotly_path() -> Path:
    """plotly.min.js inside the installed package, found without importing plotly."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


@functools.cache
def plotly_version() -> str:
    """The plotly.js version from the file's banner (``* plotly.js v4.1.1``)."""
    with plotly_path().open("rb") as f:
        match = re.search(rb"plotly\.js v([0-9A-Za-z.\-]+)", f.read(512))
    return match.group(1).decode() if match else "unknown"


@functools.cache
def plotly_style_ids() -> tuple[str, ...]:
    """Ids of the <style> elements plotly.js injects at load unless the id is taken.

    Its bundled map library's CSS is one; an inline <style> is refused by our CSP
    (a console error on every page). We draw no maps, so pages take these ids with
    empty placeholders and plotly.js skips the injection. Read from the file, so a
    new plotly.js version keeps working.
    """
    text = plotly_path().read_text(encoding="utf-8")
    pattern = r'getElementById\("([0-9a-f]{16,64})"\)\)\{var \w+=document\.createElement\("style"\)'
    return tuple(dict.fromkeys(re.findall(pattern, text)))


@functools.cache
def _encoded(encoding: str) -> bytes:
    data = plotly_path().read_bytes()
    if encoding == "br":
        compressed: bytes = brotli.compress(data, quality=5)
        return compressed
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=6)
    return data


@bp.get("/plotly-<version>.min.js")
def plotly_js(version: str) -> BaseResponse:
    """plotly.js, compressed once, cached by browsers for a year."""
    if version != plotly_version():
        abort(404)
    encoding = request.accept_encodings.best_match(["br", "gzip"]) or "identity"
    response = Response(_encoded(encoding), mimetype="text/javascript")
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding  # flask-compress leaves it alone
    response.headers["Cache-Control"] = LONG_CACHE
    response.set_etag(f"plotly-{version}-{encoding}")
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["plotly_url"] = lambda: url_for(
        "vendor.plotly_js", version=plotly_version()
    )
    app.jinja_env.globals["plotly_style_ids"] = plotly_style_ids
