"""The Q&A word filter's limits: whatever they accept fits in one Socket.IO message."""

from __future__ import annotations

import json

import pytest

from her2poll.config import Settings
from her2poll.core.errors import BadRequest
from her2poll.core.qa import (
    MAX_FILTER_BYTES,
    MAX_FILTER_WORD,
    MAX_FILTER_WORDS,
    clean_filter,
    filter_bytes,
)


def maximal_filter() -> list[str]:
    """As many bytes as the limits allow: 100 distinct 30-letter words, accented up to the
    limit (an escaped "ü" costs 5 bytes more than an "a": within 5 bytes of it)."""
    words = [f"w{i:03d}".ljust(MAX_FILTER_WORD, "a") for i in range(MAX_FILTER_WORDS)]
    for i in range(len(words)):
        for j in range(4, MAX_FILTER_WORD):
            longer = [*words[:i], words[i][:j] + "ü" + words[i][j + 1 :], *words[i + 1 :]]
            if filter_bytes(longer) > MAX_FILTER_BYTES:
                return words
            words = longer
    return words


def test_the_largest_filter_fits_one_message_with_the_other_settings() -> None:
    words = maximal_filter()
    assert MAX_FILTER_BYTES - 5 < filter_bytes(words) <= MAX_FILTER_BYTES
    assert clean_filter(words) == tuple(words)
    payload = {"open": True, "premoderate": False, "names": False, "filter": words}
    # "42" + ack id + ["qa_settings", payload]; ids grow with use. Escaped, as Python's
    # clients send it, and as the browser does (UTF-8, smaller).
    for text in (json.dumps(["qa_settings", payload]),
                 json.dumps(["qa_settings", payload], ensure_ascii=False)):  # fmt: skip
        packet = "42" + "9" * 12 + text
        assert len(packet.encode()) < Settings().max_message_bytes


def test_any_ascii_filter_within_the_word_limits_fits() -> None:
    words = [f"{i:03d}".ljust(MAX_FILTER_WORD, "x") for i in range(MAX_FILTER_WORDS)]
    assert filter_bytes(words) <= MAX_FILTER_BYTES
    assert len(clean_filter(words)) == MAX_FILTER_WORDS


@pytest.mark.parametrize(
    ("words", "says"),
    [
        ([f"w{i}" for i in range(MAX_FILTER_WORDS + 1)], "at most 100 words"),
        (["x" * (MAX_FILTER_WORD + 1)], "at most 30 characters"),
        (["spam\nham"], "control characters"),
        (["ab\ud800"], "control characters"),
        ([f"{i:02d}".ljust(30, "ü") for i in range(30)], "over the 3500 one message carries"),
    ],
)
def test_a_filter_that_would_not_fit_is_refused_saying_why(words: list[str], says: str) -> None:
    with pytest.raises(BadRequest, match=says):
        clean_filter(words)
