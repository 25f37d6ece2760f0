"""The ``her2poll`` command run in-process, with what a person at a shell would see.

:func:`her2poll` goes through :func:`her2poll.cli.main`, the console script's entry
point, so the one-line errors and exit codes are the real ones; click's
``CliRunner`` captures stdout and stderr. No subprocess: no interpreter start and
no scipy import per command.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ran:
    """The outcome of one command, named like :class:`subprocess.CompletedProcess`."""

    returncode: int
    stdout: str
    stderr: str


def her2poll(*args: str, cwd: Path | None = None, input: str | None = None) -> Ran:
    """Run ``her2poll ARGS`` in this process (in ``cwd`` if given) and capture its output.

    :param input: what the command reads from standard input (a password, say).
    """
    from click.testing import CliRunner

    from her2poll.cli import main

    with contextlib.chdir(cwd or Path.cwd()), CliRunner().isolation(input=input) as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else int(e.code is not None)
    return Ran(code, out.getvalue().decode(), err.getvalue().decode())
