"""Accessibility feedback sent from the accessibility statement page."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import utcnow


class AccessibilityFeedback(db.Model):
    """Feedback about accessibility; kept so nothing sent is lost even if mail fails."""

    __tablename__ = "accessibility_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    name: Mapped[str] = mapped_column(sa.String(80), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    page_url: Mapped[str] = mapped_column(sa.String(500), default="")
    message: Mapped[str] = mapped_column(sa.Text)
    handled_at: Mapped[datetime | None]
