"""What every item type shares: its wording, its options, how an answer arrives and is kept.

An *item* is one thing an activity asks. Each type lives in its own module of
this package and is one pydantic model that knows three things about itself:
how to read an answer off the wire (:meth:`ItemBase.read_answer`), how that
answer is kept (:meth:`ItemBase.store_answer` / :meth:`ItemBase.load_answer`),
and how the answers sum up (:meth:`ItemBase.summarise`). Nothing outside the
type's module needs to know more, which is what lets a new type be added in
one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ..errors import VoteRefused

#: Limits that keep a hostile or mistaken file from becoming a denial of service.
MAX_OPTIONS = 12


def no_nul(value: str) -> str:
    """Refuse the NUL character: no person types it, and PostgreSQL's text cannot hold it
    (the statement that stores it fails), so a file or form carrying one is refused here."""
    if "\x00" in value:
        raise ValueError("text may not contain the NUL character (\\u0000)")
    return value


Ident = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
ShortText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(no_nul)]
LongText = Annotated[str, Field(min_length=1, max_length=2000), AfterValidator(no_nul)]

#: An answer as the domain holds it: an option id, a number, a text, or option ids in order.
Answer = str | float | tuple[str, ...]

#: The confidence scale asked after an answer ("How sure are you?").
CONFIDENCE_LEVELS = (1, 2, 3, 4)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def refuse_duplicates(kind: str, ids: Sequence[str]) -> None:
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


class Phase(StrEnum):
    """Where an item sits in a CME activity (Moore's levels: pre/post test, evaluation)."""

    PRE = "pre"
    TALK = "talk"
    POST = "post"
    EVALUATION = "evaluation"


class ShowIf(Strict):
    """Show an item only when an earlier choice item's answer is one of ``options``.

    E.g. the comment box of "Was the activity free of commercial bias?" only for those
    who answered "No". Display only: an answer given while shown is kept.
    """

    item: Ident = Field(description="The id of an earlier choice item of the same phase.")
    options: list[Ident] = Field(
        min_length=1,
        max_length=MAX_OPTIONS,
        description="Its option ids: the item is shown when the answer is (or, for "
        "multiple choice, includes) one of them.",
    )


class Role(StrEnum):
    """What an item is for in a CME activity's outcomes report (optional).

    The report files an item under its Moore level by this role, never by its
    wording: evaluation items at level 2, commitment to change at level 5.
    """

    #: Free text: "What will you change in your practice?" (level 5).
    COMMITMENT = "commitment"
    #: A scale: how likely the learner is to change their practice (level 5).
    INTENT_TO_CHANGE = "intent_to_change"
    #: Evaluation (level 2): the activity met its learning objectives.
    EVAL_OBJECTIVES = "eval_objectives"
    #: Evaluation: the content is relevant to the learner's practice.
    EVAL_RELEVANCE = "eval_relevance"
    #: Evaluation: free of commercial bias; single choice, "yes" first, "no" second.
    EVAL_BIAS = "eval_bias"
    #: Evaluation: free text saying what was biased.
    EVAL_BIAS_COMMENT = "eval_bias_comment"
    #: Evaluation: the format suited the content.
    EVAL_FORMAT = "eval_format"
    #: Evaluation: any other comment, free text.
    EVAL_COMMENT = "eval_comment"


#: The item types each role fits: a statement is text, a judgement a choice or a scale.
ROLE_TYPES: dict[Role, frozenset[str]] = {
    Role.COMMITMENT: frozenset({"text"}),
    Role.EVAL_BIAS_COMMENT: frozenset({"text"}),
    Role.EVAL_COMMENT: frozenset({"text"}),
    Role.EVAL_BIAS: frozenset({"single"}),
    Role.INTENT_TO_CHANGE: frozenset({"single", "rating"}),
    Role.EVAL_OBJECTIVES: frozenset({"single", "rating"}),
    Role.EVAL_RELEVANCE: frozenset({"single", "rating"}),
    Role.EVAL_FORMAT: frozenset({"single", "rating"}),
}

#: The roles whose answers the report lists as texts.
TEXT_ROLES = frozenset(r for r, types in ROLE_TYPES.items() if types == {"text"})
#: The level-2 (evaluation) roles, in the order the report lists them.
EVALUATION_ROLES = (
    Role.EVAL_OBJECTIVES,
    Role.EVAL_RELEVANCE,
    Role.EVAL_FORMAT,
    Role.EVAL_BIAS,
    Role.EVAL_BIAS_COMMENT,
    Role.EVAL_COMMENT,
)


class PublishedFigure(Strict):
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


class Option(Strict):
    """One answer an attendee can pick.

    ``text`` is what attendees read; ``note`` is the editor's remark about the
    option (e.g. "not itemised in the source"), shown to the moderator and in
    the report, never on a phone or the projector as part of the label.
    """

    id: Ident
    text: ShortText
    note: LongText | None = Field(
        default=None, description="An editorial or source note; never shown to attendees."
    )
    published: PublishedFigure | None = None


@dataclass(frozen=True)
class RawAnswer:
    """A vote's answer fields as received; each item type takes the one it expects."""

    option_id: str | None = None
    option_ids: tuple[str, ...] | None = None
    value: float | None = None
    text: str | None = None

    def given(self) -> list[str]:
        return [
            name
            for name in ("option_id", "option_ids", "value", "text")
            if getattr(self, name) is not None
        ]


@dataclass(frozen=True)
class Answered:
    """One learner's current answer as the summaries read it."""

    answer: Answer
    confidence: int | None = None
    #: Open text only: the moderator has hidden it from the room (it stays in exports).
    hidden: bool = False
    #: The store's id of the answer, so the moderator can hide one.
    answer_id: int | None = None


@dataclass(frozen=True)
class Responses:
    """What the store read of one item's answers.

    Items whose answers are one option each are counted in the database
    (``counts``: option id → learners), so a tally of thousands reads a dozen
    rows; the others come as every answer (``answers``).
    """

    counts: Mapping[str, int] = field(default_factory=dict)
    answers: Sequence[Answered] = ()
    #: Confidence level → learners who gave it, for items that ask for it.
    confidence: Mapping[int, int] = field(default_factory=dict)


class Summary(Protocol):
    """The live result of one item: what the moderator's and the room's tallies show."""

    @property
    def n(self) -> int:
        """How many learners answered."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """Everything, for the moderator, the results API and the exports."""
        ...

    def room_dict(self) -> dict[str, Any]:
        """What the projector and the phones may see once the item is revealed."""
        ...


def confidence_dict(confidence: Mapping[int, int]) -> dict[str, Any]:
    """The confidence distribution in the moderator's tally (never the room's)."""
    counts = {str(level): int(confidence.get(level, 0)) for level in CONFIDENCE_LEVELS}
    n = sum(counts.values())
    mean = sum(level * confidence.get(level, 0) for level in CONFIDENCE_LEVELS) / n if n else None
    return {"n": n, "counts": counts, "mean": mean}


def refuse(message: str, code: str) -> VoteRefused:
    return VoteRefused(message, code=code)


class ItemBase(Strict):
    """The fields every item has, and the hooks each type fills in."""

    #: How the answers are tallied: counted per option in the database, or read one by one.
    counted: ClassVar[bool] = False
    #: Which :class:`RawAnswer` field carries this type's answer.
    answer_field: ClassVar[str] = "option_id"
    #: Whether the live answers can be set beside published percentages (one option each).
    compares: ClassVar[bool] = False

    id: Ident
    type: str
    text: LongText
    text_status: TextStatus = TextStatus.VERBATIM
    text_quote: LongText | None = None
    text_note: LongText | None = None
    confidence: bool = Field(
        default=False, description='Ask "How sure are you?" (1-4) after the answer; report only.'
    )
    timer_seconds: int | None = Field(
        default=None, ge=5, le=3600, description="A countdown the moderator can extend or stop."
    )
    phase: Phase = Field(default=Phase.TALK, description="pre, talk (live polls), post, evaluation")
    twin_of: Ident | None = Field(
        default=None,
        description="On a post-test item: the id of the pre-test item it repeats word for word.",
    )
    show_if: ShowIf | None = Field(
        default=None,
        description="Shown to a learner only when an earlier choice item was answered so.",
    )

    role: Role | None = Field(
        default=None,
        description="What the item is for in the outcomes report: commitment, "
        "intent_to_change, or an evaluation role (eval_objectives, eval_relevance, eval_bias, "
        "eval_bias_comment, eval_format, eval_comment).",
    )

    @model_validator(mode="after")
    def _twins_are_post_items(self) -> ItemBase:
        if self.twin_of is not None and self.phase is not Phase.POST:
            raise ValueError("only a post-test item (phase 'post') can be the twin of a pre item")
        return self

    @model_validator(mode="after")
    def _role_fits_the_type(self) -> ItemBase:
        """A role's answers must be what the report reads: a statement, or one choice."""
        if self.role is None:
            return self
        fits = ROLE_TYPES[self.role]
        if self.type not in fits:
            raise ValueError(
                f"role {self.role.value!r} needs an item of type {' or '.join(sorted(fits))}"
            )
        options = getattr(self, "options", ())
        if self.role is Role.EVAL_BIAS and len(options) != 2:
            raise ValueError(
                "role 'eval_bias' needs two options: free of bias (yes) first, not free (no) second"
            )
        return self

    #: What a post twin may differ in from its pre item: everything else must be identical.
    TWIN_FREE: ClassVar[frozenset[str]] = frozenset(
        {
            "id",
            "phase",
            "twin_of",
            "timer_seconds",
            "rationale",
            "text_quote",
            "text_note",
            "text_status",
            # Names an item of its own phase, so a pre item's differs from its twin's.
            "show_if",
        }
    )

    def shown_to(self, answers: Mapping[str, Answer]) -> bool:
        """Whether a learner whose answers are ``answers`` (item id -> answer) sees this
        item on a self-paced form: always, unless its ``show_if`` names answers they did
        not give (the bias comment box is not shown to those who said "Yes")."""
        if self.show_if is None:
            return True
        answer = answers.get(self.show_if.item)
        given = set(answer) if isinstance(answer, tuple) else {answer}
        return not given.isdisjoint(self.show_if.options)

    def twin_signature(self) -> dict[str, Any]:
        """The wording, options (ids, labels, order) and key a pre/post pair must share."""
        body = self.model_dump(mode="json", exclude=set(self.TWIN_FREE))
        if "options" in body:
            body["options"] = [
                {k: v for k, v in o.items() if k not in ("note", "published")}
                for o in body["options"]
            ]
        return body

    # -- what every type answers the same way -------------------------------------------

    @property
    def has_published(self) -> bool:
        """Whether the source printed figures to compare with (choice items only)."""
        return False

    def read(self, raw: RawAnswer, confidence: int | None = None) -> Answer:
        """Check a vote's answer against the item; raise :class:`VoteRefused` saying why."""
        extra = [name for name in raw.given() if name != self.answer_field]
        if extra or getattr(raw, self.answer_field) is None:
            raise refuse(
                f"Question {self.id} ({self.type}) takes '{self.answer_field}'"
                + (f", not {', '.join(repr(e) for e in extra)}." if extra else "."),
                "wrong_answer_kind",
            )
        if confidence is not None and not self.confidence:
            raise refuse(f"Question {self.id} does not ask how sure you are.", "no_confidence")
        return self.read_answer(raw)

    def store_answer(self, answer: Answer) -> tuple[str | None, str | None]:
        """The answer as the store keeps it: ``(option_id, value)``, the value as JSON."""
        return None, json.dumps(list(answer) if isinstance(answer, tuple) else answer)

    def load_answer(self, option_id: str | None, value: str | None) -> Answer:
        decoded = json.loads(value) if value is not None else option_id
        if isinstance(decoded, list):
            return tuple(str(v) for v in decoded)
        if decoded is None:
            raise ValueError(f"answer to {self.id} has neither an option nor a value")
        return decoded if isinstance(decoded, str) else float(decoded)

    def hidden_on_arrival(self, answer: Answer, word_filter: Sequence[str]) -> bool:
        """Whether a new answer reaches the moderator only, until shown (open text)."""
        return False

    def is_correct(self, answer: Answer) -> bool | None:
        """Whether an answer is right, for items with a right answer; else None."""
        return None

    def answer_text(self, answer: Answer) -> str:
        """The answer as a person reads it in an export: labels, not ids."""
        return str(answer)

    def answer_cell(self, answer: Answer) -> str | float:
        """The answer as one spreadsheet cell, as sent: an id, ids joined by ``;``, a number."""
        return ";".join(answer) if isinstance(answer, tuple) else answer

    def attendee_fields(self, revealed: bool) -> dict[str, Any]:
        """What a phone needs to render the item, beyond id, text and type."""
        return {}

    def result_fields(self) -> dict[str, Any]:
        """What the results API and the exports say of the item beyond its options."""
        return {
            k: v
            for k, v in self.model_dump(mode="json").items()
            if k not in {"id", "type", "text", "options", "text_quote", "text_note", "text_status"}
        }

    # -- what each type must define ---------------------------------------------------

    def read_answer(self, raw: RawAnswer) -> Answer:  # pragma: no cover - abstract
        raise NotImplementedError

    def summarise(self, responses: Responses) -> Summary:  # pragma: no cover - abstract
        raise NotImplementedError


__all__ = [
    "Answer",
    "Answered",
    "CONFIDENCE_LEVELS",
    "FigureStatus",
    "Ident",
    "ItemBase",
    "Literal",
    "LongText",
    "MAX_OPTIONS",
    "Option",
    "PublishedFigure",
    "RawAnswer",
    "Responses",
    "Role",
    "ROLE_TYPES",
    "TEXT_ROLES",
    "EVALUATION_ROLES",
    "ShortText",
    "ShowIf",
    "Strict",
    "Summary",
    "TextStatus",
    "confidence_dict",
    "refuse",
    "refuse_duplicates",
]
