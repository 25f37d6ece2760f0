"""Tables. The schema itself is owned by the alembic migrations beside this file.

These declarations must match the migrations; ``tests/store/test_migrations.py``
checks that autogenerate finds nothing to add.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false, true


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc(value: datetime) -> datetime:
    """The same instant as an aware UTC datetime (SQLite hands back naive UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ActivityRow(Base):
    """What a provider authors: its question set (items in order, settings), run as sessions."""

    __tablename__ = "activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The question-set document (format 2); its ``questions`` may still be empty.
    questions_json: Mapped[str] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The organiser who made it (None: before accounts, or that account was removed).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: Whose organisers see it (None: made before accounts; see store/accounts.py).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=True, index=True
    )


class SessionRow(Base):
    """One live session: a join code, its question-set snapshot and its secrets."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    #: The question set exactly as it was when the session was created, so the
    #: session keeps its questions even if questions.json changes later.
    questions_json: Mapped[str] = mapped_column(Text)
    moderator_secret_hash: Mapped[str] = mapped_column(String(64))
    screen_token_hash: Mapped[str] = mapped_column(String(64))
    #: Bumped by every change attendees can see (a poll opens, closes, reveals).
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: Bumped by every committed vote batch; orders tally snapshots across processes.
    vote_seq: Mapped[int] = mapped_column(Integer, default=0)
    current_question_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Audience Q&A settings, and the version of its state (bumped with every Q&A change).
    qa_open: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    qa_premoderate: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    qa_names: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Filtered words, one per line.
    qa_filter: Mapped[str] = mapped_column(Text, default="", server_default="")
    qa_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The activity this session is a run of (None: made from a file).
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), nullable=True, index=True
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The language the moderator fixed for phones and projector (None: each its own).
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    #: Whether the projector and phones get the statistics too (off: the panel's only).
    room_statistics: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The organiser who created it (None: made from the shell, or before accounts).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    #: The phase opened last (kept after it closes): phones show its closed block.
    current_phase: Mapped[str | None] = mapped_column(String(12), nullable=True)


class OrganisationRow(Base):
    """A provider or department: its organisers see each other's sessions."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class UserRow(Base):
    """An organiser who signs in; belongs to one organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stored lower-case: the sign-in name.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    #: An argon2 hash; None for an organiser who signs in only through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PollRow(Base):
    """The state of one question in one session."""

    __tablename__ = "polls"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="pending")
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: When the running countdown ends (None: none running).
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PhaseRunRow(Base):
    """How one phase of one session is run (a row once the moderator first opens it)."""

    __tablename__ = "phase_runs"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(12), primary_key=True)
    #: ``self`` or ``moderator`` (:class:`~her2poll.core.phases.Pacing`).
    pacing: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BlockSubmissionRow(Base):
    """A learner pressed "Submit" on a self-paced block: once per learner and phase.

    The answers themselves are the ordinary answers, each committed as it was given,
    so a learner who never submits still keeps them.
    """

    __tablename__ = "block_submissions"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[str] = mapped_column(String(12), primary_key=True)
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ParticipantRow(Base):
    """An anonymous attendee device, known by a random public id."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_participants_session", "session_id"),)


class AnswerRow(Base):
    """A participant's current answer to a question: one per person per question."""

    __tablename__ = "answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    #: The option, for items answered with one (counted by the database); else None.
    option_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    #: Every other answer as JSON: option ids, a number, a text (core.items says which).
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: "How sure are you?" 1-4, where the item asks it.
    confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: Open text the moderator has hidden from the room (kept, and marked in exports).
    hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    answered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    changed_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("session_id", "question_id", "participant_id", name="uq_answer_once"),
        Index("ix_answers_tally", "session_id", "question_id", "option_id"),
    )


class VoteReceiptRow(Base):
    """Every vote request ever applied, by its client-generated ``vote_id``.

    This is what makes a retry harmless: a ``vote_id`` seen before is a
    duplicate even if a later vote has since replaced the answer, so a late
    retry of an old vote can never overwrite a newer one.
    """

    __tablename__ = "vote_receipts"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    vote_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(40))
    option_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    value: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Set when the question is reset: the vote no longer counts, but its id is still
    #: known, so a delayed retry of a vote from before the reset is a duplicate.
    voided: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (Index("ix_receipts_session", "session_id"),)


class QAQuestionRow(Base):
    """A learner's question to the panel; ``client_id`` makes a retried ask harmless."""

    __tablename__ = "qa_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(String(300))
    name: Mapped[str | None] = mapped_column(String(40), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    edited: Mapped[bool] = mapped_column(Boolean, default=False)
    filtered: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into: Mapped[int | None] = mapped_column(
        ForeignKey("qa_questions.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("participant_id", "client_id", name="uq_qa_ask_once"),
        Index("ix_qa_questions_session", "session_id", "status"),
    )


class QAUpvoteRow(Base):
    """One upvote per participant and question: the primary key is the rule."""

    __tablename__ = "qa_upvotes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("qa_questions.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_qa_upvotes_session", "session_id", "question_id"),)


class CreditSettingsRow(Base):
    """A session's credit settings: whether learners identify, and the threshold."""

    __tablename__ = "credit_settings"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``anonymous`` or ``identified`` (:class:`~her2poll.core.learners.IdentityMode`).
    identity_mode: Mapped[str] = mapped_column(String(12), default="anonymous")
    #: Share of the items asked a learner must answer for a certificate.
    threshold: Mapped[float] = mapped_column(Float, default=0.75)


class IdentityRow(Base):
    """Who a participant is, kept apart from their answers (one per participant).

    The retention purge blanks ``name``, ``email`` and ``licence`` and sets
    ``purged_at``; ``profession`` stays, so the PARS counts stay true.
    """

    __tablename__ = "identities"

    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    profession: Mapped[str] = mapped_column(String(12))
    licence: Mapped[str | None] = mapped_column(String(60), nullable=True)
    #: The consent line the learner ticked, word for word.
    consent_text: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_identities_session", "session_id"),)


class ConnectionRow(Base):
    """One attendee connection, from join to disconnect (attendance, Moore level 1)."""

    __tablename__ = "connections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"))
    connected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: None while connected, or when the server stopped without seeing the disconnect.
    disconnected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: Last time the server knew the connection alive (bounds an interval left open).
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_connections_session", "session_id", "participant_id"),)
