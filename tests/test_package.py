"""The wheel carries everything the app needs, and the app finds it when installed.

templates/ and questions.json sit at the top of the repository and the vendored
socket.io client is gitignored; only the build puts them into the package. The
wheel is built offline (hatchling from the test extras) and unpacked, which is
the layout an install gives, then used from a directory that is not the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from testkit.servers import ROOT

pytestmark = pytest.mark.slow

#: Run from an unrelated directory with only the unpacked wheel ahead of the venv.
_PAGES = """
import her2poll, her2poll.config as config
from her2poll import create_app
from her2poll.store.db import get_db
assert her2poll.__file__.startswith({site!r}), her2poll.__file__
assert config.INSTALLED and config.TEMPLATES.is_dir(), config.TEMPLATES
app = create_app({{"secret_key": "package-test"}})
client = app.test_client()
assert client.get("/moderator").headers["Location"].startswith("/login")  # organisers sign in
for path in ("/", "/login", "/healthz", "/static/js/attendee.js",
             "/static/vendor/socket.io.min.js"):
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    r.close()
german = client.get("/", headers={{"Accept-Language": "de"}}).get_data(as_text=True)
assert "An der Umfrage teilnehmen" in german, german[:500]
get_db(app).dispose()
print("ok", config.INSTANCE)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--disable-pip-version-check", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    (built,) = out.glob("her2poll-*.whl")
    return built


def test_the_wheel_carries_templates_questions_and_static_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {p.name for p in (ROOT / "templates").glob("*.html")}
    assert templates and {f"her2poll/templates/{t}" for t in templates} <= names
    assert "her2poll/questions.json" in names
    assert "her2poll/examples/all-item-types.json" in names  # a template to author from
    assert "her2poll/examples/cme-activity.json" in names
    assert "her2poll/examples/evaluation.json" in names
    assert "her2poll/web/static/js/attendee.js" in names
    assert "her2poll/web/static/vendor/socket.io.min.js" in names
    assert "her2poll/store/migrations/versions/0001_initial.py" in names
    assert {"her2poll/translations/de/LC_MESSAGES/messages.mo"} <= names
    assert {"her2poll/translations/de/LC_MESSAGES/js.mo"} <= names


def test_an_unpacked_wheel_serves_its_pages_from_anywhere(wheel: Path, tmp_path: Path) -> None:
    site, cwd = tmp_path / "site", tmp_path / "elsewhere"
    zipfile.ZipFile(wheel).extractall(site)
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HER2POLL_")}
    env["PYTHONPATH"] = str(site)
    run = {"cwd": cwd, "env": env, "capture_output": True, "text": True, "timeout": 120}
    r = subprocess.run([sys.executable, "-c", _PAGES.format(site=str(site))], **run, check=False)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"ok {cwd / 'instance'}", "the instance is in the current directory"
    r = subprocess.run([sys.executable, "-m", "her2poll.cli", "session", "new"], **run, check=False)
    assert r.returncode == 0, r.stderr
    assert "Join code:  " in r.stdout
    assert (cwd / "instance" / "her2poll.db").is_file()
