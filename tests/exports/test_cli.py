"""'her2poll export' and 'her2poll import' as a person runs them: files, one-line errors."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from her2poll.core.questions import QuestionSet
from her2poll.store.db import Database
from testkit.cli import her2poll
from tests.exports.all_types import run_all_types
from tests.exports.conftest import add_qa, vote_session


def one_line_error(r: object, text: str) -> None:
    assert r.returncode == 1, r.stderr  # type: ignore[attr-defined]
    assert r.stderr.startswith("error: ") and r.stderr.strip().count("\n") == 0  # type: ignore[attr-defined]
    assert text in r.stderr and "Traceback" not in r.stderr  # type: ignore[attr-defined]


@pytest.mark.parametrize("with_qa", [False, True], ids=["polls", "polls-and-qa"])
def test_export_import_export_round_trips_through_files(
    sqlite_db: Database, questions: QuestionSet, tmp_path: Path, with_qa: bool
) -> None:
    v = vote_session(sqlite_db, questions)
    if with_qa:
        add_qa(sqlite_db, v.session_id)
    url, fresh = str(sqlite_db.url), f"sqlite:///{tmp_path / 'fresh.db'}"
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    r = her2poll("export", v.code, "--format", "json", "-o", str(first), "--db", url)
    assert r.returncode == 0, r.stderr
    r = her2poll("import", str(first), "--db", fresh)
    assert r.returncode == 0, r.stderr
    assert f"Join code:  {v.code}" in r.stdout and "Moderator key: " in r.stdout
    assert her2poll("export", v.code, "--format", "json", "-o", str(second), "--db", fresh)
    assert second.read_bytes() == first.read_bytes()
    one_line_error(her2poll("import", str(first), "--db", fresh), "--new-code")
    r = her2poll("import", str(first), "--new-code", "--db", fresh)
    assert r.returncode == 0 and f"Join code:  {v.code}" not in r.stdout


def test_export_writes_each_format_with_a_default_name(
    sqlite_db: Database, questions: QuestionSet, tmp_path: Path
) -> None:
    v = vote_session(sqlite_db, questions)
    for fmt in ("csv", "xlsx", "pdf"):
        r = her2poll("export", v.code, "--format", fmt, "--db", str(sqlite_db.url), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "Exporting" not in r.stderr  # no progress bar when stderr is not a terminal
    names = sorted(p.name for p in tmp_path.glob("her2poll-*"))
    assert [n.split(".", 1)[1] for n in names] == ["csv.zip", "pdf", "xlsx"]
    with zipfile.ZipFile(next(tmp_path.glob("*.csv.zip"))) as zf:
        assert sorted(zf.namelist()) == [
            "commitments.csv", "qa.csv", "questions.csv", "responses.csv", "results.csv",
            "summary.csv", "votes.csv",
        ]  # fmt: skip


def test_export_to_stdout(sqlite_db: Database, questions: QuestionSet) -> None:
    v = vote_session(sqlite_db, questions)
    r = her2poll("export", v.code, "--format", "json", "-o", "-", "--db", str(sqlite_db.url))
    assert json.load(io.StringIO(r.stdout))["session"]["code"] == v.code


def test_mistakes_are_one_clear_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    one_line_error(her2poll("export", "NOPE99", "--db", url), "No session with code 'NOPE99'")
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "her2poll-export", "version": 9}')
    one_line_error(her2poll("import", str(bad), "--db", url), "version 9 is not supported")
    bad.write_text("not json")
    one_line_error(her2poll("import", str(bad), "--db", url), "not valid JSON")
    r = her2poll("export", "X", "--format", "docx", "--db", url)
    assert r.returncode == 2 and "Invalid value for '--format'" in r.stderr
    r = her2poll("import", str(tmp_path / "missing.json"), "--db", url)
    assert r.returncode == 2 and "No such file" in r.stderr


@pytest.mark.parametrize(
    ("fmt", "name", "says"),
    [
        ("csv", "out.csv", "the CSV export is a zip of responses.csv, votes.csv, summary.csv"),
        ("pdf", "out.xlsx", "--format pdf writes PDF, not a .xlsx file: name it"),
        ("xlsx", "out.json", "or pass --format json"),
        ("json", "out.txt", "name it"),
    ],
)
def test_export_refuses_a_file_name_that_says_another_format(
    sqlite_db: Database, questions: QuestionSet, tmp_path: Path, fmt: str, name: str, says: str
) -> None:
    v = vote_session(sqlite_db, questions)
    out = tmp_path / name
    r = her2poll("export", v.code, "--format", fmt, "-o", str(out), "--db", str(sqlite_db.url))
    assert r.returncode == 1 and r.stderr.strip().count("\n") == 0, r.stderr
    assert says in r.stderr and "Traceback" not in r.stderr
    assert not out.exists() and not list(tmp_path.glob("out*"))


def test_the_csv_refusal_names_the_zip_to_write_instead(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'never.db'}"
    r = her2poll("export", "X", "--format", "csv", "-o", "out.csv", "--db", url, cwd=tmp_path)
    assert "name it out.zip (or -o out.csv.zip)" in r.stderr
    assert not (tmp_path / "never.db").exists(), "refused before the database is opened"


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("csv", "out.zip"),
        ("csv", "out.CSV.ZIP"),
        ("xlsx", "out.xlsx"),
        ("pdf", "out"),
        ("json", "-"),
    ],
)
def test_export_takes_a_matching_name_no_extension_or_stdout(
    sqlite_db: Database, questions: QuestionSet, tmp_path: Path, fmt: str, name: str
) -> None:
    v = vote_session(sqlite_db, questions)
    r = her2poll(
        "export", v.code, "--format", fmt, "-o", name, "--db", str(sqlite_db.url), cwd=tmp_path
    )
    assert r.returncode == 0, r.stderr
    assert name == "-" or (tmp_path / name).stat().st_size > 0


def test_every_item_type_round_trips_through_the_command_line(
    sqlite_db: Database, tmp_path: Path
) -> None:
    s = run_all_types(sqlite_db)
    url, fresh = str(sqlite_db.url), f"sqlite:///{tmp_path / 'fresh.db'}"
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert her2poll("export", s.code, "--format", "json", "-o", str(first), "--db", url)
    r = her2poll("import", str(first), "--db", fresh)
    assert r.returncode == 0, r.stderr
    assert "6 participants, 32 answers, 33 votes" in r.stdout
    assert her2poll("export", s.code, "--format", "json", "-o", str(second), "--db", fresh)
    assert second.read_bytes() == first.read_bytes()
    zipped = tmp_path / "again.zip"
    r = her2poll("export", s.code, "--format", "csv", "-o", str(zipped), "--db", fresh)
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(zipped) as zf:
        responses = zf.read("responses.csv").decode("utf-8-sig")
    assert "1. Quality of life; 2. Progression-free survival; 3. Activity in the brain" in responses
    assert ",stupid rules,stupid rules,,,true," in responses  # still hidden after the import


#: Runs ``her2poll ARGS`` as the console script does, then prints which heavy packages
#: the command imported.
_WRAPPER = """
import json, sys
from her2poll.cli import main
try:
    main(sys.argv[1:])
