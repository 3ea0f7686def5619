"""Events of associations, their co-organisers, volunteer tasks and the people who signed up, and pictures.

Nothing a user submitted is deleted: a cancelled event keeps its row (status cancelled), a hidden one its text,
a cancelled sign-up its row with `cancelled_at`. One active sign-up per person and task is the database's job
(a partial unique index), so two quick clicks cannot both get in.
"""
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.events.rules import CoOrganiserStatus, EventStatus
from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.directory.models import Association, Village


class Event(db.Model):
    """An event an association organises: a draft until published, then in the calendar (or cancelled)."""

    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("status IN ('draft', 'published', 'cancelled')", name="status_known"),
        sa.CheckConstraint("price IS NULL OR price >= 0", name="price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(sa.ForeignKey("association.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown, sanitised when rendered
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    category: Mapped[str] = mapped_column(sa.String(20), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime] = mapped_column(index=True)
    all_day: Mapped[bool] = mapped_column(default=False)
    price: Mapped[Decimal | None] = mapped_column(sa.Numeric(8, 2))  # None: free of charge
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=EventStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")

    organiser: Mapped["Association"] = relationship(foreign_keys=[organiser_id])
    village: Mapped["Village | None"] = relationship()
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    co_organisers: Mapped[list["EventCoOrganiser"]] = relationship(back_populates="event",
                                                                    order_by="EventCoOrganiser.id")
    tasks: Mapped[list["VolunteerTask"]] = relationship(back_populates="event", order_by="VolunteerTask.id")

    @property
    def managing_association_ids(self) -> set[int]:
        """The organiser and the co-organisers who confirmed: their representatives manage the event."""
        return {self.organiser_id} | {c.association_id for c in self.co_organisers
                                      if c.status == CoOrganiserStatus.CONFIRMED}

    @property
    def confirmed_co_organisers(self) -> list["EventCoOrganiser"]:
        return [c for c in self.co_organisers if c.status == CoOrganiserStatus.CONFIRMED]

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.status}>"


class EventCoOrganiser(db.Model):
    """An association invited to co-organise; listed publicly only once its representative confirms."""

    __tablename__ = "event_co_organiser"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "association_id", name="uq_event_co_organiser_event_id_association_id"),
        sa.CheckConstraint("status IN ('pending', 'confirmed', 'declined')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("association.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=CoOrganiserStatus.PENDING)
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    event: Mapped[Event] = relationship(back_populates="co_organisers")
    association: Mapped["Association"] = relationship()


class VolunteerTask(db.Model):
    """Work people can sign up for at an event, e.g. "coffee stand 10–12, 3 people"."""

    __tablename__ = "volunteer_task"
    __table_args__ = (
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    capacity: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship(back_populates="tasks")
    signups: Mapped[list["TaskSignup"]] = relationship(back_populates="task", order_by="TaskSignup.id")

    @property
    def active_signups(self) -> list["TaskSignup"]:
        return [s for s in self.signups if s.cancelled_at is None]

    @property
    def is_full(self) -> bool:
        return len(self.active_signups) >= self.capacity


class TaskSignup(db.Model):
    """A person's sign-up for a volunteer task; cancelling sets `cancelled_at`, the row stays."""

    __tablename__ = "task_signup"
    __table_args__ = (
        sa.Index("uq_task_signup_active", "task_id", "user_id", unique=True,
                 sqlite_where=sa.text("cancelled_at IS NULL"),
                 postgresql_where=sa.text("cancelled_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("volunteer_task.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    task: Mapped[VolunteerTask] = relationship(back_populates="signups")
    user: Mapped["User"] = relationship()


class EventImage(db.Model):
    """An event's picture, stored re-encoded in the database so every gunicorn worker serves it.

    At most one current image per event (a partial unique index); a replaced or removed image keeps its row
    with `removed_at`.
    """

    __tablename__ = "event_image"
    __table_args__ = (
        sa.Index("uq_event_image_current", "event_id", unique=True,
                 sqlite_where=sa.text("removed_at IS NULL"), postgresql_where=sa.text("removed_at IS NULL")),
        sa.CheckConstraint("byte_size > 0 AND width > 0 AND height > 0", name="sizes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id"), index=True)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)  # loaded only when served
    content_type: Mapped[str] = mapped_column(sa.String(30))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    alt_text: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    event: Mapped[Event] = relationship()
