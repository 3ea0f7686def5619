"""Villages, associations and the people who represent them."""
import enum
from datetime import date, datetime

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User


class AssociationKind(enum.StrEnum):
    VILLAGE = "village"
    SPORTS = "sports"
    CULTURE = "culture"
    YOUTH = "youth"
    OTHER = "other"


class RepresentationRole(enum.StrEnum):
    REPRESENTATIVE = "representative"
    DEPUTY = "deputy"


class RepresentationStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


# Only these statuses block a new request by the same person for the same association.
OPEN_STATUSES = (RepresentationStatus.PENDING, RepresentationStatus.APPROVED)


class Village(db.Model):
    """A village of Iitti; everything local can be tagged with one."""

    __tablename__ = "village"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    associations: Mapped[list["Association"]] = relationship(back_populates="village")

    def __repr__(self) -> str:
        return f"<Village {self.slug}>"


class Association(db.Model):
    """A registered association or club, usually tied to one village."""

    __tablename__ = "association"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default=AssociationKind.VILLAGE)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(200), default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village: Mapped[Village | None] = relationship(back_populates="associations")
    representations: Mapped[list["Representation"]] = relationship(
        back_populates="association", order_by="Representation.id"
    )

    def __repr__(self) -> str:
        return f"<Association {self.id}>"


class Representation(db.Model):
    """A person's mandate to act for an association, approved by a coordinator."""

    __tablename__ = "representation"
    __table_args__ = (
        # One open (pending or approved) mandate per person and association, enforced
        # by the database so two quick submissions cannot both get through.
        sa.Index(
            "uq_representation_open",
            "user_id",
            "association_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'approved')"),
            postgresql_where=sa.text("status IN ('pending', 'approved')"),
        ),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("association.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=RepresentationRole.REPRESENTATIVE)
    status: Mapped[str] = mapped_column(sa.String(20), default=RepresentationStatus.PENDING)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")  # the requester's message
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    user: Mapped["User"] = relationship(back_populates="representations", foreign_keys=[user_id])
    association: Mapped[Association] = relationship(back_populates="representations")
    decided_by: Mapped["User | None"] = relationship(foreign_keys=[decided_by_id])

    def is_current(self, on: date) -> bool:
        """Approved and within its mandate period on the given day."""
        return (
            self.status == RepresentationStatus.APPROVED
            and self.starts_on <= on
            and (self.ends_on is None or on <= self.ends_on)
        )

    def __repr__(self) -> str:
        return f"<Representation {self.id} {self.status}>"
