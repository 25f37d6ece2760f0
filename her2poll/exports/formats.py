"""The export formats by name: file name, media type, and how to produce the bytes.

Web and command line both go through :func:`export_chunks`, so an HTTP download
and ``her2poll export`` give the same file. CSV and JSON are generated as they
stream; XLSX and PDF are assembled in a spooled temporary file (a zip container
and a PDF cross-reference need their whole body first) and then streamed.
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from ..store.db import Database
from ..store.export import Counts, SessionSnapshot, snapshot

CHUNK = 64 * 1024
#: Kept in memory up to this size, then on disk.
SPOOL_MAX = 8 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    """One export format.

    :param rows: the rows a format streams, for a progress bar's total.
    """

    name: str
    extension: str
    mimetype: str
    chunks: Callable[[SessionSnapshot], Iterator[bytes]]
    rows: Callable[[Counts], int]


def _lazy(module: str, name: str) -> Callable[..., Any]:
    """``module.name``, imported on first call: the writers pull in reportlab, openpyxl and
    scipy, which a ``--help`` or a JSON export should not wait for."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module, __package__), name)(*args, **kwargs)

    return call


def _spooled(write: Callable[[SessionSnapshot, IO[bytes]], None]) -> Callable:  # type: ignore[type-arg]
    def chunks(snap: SessionSnapshot) -> Iterator[bytes]:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX) as f:
            write(snap, f)
            f.seek(0)
            while data := f.read(CHUNK):
                yield data

    return chunks


FORMATS: dict[str, Format] = {
    "csv": Format(
        "csv",
        "csv.zip",
        "application/zip",
        _lazy(".csv_export", "iter_csv_zip"),
        lambda c: c.answers + c.votes + c.qa_questions,
    ),
    "xlsx": Format(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _spooled(_lazy(".xlsx_export", "write_xlsx")),
        lambda c: c.answers + c.qa_questions,
    ),
    "json": Format(
        "json",
        "json",
        "application/json",
        _lazy(".json_export", "iter_json"),
        lambda c: c.participants + c.answers + c.votes + c.qa_questions,
    ),
    "pdf": Format(
        "pdf", "pdf", "application/pdf", _spooled(_lazy(".pdf_report", "write_pdf")), lambda c: 0
    ),
}


def filename(code: str, created_at: datetime, fmt: Format) -> str:
    """``her2poll-<code>-<session date>.<ext>``: sorts by session, says what it holds."""
    return f"her2poll-{code}-{created_at:%Y-%m-%d}.{fmt.extension}"


def export_chunks(
    db: Database, code: str, fmt: Format, on_rows: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """Yield one session's export in ``fmt``, read from one snapshot.

    The snapshot stays open until the generator is exhausted or closed, so a
    caller that stops early (a dropped download) releases it at once.
    """
    with snapshot(db, code) as snap:
        snap.on_rows = on_rows
        yield from fmt.chunks(snap)
