"""Comments (one level of replies) and reports of comments and proposals."""
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.meetings.models import AgendaItem
    from app.proposals.models import Proposal

STANCES = ("for", "against", "neutral")


class Comment(db.Model):
    """A comment on a proposal or on an agenda item of a planned meeting; never deleted."""

    __tablename__ = "comment"
    __table_args__ = (
        sa.CheckConstraint("stance IS NULL OR stance IN ('for', 'against', 'neutral')", name="stance_known"),
        sa.CheckConstraint("(proposal_id IS NULL) <> (agenda_item_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)  # plain text; links made clickable when shown
    stance: Mapped[str | None] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    proposal: Mapped["Proposal | None"] = relationship()
    agenda_item: Mapped["AgendaItem | None"] = relationship()
    parent: Mapped["Comment | None"] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list["Comment"]] = relationship(back_populates="parent", order_by="Comment.id")
    author: Mapped["User"] = relationship(foreign_keys=[author_id])
    hidden_by: Mapped["User | None"] = relationship(foreign_keys=[hidden_by_id])


class Report(db.Model):
    """A user's report (flag) of a comment or a proposal, waiting in the moderation queue."""

    __tablename__ = "report"
    __table_args__ = (
        sa.UniqueConstraint("reporter_id", "comment_id", name="uq_report_reporter_id_comment_id"),
        sa.UniqueConstraint("reporter_id", "proposal_id", name="uq_report_reporter_id_proposal_id"),
        sa.CheckConstraint("(comment_id IS NULL) <> (proposal_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # 'hidden' or 'dismissed' once a coordinator has dealt with it.
    resolution: Mapped[str | None] = mapped_column(sa.String(20))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    reporter: Mapped["User"] = relationship(foreign_keys=[reporter_id])
    comment: Mapped["Comment | None"] = relationship()
    proposal: Mapped["Proposal | None"] = relationship()
