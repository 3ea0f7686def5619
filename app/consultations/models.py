"""Consultations (participatory processes) and their phase windows."""
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.consultations.phases import Phase, PhaseWindow, current_phase
from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.directory.models import Village


class Consultation(db.Model):
    """A participatory process in phases, for one village or the whole municipality."""

    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    # Set by a coordinator to force a phase (e.g. close early); NULL: follow the dates.
    phase_override: Mapped[str | None] = mapped_column(sa.String(20))
    # Days the municipality has to answer a proposal officially, and the further days after which an
    # unanswered proposal is escalated to the municipal board.
    answer_days: Mapped[int] = mapped_column(default=60, server_default="60")
    escalation_days: Mapped[int] = mapped_column(default=30, server_default="30")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village: Mapped["Village | None"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    phases: Mapped[list["ConsultationPhase"]] = relationship(
        back_populates="consultation", order_by="ConsultationPhase.starts_at",
        cascade="all, delete-orphan",
    )

    def windows(self) -> list[PhaseWindow]:
        return [PhaseWindow(Phase(p.phase), p.starts_at, p.ends_at) for p in self.phases]

    def phase_at(self, now: datetime) -> Phase:
        """The phase at `now` (computed from the windows, or the coordinator's override)."""
        override = Phase(self.phase_override) if self.phase_override else None
        return current_phase(self.windows(), now, override)

    def __repr__(self) -> str:
        return f"<Consultation {self.id}>"


class ConsultationPhase(db.Model):
    """One phase's window in a consultation; start inclusive, end exclusive (UTC)."""

    __tablename__ = "consultation_phase"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "phase", name="uq_consultation_phase_consultation_id_phase"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation.id"), index=True)
    phase: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]

    consultation: Mapped[Consultation] = relationship(back_populates="phases")
