"""Exports and imports: one download for the HTTP route and ``her2poll export`` alike."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..core.access import Secrets
from ..core.errors import NotFound
from ..exports.formats import FORMATS, Format, export_chunks, filename
from ..store.db import Database
from ..store.restore import SessionImport, restore_session
from ..store.sessions import get_session
from .sessions import Created


@dataclass(frozen=True)
class Download:
    """A file to hand over: its name, media type and bytes, generated as they are read."""

    filename: str
    format: Format
    chunks: Iterator[bytes]


def check_format(fmt: str) -> Format:
    """The format called ``fmt``, or a 404 naming the ones there are."""
    spec = FORMATS.get(fmt)
    if spec is None:
        raise NotFound(f"No export format {fmt!r}: use csv, xlsx, json or pdf.")
    return spec


def export(
    db: Database, code: str, fmt: str, on_rows: Callable[[int], None] | None = None
) -> Download:
    """One session's export in ``fmt`` (csv, xlsx, json or pdf), from one read snapshot.

    Nothing is read until the first chunk is asked for; the caller asks for it
    before promising a download, so a missing session is still a clean error.
    """
    spec = check_format(fmt)
    state = get_session(db, code)
    name = filename(state.code, state.created_at, spec)
    return Download(name, spec, export_chunks(db, state.code, spec, on_rows))


def restore(db: Database, data: SessionImport, *, new_code: bool = False) -> Created:
    """Import an exported session under new secrets (an export never carries them)."""
    keys = Secrets.new()
    state = restore_session(db, data, keys, new_code=new_code)
    return Created(state, keys.moderator_secret, keys.screen_token)
