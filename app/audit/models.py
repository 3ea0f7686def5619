"""The audit log: who did which privileged action, when, to what."""
from datetime import datetime

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User


class AuditLog(db.Model):
    """One privileged action; rows are only ever added."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None]
    # What changed, as JSON: {"field": [old, new]} or free details.
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor: Mapped["User | None"] = relationship()
