"""Audience Q&A: questions to the panel, upvotes, moderation, and what each role sees.

A learner's question is ``pending`` until the moderator approves it (pre-moderation,
on by default) or, with pre-moderation off, ``approved`` at once unless it holds a
word of the session's filter list. The room only ever sees ``approved`` and
``answered`` questions; the moderator sees the whole queue.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from .errors import BadRequest, Her2pollError

MAX_TEXT = 300
MAX_NAME = 40
#: The filter travels in one ``qa_settings`` message, and a Socket.IO message over
#: 4,096 bytes closes the connection (``Settings.max_message_bytes``): so the list as
#: JSON is at most MAX_FILTER_BYTES, leaving room for the rest of the message. It is
#: measured as the most verbose JSON encoder writes it (every letter past ASCII as a
#: 6-byte ``\uXXXX``, as Python's clients send it; the browser's is smaller), so it fits
#: from any client. Any list within the word limits in ASCII fits (100 × 30 letters:
#: 3,301 bytes); only words of accented or non-Latin letters can meet this limit first.
MAX_FILTER_WORDS = 100
MAX_FILTER_WORD = 30
MAX_FILTER_BYTES = 3500
#: Questions the room's message carries at most: the pinned one, then by votes.
PUBLIC_LIMIT = 100


class QAClosed(Her2pollError):
    code = "qa_closed"


class QANotFound(Her2pollError):
    code = "qa_not_found"


class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"
    ANSWERED = "answered"
    MERGED = "merged"


#: What the room may see.
PUBLIC = (Status.APPROVED, Status.ANSWERED)


class ModAction(StrEnum):
    APPROVE = "approve"
    DISMISS = "dismiss"
    RESTORE = "restore"
    EDIT = "edit"
    PIN = "pin"
    UNPIN = "unpin"
    ANSWERED = "answered"
    MERGE = "merge"


@dataclass(frozen=True)
class Settings:
    open: bool = True
    premoderate: bool = True
    names: bool = False
    filter: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "open": self.open,
            "premoderate": self.premoderate,
            "names": self.names,
            "filter": list(self.filter),
        }


@dataclass(frozen=True)
class Question:
    id: int
    text: str
    name: str | None
    status: Status
    pinned: bool
    edited: bool
    filtered: bool
    merged_into: int | None
    votes: int
    created_at: datetime

    def public(self, names: bool = True) -> dict[str, Any]:
        """What the room sees; a typed name only while the session shows names."""
        return {
            "id": self.id,
            "text": self.text,
            "name": self.name if names else None,
            "status": self.status.value,
            "pinned": self.pinned,
            "votes": self.votes,
            "created_at": self.created_at.isoformat(),
        }

    def full(self) -> dict[str, Any]:
        return {
            **self.public(),
            "edited": self.edited,
            "filtered": self.filtered,
            "merged_into": self.merged_into,
        }


def clean_text(text: str) -> str:
    """A question's text as stored: trimmed, 1 to 300 characters, or a clear error."""
    text = text.strip()
    if not text:
        raise BadRequest("Type a question first.")
    if len(text) > MAX_TEXT:
        raise BadRequest(f"A question has at most {MAX_TEXT} characters ({len(text)} typed).")
    return text


def clean_name(name: str | None, settings: Settings) -> str | None:
    """The optional name a learner typed, only where the session shows names."""
    name = (name or "").strip()
    if not name:
        return None
    if not settings.names:
        raise BadRequest("This session does not show names: send the question without one.")
    if len(name) > MAX_NAME:
        raise BadRequest(f"A name has at most {MAX_NAME} characters.")
    return name


def clean_filter(words: Iterable[str]) -> tuple[str, ...]:
    """The filter list as stored: lower case, unique, in the order given.

    Refused when it could not be sent back in one message: more than
    :data:`MAX_FILTER_WORDS` words, one over :data:`MAX_FILTER_WORD` characters, or
    over :data:`MAX_FILTER_BYTES` bytes as JSON; and words holding control
    characters, which no filter needs and JSON would escape (each 6 bytes).
    """
    cleaned: list[str] = []
    for word in words:
        word = word.strip().lower()
        if not word:
            continue
        if len(word) > MAX_FILTER_WORD:
            raise BadRequest(f"A filtered word has at most {MAX_FILTER_WORD} characters.")
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in word):
            raise BadRequest("A filtered word may not hold control characters.")
        if word not in cleaned:
            cleaned.append(word)
    if len(cleaned) > MAX_FILTER_WORDS:
        raise BadRequest(f"The filter holds at most {MAX_FILTER_WORDS} words.")
    size = filter_bytes(cleaned)
    if size > MAX_FILTER_BYTES:
        raise BadRequest(
            f"The filtered words take {size} bytes, over the {MAX_FILTER_BYTES} one message "
            "carries: remove some."
        )
    return tuple(cleaned)


def filter_bytes(words: Sequence[str]) -> int:
    """The largest size ``words`` can take on the wire: compact JSON, non-ASCII escaped."""
    return len(json.dumps(list(words), separators=(",", ":")))


def is_filtered(text: str, words: Sequence[str]) -> bool:
    """Whether ``text`` holds a filtered word, as a whole word, in any case."""
    if not words:
        return False
    pattern = r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"
    return re.search(pattern, text, flags=re.IGNORECASE) is not None


def status_on_arrival(text: str, settings: Settings) -> tuple[Status, bool]:
    """A new question's status, and whether the filter held it."""
    filtered = is_filtered(text, settings.filter)
    if settings.premoderate or filtered:
        return Status.PENDING, filtered
    return Status.APPROVED, False


def moderated(question: Question, action: ModAction) -> Question:
    """The question after a moderator's action (``edit`` and ``merge`` need more: the store)."""
    if question.status is Status.MERGED:
        raise BadRequest("This question was merged into another; moderate that one.")
    if action is ModAction.APPROVE:
        return replace(question, status=Status.APPROVED)
    if action is ModAction.DISMISS:
        return replace(question, status=Status.DISMISSED, pinned=False)
    if action is ModAction.RESTORE:
        return replace(question, status=Status.PENDING, pinned=False)
    if action is ModAction.PIN:
        return replace(question, status=Status.APPROVED, pinned=True)
    if action is ModAction.UNPIN:
        return replace(question, pinned=False)
    if action is ModAction.ANSWERED:
        return replace(question, status=Status.ANSWERED, pinned=False)
    return question


def counts(questions: Iterable[Question]) -> dict[str, int]:
    found = {s.value: 0 for s in Status}
    for q in questions:
        found[q.status.value] += 1
    return found


def _room_order(q: Question) -> tuple[bool, int, float]:
    return (not q.pinned, -q.votes, q.created_at.timestamp())


def moderator_view(seq: int, settings: Settings, questions: Sequence[Question]) -> dict[str, Any]:
    """The moderator's ``qa`` message: the whole queue, oldest first."""
    return {
        "qa_seq": seq,
        "settings": settings.to_dict(),
        "counts": counts(questions),
        "questions": [q.full() for q in questions],
    }


def room_view(seq: int, settings: Settings, questions: Sequence[Question]) -> dict[str, Any]:
    """The room's ``qa`` message (phones, projector): approved and answered only."""
    shown = sorted((q for q in questions if q.status in PUBLIC), key=_room_order)
    return {
        "qa_seq": seq,
        "open": settings.open,
        "names": settings.names,
        "questions": [q.public(settings.names) for q in shown[:PUBLIC_LIMIT]],
    }
