"""Item types: every kind of question an activity can ask.

Each type is one module here; :data:`Item` is the union a question set holds,
told apart by the item's ``type`` (no ``type``: single choice, as in format 1).
To add a type, write its module and add its class to :data:`ITEM_TYPES`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Discriminator, Tag

from .base import (
    CONFIDENCE_LEVELS,
    Answer,
    Answered,
    FigureStatus,
    ItemBase,
    Option,
    Phase,
    PublishedFigure,
    RawAnswer,
    Responses,
    Role,
    Summary,
    TextStatus,
)
from .choice import ChoiceItem
from .multiple import MultipleChoice
from .numeric import Numeric
from .ranking import Ranking
from .rating import Rating, ScalePoint
from .single import SingleChoice
from .text import OpenText

#: Every item type, by its ``type`` name.
ITEM_TYPES: dict[str, type[ItemBase]] = {
    "single": SingleChoice,
    "multiple": MultipleChoice,
    "rating": Rating,
    "numeric": Numeric,
    "text": OpenText,
    "ranking": Ranking,
}


def options_of(item: ItemBase) -> Sequence[Option]:
    """An item's options in display order; none for a number or a text."""
    return item.options if isinstance(item, ChoiceItem) else ()


def _type_of(item: Any) -> str:
    raw = item.get("type", "single") if isinstance(item, dict) else getattr(item, "type", None)
    return raw if isinstance(raw, str) and raw in ITEM_TYPES else "unknown"


Item = Annotated[
    Annotated[SingleChoice, Tag("single")]
    | Annotated[MultipleChoice, Tag("multiple")]
    | Annotated[Rating, Tag("rating")]
    | Annotated[Numeric, Tag("numeric")]
    | Annotated[OpenText, Tag("text")]
    | Annotated[Ranking, Tag("ranking")],
    Discriminator(
        _type_of,
        custom_error_type="unknown_item_type",
        custom_error_message=f"'type' must be one of: {', '.join(ITEM_TYPES)}",
    ),
]

__all__ = [
    "CONFIDENCE_LEVELS",
    "ITEM_TYPES",
    "Answer",
    "Answered",
    "ChoiceItem",
    "FigureStatus",
    "Item",
    "ItemBase",
    "MultipleChoice",
    "Numeric",
    "OpenText",
    "Option",
    "Phase",
    "PublishedFigure",
    "Ranking",
    "Rating",
    "RawAnswer",
    "Responses",
    "Role",
    "ScalePoint",
    "SingleChoice",
    "Summary",
    "TextStatus",
    "options_of",
]
