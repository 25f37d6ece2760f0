"""Authoring pages: write an activity's items, export and import them, run it as sessions.

Plain HTML forms posted to the server: a refused save renders the same form
again with what was typed and the errors next to their fields (status 400),
so nothing is lost and the pages work without JavaScript. Every form includes
``_csrf.html``, where a CSRF token goes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response as Redirect

from ..config import DEFAULT_QUESTIONS
from ..core import authoring as core
from ..core.access import derive_screen_token
from ..core.errors import Conflict, Forbidden, Her2pollError, QuestionSetError
from ..core.items import ITEM_TYPES
from ..core.polls import PollState
from ..core.questions import FORMAT_VERSION, load_question_set, loads_question_set
from ..services import authoring
from ..services.authoring import Invalid
from ..services.ports import QUESTIONS_CHANGED, QuestionsChanged, nobody_told
from ..store.repository import get_store
from . import links
from .auth import require_organiser

bp = Blueprint("authoring", __name__)

TYPE_LABELS = {
    "single": "Single choice",
    "multiple": "Multiple choice",
    "rating": "Rating scale",
    "numeric": "Number",
    "text": "Open text",
    "ranking": "Ranking",
}
TEXT_STATUSES = {
    "verbatim": "The source’s own words",
    "reconstructed": "Reconstructed (not verbatim)",
}
FIGURE_STATUSES = {
    "published": "printed in the source",
    "derived": "derived from printed figures",
}
#: An option row's fields beyond its id and text: a row with any of them typed is shown.
ROW_FIELDS = (
    "id", "text", "value", "note", "published-percent", "published-quote", "published-note",
)  # fmt: skip
PHASES = {
    "talk": "Live poll (talk)",
    "pre": "Pre-test",
    "post": "Post-test",
    "evaluation": "Evaluation",
}

#: The outcomes report's roles (docs/questions.md, "Roles"), as the item form offers them.
ROLES = {
    "": "(none: filed by its phase)",
    "commitment": "Commitment to change (text)",
    "intent_to_change": "Intent to change (scale)",
    "eval_objectives": "Evaluation: objectives met",
    "eval_relevance": "Evaluation: relevance to practice",
    "eval_format": "Evaluation: format",
    "eval_bias": "Evaluation: free of commercial bias (yes, no)",
    "eval_bias_comment": "Evaluation: what was biased (text)",
    "eval_comment": "Evaluation: other comments (text)",
}


def templates() -> dict[str, tuple[str, Path]]:
    """The question sets an activity can start from."""
    return {
        "founding": (
            "The founding article's six poll questions",
            current_app.config["HER2POLL"].questions_path,
        ),
        "all-item-types": (
            "One item of every type (a case discussion)",
            DEFAULT_QUESTIONS.parent / "examples" / "all-item-types.json",
        ),
        "cme-activity": (
            "A CME activity: pre-test, talk, post-test and evaluation",
            DEFAULT_QUESTIONS.parent / "examples" / "cme-activity.json",
        ),
        "evaluation": (
            "The standard evaluation: objectives, relevance, commercial bias, format",
            DEFAULT_QUESTIONS.parent / "examples" / "evaluation.json",
        ),
    }


@bp.before_request
def _same_origin() -> None:
    """A form on another site cannot change anything here.

    ``Origin: null`` (what Chromium sends for a form under ``Referrer-Policy: no-referrer``,
    and what a sandboxed page sends) is left to the CSRF token every form carries.
    """
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin not in (None, "null", request.host_url.rstrip("/")):
        raise Forbidden("Cross-origin requests may not change state.", code="bad_origin")


def _news() -> QuestionsChanged:
    """How a saved edit reaches the clients of the session it updated (the live layer)."""
    told: QuestionsChanged = current_app.extensions.get(QUESTIONS_CHANGED, nobody_told)
    return told


@bp.before_request
def _theirs() -> None:
    """Every page of an activity or a session is its organisation's only.

    Checked once here for every route with an ``activity_id`` or a ``code``, so a
    new route cannot forget it; another organisation's gets the 404 page. (The
    app's ``organisers_only`` hook has already sent anyone signed out to sign in.)
    """
    args = request.view_args or {}
    if "activity_id" in args:
        authoring.require_activity(get_store(), require_organiser(), args["activity_id"])
    if "code" in args:
        authoring.require_session(get_store(), require_organiser(), args["code"])


def _home_with(errors: Mapping[str, str], status: int = 400) -> ResponseReturnValue:
    from .moderator import render_home

    return render_home(errors=errors, form=request.form.to_dict()), status


@bp.post("/activities")
def create() -> ResponseReturnValue:
    """A new, empty activity from a title (and description)."""
    try:
        activity = authoring.create(
            get_store(),
            request.form.get("title", ""),
            request.form.get("description", ""),
            require_organiser(),
        )
    except Invalid as e:
        return _home_with(e.errors)
    return redirect(url_for(".edit", activity_id=activity.id), 303)


@bp.post("/activities/from-template")
def from_template() -> ResponseReturnValue:
    """A new activity holding a copy of one of :func:`templates`."""
    chosen = templates().get(request.form.get("template", ""))
    if chosen is None:
        return _home_with({"template": "Choose one of the templates."})
    questions = load_question_set(chosen[1])
    activity = authoring.import_set(get_store(), questions, owner=require_organiser())
    return redirect(url_for(".edit", activity_id=activity.id), 303)


@bp.post("/activities/import")
def import_file() -> ResponseReturnValue:
    """A new activity from an uploaded question-set file (checked as the CLI checks it)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _home_with({"file": "Choose a question-set file (.json) to import."})
    try:
        questions = loads_question_set(upload.read(512 * 1024))
    except QuestionSetError as e:
        return _home_with({"file": f"{upload.filename}: {e.message}"})
    activity = authoring.import_set(get_store(), questions, owner=require_organiser())
    return redirect(url_for(".edit", activity_id=activity.id), 303)


