"""The HTML pages and what they load: strict-CSP clean, plotly served locally, QR as an image."""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from her2poll import create_app
from her2poll.core.questions import load_question_set
from her2poll.services.sessions import create
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from her2poll.web import vendor
from testkit.accounts import organiser_client

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def web_app(tmp_path: Path) -> Iterator[Flask]:
    app = create_app(
        {"database_url": f"sqlite:///{tmp_path / 'web.db'}", "secret_key": "test-secret-key"}
    )
    app.testing = True
    yield app
    get_db(app).dispose()


@pytest.fixture
def client(web_app: Flask) -> FlaskClient:
    """A signed-in organiser's browser: /moderator is theirs."""
    return organiser_client(web_app)


@pytest.fixture
def code(web_app: Flask) -> str:
    questions = load_question_set(ROOT / "questions.json")
    return create(SqlStore(get_db(web_app)), questions).state.code


def plotly_url() -> str:
    return f"/vendor/plotly-{vendor.plotly_version()}.min.js"


@pytest.mark.parametrize(
    "path", ["/", "/login", "/moderator", "/j/{code}", "/m/{code}", "/s/{code}"]
)
def test_pages_have_no_inline_script_or_style(client: FlaskClient, code: str, path: str) -> None:
    response = client.get(path.format(code=code))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    # A JSON data block (the page's strings, her2poll/web/i18n.py) is data, not a script.
    assert not re.search(r"<script(?![^>]*\s(src=|type=\"application/json\"))", html), (
        "every script must be a file"
    )
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_attendee_page_loads_no_chart_library(client: FlaskClient, code: str) -> None:
    html = client.get(f"/j/{code}").get_data(as_text=True)
    assert "plotly" not in html
    assert "vendor/socket.io.min.js" in html


@pytest.mark.parametrize("path", ["/m/{code}", "/s/{code}"])
def test_charts_load_plotly_from_this_server(client: FlaskClient, code: str, path: str) -> None:
    html = client.get(path.format(code=code)).get_data(as_text=True)
    assert f'src="{plotly_url()}"' in html
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in html
    for style_id in vendor.plotly_style_ids():
        assert f'<template id="{style_id}">' in html


@pytest.mark.parametrize(
    ("accept", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_plotly_is_compressed_once_and_cached_for_a_year(
    client: FlaskClient, accept: str, decode: object
) -> None:
    response = client.get(plotly_url(), headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == accept
    assert "immutable" in response.headers["Cache-Control"]
    assert decode(response.get_data()) == vendor.plotly_path().read_bytes()  # type: ignore[operator]
    again = client.get(
        plotly_url(),
        headers={"Accept-Encoding": accept, "If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304


def test_another_plotly_version_is_not_found(client: FlaskClient) -> None:
    assert client.get("/vendor/plotly-0.0.1.min.js").status_code == 404


def test_the_qr_code_is_a_standalone_scalable_svg(client: FlaskClient, code: str) -> None:
    svg = client.get(f"/qr/{code}.svg").get_data(as_text=True)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=')
    assert "width=" not in svg.split(">", 1)[0]
