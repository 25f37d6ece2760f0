"""The her2poll command: one clear line and a non-zero exit on every mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from testkit.cli import her2poll

ROOT = Path(__file__).resolve().parent.parent


def test_the_console_script_starts(tmp_path: Path) -> None:
    """The one command run as a real process: the installed entry point works end to end."""
    script = Path(sys.executable).with_name("her2poll")
    r = subprocess.run(
        [str(script), "session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert r.returncode == 0, r.stderr
    assert "Join code:  " in r.stdout and "#key=" in r.stdout


def test_session_new_prints_working_links(tmp_path: Path) -> None:
    r = her2poll("session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    lines = dict(line.split(":", 1) for line in r.stdout.splitlines() if ":  " in line)
    code = lines["Join code"].strip()
    assert lines["Attendees"].strip().endswith(f"/j/{code}")
    assert "#key=" in lines["Moderator"]
    assert "#token=" in lines["Projector"]
    listed = her2poll("sessions", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert code in listed.stdout


def test_a_missing_question_file_is_one_clear_line(tmp_path: Path) -> None:
    r = her2poll(
        "session", "new", "--questions", "nope.json", "--db", f"sqlite:///{tmp_path / 'x.db'}"
    )
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "Cannot read question set nope.json" in r.stderr
    assert "Traceback" not in r.stderr


def test_an_unreachable_database_is_one_clear_line() -> None:
    r = her2poll("sessions", "--db", "postgresql+psycopg://nobody@127.0.0.1:9/x")
    assert r.returncode == 1
    assert r.stderr.startswith("error: Cannot reach the database")
    assert r.stderr.strip().count("\n") == 0


def test_a_bad_database_url_is_one_clear_line() -> None:
    r = her2poll("sessions", "--db", "mysql://x")
    assert r.returncode == 1 and "Unsupported database" in r.stderr


def test_wrong_flags_are_usage_errors() -> None:
    r = her2poll("serve", "--port", "http")
    assert r.returncode == 2
    assert "Invalid value for '--port'" in r.stderr


def test_published_prints_the_six_reconstructions() -> None:
    r = her2poll("published")
    assert r.returncode == 0
    for q in ("PQ1", "PQ2", "PQ3", "PQ4", "PQ5", "PQ6"):
        assert f"\n{q}  " in r.stdout
    assert "Consistent only with n = 9 (largest remainder): 2/4/1/2." in r.stdout
    data = json.loads(her2poll("published", "--json", "--max-n", "20").stdout)
    assert data["cap"] == 20 and len(data["questions"]) == 6


def test_a_broken_question_file_names_question_and_field(tmp_path: Path) -> None:
    data = json.loads((ROOT / "questions.json").read_text())
    data["questions"][3]["options"][0]["id"] = "has space"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    r = her2poll("questions", "check", str(bad))
    assert r.returncode == 1
    assert "question PQ4 > option has space > id: String should match pattern" in r.stderr


def test_serve_sh_help_answers_at_once_without_setting_up(tmp_path: Path) -> None:
    """In a checkout never set up (no .venv, a setup.sh that must not run): usage, exit 0."""
    (tmp_path / "scripts").mkdir()
    serve = tmp_path / "scripts" / "serve.sh"
    serve.write_text((ROOT / "scripts" / "serve.sh").read_text())
    setup = tmp_path / "scripts" / "setup.sh"
    setup.write_text("#!/bin/sh\necho 'setup ran' >&2\nexit 3\n")
    for f in (serve, setup):
        f.chmod(0o755)
    for flag in ("--help", "-h"):
        r = subprocess.run(
            [str(serve), "--port", "8080", flag], capture_output=True, text=True, timeout=10
        )
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        assert r.stdout.startswith("Usage: scripts/serve.sh")
        assert all(option in r.stdout for option in ("--host", "--port", "--db"))


@pytest.mark.skipif(not (ROOT / ".venv/bin/her2poll").exists(), reason="no .venv here")
def test_serve_sh_help_lists_the_options_of_her2poll_serve_once_set_up() -> None:
    r = subprocess.run(
        [str(ROOT / "scripts" / "serve.sh"), "--help"], capture_output=True, text=True, timeout=30
    )
    assert r.returncode == 0, r.stderr
    assert "Usage: her2poll serve [OPTIONS]" in r.stdout
