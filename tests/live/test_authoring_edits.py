"""An edit saved in the authoring pages reaches the session's clients already joined.

The organiser saves through the pages (HTTP); the panel, projector and phones of the
activity's newest session hear it over Socket.IO: everyone a new ``state``, the panel
a ``questions`` message (docs/protocol.md).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from her2poll.core.authoring import item_form
from her2poll.store.db import get_db
from her2poll.store.repository import SqlStore
from testkit.accounts import organiser_client

from .conftest import LiveSession


def started(app: Flask) -> tuple[FlaskClient, str, LiveSession]:
    """An activity from the all-item-types template, run once: (organiser, its URL, session)."""
    organiser = organiser_client(app)
    url = str(
        organiser.post("/activities/from-template", data={"template": "all-item-types"}).location
    )
    page = organiser.post(f"{url}/start").text
    code = re.search(r'id="started-code">(\w+)<', page).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="started-key">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    token = re.search(r"#token=([^<\s]+)<", page).group(1)  # type: ignore[union-attr]
    return organiser, url, LiveSession(app, code, secret, token)


def received(client: Any, name: str) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == name]


def edit(organiser: FlaskClient, url: str, app: Flask, item_id: str, **fields: str) -> int:
    item = SqlStore(get_db(app)).activity(int(url.rsplit("/", 1)[1])).item(item_id)
    assert item is not None
    return organiser.post(f"{url}/items/{item_id}", data=item_form(item) | fields).status_code


def test_a_typo_fixed_between_questions_reaches_panel_projector_and_phones(app: Flask) -> None:
    organiser, url, live = started(app)
    mod, (phone, joined), screen = live.moderator(), live.attendee(), live.screen()
    for action in ("open", "close"):
        ack = mod.emit("control", {"action": action, "question_id": "CASE1"}, callback=True)
        assert ack["ok"], ack
    for c in (mod, phone, screen):
        c.get_received()
    before = ack["state"]["version"]

    fixed = "Which second-line therapy is preferred by current guidelines?"
    assert edit(organiser, url, app, "CASE1", text=fixed) == 303

    screen_news = screen.get_received()
    [to_phone] = received(phone, "state")
    [to_screen] = [m["args"][0] for m in screen_news if m["name"] == "state"]
    for state in (to_phone, to_screen):
        assert state["version"] > before and state["current"]["text"] == fixed
        assert state["current"]["question_id"] == "CASE1" and state["current"]["state"] == "closed"
    news = mod.get_received()
    [questions] = [m["args"][0] for m in news if m["name"] == "questions"]
    assert questions["state"]["version"] == to_phone["version"]
    assert questions["questions"]["questions"][0]["text"] == fixed
    assert set(questions) == {"state", "tally", "questions", "results"}
    assert joined["state"]["version"] < to_phone["version"]
    assert received(phone, "questions") == []  # the panel's and the projector's only


def test_a_pending_item_edited_shows_its_new_wording_when_opened(app: Flask) -> None:
    organiser, url, live = started(app)
    mod = live.moderator()
    mod.get_received()
    assert edit(organiser, url, app, "SHARE", text="What share of your patients?") == 303
    [questions] = received(mod, "questions")
    share = next(q for q in questions["questions"]["questions"] if q["id"] == "SHARE")
    assert share["text"] == "What share of your patients?"
    ack = mod.emit("control", {"action": "open", "question_id": "SHARE"}, callback=True)
    assert ack["state"]["current"]["text"] == "What share of your patients?"


def test_an_edit_refused_while_a_question_is_open_tells_nobody(app: Flask) -> None:
    organiser, url, live = started(app)
    mod, (phone, _) = live.moderator(), live.attendee()
    assert mod.emit("control", {"action": "open", "question_id": "CASE1"}, callback=True)["ok"]
    for c in (mod, phone):
        c.get_received()
    assert edit(organiser, url, app, "SHARE", text="What share of your patients?") == 409
    assert received(mod, "questions") == [] and received(phone, "state") == []


def test_an_edit_of_an_activity_run_twice_reaches_only_its_newest_session(app: Flask) -> None:
    organiser, url, first = started(app)
    old = first.moderator()
    page = organiser.post(f"{url}/start").text
    code = re.search(r'id="started-code">(\w+)<', page).group(1)  # type: ignore[union-attr]
    secret = re.search(r'id="started-key">([^<]+)<', page).group(1)  # type: ignore[union-attr]
    new = LiveSession(app, code, secret, "").moderator()
    for c in (old, new):
        c.get_received()
    assert edit(organiser, url, app, "SHARE", text="What share of your patients?") == 303
    assert received(old, "questions") == [] and len(received(new, "questions")) == 1


def test_a_published_figure_edited_reaches_the_projector(app: Flask) -> None:
    """The projector draws published bars from its join ack: an edit sends it new ones."""
    organiser, url, live = started(app)
    mod, screen = live.moderator(), live.screen()
    assert mod.emit("control", {"action": "open", "question_id": "CASE1"}, callback=True)["ok"]
    assert mod.emit("control", {"action": "close", "question_id": "CASE1"}, callback=True)["ok"]
    screen.get_received()
    figure = {
        "options-0-published-percent": "40",
        "options-0-published-status": "published",
        "options-0-published-quote": "40% chose it",
    }
    assert edit(organiser, url, app, "CASE1", **figure) == 303
    [news] = received(screen, "questions")
    assert set(news) == {"state", "questions"}  # no sources, notes or results for the room
    case1 = next(q for q in news["questions"] if q["id"] == "CASE1")
    first, *rest = case1["published"].values()
    assert first == {"percent": 40, "status": "published"}
    assert rest and all(figure is None for figure in rest)
    assert news["state"]["version"] > 0 and "quote" not in str(news["questions"])
