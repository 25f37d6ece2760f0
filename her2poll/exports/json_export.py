"""The JSON export (``her2poll-export``, version 3) and its import.

One document holds everything the other formats show plus what it takes to
recreate the session: the question-set snapshot, the polls' states and times,
the participants under their pseudonyms, every current answer and the log of
every applied vote (each answer as its item type takes it: an option id, option ids,
a number or a text, with its confidence and whether it is hidden from the room), and
the audience questions with their upvoters (as pseudonyms) and the Q&A settings.
``her2poll import`` reads it into a fresh database, and exporting the imported
session gives the identical document, byte for byte.
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

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
)

from ..core.errors import BadRequest, Her2pollError, VoteRefused
from ..core.items import Answer, ItemBase, RawAnswer
from ..core.languages import room_language
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
#: Version 2 holds answers of every item type; version 3 adds the room's settings
#: (``session.language``, ``session.room_statistics``). Versions 1 (one option each) and 2
#: still import; an older her2poll refuses a newer document by its version, in one line.
VERSION = 3
READS = (1, 2, 3)
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
            "language": state.language,
            "room_statistics": state.room_statistics,
        },
        "counts": vars(snap.counts),
        "question_set": state.questions.model_dump(mode="json"),
        "polls": [
            {**p._asdict(), "opened_at": _iso(p.opened_at), "closed_at": _iso(p.closed_at)}
            for p in snap.polls
        ],
        "results": _named_answers(session_results(state, snap.tallies), snap.answer_owners()),
    }


def _named_answers(results: dict[str, Any], owners: dict[int, str]) -> dict[str, Any]:
    """The results with each listed open-text answer named by participant, not database id.

    The id is how a moderator hides an answer live; in a file it would change with
    every import, and the re-export would no longer be the same document.
    """
    for q in results["questions"]:
        if q["type"] == "text":
            q["live"]["answers"] = [
                {"participant": owners.get(a["id"]), **{k: v for k, v in a.items() if k != "id"}}
                for a in q["live"]["answers"]
            ]
    return results


def _answer(
    questions: QuestionSet, question_id: str, option_id: str | None, value: str | None
) -> object:
    """The stored pair as the answer its item takes: an option id, a list, a number, a text."""
    item = questions.question(question_id)
    if item is None:  # pragma: no cover - the polls are the set's questions
        return option_id
    answer = item.load_answer(option_id, value)
    return list(answer) if isinstance(answer, tuple) else answer


def _participant(p: ParticipantRecord) -> dict[str, object]:
    return {"id": p.participant, "joined_at": _iso(p.joined_at)}


def _response(questions: QuestionSet, r: ResponseRecord) -> dict[str, object]:
    return {
        "participant": r.participant,
        "question_id": r.question_id,
        "answer": _answer(questions, r.question_id, r.option_id, r.value),
        "confidence": r.confidence,
        "hidden": r.hidden,
        "answered_at": _iso(r.answered_at),
        "updated_at": _iso(r.updated_at),
        "changed_count": r.changed_count,
    }


def _vote(questions: QuestionSet, v: VoteRecord) -> dict[str, object]:
    return {
        "participant": v.participant,
        "question_id": v.question_id,
        "answer": _answer(questions, v.question_id, v.option_id, v.value),
        "received_at": _iso(v.received_at),
    }


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
    qs = snap.state.questions
    streams = [
        ("participants", map(_participant, snap.participants())),
        ("responses", (_response(qs, r) for r in snap.responses())),
        ("votes", (_vote(qs, v) for v in snap.votes())),
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
    #: The room's settings (absent from documents written before they were exported).
    language: str | None = None
    room_statistics: StrictBool = False

    @field_validator("language")
    @classmethod
    def _a_page_language(cls, value: str | None) -> str | None:
        try:
            return room_language(value)
        except BadRequest as e:
            raise ValueError(str(e)) from None


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


#: An answer as its item type takes it (checked against the item on import).
_Answer = StrictStr | StrictInt | StrictFloat | list[StrictStr]


class _Response(_Strict):
    participant: str
    question_id: str
    answer: _Answer
    confidence: int | None = Field(ge=1, le=4)
    hidden: bool
    answered_at: AwareDatetime
    updated_at: AwareDatetime
    changed_count: int = Field(ge=0)


class _Vote(_Strict):
    participant: str
    question_id: str
    answer: _Answer
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
    if data.get("version") not in READS:
        raise InvalidExport(
            f"Export version {data.get('version')!r} is not supported; "
            f"this her2poll imports versions {', '.join(map(str, READS))}."
        )
    if data["version"] == 1:
        _upgrade_v1(data)
    try:
        doc = _Document.model_validate(data)
    except ValidationError as e:
        where = [f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()[:3]]
        raise InvalidExport(f"Invalid her2poll export: {'; '.join(where)}") from None
    questions = parse_question_set(doc.question_set)
    _check(doc, questions)
    return _to_import(doc, questions)


def _upgrade_v1(data: dict[str, Any]) -> None:
    """Version 1 answered with one option each: its ``option_id`` is the answer."""
    for key, extra in (("responses", {"confidence": None, "hidden": False}), ("votes", {})):
        rows = data.get(key)
        if isinstance(rows, list):
            data[key] = [
                {**{k: v for k, v in r.items() if k != "option_id"}, "answer": r.get("option_id"),
                 **extra} if isinstance(r, dict) else r
                for r in rows
            ]  # fmt: skip


def _check(doc: _Document, questions: QuestionSet) -> None:
    """Refuse a document whose rows do not fit together, before anything is written."""
    if [p.question_id for p in doc.polls] != questions.question_ids:
        raise InvalidExport("The polls do not match the questions of the question set.")
    if doc.session.current_question_id not in (None, *questions.question_ids):
        raise InvalidExport("current_question_id is not a question of the set.")
    expected = [pseudonym(i) for i in range(1, len(doc.participants) + 1)]
    if [p.id for p in doc.participants] != expected:
        raise InvalidExport("Participants must be P0001, P0002, … in order.")
    known = set(expected)
    seen: set[tuple[str, str]] = set()
    for kind, rows in (("response", doc.responses), ("vote", doc.votes)):
        for row in rows:
            if row.participant not in known:
                raise InvalidExport(f"A {kind} names unknown participant {row.participant!r}.")
            if questions.question(row.question_id) is None:
                raise InvalidExport(
                    f"A {kind} names question {row.question_id!r}, "
                    "which the question set does not have."
                )
    for r in doc.responses:
        if r.confidence is not None and not _item(questions, r.question_id).confidence:
            raise InvalidExport(
                f"{r.participant}'s response to {r.question_id} has a confidence; "
                "the question does not ask for one."
            )
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


def _item(questions: QuestionSet, question_id: str) -> ItemBase:
    item = questions.question(question_id)
    assert item is not None  # checked by _check
    return item


def _raw(item: ItemBase, answer: str | int | float | list[str]) -> RawAnswer:
    """The answer in the one field its item type reads, or None where it is of another kind."""
    field = item.answer_field
    if field == "option_ids":
        return RawAnswer(option_ids=tuple(answer)) if isinstance(answer, list) else RawAnswer()
    if field == "value":
        return RawAnswer(value=float(answer)) if isinstance(answer, int | float) else RawAnswer()
    if isinstance(answer, str):
        return RawAnswer(text=answer) if field == "text" else RawAnswer(option_id=answer)
    return RawAnswer()


def _stored(
    questions: QuestionSet, kind: str, who: str, question_id: str, answer: Any
) -> tuple[str | None, str | None]:
    """An exported answer checked as a vote would be, then as the store keeps it."""
    item = _item(questions, question_id)
    try:
        checked: Answer = item.read(_raw(item, answer))
    except VoteRefused as e:
        raise InvalidExport(
            f"A {kind} of {who} to {question_id} ({item.type}) is not an answer it takes: {e}"
        ) from None
    return item.store_answer(checked)


def _to_import(doc: _Document, questions: QuestionSet) -> SessionImport:
    return SessionImport(
        code=doc.session.code,
        title=doc.session.title,
        created_at=doc.session.created_at,
        current_question_id=doc.session.current_question_id,
        language=doc.session.language,
        room_statistics=doc.session.room_statistics,
        questions=questions,
        polls=[PollRecord(**p.model_dump()) for p in doc.polls],
        participants=[ParticipantRecord(p.id, p.joined_at) for p in doc.participants],
        responses=[
            ResponseRecord(
                r.participant,
                r.question_id,
                *_stored(questions, "response", r.participant, r.question_id, r.answer),
                r.confidence,
                r.hidden,
                r.answered_at,
                r.updated_at,
                r.changed_count,
            )  # fmt: skip
            for r in doc.responses
        ],
        votes=[
            VoteRecord(
                v.participant,
                v.question_id,
                *_stored(questions, "vote", v.participant, v.question_id, v.answer),
                v.received_at,
            )
            for v in doc.votes
        ],
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
