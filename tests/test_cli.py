"""The her2poll command: one clear line and a non-zero exit on every mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

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


def links_of(stdout: str) -> dict[str, str]:
    return {
        k: v.strip()
        for k, v in (line.split(":", 1) for line in stdout.splitlines() if ":  " in line)
    }


def test_session_new_builds_links_on_the_public_url(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    r = her2poll("session", "new", "--db", db, "--public-url", "https://poll.example.org/")
    assert r.returncode == 0, r.stderr
    lines = links_of(r.stdout)
    assert lines["Attendees"] == f"https://poll.example.org/j/{lines['Join code']}"
    assert lines["Moderator"].startswith("https://poll.example.org/m/")
    assert lines["Projector"].startswith("https://poll.example.org/s/")
    assert "Note:" not in r.stderr


def test_session_new_reads_the_public_url_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HER2POLL_PUBLIC_URL", "http://192.168.1.20:8080")
    r = her2poll("session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert links_of(r.stdout)["Attendees"].startswith("http://192.168.1.20:8080/j/")


def test_session_new_says_its_links_assume_port_5000_on_this_computer(tmp_path: Path) -> None:
    r = her2poll("session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert "assume 'her2poll serve' on http://127.0.0.1:5000" in r.stderr
    assert "--base-url or set HER2POLL_PUBLIC_URL" in r.stderr
    assert "phones cannot open a loopback address" in r.stderr


def test_session_new_on_a_lan_base_url_needs_no_note(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    r = her2poll("session", "new", "--db", db, "--base-url", "http://192.168.1.20:8080/")
    assert r.returncode == 0, r.stderr
    assert links_of(r.stdout)["Attendees"].startswith("http://192.168.1.20:8080/j/")
    assert r.stderr == ""


@pytest.mark.parametrize(
    ("args", "env", "says"),
    [
        (["--public-url", "poll.example.org"], None, "--public-url 'poll.example.org': it must"),
        (["--base-url", "http://x/?a=1"], None, "--base-url 'http://x/?a=1': it may not have"),
        ([], "ftp://poll.example.org", "HER2POLL_PUBLIC_URL 'ftp://poll.example.org': it must"),
        (["--public-url", "https://h.org/p"], None, "'https://h.org/p': it may not have a path"),
    ],
)
def test_a_bad_link_base_is_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: str | None,
    says: str,
) -> None:
    if env:
        monkeypatch.setenv("HER2POLL_PUBLIC_URL", env)
    r = her2poll("session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and says in r.stderr
    assert "Traceback" not in r.stderr


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """``serve`` up to the exec of gunicorn, which is recorded instead; no port is bound."""
    import her2poll.cli
    from her2poll.web import links

    seen: dict[str, Any] = {"lan": ["192.168.1.20"]}
    for name in ("HER2POLL_DB", "HER2POLL_PUBLIC_URL"):  # serve sets them for gunicorn
        monkeypatch.setenv(name, "restored after the test")
        monkeypatch.delenv(name)
    monkeypatch.setattr(
        her2poll.cli, "port_free", lambda port, host: seen.update(bound=host) or True
    )
    monkeypatch.setattr(links, "lan_addresses", lambda: seen["lan"])
    monkeypatch.setattr(her2poll.cli.os, "execv", lambda exe, argv: seen.update(argv=argv))
    return seen


def test_serve_lan_listens_everywhere_and_prints_what_phones_open(
    tmp_path: Path, served: dict[str, Any]
) -> None:
    r = her2poll("serve", "--lan", "--port", "5123", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert served["bound"] == "0.0.0.0"
    assert served["argv"][served["argv"].index("-b") + 1] == "0.0.0.0:5123"
    assert "Phones open:  http://192.168.1.20:5123\n" in r.stdout
    assert "moderator panel there too (http://192.168.1.20:5123/moderator)" in r.stdout
    assert "firewall" in r.stdout


def test_serve_on_0000_is_the_same_as_lan_and_lists_every_address(
    tmp_path: Path, served: dict[str, Any]
) -> None:
    served["lan"] = ["192.168.1.20", "10.8.0.3"]
    r = her2poll("serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert "Phones open:  http://192.168.1.20:5000\n" in r.stdout
    assert "\n              http://10.8.0.3:5000\n" in r.stdout
    assert "Several networks" in r.stdout


def test_serve_lan_says_when_no_network_address_is_found(
    tmp_path: Path, served: dict[str, Any]
) -> None:
    served["lan"] = []
    r = her2poll("serve", "--lan", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert "No network address found" in r.stdout and "Phones open" not in r.stdout


def test_serve_passes_the_public_url_to_gunicorn(tmp_path: Path, served: dict[str, Any]) -> None:
    import os

    args = ["--public-url", "https://poll.example.org/", "--db", f"sqlite:///{tmp_path / 'x.db'}"]
    r = her2poll("serve", *args)
    assert r.returncode == 0, r.stderr
    assert served["bound"] == "127.0.0.1"
    assert os.environ["HER2POLL_PUBLIC_URL"] == "https://poll.example.org"
    assert "Links and QR codes use https://poll.example.org" in r.stdout
    assert "Only this computer" not in r.stdout


def test_serve_on_loopback_says_phones_need_lan(tmp_path: Path, served: dict[str, Any]) -> None:
    r = her2poll("serve", "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("her2poll on http://127.0.0.1:5000  (moderator: ")
    assert "for phones, use 'her2poll serve --lan'" in r.stdout


def test_serve_lan_with_another_host_is_a_usage_error(served: dict[str, Any]) -> None:
    r = her2poll("serve", "--lan", "--host", "10.0.0.1")
    assert r.returncode == 2 and "--lan listens on 0.0.0.0" in r.stderr
    assert "argv" not in served


ALL_TYPES = ROOT / "examples" / "all-item-types.json"


def test_questions_check_passes_the_shipped_example_and_names_every_type() -> None:
    r = her2poll("questions", "check", str(ALL_TYPES))
    assert r.returncode == 0, r.stderr
    assert r.stdout == (
        "OK: Every item type: a HER2-positive mBC case discussion: 6 questions (CASE1 single, "
        "SCREEN multiple, LIKELY rating, SHARE numeric, BARRIER text, PRIORITY ranking)\n"
    )


def test_session_new_runs_the_shipped_example_as_the_file_says(tmp_path: Path) -> None:
    from her2poll.core.questions import load_question_set
    from her2poll.store.db import Database
    from her2poll.store.repository import SqlStore

    url = f"sqlite:///{tmp_path / 'x.db'}"
    r = her2poll("session", "new", "--questions", str(ALL_TYPES), "--db", url)
    assert r.returncode == 0, r.stderr
    code = next(line.split()[-1] for line in r.stdout.splitlines() if line.startswith("Join code"))
    assert "Every item type: a HER2-positive mBC case discussion" in r.stdout
    db = Database(url)
    try:
        state = SqlStore(db).session(code)
    finally:
        db.dispose()
    assert state.questions == load_question_set(ALL_TYPES)
    assert [p.question_id for p in state.polls] == state.questions.question_ids


# -- CME credit: retention, attendance, certificates ---------------------------------------


@pytest.fixture
def credited(tmp_path: Path) -> tuple[str, str]:
    """An identified session of testkit.cme: 8 learners, 6 identified, 3 meet the threshold.

    Returns (database URL, join code).
    """
    from her2poll.store.db import Database
    from testkit.cme import run_cme_activity

    url = f"sqlite:///{tmp_path / 'credit.db'}"
    db = Database(url)
    db.upgrade()
    code = run_cme_activity(db, "cli-key", learners=8).code
    db.dispose()
    return url, code


def _identities(url: str, code: str) -> list[Any]:
    from her2poll.services import credit
    from her2poll.store.db import Database

    db = Database(url)
    try:
        return [r.learner.identity for r in credit.report(db, code).records]
    finally:
        db.dispose()


def test_serve_purges_identities_past_the_retention_when_it_starts(
    credited: tuple[str, str], served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, code = credited
    monkeypatch.setenv("HER2POLL_IDENTITY_RETENTION_DAYS", "30")
    r = her2poll("serve", "--db", url)
    assert r.returncode == 0, r.stderr
    assert "Deleted" not in r.stdout and served["argv"][-1] == "her2poll.wsgi:app"
    assert sum(i is not None for i in _identities(url, code)) == 6  # given today: kept
    monkeypatch.setenv("HER2POLL_IDENTITY_RETENTION_DAYS", "0")
    r = her2poll("serve", "--db", url)
    assert r.returncode == 0, r.stderr
    assert "Deleted 6 learner identities older than 0 days (retention)." in r.stdout
    assert _identities(url, code) == [None] * 8


def test_identities_purge_takes_days_or_the_setting_and_says_how_many(
    credited: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, code = credited
    monkeypatch.delenv("HER2POLL_IDENTITY_RETENTION_DAYS", raising=False)
    r = her2poll("identities", "purge", "--db", url)
    assert r.returncode == 2 and "--days N, or set HER2POLL_IDENTITY_RETENTION_DAYS" in r.stderr
    r = her2poll("identities", "purge", "--days", "-1", "--db", url)
    assert r.returncode == 2 and "Invalid value for '--days'" in r.stderr
    r = her2poll("identities", "purge", "--days", "365", "--db", url)
    assert (r.returncode, r.stdout) == (0, "Deleted 0 identities older than 365 days.\n")
    monkeypatch.setenv("HER2POLL_IDENTITY_RETENTION_DAYS", "0")
    r = her2poll("identities", "purge", "--db", url)
    assert (r.returncode, r.stdout) == (0, "Deleted 6 identities older than 0 days.\n")
    assert _identities(url, code) == [None] * 8
    # the attendance and the PARS counts stay
    sheet = her2poll("credit", "attendance", code, "--db", url)
    assert sheet.stdout.count("physician") + sheet.stdout.count(",other,") == 6


def test_credit_attendance_writes_the_sheet_to_stdout_or_a_file(
    credited: tuple[str, str], tmp_path: Path
) -> None:
    import csv
    import io

    url, code = credited
    r = her2poll("credit", "attendance", code, "--db", url)
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout.lstrip("\ufeff"))))
    assert len(rows) == 8 and list(rows[0])[:3] == ["name", "email", "profession"]
    named = [row["name"] for row in rows if row["name"]]
    assert named == sorted(named) == [f"Dr Learner {i:02d}" for i in range(6)]
    out = tmp_path / "sheet.csv"
    assert her2poll("credit", "attendance", code, "-o", str(out), "--db", url).returncode == 0
    assert out.read_bytes().decode("utf-8-sig") == r.stdout.lstrip("\ufeff")
    missing = her2poll("credit", "attendance", "NOPE42", "--db", url)
    assert missing.returncode == 1 and missing.stderr.startswith("error: No session")


def test_credit_certificates_writes_one_pdf_per_eligible_learner_and_the_sheet(
    credited: tuple[str, str], tmp_path: Path
) -> None:
    import zipfile

    url, code = credited
    out = tmp_path / "certs.zip"
    r = her2poll("credit", "certificates", code, "-o", str(out), "--db", url)
    assert r.returncode == 0, r.stderr
    names = zipfile.ZipFile(out).namelist()
    pdfs = [n for n in names if n.endswith(".pdf")]
    assert "attendance.csv" in names and r.stderr == f"Wrote {len(pdfs)} certificates to {out}\n"
    # learners 0–2 answered the pre-test only (under the 50% threshold); 3–5 met it
    assert sorted(n.split("-")[2:5] for n in pdfs) == [
        ["Dr", "Learner", f"{i:02d}"] for i in range(3, 6)
    ]
    r = her2poll("credit", "certificates", code, "--db", url)
    assert r.returncode == 2 and "Missing option '-o'" in r.stderr


def test_credit_mode_sets_the_mode_and_the_threshold(credited: tuple[str, str]) -> None:
    url, code = credited
    r = her2poll("credit", "mode", code, "anonymous", "--threshold", "0.8", "--db", url)
    assert (r.returncode, r.stdout) == (0, f"{code}: anonymous, threshold 80%\n")
    r = her2poll("credit", "mode", code, "identified", "--threshold", "1.5", "--db", url)
    assert r.returncode == 2 and "Invalid value for '--threshold'" in r.stderr


def test_activities_made_before_accounts_are_listed_and_assigned_from_the_shell(
    tmp_path: Path,
) -> None:
    from her2poll.core.questions import load_question_set
    from her2poll.services import authoring
    from her2poll.store.db import Database
    from her2poll.store.repository import SqlStore

    url = f"sqlite:///{tmp_path / 'x.db'}"
    db = Database(url)
    db.upgrade()
    old = authoring.import_set(SqlStore(db), load_question_set(ROOT / "questions.json"))
    run = authoring.start(SqlStore(db), old.id).state.code
    listed = her2poll("activities", "list", "--db", url)
    assert listed.returncode == 0 and f"{old.id:>5}  nobody  {old.title}" in listed.stdout
    missing = her2poll("activities", "assign", str(old.id), "ann@example.org", "--db", url)
    assert missing.returncode == 1 and "No organiser ann@example.org" in missing.stderr
    added = her2poll(
        "user", "add", "ann@example.org", "--organisation", "Clinic A", "--password-stdin",
        "--db", url, input="a long password\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    done = her2poll("activities", "assign", str(old.id), "ann@example.org", "--db", url)
    assert done.returncode == 0, done.stderr
    assert "now belongs to ann@example.org (Clinic A), with 1 session(s)" in done.stdout
    assert "ann@example.org  Clinic A" in her2poll("activities", "list", "--db", url).stdout
    assert [s.code for s in SqlStore(db).list_sessions()] == [run]
    gone = her2poll("activities", "assign", "999", "ann@example.org", "--db", url)
    assert gone.returncode == 1 and gone.stderr.strip() == "error: No activity 999."
    db.dispose()


def _checkout_with_fake_pip(tmp_path: Path, pip: str) -> Path:
    """A copy of what scripts/setup.sh reads, with npm's files in place and a fake
    ``.venv/bin/python`` whose ``-m pip`` prints ``pip`` (a shell snippet's output)."""
    for name in ("scripts/setup.sh", "pyproject.toml", "requirements.lock"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text((ROOT / name).read_text())
    (tmp_path / "scripts" / "setup.sh").chmod(0o755)
    client = tmp_path / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
    client.parent.mkdir(parents=True)
    client.write_text("// the vendored client")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\n{pip}\n")
    python.chmod(0o755)
    return tmp_path


PIP_OUTPUT = """cat <<'OUT'
Obtaining file:///checkout
Collecting flask==3.1.1 (from her2poll==0.1.0)
  Using cached flask-3.1.1-py3-none-any.whl (103 kB)
Collecting scipy==1.17.1 (from her2poll==0.1.0)
  Downloading scipy-1.17.1-cp311-cp311-manylinux.whl (35.1 MB)
Processing /opt/wheels/argon2_cffi-25.1.0-py3-none-any.whl (from her2poll==0.1.0)
Installing collected packages: flask, scipy, argon2_cffi, her2poll
Successfully installed flask-3.1.1 her2poll-0.1.0 scipy-1.17.1
OUT"""


def test_setup_sh_shows_each_package_the_first_time_and_nothing_once_set_up(
    tmp_path: Path,
) -> None:
    checkout = _checkout_with_fake_pip(tmp_path, PIP_OUTPUT)
    setup = [str(checkout / "scripts" / "setup.sh")]
    first = subprocess.run(setup, capture_output=True, text=True, timeout=60, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines() == [
        "setup: installing Python packages…",
        "setup:   flask==3.1.1",
        "setup:   scipy==1.17.1",
        "setup:   argon2_cffi-25.1.0",
        "setup:   installing 4 packages into .venv…",
    ]
    assert "Successfully installed" in (checkout / ".venv" / "pip-install.log").read_text()
    again = subprocess.run(setup, capture_output=True, text=True, timeout=60, check=False)
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_setup_sh_shows_pips_whole_output_when_it_fails(tmp_path: Path) -> None:
    fails = "echo 'Collecting nosuch==1.0'; echo 'ERROR: No matching distribution' >&2; exit 1"
    checkout = _checkout_with_fake_pip(tmp_path, fails)
    r = subprocess.run([str(checkout / "scripts" / "setup.sh")], capture_output=True, text=True,
                       timeout=60, check=False)  # fmt: skip
    assert r.returncode == 1
    assert "setup:   nosuch==1.0" in r.stderr and "ERROR: No matching distribution" in r.stderr
    assert not (checkout / ".venv" / ".her2poll-installed").exists()  # tried again next time


@pytest.mark.skipif(not (ROOT / ".venv/bin/her2poll").exists(), reason="no .venv here")
def test_serve_sh_help_before_set_up_names_every_option_of_her2poll_serve(tmp_path: Path) -> None:
    from her2poll.cli import serve

    (tmp_path / "scripts").mkdir()
    script = tmp_path / "scripts" / "serve.sh"
    script.write_text((ROOT / "scripts" / "serve.sh").read_text())
    script.chmod(0o755)
    r = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=10)
    options = {o for p in serve.params for o in p.opts if o.startswith("--") and o != "--help"}
    assert options == {"--host", "--lan", "--port", "--public-url", "--db"}
    assert all(f"  {o} " in r.stdout for o in options), r.stdout
