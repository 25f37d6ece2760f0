"""Formula injection: text that a spreadsheet would run is made inert, numbers stay numbers."""

from __future__ import annotations

import pytest

from her2poll.exports.cells import neutralise


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_text_that_starts_a_formula_gets_a_quote(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Likely", "HER2CLIMB (NCT02614794)", "a=b", "", None, True])
def test_ordinary_text_and_empty_cells_are_untouched(value: object) -> None:
    assert neutralise(value) == value  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [-8.7, -3, 0.0, 12])
def test_negative_numbers_stay_numbers(value: float) -> None:
    assert neutralise(value) == value