except SystemExit as e:
    if e.code:
        raise
heavy = ("scipy", "statsmodels", "pandas", "flask", "alembic")
print(json.dumps(sorted(m for m in heavy if m in sys.modules)))
"""


def _fresh_python(cwd: Path, code: str, *args: str, env: dict[str, str] | None = None) -> str:
    """What ``python -c CODE ARGS`` printed, in a fresh interpreter (so nothing a test
    imported before counts); it must succeed. Its last line is the JSON the code printed."""
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, timeout=120, cwd=cwd, env=env, check=False,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return r.stdout


def _last_json(printed: str) -> list[str]:
    return json.loads(printed.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "pdf"])
def test_exporting_a_session_with_no_answers_imports_no_statistics(
    tmp_path: Path, questions: QuestionSet, fmt: str
) -> None:
    """scipy and statsmodels (with pandas) take about a second to import: an export
    with nothing to test must not wait for them, nor for Flask or alembic."""
    from her2poll.core.access import Secrets
    from her2poll.store.sessions import create_session

    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    db.upgrade()
    code = create_session(db, questions, Secrets.new()).code
    db.dispose()
    out = tmp_path / f"out.{'csv.zip' if fmt == 'csv' else fmt}"
    args = ["export", code, "--format", fmt, "-o", str(out), "--db", str(db.url)]
    printed = _fresh_python(tmp_path, _WRAPPER, *args)
    assert out.stat().st_size > 0
    assert _last_json(printed) == []


def test_creating_a_session_imports_no_statistics(tmp_path: Path) -> None:
    """'session new' builds the app (Flask, the database's migrations) but not the
    outcomes report's statistics: a second of scipy and statsmodels for nothing."""
    printed = _fresh_python(
        tmp_path, _WRAPPER, "session", "new", "--db", f"sqlite:///{tmp_path / 'x.db'}"
    )
    assert "Join code:" in printed
    assert not {"scipy", "statsmodels", "pandas"} & set(_last_json(printed))


def test_the_server_loads_the_statistics_before_it_listens(tmp_path: Path) -> None:
    """The other side of the lazy imports: gunicorn's app module loads scipy and statsmodels
    at start-up. Loaded inside the first live tally instead, the import held the worker
    for seconds while every socket waited (a 5,000-vote burst: 1.0 s → 5.05 s)."""
    import os

    probe = "import json, sys, her2poll.wsgi; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "HER2POLL_DB": f"sqlite:///{tmp_path / 'x.db'}",
           "HER2POLL_INSTANCE": str(tmp_path)}  # fmt: skip
    loaded = set(_last_json(_fresh_python(tmp_path, probe, env=env)))
    assert {"scipy.stats", "statsmodels.stats.proportion"} <= loaded
