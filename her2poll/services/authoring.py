"""Authoring activities: create, edit their items, export, import, and run them.

Every edit is validated by the question-set model (as a file would be) and,
for an item that already has answers, by :func:`her2poll.core.authoring.answered_edit`.
A refused edit comes back as :class:`Invalid`: the errors by form field, so the
page shows them next to what was typed, and nothing typed is lost.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..core import authoring
from ..core.access import Secrets
from ..core.accounts import Organiser
from ..core.authoring import Activity, ActivitySummary
from ..core.errors import BadRequest
from ..core.items import ItemBase
from ..core.questions import FORMAT_VERSION, QuestionSet
from ..core.session import SessionState
from . import sessions
from .ports import QuestionsChanged, Store, nobody_told

#: Limits of what an activity says about itself beyond its question set.
MAX_DESCRIPTION = 2000


class ActivityStore(Store, Protocol):
    """The store's activities (:mod:`her2poll.store.activities`)."""

    def create_activity(
        self,
        title: str,
        description: str,
        document: Mapping[str, Any],
        owner: Organiser | None = None,
    ) -> Activity: ...

    def activity(self, activity_id: int, viewer: Organiser | None = None) -> Activity: ...

    def managed_session(self, code: str, viewer: Organiser) -> SessionState: ...

    def save_activity(
        self, activity_id: int, title: str, description: str, document: Mapping[str, Any]
    ) -> Activity: ...

    def answered(self, activity_id: int) -> dict[str, frozenset[str]]: ...

    def current_run(self, activity_id: int) -> int | None: ...

    def list_activities(self, viewer: Organiser | None = None) -> list[ActivitySummary]: ...

    def archive_activity(self, activity_id: int, archived: bool) -> None: ...

    def archive_session(self, code: str, archived: bool) -> None: ...

    def delete_activity(self, activity_id: int) -> None: ...

    def delete_session(self, code: str) -> None: ...

    def create_session(
        self,
        questions: QuestionSet,
        secrets: Any,
        title: str | None,
        activity_id: int | None = None,
        owner_id: int | None = None,
    ) -> Any: ...


class Invalid(BadRequest):
    """A save that was refused: ``errors`` maps each form field to what is wrong."""

    code = "invalid_form"

    def __init__(self, errors: Mapping[str, str]) -> None:
        first = next(iter(errors.values()), "The form has errors.")
        super().__init__(first)
        self.errors = dict(errors)


def _slug(title: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40].strip("-")
    return slug or "activity"


def _settings(title: str, description: str) -> tuple[str, str]:
    title, description = " ".join(title.split()), description.strip()
    errors = {}
    if not title:
        errors["title"] = "Give the activity a title."
    elif "\x00" in title:
        errors["title"] = "A title may not contain the NUL character (\\u0000)."
    elif len(title) > 300:
        errors["title"] = f"A title has at most 300 characters ({len(title)} typed)."
    if "\x00" in description:
        errors["description"] = "A description may not contain the NUL character (\\u0000)."
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = (
            f"A description has at most {MAX_DESCRIPTION} characters ({len(description)} typed)."
        )
    if errors:
        raise Invalid(errors)
    return title, description


def create(
    store: ActivityStore, title: str, description: str = "", owner: Organiser | None = None
) -> Activity:
    """A new, empty activity of ``owner``'s: its items are added one by one."""
    title, description = _settings(title, description)
    return store.create_activity(
        title, description, authoring.set_data(_slug(title), title, (), ()), owner
    )


def import_set(
    store: ActivityStore,
    questions: QuestionSet,
    description: str = "",
    owner: Organiser | None = None,
) -> Activity:
    """A new activity of ``owner``'s holding a question set (a template or an imported file)."""
    document = questions.model_dump(mode="json", exclude_defaults=True)
    document["format_version"] = FORMAT_VERSION
    return store.create_activity(questions.title, description, document, owner)


def require_activity(store: ActivityStore, viewer: Organiser, activity_id: int) -> Activity:
    """The activity if ``viewer`` may see and change it: theirs or their organisation's.

    Anything else is ``activity_not_found`` (404), as if it did not exist: an
    organiser learns nothing about another organisation's activities.
    """
    return store.activity(activity_id, viewer)


def require_session(store: ActivityStore, viewer: Organiser, code: str) -> SessionState:
    """The session if ``viewer`` may archive or delete it (the rule of ``/api/sessions``),
    else ``session_not_found`` (404)."""
    return store.managed_session(code, viewer)


def export(store: ActivityStore, activity_id: int) -> QuestionSet:
    """The activity's question set, as a file would hold it."""
    questions = store.activity(activity_id).question_set
    if questions is None:
        raise BadRequest("This activity has no items yet: add one before exporting.", code="empty")
    return questions


def save_settings(
    store: ActivityStore,
    activity_id: int,
    title: str,
    description: str,
    word_filter: str,
    changed: QuestionsChanged = nobody_told,
) -> Activity:
    """Change the title, description and filtered words (one per line)."""
    title, description = _settings(title, description)
    activity = store.activity(activity_id)
    words = [w.strip() for w in word_filter.splitlines() if w.strip()]
    document = authoring.set_data(
        str(activity.document.get("id") or _slug(title)), title, words, activity.items
    )
    _validate(document, None)
    return _saved(store, activity_id, title, description, document, changed)


