"""Verdicts in English: the one place a comparison's code and numbers become a sentence.

:mod:`.stats` decides; this module words, for the results API, the exports and the
report. The pages word the same codes themselves (``static/js/verdict.js``), so a
translation never has to parse a sentence back into numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from .items import ChoiceItem
from .stats import ALPHA

OTHER_ANSWERS = "other answers"


def format_p(p: float) -> str:
    """Two significant digits, never rounded across the 0.05 line it is judged by."""
    if p < 0.001:
        return "< 0.001"
    for digits in (2, 3, 4):
        text = f"{p:.{digits}g}" if p < 0.1 else f"{p:.{digits}f}"
        if (float(text) < ALPHA) == (p < ALPHA):
            return text
    return f"{p:.6f}"


def _p_text(lo: float, hi: float) -> str:
    if format_p(lo) == format_p(hi):
        p = format_p(lo)
        return f"p {p}" if p.startswith("<") else f"p = {p}"
    return f"p = {format_p(lo)}–{format_p(hi)}"


def _numbers(params: Mapping[str, object]) -> str:
    low, high = params["published_n_low"], params["published_n_high"]
    ns = f"{low}" if low == high else f"{low}–{high}"
    p_text = _p_text(float(params["p_low"]), float(params["p_high"]))  # type: ignore[arg-type]
    return f"({p_text}, n = {params['live_n']} vs {ns})"


def _leaning(question: ChoiceItem, option_ids: list[str]) -> str:
    option = question.option(option_ids[0]) if len(option_ids) == 1 else None
    return option.text if option is not None else OTHER_ANSWERS


def _sentence(question: ChoiceItem, code: str, params: Mapping[str, object]) -> str:
    if code == "no_published":
        return "Nothing published to compare with."
    if code == "no_answers":
        return "No answers yet."
    if code == "too_few":
        return f"Too few answers to tell (n = {params['live_n']})."
    if code == "differs":
        lean = _leaning(question, list(params["leaning_option_ids"]))  # type: ignore[call-overload]
        return f"This room leans more towards '{lean}' than the published panel {_numbers(params)}."
    if code == "depends_on_reconstruction":
        return (
            "Whether this room differs depends on how the published counts are reconstructed "
            f"{_numbers(params)}."
        )
    return f"No clear difference from the published panel {_numbers(params)}."


def verdict(question: ChoiceItem, code: str, params: Mapping[str, object]) -> str:
    """The verdict of one comparison (``verdict_code`` and ``verdict_params``) in English.

    When the published figures are inconsistent, the sentence says first that it is
    against the printed percentages scaled to the cap.
    """
    text = _sentence(question, code, params)
    if not params.get("inconsistent"):
        return text
    cap = params["cap"]
    prefix = (
        f"The published figures are inconsistent (no n ≤ {cap} reproduces them); "
        f"against the printed percentages scaled to {cap}: "
    )
    return prefix + text[0].lower() + text[1:]
