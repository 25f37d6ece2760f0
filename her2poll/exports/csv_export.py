"""The CSV export: ``responses.csv``, ``votes.csv``, ``summary.csv``, ``results.csv``,
``questions.csv``, ``commitments.csv`` and ``qa.csv`` in one zip.

One download for the tables: a zip keeps them together and is what both the
HTTP endpoint and ``her2poll export --format csv`` produce. The zip is written to
an unseekable pipe (``zipfile`` then uses data descriptors), so the response
streams as rows are read and a 60,000-answer session never sits in memory.

UTF-8 with a byte-order mark, because Excel reads UTF-8 without one as the
local code page; a header row; timestamps ISO 8601 in UTC; text neutralised
against formula injection (:mod:`.cells`), numbers left as numbers.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import IO

from ..store.export import SessionSnapshot
from .cells import Cell, neutralise
from .tables import (
    COMMITMENTS_HEADER,
    QA_HEADER,
    QUESTIONS_HEADER,
    RESPONSES_HEADER,
    RESULTS_HEADER,
    SUMMARY_HEADER,
    VOTES_HEADER,
    ResponseTexts,
    aggregate_results,
    commitment_rows,
    qa_row,
    question_rows,
    result_rows,
    summary_rows,
)

ROWS_PER_CHUNK = 2000


class _Pipe:
    """A write-only byte sink that ``zipfile`` cannot seek in; drained by the caller."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def _text(value: Cell) -> Cell:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def csv_bytes(rows: Iterable[list[Cell]], header: list[str] | None = None) -> bytes:
    """Rows as CSV text in UTF-8 (the caller adds the byte-order mark once)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if header is not None:
        writer.writerow(header)
    writer.writerows([_text(v) for v in row] for row in rows)
    return buf.getvalue().encode("utf-8")


def iter_csv_zip(snap: SessionSnapshot) -> Iterator[bytes]:
    """Yield the zip in chunks while the responses are read from the snapshot."""
    pipe = _Pipe()
    results = aggregate_results(snap)
    texts = ResponseTexts(snap.state.questions)
    # zipfile writes to any object with write() and flush(); its stubs ask for IO[bytes].
    small = [
        ("summary.csv", SUMMARY_HEADER, summary_rows(results)),
        ("results.csv", RESULTS_HEADER, result_rows(results)),
        ("questions.csv", QUESTIONS_HEADER, question_rows(snap.state.questions, snap.polls)),
        ("commitments.csv", COMMITMENTS_HEADER, commitment_rows(snap)),
    ]
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as zf:  # type: ignore[call-overload]
        for name, header, rows in small:
            with zf.open(name, "w") as f:
                f.write(b"\xef\xbb\xbf" + csv_bytes(rows, header))
        with zf.open("responses.csv", "w") as f:
            yield from _stream(f, pipe, RESPONSES_HEADER, map(texts.row, snap.responses()))
        with zf.open("votes.csv", "w") as f:
            yield from _stream(f, pipe, VOTES_HEADER, map(texts.vote_row, snap.votes()))
        with zf.open("qa.csv", "w") as f:
            yield from _stream(f, pipe, QA_HEADER, map(qa_row, snap.qa_questions()))
    yield pipe.drain()


def _stream(
    f: IO[bytes], pipe: _Pipe, header: list[str], rows: Iterator[list[Cell]]
) -> Iterator[bytes]:
    """Write one CSV file of the zip in batches, handing on what the zip has written."""
    f.write(b"\xef\xbb\xbf" + csv_bytes([], header))
    while batch := list(islice(rows, ROWS_PER_CHUNK)):
        f.write(csv_bytes(batch))
        yield pipe.drain()
