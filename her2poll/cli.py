"""The ``her2poll`` command: serve, create and list sessions, and more.

Every command fails with one clear line on stderr and a non-zero exit, never
a traceback: wrong flags are click's usage errors, domain errors (a missing
question file, an unreachable database) are caught in :func:`main`.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .core.errors import Her2pollError


def _app(db: str | None) -> Any:
    from . import create_app

    return create_app({"database_url": db} if db else None)


db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    envvar="HER2POLL_DB",
    help="Database URL (default: SQLite in ./instance; env HER2POLL_DB).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """her2poll: live audience polls for CME sessions."""


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port`` (also used by the benchmark)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@db_option
def serve(host: str, port: int, db: str | None) -> None:
    """Serve her2poll with gunicorn's gevent worker (one process)."""
    if db:
        os.environ["HER2POLL_DB"] = db
    from .store.db import get_db

    get_db(_app(db)).dispose()  # migrate now; fail early and clearly
    if not port_free(port, host):
        raise click.ClickException(f"port {port} on {host} is already in use")
    click.echo(f"her2poll on http://{host}:{port}  (moderator: http://{host}:{port}/moderator)")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "-k",
        "gevent",
        "-w",
        "1",
        "--worker-connections",
        "10000",
        "-b",
        f"{host}:{port}",
        "--graceful-timeout",
        "5",
        "--no-control-socket",
        # A worker busy with a burst of thousands of votes must not be taken for hung.
        "--timeout",
        "120",
        "her2poll.wsgi:app",
    ]
    os.execv(sys.executable, argv)


@cli.group()
def session() -> None:
    """Create sessions."""


@session.command("new")
@click.option(
    "--questions",
    "questions_file",
    type=click.Path(dir_okay=False),
    help="Question-set JSON (default: questions.json).",
)
@click.option("--title", help="Session title (default: the question set's title).")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the server is reached, for the printed links.",
)
@db_option
def session_new(
    questions_file: str | None, title: str | None, base_url: str, db: str | None
) -> None:
    """Create a session and print its join code and links (the secret is shown once)."""
    from .core.questions import load_question_set
    from .services import sessions
    from .store.db import get_db
    from .store.repository import SqlStore
    from .web import links

    app = _app(db)
    qs = load_question_set(questions_file or app.config["HER2POLL"].questions_path)
    new = sessions.create(SqlStore(get_db(app)), qs, title)
    with app.test_request_context(base_url=base_url):
        click.echo(f"Session:    {new.state.title}")
        click.echo(f"Join code:  {new.state.code}")
        click.echo(f"Attendees:  {links.attendee_url(new.state.code)}")
        click.echo(f"Moderator:  {links.moderator_url(new.state.code, new.moderator_secret)}")
        click.echo(f"Projector:  {links.screen_url(new.state.code, new.screen_token)}")
    click.echo("Keep the moderator link secret: it is shown only this once.")


@cli.command("sessions")
@db_option
def list_sessions(db: str | None) -> None:
    """List sessions, newest first."""
    # The store itself, not services.sessions: that imports the statistics (scipy, ~1 s).
    from .store.repository import SqlStore

    rows = SqlStore(_db(db)).list_sessions()
    if not rows:
        click.echo("No sessions yet: create one with 'her2poll session new'.")
    for s in rows:
        click.echo(
            f"{s.code}  {s.created_at[:16]}  {s.participants:>5} joined  "
            f"{s.answers:>6} answers  {s.title}"
        )


questions_option = click.option(
    "--questions",
    "questions_file",
    type=click.Path(dir_okay=False),
    help="Question-set JSON (default: questions.json).",
)


def _question_set(questions_file: str | None) -> Any:
    from .config import DEFAULT_QUESTIONS
    from .core.questions import load_question_set

    return load_question_set(questions_file or DEFAULT_QUESTIONS)


@cli.command()
@questions_option
@click.option(
    "--max-n",
    type=click.IntRange(1, 1000),
    help="Largest respondent count to try (default: the set's footnote N).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def published(questions_file: str | None, max_n: int | None, as_json: bool) -> None:
    """Reconstruct the published counts behind each question's printed percentages."""
    import json

    from .core.published import render_reconstructions
    from .core.results import reconstructions

    result = reconstructions(_question_set(questions_file), max_n)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_reconstructions(result), nl=False)


