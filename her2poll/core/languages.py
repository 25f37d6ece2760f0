"""The languages her2poll's pages speak; a session may fix one for its room.

The question set is never translated: it stays as its author wrote it.
"""

from __future__ import annotations

from .errors import BadRequest

#: Language code -> its name in that language (what the switch shows).
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch"}
DEFAULT = "en"


def room_language(value: object) -> str | None:
    """A room language as the moderator chose it: one of :data:`LANGUAGES`, or None (each
    phone its own)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in LANGUAGES:
        raise BadRequest(f"language must be one of {', '.join(LANGUAGES)} or null")
    return value
