"""Directory use cases: villages, associations and representation mandates."""
import re
import unicodedata
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.directory.models import (
    OPEN_STATUSES,
    Association,
    Representation,
    RepresentationStatus,
    Village,
)
from app.extensions import db
from app.sql import contains_pattern
from app.timeutil import today, utcnow


class DirectoryError(Exception):
    """A directory use case refused; `code` says why, the view translates it."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def slugify(text: str) -> str:
    """ASCII slug for URLs: 'Lyöttilä' -> 'lyottila'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    # NFKD can make one character many ("ﷺ"): cut to fit the column with room for a "-2" suffix.
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:70].strip("-") or "village"


def unique_slug(name: str) -> str:
    """A village slug no other village has: different names can share one ('Lyöttilä', 'Lyottila', '«', '»')."""
    base = slugify(name)
    taken = set(db.session.scalars(sa.select(Village.slug).where(Village.slug.startswith(base, autoescape=True))))
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def villages_with_counts() -> list[tuple[Village, int]]:
    """Every village with its number of active associations, by name."""
    count = (
        sa.select(sa.func.count(Association.id))
        .where(Association.village_id == Village.id, Association.is_active.is_(True))
        .scalar_subquery()
    )
    return list(db.session.execute(sa.select(Village, count).order_by(Village.name)).all())


def all_villages() -> list[Village]:
    return list(db.session.scalars(sa.select(Village).order_by(Village.name)))


def association_query(village_id: int | None = None, kind: str = "", text: str = "",
                      include_inactive: bool = False) -> sa.Select:
    """Associations filtered by village, kind and name, by name."""
    query = sa.select(Association).options(selectinload(Association.village)).order_by(Association.name)
    if not include_inactive:
        query = query.where(Association.is_active.is_(True))
    if village_id:
        query = query.where(Association.village_id == village_id)
    if kind:
        query = query.where(Association.kind == kind)
    if text:
        query = query.where(Association.name.ilike(contains_pattern(text), escape="\\"))
    return query


def current_representatives(association: Association, on: date) -> list[Representation]:
    """Approved mandates of the association in force on `on`, with their people."""
    query = (
        sa.select(Representation)
        .options(selectinload(Representation.user))
        .where(
            Representation.association_id == association.id,
            Representation.status == RepresentationStatus.APPROVED,
            Representation.starts_on <= on,
            sa.or_(Representation.ends_on.is_(None), Representation.ends_on >= on),
        )
        .order_by(Representation.role.desc(), Representation.starts_on)
    )
    return list(db.session.scalars(query))


def save_village(actor: User, village: Village | None, name: str, description: str) -> Village:
    """Create or edit a village; audited."""
    creating = village is None
    if creating:
        village = Village(name=name, slug=unique_slug(name), description=description)
        db.session.add(village)
    changes = _apply(village, name=name.strip(), description=description)
    if _duplicate(Village, Village.name, village.name, village.id):
        db.session.rollback()
        raise DirectoryError("village_name_taken")
    db.session.flush()
    record(actor, "village.created" if creating else "village.edited", village, **changes)
    db.session.commit()
    return village


def save_association(actor: User, association: Association | None, **fields) -> Association:
    """Create or edit an association; audited with the changed fields."""
    creating = association is None
    if creating:
        association = Association()
        db.session.add(association)
    fields["name"] = fields["name"].strip()
    changes = _apply(association, **fields)
    if _duplicate(Association, Association.name, association.name, association.id):
        db.session.rollback()
        raise DirectoryError("association_name_taken")
    db.session.flush()
    record(actor, "association.created" if creating else "association.edited", association, **changes)
    db.session.commit()
    return association


def _apply(obj, **fields) -> dict:
    """Set fields and return {name: [old, new]} for those that changed."""
    changes = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    return changes


def _duplicate(model, column, value, own_id) -> bool:
    with db.session.no_autoflush:
        query = sa.select(model.id).where(sa.func.lower(column) == value.lower())
        if own_id is not None:
            query = query.where(model.id != own_id)
        return db.session.scalar(query) is not None


def request_representation(user: User, association: Association, role: str,
                           starts_on: date, ends_on: date | None, note: str = "") -> Representation:
    """A resident asks to represent an association; a coordinator decides."""
    if not association.is_active:
        raise DirectoryError("association_inactive")
    if ends_on is not None and ends_on < starts_on:
        raise DirectoryError("dates_out_of_order")
    if ends_on is not None and ends_on < today():
        raise DirectoryError("mandate_already_ended")
    existing = db.session.scalar(
        sa.select(Representation.id).where(
            Representation.user_id == user.id,
            Representation.association_id == association.id,
            Representation.status.in_(OPEN_STATUSES),
        )
    )
    if existing:
        raise DirectoryError("already_requested")
    representation = Representation(user=user, association=association, role=role,
                                    starts_on=starts_on, ends_on=ends_on, note=note)
    db.session.add(representation)
    try:
        db.session.commit()
    except IntegrityError:  # the partial unique index caught a simultaneous double request
        db.session.rollback()
        raise DirectoryError("already_requested") from None
    return representation


def pending_requests() -> list[Representation]:
    query = (
        sa.select(Representation)
        .options(selectinload(Representation.user), selectinload(Representation.association))
        .where(Representation.status == RepresentationStatus.PENDING)
        .order_by(Representation.requested_at)
    )
    return list(db.session.scalars(query))


def active_mandates() -> list[Representation]:
    """Approved mandates that have not ended, for the coordinator's revoke list."""
    query = (
        sa.select(Representation)
        .options(selectinload(Representation.user), selectinload(Representation.association))
        .where(
            Representation.status == RepresentationStatus.APPROVED,
            sa.or_(Representation.ends_on.is_(None), Representation.ends_on >= today()),
        )
        .order_by(Representation.association_id, Representation.starts_on)
    )
    return list(db.session.scalars(query))


def decide_representation(actor: User, representation: Representation, approve: bool,
                          reason: str = "") -> Representation:
    """Approve or reject a pending request; audited."""
    if representation.status != RepresentationStatus.PENDING:
        raise DirectoryError("not_pending")
    if not approve and not reason.strip():
        raise DirectoryError("reason_required")
    representation.status = RepresentationStatus.APPROVED if approve else RepresentationStatus.REJECTED
    representation.decided_at = utcnow()
    representation.decided_by_id = actor.id
    representation.decision_reason = reason.strip()
    record(actor, "representation.approved" if approve else "representation.rejected",
           representation, user_id=representation.user_id,
           association_id=representation.association_id, reason=reason.strip())
    db.session.commit()
    return representation


def revoke_representation(actor: User, representation: Representation, reason: str) -> Representation:
    """End an approved mandate now; audited."""
    if representation.status != RepresentationStatus.APPROVED:
        raise DirectoryError("not_approved")
    if not reason.strip():
        raise DirectoryError("reason_required")
    representation.status = RepresentationStatus.REVOKED
    representation.decided_at = utcnow()
    representation.decided_by_id = actor.id
    representation.decision_reason = reason.strip()
    record(actor, "representation.revoked", representation, user_id=representation.user_id,
           association_id=representation.association_id, reason=reason.strip())
    db.session.commit()
    return representation


def end_mandates_of(user: User) -> None:
    """Revoke the open mandates of a person whose account is erased (no commit)."""
    for representation in user.representations:
        if representation.status in OPEN_STATUSES:
            representation.status = RepresentationStatus.REVOKED
            representation.decided_at = utcnow()
            representation.decision_reason = "account erased"