@cli.group()
def questions() -> None:
    """Check question sets and print their JSON Schema."""


@questions.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def questions_check(file: str) -> None:
    """Validate a question-set file; errors name the question and field."""
    qs = _question_set(file)
    click.echo(f"OK: {qs.title}: {len(qs.questions)} questions ({', '.join(qs.question_ids)})")


@questions.command("schema")
def questions_schema() -> None:
    """Print the JSON Schema of the question-set format."""
    import json

    from .core.questions import json_schema

    click.echo(json.dumps(json_schema(), indent=2))


def _db(db: str | None) -> Any:
    """The database alone, migrated: exports and imports need no web app."""
    from .config import Settings
    from .store.db import Database

    database = Database(db or Settings().database_url)
    database.upgrade()
    return database


@cli.command("export")
@click.argument("code")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "json", "pdf"]),
    default="xlsx",
    show_default=True,
    help="csv is a zip of responses.csv and summary.csv.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write ('-' for stdout; default: her2poll-<code>-<date>.<ext> here).",
)
@db_option
def export(code: str, fmt: str, output: str | None, db: str | None) -> None:
    """Export a session's results and answers (read in one consistent snapshot)."""
    from .services import exports

    spec = exports.check_format(fmt)
    _check_output_name(spec.name, spec.extension, output)
    database = _db(db)
    with _progress(spec.rows, database, code) as on_rows:
        download = exports.export(database, code, fmt, on_rows)
        target = output or download.filename
        with click.open_file(target, "wb", atomic=target != "-") as out:
            for chunk in download.chunks:
                out.write(chunk)
    if target != "-":
        click.echo(f"Wrote {target}", err=True)


#: Which format a file name's extension says, to suggest the right ``--format``.
_FORMAT_OF_SUFFIX = {".zip": "csv", ".xlsx": "xlsx", ".json": "json", ".pdf": "pdf"}


def _check_output_name(fmt: str, extension: str, output: str | None) -> None:
    """Refuse a file name whose extension says another kind of file than ``fmt`` writes.

    No name, ``-`` (stdout) and a name without an extension pass; ``.zip`` is
    enough for the CSV export, which is a zip.
    """
    if output is None or output == "-":
        return
    suffix = Path(output).suffix.lower()
    if not suffix or output.lower().endswith(f".{extension}") or (fmt, suffix) == ("csv", ".zip"):
        return
    stem = output[: -len(suffix)]
    if fmt == "csv":
        raise click.ClickException(
            "the CSV export is a zip of responses.csv, summary.csv and qa.csv: "
            f"name it {stem}.zip (or -o {output}.zip)"
        )
    other = _FORMAT_OF_SUFFIX.get(suffix)
    hint = f", or pass --format {other}" if other else ""
    raise click.ClickException(
        f"--format {fmt} writes {fmt.upper()}, not a {suffix} file: "
        f"name it {stem}.{extension}{hint}"
    )


@contextmanager
def _progress(rows: Any, database: Any, code: str) -> Iterator[Any]:
    """A progress bar on stderr, only for a person at a terminal and a large export."""
    from .store.export import snapshot

    if not sys.stderr.isatty():
        yield None
        return
    with snapshot(database, code) as snap:
        total = rows(snap.counts)
    if total < 5000:
        yield None
        return
    with click.progressbar(length=total, label="Exporting", file=sys.stderr) as bar:
        yield bar.update


@cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--new-code", is_flag=True, help="Take a new join code if the exported one is taken.")
@db_option
def import_(file: Any, new_code: bool, db: str | None) -> None:
    """Import a JSON export as a new session; prints its new moderator key once."""
    from .exports.json_export import load_document
    from .services import exports

    data = load_document(file)
    new = exports.restore(_db(db), data, new_code=new_code)
    click.echo(f"Imported:   {new.state.title}")
    click.echo(f"Join code:  {new.state.code}")
    click.echo(
        f"Contents:   {len(data.participants)} participants, {len(data.responses)} answers, "
        f"{len(data.votes)} votes, {len(data.qa_questions)} audience questions"
    )
    click.echo(f"Moderator key: {new.moderator_secret}")
    click.echo("Keep the moderator key secret: it is shown only this once.")


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn domain errors into one line and exit 1."""
    try:
        cli.main(args=argv, prog_name="her2poll", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except Her2pollError as e:
        click.echo(f"error: {e.message}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
