"""Organisers and organisations, and which sessions and activities an organiser sees."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..core.accounts import AccountError, Organiser
from ..core.errors import NotFound
from ..core.session import normalize_code
from .db import Database
from .models import ActivityRow, OrganisationRow, SessionRow, UserRow, utcnow

_COLUMNS = (
    UserRow.id,
    UserRow.email,
    UserRow.name,
    UserRow.organisation_id,
    OrganisationRow.name,
    UserRow.password_hash,
)


def _organiser(row: Row[Any]) -> Organiser:
    uid, email, name, org_id, org, password_hash = tuple(row)
    return Organiser(uid, email, name, org_id, org, password_hash is not None)


def _select() -> object:
    return select(*_COLUMNS).join(OrganisationRow, OrganisationRow.id == UserRow.organisation_id)


def add_user(
    db: Database, email: str, name: str, password_hash: str | None, organisation: str
) -> Organiser:
    """Add an organiser to ``organisation`` (created if new); the e-mail must be free."""
    with db.begin() as conn:
        org_id = conn.execute(
            select(OrganisationRow.id).where(OrganisationRow.name == organisation)
        ).scalar()
        if org_id is None:
            org_id = conn.execute(
                insert(OrganisationRow).returning(OrganisationRow.id),
                {"name": organisation, "created_at": utcnow()},
            ).scalar_one()
        try:
            with conn.begin_nested():
                conn.execute(
                    insert(UserRow),
                    {
                        "email": email,
                        "name": name,
                        "password_hash": password_hash,
                        "organisation_id": org_id,
                        "created_at": utcnow(),
                    },
                )
        except IntegrityError:
            raise AccountError(
                f"An organiser {email} already exists.", code="user_exists"
            ) from None
    found = user_by_email(db, email)
    assert found is not None
    return found


def _one(db: Database, where: ColumnElement[bool]) -> Organiser | None:
    with db.begin() as conn:
        row = conn.execute(_select().where(where)).first()  # type: ignore[attr-defined]
    return _organiser(row) if row is not None else None


def user_by_id(db: Database, user_id: int) -> Organiser | None:
    return _one(db, UserRow.id == user_id)


def user_by_email(db: Database, email: str) -> Organiser | None:
    return _one(db, UserRow.email == email)


def password_hash(db: Database, user_id: int) -> str | None:
    with db.begin() as conn:
        return conn.execute(select(UserRow.password_hash).where(UserRow.id == user_id)).scalar()


def set_password_hash(db: Database, user_id: int, value: str) -> None:
    with db.begin() as conn:
        conn.execute(update(UserRow).where(UserRow.id == user_id).values(password_hash=value))


def count_users(db: Database) -> int:
    with db.begin() as conn:
        return int(conn.execute(select(func.count(UserRow.id))).scalar_one())


def list_users(db: Database) -> list[Organiser]:
    with db.begin() as conn:
        rows = conn.execute(_select().order_by(UserRow.email)).all()  # type: ignore[attr-defined]
    return [_organiser(r) for r in rows]


def activity_visible_to(viewer: Organiser) -> ColumnElement[bool]:
    """Activities of the organiser's organisation (their own among them).

    Activities made before accounts have no organisation. While the install has a
    single organisation every organiser who can sign in belongs to it, so showing
    them hides nothing from anyone who saw them before; once a second organisation
    exists they are shown to nobody until ``her2poll activities assign`` gives them
    to an organiser (nothing is lost, nothing leaks to the newcomer).
    """
    single = select(func.count(OrganisationRow.id)).scalar_subquery() <= 1
    return or_(
        ActivityRow.owner_id == viewer.id,
        ActivityRow.organisation_id == viewer.organisation_id,
        and_(ActivityRow.organisation_id.is_(None), single),
    )


def visible_to(viewer: Organiser) -> ColumnElement[bool]:
    """Sessions the organiser or a colleague of the same organisation owns.

    A run with no owner (started before activities had owners) goes with its
    activity: visible where the activity is.
    """
    colleagues = select(UserRow.id).where(UserRow.organisation_id == viewer.organisation_id)
    theirs = select(ActivityRow.id).where(activity_visible_to(viewer))
    return or_(
        SessionRow.owner_id == viewer.id,
        SessionRow.owner_id.in_(colleagues),
        and_(SessionRow.owner_id.is_(None), SessionRow.activity_id.in_(theirs)),
    )


def set_owner(db: Database, code: str, user_id: int | None) -> None:
    with db.begin() as conn:
        conn.execute(
            update(SessionRow)
            .where(SessionRow.code == normalize_code(code))
            .values(owner_id=user_id)
        )


def assign_activity(db: Database, activity_id: int, owner: Organiser) -> int:
    """Give an activity to ``owner`` (and their organisation), with its sessions that have
    no owner; return how many sessions came with it. The CLI's way to hand over
    activities made before accounts."""
    with db.begin() as conn:
        done = conn.execute(
            update(ActivityRow)
            .where(ActivityRow.id == activity_id)
            .values(owner_id=owner.id, organisation_id=owner.organisation_id)
        ).rowcount
        if not done:
            raise NotFound(f"No activity {activity_id}.", code="activity_not_found")
        return int(
            conn.execute(
                update(SessionRow)
                .where(SessionRow.activity_id == activity_id, SessionRow.owner_id.is_(None))
                .values(owner_id=owner.id)
            ).rowcount
        )