def _page(
    activity_id: int, errors: Mapping[str, str] | None = None, form: Mapping[str, str] | None = None
) -> str:
    store = get_store()
    activity = store.activity(activity_id)
    mine = store.list_activities(require_organiser())
    runs = next((a.sessions for a in mine if a.id == activity_id), ())
    settings = form or {
        "title": activity.title,
        "description": activity.description,
        "word_filter": "\n".join(activity.document.get("word_filter", ())),
    }
    return render_template(
        "authoring.html",
        activity=activity,
        items=activity.items,
        answered=store.answered(activity_id),
        runs=runs,
        form=settings,
        errors=errors or {},
        types=TYPE_LABELS,
        phases=PHASES,
        notice=request.args.get("notice"),
    )


@bp.get("/activities/<int:activity_id>")
def edit(activity_id: int) -> str:
    """The activity: its settings, its items in order, its sessions."""
    return _page(activity_id)


@bp.post("/activities/<int:activity_id>/settings")
def settings(activity_id: int) -> ResponseReturnValue:
    form = request.form.to_dict()
    try:
        authoring.save_settings(
            get_store(),
            activity_id,
            form.get("title", ""),
            form.get("description", ""),
            form.get("word_filter", ""),
            _news(),
        )
    except Invalid as e:
        return _page(activity_id, e.errors, form), 400
    except Conflict as e:
        return _page(activity_id, {"": e.message}, form), 409
    return _back(activity_id, "Saved.")


def _back(activity_id: int, notice: str, anchor: str = "") -> Redirect:
    url = url_for(".edit", activity_id=activity_id, notice=notice)
    return redirect(url + (f"#{anchor}" if anchor else ""), 303)


