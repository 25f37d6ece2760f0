"""The JSON export (``her2poll-export``, version 1) and its import.

One document holds everything the other formats show plus what it takes to
recreate the session: the question-set snapshot, the polls' states and times,
the participants under their pseudonyms, every current answer and the log of
every applied vote, and the audience questions with their upvoters (as
pseudonyms) and the Q&A settings. ``her2poll import`` reads it into a fresh
database, and exporting the imported session gives the identical document, byte
for byte.
That is why the document has no export timestamp, no secrets and no vote ids
(the idempotency keys of the live protocol, which mean nothing afterwards).

Written as a stream: a few header lines, then one record per line, so a large
session is never built in memory as one object. The shape is in ``docs/api.md``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import IO, Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from ..core.errors import Her2pollError
from ..core.items import options_of
from ..core.qa import Settings
from ..core.questions import QuestionSet, parse_question_set
from ..store.export import (
    ParticipantRecord,
    PollRecord,
    QARecord,
    ResponseRecord,
    SessionSnapshot,
    VoteRecord,
    pseudonym,
    qa_label,
)
from ..store.restore import SessionImport

FORMAT = "her2poll-export"
VERSION = 1
ROWS_PER_CHUNK = 2000


class InvalidExport(Her2pollError):
    """A file that is not a her2poll export this version can import."""

    code = "invalid_export"


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def header(snap: SessionSnapshot) -> dict[str, Any]:
    """Everything but the row streams: session, counts, question set, polls, results."""
    # Imported here: scipy and statsmodels take a second, and 'her2poll import' needs neither.
    from ..core.results import session_results

    state = snap.state
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": {
            "code": state.code,
            "title": state.title,
            "created_at": _iso(state.created_at),
            "question_set": state.questions.id,
            "current_question_id": state.current_question_id,
        },
        "counts": vars(snap.counts),
        "question_set": state.questions.model_dump(mode="json"),
        "polls": [
            {**p._asdict(), "opened_at": _iso(p.opened_at), "closed_at": _iso(p.closed_at)}
            for p in snap.polls
        ],
        "results": session_results(state, snap.tallies),
    }


def _participant(p: ParticipantRecord) -> dict[str, object]:
    return {"id": p.participant, "joined_at": _iso(p.joined_at)}


def _response(r: ResponseRecord) -> dict[str, object]:
    return {
        **r._asdict(),
        "answered_at": _iso(r.answered_at),
        "updated_at": _iso(r.updated_at),
    }


def _vote(v: VoteRecord) -> dict[str, object]:
    return {**v._asdict(), "received_at": _iso(v.received_at)}


def _qa_question(q: QARecord) -> dict[str, object]:
    return {
        **q._asdict(),
        "created_at": _iso(q.created_at),
        "updated_at": _iso(q.updated_at),
        "upvoters": list(q.upvoters),
    }


def iter_json(snap: SessionSnapshot) -> Iterator[bytes]:
    """Yield the document in UTF-8 chunks: header keys one per line, then one row per line."""
    lines = [f"{_dumps(k)}: {_dumps(v)}" for k, v in header(snap).items()]
    yield ("{" + ",\n".join(lines) + ",\n").encode()
    streams = [
        ("participants", map(_participant, snap.participants())),
        ("responses", map(_response, snap.responses())),
        ("votes", map(_vote, snap.votes())),
    ]
    for name, rows in streams:
        yield f'"{name}": ['.encode()
        yield from _array_items(rows)
        yield b"\n],\n"
    settings = _dumps(snap.qa_settings.to_dict())
    yield f'"qa": {{"settings": {settings},\n"questions": ['.encode()
    yield from _array_items(map(_qa_question, snap.qa_questions()))
    yield b"\n]}\n}\n"


def _array_items(rows: Iterable[dict[str, object]]) -> Iterator[bytes]:
    it, sep = iter(rows), "\n"
    while batch := list(islice(it, ROWS_PER_CHUNK)):
        yield (sep + ",\n".join(_dumps(r) for r in batch)).encode()
        sep = ",\n"


# --- import -------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Session(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9]{1,12}$")
    title: str = Field(min_length=1, max_length=300)
    created_at: AwareDatetime
    question_set: str
    current_question_id: str | None


class _Poll(_Strict):
    question_id: str
    position: int = Field(ge=0)
    state: Literal["pending", "open", "closed"]
    revealed: bool
    opened_at: AwareDatetime | None
    closed_at: AwareDatetime | None


class _Participant(_Strict):
    id: str
    joined_at: AwareDatetime


class _Response(_Strict):
    participant: str
    question_id: str
    option_id: str
    answered_at: AwareDatetime
    updated_at: AwareDatetime
    changed_count: int = Field(ge=0)


class _Vote(_Strict):
    participant: str
    question_id: str
    option_id: str
    received_at: AwareDatetime


_Word = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[^\r\n]+$")]


class _QASettings(_Strict):
    open: bool
    premoderate: bool
    names: bool
    filter: list[_Word] = Field(max_length=200)


class _QAQuestion(_Strict):
    id: str
    asker: str
    text: str = Field(min_length=1, max_length=300)
    name: str | None = Field(max_length=40)
    status: Literal["pending", "approved", "dismissed", "answered", "merged"]
    pinned: bool
    edited: bool
    filtered: bool
    merged_into: str | None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    votes: int = Field(ge=0)
    upvoters: list[str]


class _QA(_Strict):
    settings: _QASettings
    questions: list[_QAQuestion]


class _Document(BaseModel):
    """The parts an import needs; ``counts`` and ``results`` are recomputed, not read."""

    model_config = ConfigDict(extra="ignore")

    session: _Session
    question_set: dict[str, Any]
    polls: list[_Poll]
    participants: list[_Participant]
    responses: list[_Response]
    votes: list[_Vote]
    #: Absent from documents exported before the audience Q&A: none, default settings.
    qa: _QA | None = None


def load_document(fp: IO[bytes]) -> SessionImport:
    """Read and check an export, ready for :func:`her2poll.store.restore.restore_session`.

    :raise InvalidExport: not JSON, another format or version, or rows that
        name participants, questions or options the document does not have.
    """
    try:
        data = json.load(fp)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InvalidExport(f"Not a her2poll export: the file is not valid JSON ({e}).") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidExport(f"Not a her2poll export: 'format' is not {FORMAT!r}.")
    if data.get("version") != VERSION:
        raise InvalidExport(
            f"Export version {data.get('version')!r} is not supported; "
            f"this her2poll imports version {VERSION}."
        )
    try:
        doc = _Document.model_validate(data)
    except ValidationError as e:
        where = [f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()[:3]]
        raise InvalidExport(f"Invalid her2poll export: {'; '.join(where)}") from None
    questions = parse_question_set(doc.question_set)
    _check(doc, questions)
    return _to_import(doc, questions)


def _check(doc: _Document, questions: QuestionSet) -> None:
    """Refuse a document whose rows do not fit together, before anything is written."""
    if [p.question_id for p in doc.polls] != questions.question_ids:
        raise InvalidExport("The polls do not match the questions of the question set.")
    if doc.session.current_question_id not in (None, *questions.question_ids):
        raise InvalidExport("current_question_id is not a question of the set.")
    expected = [pseudonym(i) for i in range(1, len(doc.participants) + 1)]
    if [p.id for p in doc.participants] != expected:
        raise InvalidExport("Participants must be P0001, P0002, … in join order.")
    known = set(expected)
    options = {(q.id, o.id) for q in questions.questions for o in options_of(q)}
    seen: set[tuple[str, str]] = set()
    for kind, rows in (("response", doc.responses), ("vote", doc.votes)):
        for row in rows:
            if row.participant not in known:
                raise InvalidExport(f"A {kind} names unknown participant {row.participant!r}.")
            if (row.question_id, row.option_id) not in options:
                raise InvalidExport(
                    f"A {kind} names option {row.option_id!r} of question {row.question_id!r}, "
                    "which the question set does not have."
                )
    for r in doc.responses:
        if (r.participant, r.question_id) in seen:
            raise InvalidExport(f"{r.participant} has two responses to {r.question_id}.")
        seen.add((r.participant, r.question_id))
    if doc.qa is not None:
        _check_qa(doc.qa.questions, known)


def _check_qa(questions: list[_QAQuestion], known: set[str]) -> None:
    """Questions numbered in the order asked, by known participants, merged into one another."""
    labels = [qa_label(i) for i in range(1, len(questions) + 1)]
    if [q.id for q in questions] != labels:
        raise InvalidExport("Audience questions must be Q001, Q002, … in the order asked.")
    for q in questions:
        if q.asker not in known or not set(q.upvoters) <= known:
            raise InvalidExport(f"Audience question {q.id} names an unknown participant.")
        if len(set(q.upvoters)) != len(q.upvoters) or q.votes != len(q.upvoters):
            raise InvalidExport(f"Audience question {q.id}: votes must be its distinct upvoters.")
        if q.merged_into is not None and (q.merged_into not in labels or q.merged_into == q.id):
            raise InvalidExport(f"Audience question {q.id} is merged into no other question.")


def _to_import(doc: _Document, questions: QuestionSet) -> SessionImport:
    return SessionImport(
        code=doc.session.code,
        title=doc.session.title,
        created_at=doc.session.created_at,
        current_question_id=doc.session.current_question_id,
        questions=questions,
        polls=[PollRecord(**p.model_dump()) for p in doc.polls],
        participants=[ParticipantRecord(p.id, p.joined_at) for p in doc.participants],
        responses=[ResponseRecord(**r.model_dump()) for r in doc.responses],
        votes=[VoteRecord(**v.model_dump()) for v in doc.votes],
        **_qa_import(doc.qa),
    )


def _qa_import(qa: _QA | None) -> dict[str, Any]:
    if qa is None:
        return {}
    s = qa.settings
    return {
        "qa_settings": Settings(s.open, s.premoderate, s.names, tuple(s.filter)),
        "qa_questions": [
            QARecord(**{**q.model_dump(), "upvoters": tuple(q.upvoters)}) for q in qa.questions
        ],
    }
