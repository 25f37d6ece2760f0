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


def _url_option(name: str) -> Any:
    """A click callback checking a link base; its one-line error names where the value came from."""

    def check(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        from .config import SettingError, check_public_url

        if not value:
            return None
        from_env = (
            ctx.get_parameter_source(param.name or "") is click.core.ParameterSource.ENVIRONMENT
        )
        try:
            return check_public_url(value, "HER2POLL_PUBLIC_URL" if from_env else name)
        except SettingError as e:
            raise click.ClickException(e.message) from None

    return check


public_url_option = click.option(
    "--public-url",
    metavar="URL",
    envvar="HER2POLL_PUBLIC_URL",
    callback=_url_option("--public-url"),
    help="Base of every link and QR code, e.g. https://poll.example.org "
    "(default: the address the page was opened at; env HER2POLL_PUBLIC_URL).",
)


def serve_banner(host: str, port: int, public_url: str | None, lan: list[str] | None) -> list[str]:
    """What ``serve`` prints: where to open it and, on a network, what phones open.

    :param lan: this machine's network addresses when serving on every interface, else None.
    """
    if lan is None:
        local = f"http://{host}:{port}"
        lines = [f"her2poll on {local}  (moderator: {local}/moderator)"]
        if not public_url and host.startswith("127."):
            lines.append("Only this computer can open it: for phones, use 'her2poll serve --lan'.")
    else:
        lines = [f"her2poll on every network interface ({host}), port {port}."]
        urls = [f"http://{a}:{port}" for a in lan]
        for i, url in enumerate(urls):
            lines.append(f"{'Phones open:' if i == 0 else '':<14}{url}")
        if len(urls) > 1:
            lines.append("Several networks: use the address of the one the phones are on.")
        if urls:
            lines.append(
                f"Open the moderator panel there too ({urls[0]}/moderator), so that its join "
                "link and QR code point there."
            )
            lines.append(
                f"Phones time out? Allow incoming TCP port {port} in this computer's firewall."
            )
        else:
            lines.append(
                "No network address found: this computer is on no network. Join the venue "
                "Wi-Fi or a phone's hotspot and start again, or set HER2POLL_PUBLIC_URL."
            )
    if public_url:
        lines.append(f"Links and QR codes use {public_url} (HER2POLL_PUBLIC_URL).")
    return lines


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; 0.0.0.0 is every interface (as --lan).",
)
@click.option(
    "--lan",
    is_flag=True,
    help="Listen on every interface (0.0.0.0) and print the URLs phones on this network open.",
)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@public_url_option
@db_option
@click.pass_context
def serve(
    ctx: click.Context, host: str, lan: bool, port: int, public_url: str | None, db: str | None
) -> None:
    """Serve her2poll with gunicorn's gevent worker (one process)."""
    if lan and ctx.get_parameter_source("host") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--lan listens on 0.0.0.0: leave out --host, or use --host alone.")
    host = "0.0.0.0" if lan else host
    if db:
        os.environ["HER2POLL_DB"] = db
    if public_url:
        os.environ["HER2POLL_PUBLIC_URL"] = public_url  # for gunicorn's worker
    from .store.db import get_db
    from .web import links

    app = _app(db)
    get_db(app).dispose()  # migrate now; fail early and clearly
    _purge_on_start(app)
    if not port_free(port, host):
        raise click.ClickException(f"port {port} on {host} is already in use")
    every = host in ("0.0.0.0", "::")
    lan_found = links.lan_addresses() if every else None
    for line in serve_banner(host, port, app.config["HER2POLL"].public_url, lan_found):
        click.echo(line)
    from .services.accounts import has_organisers

    if not has_organisers(get_db(app)):
        click.echo(FIRST_USER_HINT)
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


FIRST_USER_HINT = (
    "No organiser account yet: in another shell, run\n"
    "    .venv/bin/her2poll user add you@example.org\n"
    "then sign in at /login to create sessions."
)


@cli.group()
def user() -> None:
    """Organiser accounts (who signs in to create and list sessions)."""


@user.command("add")
@click.argument("email")
@click.option(
    "--organisation",
    help="The organisation the organiser belongs to (created if new; default: Default).",
)
@click.option("--name", default="", help="The organiser's name, as the pages show it.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input (one line)."
)
@click.option(
    "--sso-only", is_flag=True, help="No password: the organiser signs in only by single sign-on."
)
@db_option
def user_add(
    email: str,
    organisation: str | None,
    name: str,
    password_stdin: bool,
    sso_only: bool,
    db: str | None,
) -> None:
    """Add an organiser; asks for the password twice unless --password-stdin or --sso-only."""
    from .services import accounts

    if password_stdin and sso_only:
        raise click.UsageError("--password-stdin and --sso-only exclude each other.")
    password: str | None = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif not sso_only:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    added = accounts.add_user(_db(db), email, password, organisation, name)
    click.echo(f"Added organiser {added.email} ({added.organisation}).")


