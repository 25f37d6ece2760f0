"""Authoring an activity: its items as a form, and which edits keep answers meaningful.

An *activity* is what a provider authors (title, description, items in order,
settings such as ``word_filter``, published figures); a *session* is one live
run of it. Once an item has answers in any session, an edit may only keep
those answers meaningful: a typo in the wording yes; removing, reordering or
adding an option, changing the type, a scale's values or the limits an answer
was checked against, no. Every refusal carries the reason the page shows next
to the field.

Items are validated by the question-set model itself
(:mod:`her2poll.core.questions`), so the file format and the form agree.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .items import ITEM_TYPES, ChoiceItem, ItemBase, MultipleChoice, Numeric, OpenText, Ranking
from .items.base import MAX_OPTIONS
from .items.rating import Rating
from .questions import FORMAT_VERSION, QuestionSet

#: How alike old and new wording must be for an answered item (1.0: identical).
#: A typo fix or a clarified word stays well above it; a new question falls below.
SAME_WORDING = 0.75

#: The form fields that belong to each type, beyond those every item has.
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "single": ("options", "correct", "rationale"),
    "multiple": ("options", "correct", "rationale", "min_choices", "max_choices"),
    "rating": ("options",),
    "numeric": ("min", "max", "unit", "integer"),
    "text": ("max_length",),
    "ranking": ("options", "rank_count"),
}

#: The form's option rows (the most a choice item may have).
OPTION_ROWS = MAX_OPTIONS

#: The types whose options may carry published figures (those compared live).
PUBLISHED_TYPES = ("single", "rating")

#: An option row's published figure, as form field suffixes (``options-0-published-percent``).
FIGURE_FIELDS = ("percent", "status", "quote", "note")

#: Form field → item field for the plain number fields.
_INTS = ("timer_seconds", "min_choices", "max_choices", "max_length", "rank_count")
_FLOATS = ("min", "max")


@dataclass(frozen=True)
class Refusal:
    """An edit that is not allowed: the form ``field`` it concerns and why."""

    field: str
    reason: str


@dataclass(frozen=True)
class Activity:
    """An authored activity: its question-set document and what is said about it.

    ``document`` is question-set JSON (format 2) whose ``questions`` may be empty
    while the activity is being written; :attr:`question_set` is None until then.
    """

    id: int
    title: str
    description: str
    document: Mapping[str, Any]
    archived: bool = False

    @property
    def items(self) -> list[dict[str, Any]]:
        return [dict(q) for q in self.document.get("questions", ())]

    @property
    def item_ids(self) -> list[str]:
        return [str(q.get("id")) for q in self.document.get("questions", ())]

    @property
    def question_set(self) -> QuestionSet | None:
        if not self.items:
            return None
        return QuestionSet.model_validate(self.document)

    def item(self, item_id: str) -> ItemBase | None:
        qs = self.question_set
        return qs.question(item_id) if qs is not None else None


@dataclass(frozen=True)
class RunSummary:
    """One session of an activity, for the moderator's list."""

    code: str
    created_at: str
    participants: int
    answers: int
    live: bool
    archived: bool


@dataclass(frozen=True)
class ActivitySummary:
    id: int
    title: str
    items: int
    archived: bool
    updated_at: str
    sessions: tuple[RunSummary, ...]

    @property
    def live(self) -> bool:
        return any(s.live for s in self.sessions)


# -- the item form ----------------------------------------------------------------------


