"""The question-set format and the founding session's data in questions.json."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from her2poll.core.errors import QuestionSetError
from her2poll.core.questions import (
    FigureStatus,
    QuestionSet,
    TextStatus,
    json_schema,
    load_question_set,
    loads_question_set,
    parse_question_set,
)

ROOT = Path(__file__).resolve().parents[2]
#: The source article (plain text), the one outside input of the tests: its text is not
#: ours to copy in, so the quote checks read it from where this variable says (.ci/run sets it).
SOURCE_ARTICLE = "HER2POLL_SOURCE_ARTICLE"


def _raw() -> dict:
    return json.loads((ROOT / "questions.json").read_text())


def _fold(text: str) -> str:
    """Compare text as read, not as typeset.

    The article breaks words across lines with a hyphen that may or may not be
    part of the word ("select-ing", "HER2- targeted"), and uses curly quotes; so
    drop hyphens, unify quotes and fold whitespace on both sides.
    """
    for curly, plain in (("’", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(curly, plain)
    return " ".join(text.replace("-\n", "").replace("-", "").split())


@pytest.fixture(scope="module")
def article() -> str:
    """The source article's text, folded; skipped, saying so, when none is given."""
    given = os.environ.get(SOURCE_ARTICLE)
    if not given:
        pytest.skip(f"{SOURCE_ARTICLE} is not set: quotes NOT checked against the article")
    path = Path(given)
    if not path.is_file():
        pytest.fail(f"{SOURCE_ARTICLE}={given} is not a file: the source article is missing")
    return _fold(path.read_text())


def test_the_six_poll_questions_are_there_in_order(questions: QuestionSet) -> None:
    assert questions.question_ids == ["PQ1", "PQ2", "PQ3", "PQ4", "PQ5", "PQ6"]


def test_pq6_published_figures_are_exactly_as_printed(questions: QuestionSet) -> None:
    pq6 = questions.question("PQ6")
    assert pq6 is not None
    printed = {o.text: o.published.percent for o in pq6.options if o.published}
    assert printed == {
        "Very likely": 22,
        "Likely": 45,
        "Somewhat unlikely": 11,
        "Very unlikely": 22,
    }


def test_footnote_n_is_a_cap_not_a_verified_count(questions: QuestionSet) -> None:
    assert questions.published_n is not None
    assert questions.published_n.value == 12
    assert questions.published_n.kind == "cap"
    assert questions.published_n.quote == "aN = 12"


def test_every_published_figure_quotes_a_sentence_of_the_article(
    questions: QuestionSet, article: str
) -> None:
    for q in questions.questions:
        for o in q.options:
            assert o.published is not None, f"{q.id}/{o.id} has no figure"
            if o.published.status is FigureStatus.PUBLISHED:
                assert _fold(o.published.quote) in article, f"{q.id}/{o.id}: quote not in article"
                assert f"{o.published.percent:g}" in o.published.quote or (
                    "Ninety-one" in o.published.quote and o.published.percent == 91
                )


def test_invented_numbers_are_marked_derived_never_published(questions: QuestionSet) -> None:
    for q in questions.questions:
        for o in q.options:
            if o.note and "not itemised" in o.note.lower():
                assert o.published is not None
                assert o.published.status is FigureStatus.DERIVED
    noted = [o for q in questions.questions for o in q.options if o.note]
    assert len(noted) == 4, "the four remainders the source does not itemise carry a note"


def test_an_editorial_note_is_never_part_of_the_label_attendees_read(
    questions: QuestionSet,
) -> None:
    for q in questions.questions:
        for o in q.options:
            assert "itemised" not in o.text.lower() and "(" not in o.text.replace("(NCT", ""), (
                o.text
            )


def test_each_question_adds_to_100_only_with_derived_remainders(questions: QuestionSet) -> None:
    for q in questions.questions:
        assert sum(o.published.percent for o in q.options if o.published) == pytest.approx(100)


def test_three_captions_are_marked_verbatim(questions: QuestionSet) -> None:
    verbatim = [q for q in questions.questions if q.text_status is TextStatus.VERBATIM]
    assert {q.id for q in verbatim} == {"PQ3", "PQ4", "PQ5"}


def test_verbatim_captions_are_in_the_article(questions: QuestionSet, article: str) -> None:
    verbatim = [q for q in questions.questions if q.text_status is TextStatus.VERBATIM]
    assert {q.id for q in verbatim} == {"PQ3", "PQ4", "PQ5"}
    for q in verbatim:
        assert _fold(q.text) in article
        assert q.text_quote is not None and _fold(q.text_quote) in article


def test_reconstructed_wording_says_so(questions: QuestionSet) -> None:
    for q in questions.questions:
        if q.text_status is TextStatus.RECONSTRUCTED:
            assert q.text_note, f"{q.id} must explain its reconstruction"


def test_a_broken_file_names_the_question_and_the_field() -> None:
    data = _raw()
    data["questions"][5]["options"][1]["published"]["percent"] = "lots"
    with pytest.raises(QuestionSetError) as e:
        parse_question_set(data)
    assert "question PQ6" in e.value.message
    assert "option LIKELY" in e.value.message
    assert "percent" in e.value.message


@pytest.mark.parametrize(
    ("where", "field"),
    [(("title",), "title"), (("questions", 5, "text"), "text"),
     (("questions", 5, "options", 1, "text"), "text"), (("word_filter",), "word_filter")],
)  # fmt: skip
def test_a_nul_character_anywhere_is_refused_naming_its_field(where: tuple, field: str) -> None:
    """PostgreSQL's text cannot hold NUL: a file or form with one is refused, never stored."""
    data = _raw()
    *path, last = where
    target = data
    for step in path:
        target = target[step]
    target[last] = ["fine", "bad\x00word"] if last == "word_filter" else "Bad\x00text"
    with pytest.raises(QuestionSetError) as e:
        parse_question_set(data)
    assert field in e.value.message and "NUL character" in e.value.message


def test_a_published_figure_without_its_quote_is_refused() -> None:
    data = _raw()
    del data["questions"][0]["options"][0]["published"]["quote"]
    with pytest.raises(QuestionSetError, match="question PQ1 > option HER2CLIMB"):
        parse_question_set(data)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "duplicate question"),
        (lambda d: d["questions"][2]["options"].pop(), "question PQ3"),
        (lambda d: d["questions"][0].update(colour="red"), "Extra inputs"),
        (lambda d: d.update(questions=[]), "questions"),
    ],
)
def test_malformed_sets_are_refused_with_a_reason(mutate, expected: str) -> None:
    data = _raw()
    mutate(data)
    with pytest.raises(QuestionSetError, match=expected):
        parse_question_set(data)


def test_unreadable_and_oversized_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(QuestionSetError, match="Cannot read"):
        load_question_set(tmp_path / "missing.json")
    with pytest.raises(QuestionSetError, match="not valid JSON"):
        loads_question_set("{nope")
    with pytest.raises(QuestionSetError, match="limit"):
        loads_question_set(" " * (300 * 1024))


def test_the_published_schema_file_matches_the_model() -> None:
    shipped = json.loads((ROOT / "docs" / "questions.schema.json").read_text())
    assert shipped == json_schema(), "regenerate with: her2poll questions schema"