@user.command("list")
@db_option
def user_list(db: str | None) -> None:
    """List organisers and their organisations."""
    from .services import accounts

    people = accounts.users(_db(db))
    if not people:
        click.echo("No organisers yet: add one with 'her2poll user add EMAIL'.")
    for u in people:
        kind = "password" if u.has_password else "single sign-on"
        click.echo(f"{u.email}  {u.organisation}  ({kind})")


def _purge_on_start(app: Any) -> None:
    """The retention setting's purge, run by every ``serve`` (and by cron with the CLI)."""
    days = app.config["HER2POLL"].identity_retention_days
    if days is None:
        return
    from .services import credit
    from .store.db import get_db

    purged = credit.purge(get_db(app), days)
    if purged:
        click.echo(f"Deleted {purged} learner identities older than {days} days (retention).")


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
    callback=_url_option("--base-url"),
    help="Where the server is reached, for the printed links (unless --public-url is set).",
)
@click.option(
    "--owner",
    metavar="EMAIL",
    help="The organiser whose sessions list shows it (default: none, listed by the CLI only).",
)
@public_url_option
@db_option
@click.pass_context
def session_new(
    ctx: click.Context,
    questions_file: str | None,
    title: str | None,
    base_url: str,
    owner: str | None,
    public_url: str | None,
    db: str | None,
) -> None:
    """Create a session and print its join code and links (the secret is shown once)."""
    from . import create_app
    from .core.questions import load_question_set
    from .services import sessions
    from .store.db import get_db
    from .store.repository import SqlStore
    from .web import links

    app = create_app({k: v for k, v in {"database_url": db, "public_url": public_url}.items() if v})
    qs = load_question_set(questions_file or app.config["HER2POLL"].questions_path)
    organiser = None
    if owner:
        from .core.accounts import AccountError, normalize_email
        from .store.accounts import user_by_email

        organiser = user_by_email(get_db(app), normalize_email(owner))
        if organiser is None:
            raise AccountError(f"No organiser {owner}: add one with 'her2poll user add'.")
    new = sessions.create(SqlStore(get_db(app)), qs, title, organiser)
    with app.test_request_context(base_url=base_url):
        attendee = links.attendee_url(new.state.code)
        click.echo(f"Session:    {new.state.title}")
        click.echo(f"Join code:  {new.state.code}")
        click.echo(f"Attendees:  {attendee}")
        click.echo(f"Moderator:  {links.moderator_url(new.state.code, new.moderator_secret)}")
        click.echo(f"Projector:  {links.screen_url(new.state.code, new.screen_token)}")
    click.echo("Keep the moderator link secret: it is shown only this once.")
    default_base = ctx.get_parameter_source("base_url") is click.core.ParameterSource.DEFAULT
    if not app.config["HER2POLL"].public_url and default_base:
        click.echo(
            f"Note: these links assume 'her2poll serve' on {base_url} (its default port); "
            "for another port or host pass --base-url or set HER2POLL_PUBLIC_URL.",
            err=True,
        )
    if links.is_loopback(attendee):
        click.echo(
            "Note: phones cannot open a loopback address: use the URL 'her2poll serve --lan' "
            "prints as --base-url, or set HER2POLL_PUBLIC_URL.",
            err=True,
        )


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


@cli.group()
def activities() -> None:
    """Activities and who they belong to."""


@activities.command("list")
@db_option
def activities_list(db: str | None) -> None:
    """List every activity with its owner and organisation ("nobody": made before accounts)."""
    from .store.activities import owners

    rows = owners(_db(db))
    if not rows:
        click.echo("No activities yet: organisers author them at /moderator.")
    for activity_id, title, email, organisation in rows:
        who = f"{email or '(no owner)'}  {organisation}" if organisation else "nobody"
        click.echo(f"{activity_id:>5}  {who}  {title}")


@activities.command("assign")
@click.argument("activity_id", type=int)
@click.argument("email")
@db_option
def activities_assign(activity_id: int, email: str, db: str | None) -> None:
    """Give an activity (and its sessions that have no owner) to an organiser."""
    from .core.accounts import AccountError, normalize_email
    from .store.accounts import assign_activity, user_by_email

    database = _db(db)
    owner = user_by_email(database, normalize_email(email))
    if owner is None:
        raise AccountError(f"No organiser {email}: add one with 'her2poll user add'.")
    moved = assign_activity(database, activity_id, owner)
    click.echo(
        f"Activity {activity_id} now belongs to {owner.email} ({owner.organisation}), "
        f"with {moved} session(s) that had no owner."
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
    """Validate a question-set file; errors name the question and field.

    The answer lists each item with its type, so an author sees what a session will ask.
    """
    qs = _question_set(file)
    items = ", ".join(f"{q.id} {q.type}" for q in qs.questions)
    click.echo(f"OK: {qs.title}: {len(qs.questions)} questions ({items})")


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
    help="csv is a zip of responses, votes, summary, results, questions and qa CSV files.",
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
            "the CSV export is a zip of responses.csv, votes.csv, summary.csv, results.csv, "
            "questions.csv and qa.csv: "
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


@cli.command("report")
@click.argument("code")
@click.option(
    "--kind",
    type=click.Choice(["outcomes"]),
    default="outcomes",
    show_default=True,
    help="Which report: outcomes is the CME report by Moore's level.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pdf", "json", "xlsx"]),
    help="File type (default: from the -o file's extension, else pdf).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write.")
