"""Every known value of the outcomes statistics (testkit/known_values.py) is what her2poll gets."""

from __future__ import annotations

import pytest

from testkit.known_values import ROWS, Known, markdown


@pytest.mark.parametrize("row", ROWS, ids=lambda k: f"{k.statistic} [{k.given}]")
def test_the_statistic_gives_its_known_value(row: Known) -> None:
    assert row.value() == pytest.approx(row.expected, rel=row.tolerance, abs=1e-12)


def test_the_table_prints_every_row_as_agreeing() -> None:
    table = markdown()
    assert table.count("| yes |") == len(ROWS) and "| NO |" not in table
