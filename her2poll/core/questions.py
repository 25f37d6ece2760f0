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
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from .errors import QuestionSetError
from .items import (
    ITEM_TYPES,
    ChoiceItem,
    FigureStatus,
    Item,
    ItemBase,
    Option,
    Phase,
    PublishedFigure,
    Ranking,
    SingleChoice,
    TextStatus,
)
from .items.base import Ident, LongText, ShortText, no_nul, refuse_duplicates

#: Limits that keep a hostile or mistaken file from becoming a denial of service.
MAX_QUESTIONS = 50
MAX_OPTIONS = 12
MAX_FILE_BYTES = 256 * 1024
#: The newest version of the file format (docs/questions.md says what each added).
FORMAT_VERSION = 2

__all__ = [
    "ChoiceItem",
    "FigureStatus",
    "Item",
    "Option",
    "PublishedFigure",
    "QuestionSet",
    "SingleChoice",
    "TextStatus",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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

    format_version: int = Field(default=1, ge=1, le=FORMAT_VERSION)
    id: Ident
    title: ShortText
    source: Source | None = None
    published_n: PublishedN | None = None
    #: Open-text answers holding one of these words reach the moderator only, until shown.
    word_filter: list[
        Annotated[str, Field(min_length=1, max_length=40), AfterValidator(no_nul)]
    ] = Field(default_factory=list, max_length=400)
    questions: list[Item] = Field(min_length=1, max_length=MAX_QUESTIONS)

    @model_validator(mode="after")
    def _question_ids_unique(self) -> QuestionSet:
        refuse_duplicates("question", [q.id for q in self.questions])
        return self

    @model_validator(mode="after")
    def _twins_identical(self) -> QuestionSet:
        """A post item and its pre twin are worded and ordered the same (CME.md, level 3)."""
        by_id = {q.id: q for q in self.questions}
        seen: dict[str, str] = {}
        for q in self.questions:
            if q.twin_of is None:
                continue
            pre = by_id.get(q.twin_of)
            if pre is None or pre.phase is not Phase.PRE:
                raise ValueError(f"{q.id}: twin_of {q.twin_of!r} must name a pre-test item")
            if q.twin_of in seen:
                raise ValueError(f"{q.twin_of} has two post twins: {seen[q.twin_of]} and {q.id}")
            seen[q.twin_of] = q.id
            mine, theirs = q.twin_signature(), pre.twin_signature()
            if mine != theirs:
                differ = sorted(
                    k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k)
                )
                raise ValueError(
                    f"{q.id} must repeat {pre.id} exactly (same wording, options and order); "
                    f"they differ in: {', '.join(differ)}"
                )
        return self

    @model_validator(mode="after")
    def _conditions_name_earlier_choices(self) -> QuestionSet:
        """A ``show_if`` names an earlier choice item of its phase, and options it has.

        Earlier, so a form shows the condition's item first; same phase, so both are
        on the learner's screen in the same block.
        """
        seen: dict[str, ItemBase] = {}
        for q in self.questions:
            cond = q.show_if
            if cond is not None:
                _check_condition(q, seen.get(cond.item), cond.item, cond.options)
            seen[q.id] = q
        return self

    @model_validator(mode="after")
    def _version_has_the_features(self) -> QuestionSet:
        """Format 1 knew single choice only: newer items need ``format_version: 2``."""
        if self.format_version >= 2:
            return self
        newer = [q.id for q in self.questions if not isinstance(q, SingleChoice)]
        if newer or self.word_filter:
            what = f"item type(s) of {', '.join(newer)}" if newer else "word_filter"
            raise ValueError(f"{what} need format_version 2")
        return self

    def question(self, question_id: str) -> ItemBase | None:
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


def _check_condition(
    item: ItemBase, target: ItemBase | None, target_id: str, options: list[str]
) -> None:
    where = f"{item.id}: show_if names {target_id!r}"
    if target is None:
        raise ValueError(f"{where}, which is not an earlier item of this set")
    if not isinstance(target, ChoiceItem) or isinstance(target, Ranking):
        raise ValueError(f"{where}, which is not a choice item (single, multiple or rating)")
    if target.phase is not item.phase:
        raise ValueError(f"{where}, which is in phase {target.phase.value}, not {item.phase.value}")
    unknown = [o for o in options if target.option(o) is None]
    if unknown:
        raise ValueError(f"{where}, which has no option {', '.join(unknown)}")
    refuse_duplicates(f"{item.id} show_if option", options)


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
        if i > 0 and isinstance(loc[i - 1], int) and key in ITEM_TYPES:
            continue  # the union's tag: "question PQ3 > options" says it already
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