def _number(text: str, integer: bool) -> Any:
    """A typed number, or the text itself so the model names the field that is wrong."""
    text = text.strip()
    try:
        return int(text) if integer else float(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            return text
        return int(value) if value.is_integer() else text


def _letters() -> list[str]:
    return [chr(ord("A") + i) for i in range(OPTION_ROWS)]


def item_data(form: Mapping[str, str], old: ItemBase | None = None) -> dict[str, Any]:
    """The item a submitted form describes, as question-set JSON (not yet validated).

    Empty fields are left out (the model's defaults apply). An option row with a
    text but no id gets the first free letter. The source fields (the wording's
    status, quote and note; each option's editorial note and published figure) are
    fields of the form like any other, so an edit keeps exactly what it shows. The one
    thing the form does not show, a ``show_if`` condition, is kept from ``old``.
    """
    kind = form.get("type", "single").strip() or "single"
    data: dict[str, Any] = {"id": form.get("id", "").strip(), "type": kind}
    data["text"] = " ".join(form.get("text", "").split())
    for name in ("phase", "twin_of", "role", "text_quote", "text_note"):
        if form.get(name, "").strip():
            data[name] = form[name].strip()
    if form.get("text_status", "").strip() not in ("", "verbatim"):
        data["text_status"] = form["text_status"].strip()
    if form.get("timer_seconds", "").strip():
        data["timer_seconds"] = _number(form["timer_seconds"], integer=True)
    if form.get("confidence"):
        data["confidence"] = True
    fields = TYPE_FIELDS.get(kind, ())
    if "options" in fields:
        data["options"], correct = _options(form, kind)
        if "correct" in fields and correct:
            data["correct"] = correct
    for name in ("min_choices", "max_choices", "max_length", "rank_count", "min", "max"):
        if name in fields and form.get(name, "").strip():
            data[name] = _number(form[name], integer=name in _INTS)
    if "unit" in fields and form.get("unit", "").strip():
        data["unit"] = form["unit"].strip()
    if "integer" in fields and form.get("integer"):
        data["integer"] = True
    if "rationale" in fields and form.get("rationale", "").strip():
        data["rationale"] = form["rationale"].strip()
    if old is not None and old.show_if is not None:
        data["show_if"] = old.show_if.model_dump(mode="json")
    return data


def _options(form: Mapping[str, str], kind: str) -> tuple[list[dict[str, Any]], list[str]]:
    rows: list[dict[str, Any]] = []
    correct: list[str] = []
    taken = {form.get(f"options-{i}-id", "").strip() for i in range(OPTION_ROWS)}
    free = (letter for letter in _letters() if letter not in taken)
    for i in range(OPTION_ROWS):
        p = f"options-{i}-"
        text = " ".join(form.get(f"{p}text", "").split())
        option_id = form.get(f"{p}id", "").strip()
        value = form.get(f"{p}value", "").strip()
        note = form.get(f"{p}note", "").strip()
        figure = _figure(form, p) if kind in PUBLISHED_TYPES else None
        if not (text or option_id or value or note or figure):
            continue  # an empty row; a row with anything typed goes to the model
        option: dict[str, Any] = {"id": option_id or next(free, f"O{i + 1}"), "text": text}
        if kind == "rating" and value:
            option["value"] = _number(value, integer=False)
        if note:
            option["note"] = note
        if figure:
            option["published"] = figure
        rows.append(option)
        if form.get(f"{p}correct"):
            correct.append(option["id"])
    return rows, correct


def _figure(form: Mapping[str, str], prefix: str) -> dict[str, Any] | None:
    """An option's published figure, if any of its fields was typed (None: none).

    A percentage may be typed with its sign ("45%"). A figure with a quote or a
    note but no percentage still goes to the model, which asks for the percentage.
    """
    typed = {f: form.get(f"{prefix}published-{f}", "").strip() for f in FIGURE_FIELDS}
    if not (typed["percent"] or typed["quote"] or typed["note"]):
        return None
    figure: dict[str, Any] = {"status": typed["status"] or "published"}
    if typed["percent"]:
        figure["percent"] = _number(typed["percent"].removesuffix("%").strip(), integer=False)
    for name in ("quote", "note"):
        if typed[name]:
            figure[name] = typed[name]
    return figure


def item_form(item: ItemBase | Mapping[str, Any]) -> dict[str, str]:
    """The form fields showing an item (or the JSON of one), the inverse of :func:`item_data`."""
    data = item.model_dump(mode="json") if isinstance(item, ItemBase) else dict(item)
    form: dict[str, str] = {}
    for name in (
        "id",
        "type",
        "text",
        "phase",
        "twin_of",
        "role",
        "unit",
        "rationale",
        "text_quote",
    ):
        if data.get(name) is not None:
            form[name] = str(data[name])
    if data.get("text_note") is not None:
        form["text_note"] = str(data["text_note"])
    if data.get("text_status") not in (None, "verbatim"):
        form["text_status"] = str(data["text_status"])
    for name in (*_INTS, *_FLOATS):
        if data.get(name) is not None:
            form[name] = _shown(data[name])
    for flag in ("confidence", "integer"):
        if data.get(flag):
            form[flag] = "on"
    correct = set(data.get("correct") or ())
    for i, option in enumerate(data.get("options") or ()):
        form[f"options-{i}-id"] = str(option.get("id", ""))
        form[f"options-{i}-text"] = str(option.get("text", ""))
        if option.get("value") is not None:
            form[f"options-{i}-value"] = _shown(option["value"])
        if option.get("id") in correct:
            form[f"options-{i}-correct"] = "on"
        if option.get("note") is not None:
            form[f"options-{i}-note"] = str(option["note"])
        form |= _figure_form(f"options-{i}-published-", option.get("published"))
    return form


def _figure_form(prefix: str, figure: Mapping[str, Any] | None) -> dict[str, str]:
    if not figure:
        return {}
    shown = {f: figure.get(f) for f in FIGURE_FIELDS if figure.get(f) is not None}
    shown["percent"] = _shown(figure["percent"])
    return {prefix + f: str(v) for f, v in shown.items()}


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- validation: the question-set model, errors by form field ---------------------------


def field_of(loc: Sequence[int | str]) -> str:
    """The form field an error of one item is about (``""``: the item as a whole)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ITEM_TYPES:
        parts = parts[1:]  # the union's tag (an item's own field may be named "text" too)
    if len(parts) >= 3 and parts[0] == "options" and parts[2] == "published":
        # The figure's own check (a printed figure needs its quote) is about the quote.
        return f"options-{parts[1]}-published-{parts[3] if len(parts) > 3 else 'quote'}"
    if len(parts) >= 3 and parts[0] == "options":
        return f"options-{parts[1]}-{parts[2]}"
    if parts and parts[0] in ("options", "correct"):
        return parts[0]
    return parts[0] if parts else ""


_PLAIN = {
    "missing": "This is required.",
    "float_parsing": "Type a number here.",
    "int_parsing": "Type a whole number here.",
    "float_type": "Type a number here.",
    "int_from_float": "Type a whole number here.",
}


#: An item's own checks name the field they are about in their message; the form shows
#: the message there (first match wins).
_NAMED = (
    ("role '", "role"),
    ("min (", "min"),
    ("choices must satisfy", "max_choices"),
    ("rank_count", "rank_count"),
    ("rationale", "rationale"),
    ("correct", "correct"),
    ("twin", "twin_of"),
    ("post-test", "phase"),
    ("option", "options"),
    ("scale", "options"),
)


def _field_named_by(message: str) -> str:
    return next((field for words, field in _NAMED if words in message), "")


#: The model's own messages, said for the person filling in the form.
_REWORDED = {
    "a published figure needs the quote it comes from": (
        "A figure printed in the source needs the quote it comes from: paste the sentence, "
        "or mark the figure as derived."
    ),
}


def _message(err: Mapping[str, Any], field: str = "") -> str:
    """The model's message, said plainly where pydantic's wording is terse."""
    kind = str(err.get("type"))
    if field.endswith("-published-percent"):
        return (
            "Type the published percentage (a number from 0 to 100), or clear the "
            "figure's other fields."
            if kind == "missing"
            else "Type the percentage as a number from 0 to 100."
        )
    plain = _PLAIN.get(kind)
    if kind == "string_too_short" and (err.get("ctx") or {}).get("min_length") == 1:
        plain = "This is required."
    if plain is None and kind in ("greater_than_equal", "less_than_equal"):
        limit = (err.get("ctx") or {}).get("ge" if kind == "greater_than_equal" else "le")
        words = "smaller" if kind == "greater_than_equal" else "larger"
        plain = f"Type a number no {words} than {_shown(limit)}."
    message = plain or str(err["msg"]).removeprefix("Value error, ")
    return _REWORDED.get(message, message)


def check_set(
    data: Mapping[str, Any], position: int | None
) -> tuple[QuestionSet | None, dict[str, str]]:
    """Validate a whole set; errors of the item at ``position`` by form field.

    Errors of other items or of the set as a whole (a twin that no longer
    matches, a duplicate id) are reported under ``""``.
    """
    try:
        return QuestionSet.model_validate(data), {}
    except ValidationError as e:
        errors: dict[str, str] = {}
        for err in e.errors():
            loc = tuple(err["loc"])
            if len(loc) >= 2 and loc[0] == "questions" and loc[1] == position:
                field = field_of(loc[2:]) or _field_named_by(_message(err))
            elif loc[:1] in (("title",), ("word_filter",)):
                field = str(loc[0])
            else:
                field = ""
            errors.setdefault(field, _message(err, field))
        return None, errors


def set_data(
    set_id: str, title: str, word_filter: Sequence[str], items: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """An activity as a question-set document, ready to validate or to export."""
    data: dict[str, Any] = {"format_version": FORMAT_VERSION, "id": set_id, "title": title}
    if word_filter:
        data["word_filter"] = list(word_filter)
    data["questions"] = [dict(i) for i in items]
    return data


def fresh_id(taken: Sequence[str], prefix: str = "Q") -> str:
    """The first ``Q1``, ``Q2``, … not yet used in the set."""
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


# -- edits of answered items ------------------------------------------------------------


def alike(old: str, new: str) -> bool:
    """Whether ``new`` reads as a correction of ``old`` rather than another question."""
    if old == new:
        return True
    return difflib.SequenceMatcher(None, old.lower(), new.lower()).ratio() >= SAME_WORDING


def answered_edit(
    old: ItemBase, new: ItemBase | None, answered_options: frozenset[str]
) -> list[Refusal]:
    """Why an edit of an item that has answers may not be made (empty: it may).

    :param old: the item as its answers were given.
    :param new: the edited item, or None for a deletion.
    :param answered_options: the option ids someone chose (empty for other types).
    """
    why = "it already has answers"
    if new is None:
        return [Refusal("", f"{old.id} cannot be deleted: {why}; its results would be lost.")]
    refusals: list[Refusal] = []
    if new.id != old.id:
        refusals.append(Refusal("id", f"The id cannot change: {why} under {old.id}."))
    if new.type != old.type:
        refusals.append(
            Refusal("type", f"The type cannot change from {old.type}: {why} of that kind.")
        )
        return refusals
    if not alike(old.text, new.text):
        refusals.append(
            Refusal(
                "text",
                f"This rewording changes the question, and {why}: fix typos here, "
                "or add a new item for a new question.",
            )
        )
    if new.phase is not old.phase:
        refusals.append(Refusal("phase", f"The phase cannot change: {why} as {old.phase.value}."))
    if isinstance(old, ChoiceItem) and isinstance(new, ChoiceItem):
        refusals += _option_edits(old, new, answered_options)
    refusals += _limit_edits(old, new)
    return refusals


def _option_edits(old: ChoiceItem, new: ChoiceItem, answered: frozenset[str]) -> list[Refusal]:
    refusals: list[Refusal] = []
    new_ids = new.option_ids
    for option in old.options:
        if option.id in answered and option.id not in new_ids:
            refusals.append(
                Refusal("options", f"Option {option.id} cannot be removed: it has answers.")
            )
    kept_old = [o for o in old.option_ids if o in new_ids]
    kept_new = [o for o in new_ids if o in old.option_ids]
    if kept_old != kept_new:
        refusals.append(
            Refusal("options", "The options cannot be reordered: answers were given in this order.")
        )
    added = [o for o in new_ids if o not in old.option_ids]
    if added:
        refusals.append(
            Refusal(
                "options",
                f"Option(s) {', '.join(added)} cannot be added: the answers so far were "
                "given without them.",
            )
        )
    for i, option in enumerate(new.options):
        before = old.option(option.id)
        if before is not None and not alike(before.text, option.text):
            refusals.append(
                Refusal(
                    f"options-{i}-text",
                    f"This rewording changes option {option.id}, which has answers: "
                    "fix typos only.",
                )
            )
        if isinstance(old, Rating) and isinstance(new, Rating) and before is not None:
            if getattr(before, "value", None) != getattr(option, "value", None):
                refusals.append(
                    Refusal(
                        f"options-{i}-value",
                        f"The value of point {option.id} cannot change: answers were given "
                        "on this scale.",
                    )
                )
    return refusals


def _limit_edits(old: ItemBase, new: ItemBase) -> list[Refusal]:
    """Limits an answer was checked against may only widen (or, for choices, stay)."""
    refusals: list[Refusal] = []
    if isinstance(old, MultipleChoice) and isinstance(new, MultipleChoice):
        for name in ("min_choices", "max_choices"):
            if getattr(old, name) != getattr(new, name):
                refusals.append(Refusal(name, "The number of choices cannot change: " + _ANS))
    if isinstance(old, Ranking) and isinstance(new, Ranking) and old.k != new.k:
        refusals.append(Refusal("rank_count", "How many to rank cannot change: " + _ANS))
    if isinstance(old, Numeric) and isinstance(new, Numeric):
        if new.min > old.min:
            refusals.append(Refusal("min", "The minimum can only be lowered: " + _ANS))
        if new.max < old.max:
            refusals.append(Refusal("max", "The maximum can only be raised: " + _ANS))
        if new.unit != old.unit:
            refusals.append(Refusal("unit", "The unit cannot change: " + _ANS))
        if new.integer and not old.integer:
            refusals.append(Refusal("integer", "Whole numbers cannot become required: " + _ANS))
    if isinstance(old, OpenText) and isinstance(new, OpenText) and new.max_length < old.max_length:
        refusals.append(Refusal("max_length", "The maximum length can only grow: " + _ANS))
    return refusals


_ANS = "answers were checked against it."