def _saved(
    store: ActivityStore,
    activity_id: int,
    title: str,
    description: str,
    document: Mapping[str, Any],
    changed: QuestionsChanged,
) -> Activity:
    """Store the activity; the session it brought up to date tells its clients.

    The store updates the newest session with the items (between questions); its
    open panel, projector and phones then show the edit without a reload.
    """
    saved = store.save_activity(activity_id, title, description, document)
    run = store.current_run(activity_id) if document.get("questions") else None
    if run is not None:
        changed(run)
    return saved


def _validate(document: Mapping[str, Any], position: int | None) -> None:
    if not document.get("questions"):
        return
    _, errors = authoring.check_set(document, position)
    if errors:
        raise Invalid(errors)


def _save_items(
    store: ActivityStore,
    activity: Activity,
    items: Sequence[Mapping[str, Any]],
    at: int | None,
    changed: QuestionsChanged,
) -> Activity:
    document = dict(activity.document) | {"questions": [dict(i) for i in items]}
    _validate(document, at)
    return _saved(store, activity.id, activity.title, activity.description, document, changed)


def _refused(refusals: Sequence[authoring.Refusal]) -> None:
    if refusals:
        errors: dict[str, str] = {}
        for r in refusals:
            errors.setdefault(r.field, r.reason)
        raise Invalid(errors)


def _answered_item(store: ActivityStore, activity: Activity, item_id: str) -> tuple[
    ItemBase | None, frozenset[str] | None
]:  # fmt: skip
    answered = store.answered(activity.id)
    return activity.item(item_id), answered.get(item_id)


def save_item(
    store: ActivityStore,
    activity_id: int,
    item_id: str | None,
    form: Mapping[str, str],
    changed: QuestionsChanged = nobody_told,
) -> Activity:
    """Add an item (``item_id`` None) or replace one with what the form says."""
    activity = store.activity(activity_id)
    items, ids = activity.items, activity.item_ids
    old = activity.item(item_id) if item_id is not None else None
    if item_id is not None and old is None:
        raise Invalid({"": f"The activity has no item {item_id} (any more)."})
    data = authoring.item_data(form, old)
    if not data["id"]:
        data["id"] = item_id or authoring.fresh_id(ids)
    others = [i for i in ids if i != item_id]
    if data["id"] in others:
        raise Invalid({"id": f"Another item already has the id {data['id']}."})
    if item_id is None:
        items.append(data)
        at = len(items) - 1
    else:
        at = ids.index(item_id)
        items[at] = data
    document = dict(activity.document) | {"questions": items}
    _validate(document, at)
    if old is not None:
        answered = store.answered(activity_id).get(old.id)
        if answered is not None:
            new = QuestionSet.model_validate(document).questions[at]
            _refused(authoring.answered_edit(old, new, answered))
    return _saved(store, activity.id, activity.title, activity.description, document, changed)


def delete_item(
    store: ActivityStore, activity_id: int, item_id: str, changed: QuestionsChanged = nobody_told
) -> Activity:
    activity = store.activity(activity_id)
    old, answered = _answered_item(store, activity, item_id)
    if old is None:
        raise Invalid({"": f"The activity has no item {item_id} (any more)."})
    if answered is not None:
        _refused(authoring.answered_edit(old, None, answered))
    items = [i for i in activity.items if i.get("id") != item_id]
    return _save_items(store, activity, items, None, changed)


def move_item(
    store: ActivityStore,
    activity_id: int,
    item_id: str,
    by: int,
    changed: QuestionsChanged = nobody_told,
) -> Activity:
    """Move an item up (``by=-1``) or down (``by=1``); answers belong to the item, not its place."""
    activity = store.activity(activity_id)
    items, ids = activity.items, activity.item_ids
    if item_id not in ids:
        raise Invalid({"": f"The activity has no item {item_id} (any more)."})
    at = ids.index(item_id)
    to = max(0, min(len(items) - 1, at + by))
    items.insert(to, items.pop(at))
    return _save_items(store, activity, items, None, changed)


def duplicate_item(
    store: ActivityStore, activity_id: int, item_id: str, changed: QuestionsChanged = nobody_told
) -> Activity:
    """A copy right after the item, with a fresh id (and no twin: a pre item has one)."""
    activity = store.activity(activity_id)
    items, ids = activity.items, activity.item_ids
    if item_id not in ids:
        raise Invalid({"": f"The activity has no item {item_id} (any more)."})
    at = ids.index(item_id)
    copy = dict(items[at]) | {"id": authoring.fresh_id(ids, f"{item_id[:34]}-copy")}
    copy.pop("twin_of", None)
    items.insert(at + 1, copy)
    return _save_items(store, activity, items, at + 1, changed)


def start(
    store: ActivityStore, activity_id: int, owner: Organiser | None = None
) -> sessions.Created:
    """A new session (one run) of the activity, with fresh secrets, owned by who started it."""
    questions = export(store, activity_id)
    keys = Secrets.new()
    state = store.create_session(
        questions, keys, None, activity_id, owner_id=owner.id if owner else None
    )
    return sessions.Created(state, keys.moderator_secret, keys.screen_token)
