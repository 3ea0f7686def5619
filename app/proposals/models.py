"""Proposals, their supports, association endorsements, state history and follows."""
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.proposals.states import ProposalState
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.consultations.models import Consultation
    from app.directory.models import Association, Village
    from app.meetings.models import AgendaItem


class ProposalCategory:
    """Category codes; labels are translated in the forms."""

    CODES = ("village_facilities", "roads_and_lighting", "nature_and_recreation", "culture_and_events",
             "sports", "children_and_youth", "elderly", "environment", "other")


class Proposal(db.Model):
    """A proposal (aloite) by a resident, possibly in the name of an association."""

    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("association.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown, sanitised when rendered
    category: Mapped[str] = mapped_column(sa.String(40), default="other")
    estimated_cost: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    state: Mapped[str] = mapped_column(sa.String(20), default=ProposalState.SUBMITTED, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The official answer, shown at the top of the proposal.
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answered_at: Mapped[datetime | None]
    # When the unanswered proposal was escalated to the municipal board (see app/review).
    escalated_at: Mapped[datetime | None]
    # Moderation: hidden from the public with a reason; the author still sees it.
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    consultation: Mapped["Consultation"] = relationship()
    author: Mapped["User"] = relationship(foreign_keys=[author_id])
    association: Mapped["Association | None"] = relationship()
    village: Mapped["Village | None"] = relationship()
    answered_by: Mapped["User | None"] = relationship(foreign_keys=[answered_by_id])
    hidden_by: Mapped["User | None"] = relationship(foreign_keys=[hidden_by_id])
    state_changes: Mapped[list["ProposalStateChange"]] = relationship(
        back_populates="proposal", order_by="ProposalStateChange.id")

    def __repr__(self) -> str:
        return f"<Proposal {self.id} {self.state}>"


class ProposalStateChange(db.Model):
    """One move of a proposal's state: the history behind the decision trail."""

    __tablename__ = "proposal_state_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    from_state: Mapped[str] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # The decision (an agenda item of a meeting) that made this move, if one did.
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)

    proposal: Mapped[Proposal] = relationship(back_populates="state_changes")
    changed_by: Mapped["User | None"] = relationship()
    agenda_item: Mapped["AgendaItem | None"] = relationship()


class Support(db.Model):
    """A resident's support; taking it back sets withdrawn_at (the row is kept)."""

    __tablename__ = "support"
    __table_args__ = (sa.UniqueConstraint("proposal_id", "user_id", name="uq_support_proposal_id_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]


class Endorsement(db.Model):
    """An association's endorsement, given by one of its representatives."""

    __tablename__ = "endorsement"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "association_id", name="uq_endorsement_proposal_id_association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("association.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    association: Mapped["Association"] = relationship()


class Follow(db.Model):
    """A person follows a proposal or a consultation (exactly one of them)."""

    __tablename__ = "follow"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "proposal_id", name="uq_follow_user_id_proposal_id"),
        sa.UniqueConstraint("user_id", "consultation_id", name="uq_follow_user_id_consultation_id"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (consultation_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    consultation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
