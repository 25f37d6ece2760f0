"""Cells that are safe to open in a spreadsheet.

A text cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which some programs strip before looking) is run as a formula by Excel,
LibreOffice and Google Sheets: question texts and option labels come from a
question-set file, so one could carry ``=HYPERLINK(...)`` to a coordinator's
machine (OWASP "CSV injection"). Such text is prefixed with a single quote, which
spreadsheets show as text. Numbers stay numbers: ``-8.7`` as a number cannot run
anything, and quoting it would turn a difference into text nobody can sum.
"""

from __future__ import annotations

from datetime import datetime

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | datetime | None


def neutralise(value: Cell) -> Cell:
    """The value with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_row(values: list[Cell]) -> list[Cell]:
    return [neutralise(v) for v in values]
