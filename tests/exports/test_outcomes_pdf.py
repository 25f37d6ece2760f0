"""The outcomes report's PDF prints what the document holds, zeros and infinities included.

The eight learners of testkit.outcomes_plan, read straight into the report (the browser
test plays them on phones): the figures the pages print are checked as text.
"""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from her2poll.core.outcomes_report import report
from her2poll.core.questions import load_question_set
from her2poll.core.suppression import PRIMARY, SECONDARY
from her2poll.exports.outcomes_pdf import _bar, write_pdf
from testkit import outcomes_plan

QS = load_question_set(outcomes_plan.EXAMPLE)


def _text(identified: bool) -> str:
    answers, sure = outcomes_plan.answers_and_sure()
    doc: dict[str, Any] = report(QS, answers, sure, {"learners": 8}, identified=identified)
    out = io.BytesIO()
    write_pdf(doc, "Eight learners", "ABC123", out)
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    return " ".join(" ".join(p.extract_text() for p in pages).split())


def test_a_zero_is_drawn_as_0_percent_even_when_its_sides_total_is_hidden() -> None:
    """Nobody chose it (0) of a hidden total: 0% is no secret, and not "no answers"."""
    assert _bar(0, SECONDARY) == (0.0, None, "0%") and _bar(0, PRIMARY) == (0.0, None, "0%")
    assert _bar(SECONDARY, 7) == (0.0, None, SECONDARY)  # a withheld count: its marker
    assert "Very confident 0% 0%" in _text(identified=False)
    assert "no answers" not in _text(identified=True)


def test_a_chart_whose_every_bar_is_withheld_is_a_sentence() -> None:
    """K2 identified: before, every option "<5"; after, neuropathy 0 of a hidden total
    and the rest withheld: no bar has a length, so no empty axes with markers."""
    text = _text(identified=True)
    k2 = text.split("Which adverse event needs regular monitoring")[1]
    assert k2.split("matched a / b")[0].endswith(
        "Chart withheld: every share in it rests on a count under 5 or on one that would "
        "reveal such a count (the suppression rule in Methods). "
    )
    assert "Chart withheld" not in _text(identified=False)


def test_nobody_worse_gives_an_infinite_odds_ratio_and_cohens_d_with_their_lower_bounds() -> None:
    """K1: b = 0, c = 6: OR c/b = ∞ (1.18 to ∞), Chinn's d = ∞ (0.09 to ∞)."""
    assert "∞ (1.18 to ∞) ∞ (0.09 to ∞)" in _text(identified=False)


def test_a_confidence_change_with_too_few_pairs_says_so() -> None:
    """K2's "how sure": 4 learners rated both sides, under the 6 a change needs."""
    assert "too few to tell (matched, n 4)" in _text(identified=False)
    assert "too few to tell (matched, n <5)" in _text(identified=True)


def test_the_methods_say_what_else_the_small_cell_rule_reckons_with() -> None:
    assert "what a verdict says of its n (tested: at least 6 matched)" in _text(True)
