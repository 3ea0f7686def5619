"""Notifications, each person's notification settings, the email outbox, and the budget vote notices sent."""
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.notifications.rules import DEFAULT_FREQUENCY, OutboxStatus
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User


class EmailState:
    """Where a notification's email is: none wanted, waiting for the sender, or put into the outbox."""

    NONE = "none"
    PENDING = "pending"
    QUEUED = "queued"


class Notification(db.Model):
    """Something a person is told about; its text is rendered from `kind` and `params` in their language."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.CheckConstraint("email_state IN ('none', 'pending', 'queued')", name="email_state_known"),
        # The bell's unread count and the list page, newest first.
        sa.Index("ix_notification_user_in_app_read", "user_id", "in_app", "read_at"),
        sa.Index("ix_notification_email_state_user", "email_state", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # False when the person turned the in-app channel of this kind off but still wants the email.
    in_app: Mapped[bool] = mapped_column(default=True)
    email_state: Mapped[str] = mapped_column(sa.String(10), default=EmailState.NONE)
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("email_outbox.id"), index=True)

    user: Mapped["User"] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind}>"


class NotificationSettings(db.Model):
    """A person's email frequency, the all-emails-off switch and when their last digest went out."""

    __tablename__ = "notification_settings"
    __table_args__ = (
        sa.CheckConstraint("frequency IN ('immediate', 'daily', 'weekly')", name="frequency_known"),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True)
    frequency: Mapped[str] = mapped_column(sa.String(10), default=DEFAULT_FREQUENCY.value)
    all_email_off: Mapped[bool] = mapped_column(default=False)
    last_digest_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotificationPreference(db.Model):
    """A person's choice for one kind; a kind without a row uses the defaults (rules.DEFAULT_CHANNELS)."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_id_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    in_app: Mapped[bool] = mapped_column(default=True)
    email: Mapped[bool] = mapped_column(default=True)


class EmailOutbox(db.Model):
    """An email waiting to be sent, sent, or given up on; written in a request, sent by `flask notifications send`."""

    __tablename__ = "email_outbox"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        sa.Index("ix_email_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    # Extra headers, e.g. List-Unsubscribe, as {"name": "value"}.
    headers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # transactional (password reset, coordinator notices), notification (one) or digest (several).
    category: Mapped[str] = mapped_column(sa.String(20), default="transactional")
    status: Mapped[str] = mapped_column(sa.String(10), default=OutboxStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<EmailOutbox {self.id} {self.status}>"


class BudgetVoteNotice(db.Model):
    """A budget vote's opening or closing was announced (once: the unique key keeps the sender idempotent)."""

    __tablename__ = "budget_vote_notice"
    __table_args__ = (
        sa.UniqueConstraint("budget_id", "notice", name="uq_budget_vote_notice_budget_id_notice"),
        sa.CheckConstraint("notice IN ('opened', 'closed')", name="notice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    notice: Mapped[str] = mapped_column(sa.String(10))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
