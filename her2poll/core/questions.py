"""The question-set format: the questions a session asks and what was published.

A question set is written by hand (ours is the founding article's six poll
questions) or by a CME provider, so the model is strict: unknown fields,
duplicate ids and percentages that are not numbers are refused with an error
that names the question and the field. Every published figure carries its
provenance, and a figure the source does not print is marked ``derived`` so it
can never be shown as published.
"""

from __future__ import annotations

import hashlib
import json
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import QuestionSetError

#: Limits that keep a hostile or mistaken file from becoming a denial of service.
MAX_QUESTIONS = 50
MAX_OPTIONS = 12
MAX_FILE_BYTES = 256 * 1024

Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]
LongText = Annotated[str, Field(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _refuse_duplicates(kind: str, ids: list[str]) -> None:
    """Ids are how votes and exports refer to things, so each must be unique."""
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ValueError(f"duplicate {kind} id(s): {', '.join(dupes)}")


class FigureStatus(StrEnum):
    """Whether a number is printed in the source or computed by us from it."""

    PUBLISHED = "published"
    DERIVED = "derived"


class TextStatus(StrEnum):
    """Whether a question's wording is the source's own or reconstructed."""

    VERBATIM = "verbatim"
    RECONSTRUCTED = "reconstructed"


class PublishedFigure(_Strict):
    """One option's published percentage with where it comes from."""

    percent: float = Field(ge=0, le=100)
    status: FigureStatus
    quote: LongText | None = Field(
        default=None, description="The sentence of the source the number comes from."
    )
    note: LongText | None = None

    @model_validator(mode="after")
    def _published_needs_a_quote(self) -> PublishedFigure:
        if self.status is FigureStatus.PUBLISHED and not self.quote:
            raise ValueError("a published figure needs the quote it comes from")
        return self


class Option(_Strict):
    """One answer an attendee can pick."""

    id: Ident
    text: ShortText
    published: PublishedFigure | None = None


class Question(_Strict):
    """One poll question with its options in display order."""

    id: Ident
    text: LongText
    text_status: TextStatus = TextStatus.VERBATIM
    text_quote: LongText | None = None
    text_note: LongText | None = None
    options: list[Option] = Field(min_length=2, max_length=MAX_OPTIONS)

    @model_validator(mode="after")
    def _option_ids_unique(self) -> Question:
        _refuse_duplicates("option", [o.id for o in self.options])
        return self

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    @property
    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    @property
    def has_published(self) -> bool:
        return any(o.published is not None for o in self.options)


class PublishedN(_Strict):
    """The respondent count the source claims: an upper bound, not a verified n."""

    value: int = Field(ge=1, le=1_000_000)
    kind: str = Field(default="cap", pattern=r"^(cap|exact)$")
    quote: LongText | None = None
    note: LongText | None = None


class Source(_Strict):
    citation: LongText
    document: ShortText | None = None
    notes: LongText | None = None


class QuestionSet(_Strict):
    """A whole question set as stored in ``questions.json``."""

    format_version: int = Field(default=1, ge=1, le=1)
    id: Ident
    title: ShortText
    source: Source | None = None
    published_n: PublishedN | None = None
    questions: list[Question] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _question_ids_unique(self) -> QuestionSet:
        _refuse_duplicates("question", [q.id for q in self.questions])
        return self

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    @property
    def question_ids(self) -> list[str]:
        return [q.id for q in self.questions]

    @cached_property
    def digest(self) -> str:
        """A fingerprint of the whole set, computed once per parsed set.

        Memoised statistics key on it instead of on the set's JSON, which would be
        serialised again on every tally tick.
        """
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the file format, for providers writing their own sets."""
    schema = QuestionSet.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "her2poll question set"
    return schema


def _where(data: Any, loc: tuple[int | str, ...]) -> str:
    """Name the place of an error the way a person reads the file: by question id."""
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        label = str(key)
        if isinstance(key, int) and isinstance(node, list) and 0 <= key < len(node):
            item = node[key]
            item_id = item.get("id") if isinstance(item, dict) else None
            kind = {"questions": "question", "options": "option"}.get(str(loc[i - 1]), "item")
            label = f"{kind} {item_id}" if item_id else f"{kind} #{key + 1}"
            node = item
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            node = None
        followed_by_index = i + 1 < len(loc) and isinstance(loc[i + 1], int)
        if key in ("questions", "options") and followed_by_index:
            continue  # "question PQ3" says it better than "questions > 2"
        parts.append(label)
    return " > ".join(parts) or "file"


def parse_question_set(data: Any) -> QuestionSet:
    """Validate decoded JSON; raise :class:`QuestionSetError` naming the place.

    :param data: the decoded JSON document.
    :return: the validated question set.
    """
    try:
        return QuestionSet.model_validate(data)
    except ValidationError as e:
        problems = [f"{_where(data, tuple(err['loc']))}: {err['msg']}" for err in e.errors()]
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise QuestionSetError(f"Invalid question set: {shown}{more}") from None


def loads_question_set(text: str | bytes) -> QuestionSet:
    """Parse question-set JSON text; size and syntax errors are refused clearly."""
    if len(text) > MAX_FILE_BYTES:
        raise QuestionSetError(
            f"Question set is {len(text)} bytes; the limit is {MAX_FILE_BYTES} bytes."
        )
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise QuestionSetError(f"Question set is not valid JSON: {e}") from None
    return parse_question_set(data)


def load_question_set(path: str | Path) -> QuestionSet:
    """Read and validate a question-set file."""
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as e:
        raise QuestionSetError(f"Cannot read question set {p}: {e.strerror or e}") from None
    try:
        return loads_question_set(text)
    except QuestionSetError as e:
        raise QuestionSetError(f"{p}: {e.message}") from None