@click.option(
    "--design",
    type=click.Choice(["auto", "matched", "unmatched"]),
    default="auto",
    show_default=True,
    help="Matched (paired) or unmatched tests; auto follows the rule in the report's Methods.",
)
@click.option("--bowker", is_flag=True, help="Add Bowker's test of symmetry (k-point items).")
@db_option
def report(
    code: str, kind: str, fmt: str | None, output: str | None, design: str, bowker: bool,
    db: str | None,
) -> None:  # fmt: skip
    """Write a session's CME outcomes report (PDF, JSON or XLSX: the same numbers)."""
    from .services import outcomes

    suffix = Path(output).suffix.lower().lstrip(".") if output else ""
    fmt = fmt or (suffix if suffix in outcomes.KINDS else "pdf")
    if output and suffix and suffix != fmt:
        raise click.ClickException(f"--format {fmt} does not write a .{suffix} file")
    found = outcomes.outcomes_file(_db(db), code, fmt, outcomes.design_of(design), bowker)
    target = output or found.filename
    Path(target).write_bytes(found.data)
    click.echo(f"Wrote {target}", err=True)


@cli.group()
def identities() -> None:
    """Learners' identities for CME credit (identified sessions)."""


@identities.command("purge")
@click.option(
    "--days",
    type=click.IntRange(0),
    help="Delete identities given more than this many days ago "
    "(default: HER2POLL_IDENTITY_RETENTION_DAYS; 0 deletes all now).",
)
@db_option
def identities_purge(days: int | None, db: str | None) -> None:
    """Delete learners' names, e-mails and licence IDs; answers and attendance stay."""
    from .config import load_settings
    from .services import credit

    if days is None:
        days = load_settings().identity_retention_days
    if days is None:
        raise click.UsageError(
            "say how long identities are kept: --days N, or set HER2POLL_IDENTITY_RETENTION_DAYS"
        )
    purged = credit.purge(_db(db), days)
    click.echo(f"Deleted {purged} identit{'y' if purged == 1 else 'ies'} older than {days} days.")


@cli.group("credit")
def credit_group() -> None:
    """A session's CME credit: identity mode, attendance, certificates."""


@credit_group.command("mode")
@click.argument("code")
@click.argument("mode", type=click.Choice(["anonymous", "identified"]))
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    help="Share of the items asked a learner must answer (default 0.75).",
)
@db_option
def credit_mode(code: str, mode: str, threshold: float | None, db: str | None) -> None:
    """Make a session anonymous or identified for credit."""
    from .services import credit

    settings = credit.set_mode(_db(db), code, mode, threshold)
    click.echo(f"{code}: {settings.mode.value}, threshold {settings.threshold:.0%}")


#: Where a CSV of the credit commands goes: a file, or stdout by default.
csv_output = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="CSV file to write (default: stdout).",
)


def _write(output: str, data: bytes) -> None:
    """Write ``data`` to the file ``output`` whole (a crash leaves no half file), or stdout."""
    with click.open_file(output, "wb", atomic=output != "-") as out:
        out.write(data)


@credit_group.command("attendance")
@click.argument("code")
@csv_output
@db_option
def credit_attendance(code: str, output: str, db: str | None) -> None:
    """Write every learner's attendance record as CSV."""
    from .exports.credit_files import attendance_csv
    from .services import credit

    data = attendance_csv(credit.report(_db(db), code))
    _write(output, data)


@credit_group.command("certificates")
@click.argument("code")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="Zip file to write."
)
@db_option
def credit_certificates(code: str, output: str, db: str | None) -> None:
    """Write every eligible learner's certificate (and the attendance sheet) as a zip."""
    from .exports.credit_files import certificates_zip
    from .services import credit

    data, count = certificates_zip(credit.report(_db(db), code))
    Path(output).write_bytes(data)
    click.echo(f"Wrote {count} certificate{'' if count == 1 else 's'} to {output}", err=True)


@credit_group.command("follow-up")
@click.argument("code")
@csv_output
@db_option
def credit_follow_up(code: str, output: str, db: str | None) -> None:
    """Write who committed to which change (name, statement, intent), for the follow-up."""
    from .services import credit

    data = credit.follow_up(_db(db), code)
    _write(output, data)


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
