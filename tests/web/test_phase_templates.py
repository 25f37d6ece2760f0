"""The CME templates: a whole activity by phases, and the standard evaluation block."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from her2poll import create_app
from her2poll.core.items import Phase
from her2poll.core.questions import loads_question_set
from her2poll.store.db import get_db
from testkit.accounts import organiser_client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[FlaskClient]:
    app: Flask = create_app(
        {"database_url": f"sqlite:///{tmp_path / 'web.db'}", "secret_key": "test-secret-key"}
    )
    app.testing = True
    yield organiser_client(app)
    get_db(app).dispose()


@pytest.mark.parametrize(
    ("template", "phases"),
    [
        ("evaluation", {Phase.EVALUATION}),
        ("cme-activity", {Phase.PRE, Phase.TALK, Phase.POST, Phase.EVALUATION}),
    ],
)
def test_a_cme_template_copies_its_phases_and_the_conditional_bias_comment(
    client: FlaskClient, template: str, phases: set[Phase]
) -> None:
    res = client.post("/activities/from-template", data={"template": template})
    assert res.status_code == 303
    copied = loads_question_set(client.get(f"{res.location}/export.json").data)
    assert {q.phase for q in copied.questions} == phases
    comment = copied.question("EVAL_BIAS_COMMENT")
    assert comment is not None and comment.show_if is not None
    assert (comment.show_if.item, comment.show_if.options) == ("EVAL_BIAS", ["NO"])
    objectives = copied.question("EVAL_OBJECTIVES")
    assert objectives is not None and "objectives" in objectives.text


def test_the_home_page_offers_both(client: FlaskClient) -> None:
    page = client.get("/moderator").get_data(as_text=True)
    assert 'value="evaluation"' in page and 'value="cme-activity"' in page