def _item_page(
    activity_id: int, item_id: str | None, form: Mapping[str, str], errors: Mapping[str, str]
) -> str:
    activity = get_store().activity(activity_id)
    pre_items = [
        str(i["id"]) for i in activity.items if i.get("phase") == "pre" and i.get("id") != item_id
    ]
    answered = get_store().answered(activity_id).get(item_id or "") is not None
    saved = activity.item(item_id) if answered and item_id else None
    # An item with answers keeps its type and phase (core.authoring.answered_edit): the
    # form offers only them, as it offers its option ids read-only, so nothing looks
    # changeable that a save would refuse.
    types = {saved.type: TYPE_LABELS[saved.type]} if saved else TYPE_LABELS
    phases = {saved.phase.value: PHASES[saved.phase.value]} if saved else PHASES
    return render_template(
        "authoring_item.html",
        activity=activity,
        item_id=item_id,
        form=form,
        errors=errors,
        types=types,
        phases=phases,
        twin_choices={"": "(none)"} | {i: i for i in pre_items},
        roles=ROLES,
        type_fields=core.TYPE_FIELDS,
        option_rows=core.OPTION_ROWS,
        row_fields=ROW_FIELDS,
        text_statuses=TEXT_STATUSES,
        figure_statuses=FIGURE_STATUSES,
        source_open=_source_shown(form, errors),
        answered=answered,
    )


def _source_shown(form: Mapping[str, str], errors: Mapping[str, str]) -> bool:
    """Open the source section when it holds anything typed, or an error."""
    source = ("text_quote", "text_note", "-note", "-published-percent", "-published-quote")
    filled = any(v.strip() and k.endswith(source) for k, v in form.items())
    wrong = any(k.endswith(source + ("-published-status", "text_status")) for k in errors)
    return filled or wrong or form.get("text_status", "verbatim") != "verbatim"


@bp.get("/activities/<int:activity_id>/items/new")
def new_item(activity_id: int) -> str:
    """An empty item form of the chosen type."""
    kind = request.args.get("type", "single")
    return _item_page(activity_id, None, {"type": kind if kind in ITEM_TYPES else "single"}, {})


@bp.get("/activities/<int:activity_id>/items/<item_id>")
def edit_item(activity_id: int, item_id: str) -> str:
    activity = get_store().activity(activity_id)
    item = next((i for i in activity.items if i.get("id") == item_id), None)
    if item is None:
        return _back_missing(activity_id, item_id)
    return _item_page(activity_id, item_id, core.item_form(item), {})


def _back_missing(activity_id: int, item_id: str) -> str:
    return _page(activity_id, {"": f"The activity has no item {item_id} (any more)."})


def _save(activity_id: int, item_id: str | None) -> ResponseReturnValue:
    form = request.form.to_dict()
    try:
        activity = authoring.save_item(get_store(), activity_id, item_id, form, _news())
    except Invalid as e:
        return _item_page(activity_id, item_id, form, e.errors), 400
    except Conflict as e:
        return _item_page(activity_id, item_id, form, {"": e.message}), 409
    saved = form.get("id", "").strip() or activity.item_ids[-1]
    return _back(activity_id, f"Item {saved} saved.", f"item-{saved}")


@bp.post("/activities/<int:activity_id>/items")
def add_item(activity_id: int) -> ResponseReturnValue:
    return _save(activity_id, None)


@bp.post("/activities/<int:activity_id>/items/<item_id>")
def save_item(activity_id: int, item_id: str) -> ResponseReturnValue:
    return _save(activity_id, item_id)


@bp.post("/activities/<int:activity_id>/items/<item_id>/<action>")
def item_action(activity_id: int, item_id: str, action: str) -> ResponseReturnValue:
    """Move up or down, duplicate, delete; a refusal is shown at the top of the page."""
    store = get_store()
    try:
        if action in ("up", "down"):
            by = -1 if action == "up" else 1
            authoring.move_item(store, activity_id, item_id, by, _news())
            return _back(activity_id, f"Item {item_id} moved {action}.", f"item-{item_id}")
        if action == "duplicate":
            authoring.duplicate_item(store, activity_id, item_id, _news())
            return _back(activity_id, f"Item {item_id} duplicated.", f"item-{item_id}")
        if action == "delete":
            authoring.delete_item(store, activity_id, item_id, _news())
            return _back(activity_id, f"Item {item_id} deleted.")
    except Invalid as e:
        return _page(activity_id, e.errors), 400
    except Conflict as e:
        return _page(activity_id, {"": e.message}), 409
    return _page(activity_id, {"": f"Unknown action {action!r}."}), 404


@bp.get("/activities/<int:activity_id>/export.json")
def export(activity_id: int) -> Response:
    """The question set as a file: the same JSON format ``questions check`` reads."""
    questions = authoring.export(get_store(), activity_id)
    versioned = questions.model_copy(update={"format_version": FORMAT_VERSION})
    body = versioned.model_dump_json(indent=2, exclude_defaults=True)
    name = f"{questions.id}.json"
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/activities/<int:activity_id>/start")
def start(activity_id: int) -> ResponseReturnValue:
    """Run the activity: a new session with its own join code and results."""
    try:
        new = authoring.start(get_store(), activity_id, require_organiser())
    except Her2pollError as e:
        return _page(activity_id, {"": e.message}), 400
    code, secret = new.state.code, new.moderator_secret
    return render_template(
        "authoring_started.html",
        code=code,
        secret=secret,
        title=new.state.title,
        activity_id=activity_id,
        moderator_url=links.moderator_url(code, secret),
        attendee_url=links.attendee_url(code),
        screen_url=links.screen_url(code, derive_screen_token(secret)),
    )


@bp.post("/activities/<int:activity_id>/archive")
def archive(activity_id: int) -> Redirect:
    archived = request.form.get("archived") == "1"
    get_store().archive_activity(activity_id, archived)
    return redirect(url_for("moderator.home", notice="Archived." if archived else "Restored."), 303)


@bp.post("/sessions/<code>/archive")
def archive_session(code: str) -> Redirect:
    archived = request.form.get("archived") == "1"
    get_store().archive_session(code, archived)
    notice = f"Session {code} " + ("archived." if archived else "restored.")
    return redirect(url_for("moderator.home", notice=notice), 303)


def _confirm(what: str, live: str | None) -> str:
    """Ask before deleting; say at once when it cannot be (``live``: what is live)."""
    return render_template(
        "authoring_delete.html", what=what, live=live, back=url_for("moderator.home")
    )


@bp.route("/activities/<int:activity_id>/delete", methods=["GET", "POST"])
def delete(activity_id: int) -> ResponseReturnValue:
    """Ask first (GET), then delete with its sessions (POST); refused while one is live."""
    activity = get_store().activity(activity_id)
    what = f"the activity “{activity.title}” and all its sessions and results"
    if request.method == "GET":
        summary = next(a for a in get_store().list_activities() if a.id == activity_id)
        live = [s.code for s in summary.sessions if s.live]
        return _confirm(what, f"Session {', '.join(live)} of this activity" if live else None)
    try:
        get_store().delete_activity(activity_id)
    except Conflict as e:
        return _home_with({"": e.message}, 409)
    return redirect(url_for("moderator.home", notice=f"Deleted “{activity.title}”."), 303)


@bp.route("/sessions/<code>/delete", methods=["GET", "POST"])
def delete_session(code: str) -> ResponseReturnValue:
    state = get_store().session(code)
    what = f"session {state.code} (“{state.title}”) and all its answers"
    if request.method == "GET":
        live = any(p.state is PollState.OPEN for p in state.polls)
        return _confirm(what, f"Session {state.code}" if live else None)
    try:
        get_store().delete_session(state.code)
    except Conflict as e:
        return _home_with({"": e.message}, 409)
    return redirect(url_for("moderator.home", notice=f"Deleted session {state.code}."), 303)
