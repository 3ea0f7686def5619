"""Bodies and their members, meetings, agenda items with their decisions, the links from an item to the
input it concerns, association statements, attendance, roll-call votes and amendments.

Approved minutes are read-only in two layers: a flush that would change a meeting whose minutes were
approved, or anything recorded in it, raises `MinutesLocked` (below); and database triggers (migration
b71e06b0c962) refuse such an UPDATE or INSERT whatever issued it. Corrections are `Amendment` rows.
"""
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.extensions import db
from app.meetings.rules import MeetingError, MeetingStatus, MemberRole, QuorumRule
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.budgets.models import Budget
    from app.comments.models import Comment
    from app.directory.models import Association
    from app.proposals.models import Proposal


class Body(db.Model):
    """A decision-making or advisory body: the advisory board, the municipal board, a committee."""

    __tablename__ = "body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(30))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    quorum_rule: Mapped[str] = mapped_column(sa.String(20), default=QuorumRule.MORE_THAN_HALF)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["BodyMember"]] = relationship(back_populates="body", order_by="BodyMember.id")

    def __repr__(self) -> str:
        return f"<Body {self.id} {self.kind}>"


class BodyMember(db.Model):
    """A person's seat in a body (or a deputy's place), from one day to another; ended, never deleted."""

    __tablename__ = "body_member"
    __table_args__ = (
        sa.CheckConstraint("deputy_for_id IS NULL OR role = 'deputy'", name="only_deputies_stand_in"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))  # as the minutes print it
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("association.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=MemberRole.MEMBER)
    deputy_for_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body_member.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    body: Mapped[Body] = relationship(back_populates="members")
    user: Mapped["User | None"] = relationship()
    association: Mapped["Association | None"] = relationship()
    deputy_for: Mapped["BodyMember | None"] = relationship(remote_side=[id])

    def is_current(self, on: date) -> bool:
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)


class Meeting(db.Model):
    """A meeting of a body: planned, then held, then its minutes approved (read-only from then on)."""

    __tablename__ = "meeting"
    __table_args__ = (
        sa.CheckConstraint("status IN ('planned', 'held', 'approved')", name="status_known"),
        sa.CheckConstraint("ends_at IS NULL OR ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200), default="")  # e.g. "Kokous 2/2027"
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    video_url: Mapped[str] = mapped_column(sa.String(300), default="")
    status: Mapped[str] = mapped_column(sa.String(20), default=MeetingStatus.PLANNED, index=True)
    # The minutes' header and signatures.
    other_attendees: Mapped[str] = mapped_column(sa.Text, default="")  # officials, experts (one per line)
    chair_name: Mapped[str] = mapped_column(sa.String(120), default="")
    secretary_name: Mapped[str] = mapped_column(sa.String(120), default="")
    minutes_checkers: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    held_at: Mapped[datetime | None]  # when it was marked held
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    body: Mapped[Body] = relationship()
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped["User | None"] = relationship(foreign_keys=[approved_by_id])
    items: Mapped[list["AgendaItem"]] = relationship(back_populates="meeting", order_by="AgendaItem.number")
    attendance: Mapped[list["Attendance"]] = relationship(back_populates="meeting", order_by="Attendance.id")
    amendments: Mapped[list["Amendment"]] = relationship(back_populates="meeting", order_by="Amendment.id")

    def __repr__(self) -> str:
        return f"<Meeting {self.id} {self.status}>"


class AgendaItem(db.Model):
    """A numbered item (§) of a meeting's agenda, and once the meeting is held its decision."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "number", name="uq_agenda_item_meeting_id_number"),
        sa.CheckConstraint("number > 0", name="number_positive"),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('approved', 'rejected', 'tabled', 'noted')",
                           name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    presentation: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown (esittely)
    decision_text: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown (päätös)
    outcome: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(index=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="items")
    decided_by: Mapped["User | None"] = relationship()
    links: Mapped[list["AgendaLink"]] = relationship(back_populates="item", order_by="AgendaLink.id")
    statements: Mapped[list["Statement"]] = relationship(back_populates="item", order_by="Statement.id")
    votes: Mapped[list["RollCallVote"]] = relationship(back_populates="item", order_by="RollCallVote.id")

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} § {self.number}>"


class AgendaLink(db.Model):
    """What an agenda item concerns: a proposal, a budget's results or a comment (exactly one)."""

    __tablename__ = "agenda_link"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "proposal_id", name="uq_agenda_link_item_id_proposal_id"),
        sa.UniqueConstraint("item_id", "budget_id", name="uq_agenda_link_item_id_budget_id"),
        sa.UniqueConstraint("item_id", "comment_id", name="uq_agenda_link_item_id_comment_id"),
        sa.CheckConstraint(
            "(CASE WHEN proposal_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN budget_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN comment_id IS NULL THEN 0 ELSE 1 END) = 1", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    budget_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    comment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("comment.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    item: Mapped[AgendaItem] = relationship(back_populates="links")
    proposal: Mapped["Proposal | None"] = relationship()
    budget: Mapped["Budget | None"] = relationship()
    comment: Mapped["Comment | None"] = relationship()


class Statement(db.Model):
    """An association's written statement (lausunto) on an agenda item, written by its representative."""

    __tablename__ = "statement"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "association_id", name="uq_statement_item_id_association_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    association_id: Mapped[int] = mapped_column(sa.ForeignKey("association.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)  # Markdown, sanitised when rendered
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_reason: Mapped[str] = mapped_column(sa.Text, default="")
    hidden_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    item: Mapped[AgendaItem] = relationship(back_populates="statements")
    association: Mapped["Association"] = relationship()
    author: Mapped["User"] = relationship(foreign_keys=[author_id])


class Attendance(db.Model):
    """Whether a member (or deputy) of the body was at the meeting."""

    __tablename__ = "attendance"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "member_id", name="uq_attendance_meeting_id_member_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("body_member.id"), index=True)
    present: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(200), default="")  # e.g. "left at 19.30 during § 5"

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    member: Mapped[BodyMember] = relationship()


class RollCallVote(db.Model):
    """One member's vote in a roll call on an item, or their stepping aside for a conflict of interest."""

    __tablename__ = "roll_call_vote"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "member_id", name="uq_roll_call_vote_item_id_member_id"),
        sa.CheckConstraint("choice IN ('yes', 'no', 'abstain', 'recused')", name="choice_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("body_member.id"), index=True)
    choice: Mapped[str] = mapped_column(sa.String(10))

    item: Mapped[AgendaItem] = relationship(back_populates="votes")
    member: Mapped[BodyMember] = relationship()


class Amendment(db.Model):
    """A correction to approved minutes: its own row beside the unchanged minutes."""

    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agenda_item.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)  # Markdown: what the minutes should say
    reason: Mapped[str] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="amendments")
    item: Mapped[AgendaItem | None] = relationship()
    created_by: Mapped["User | None"] = relationship()


# --- approved minutes are read-only ---------------------------------------------------------------

class MinutesLocked(MeetingError):
    """A change to approved minutes was attempted."""

    def __init__(self):
        super().__init__("minutes_approved")


def _stored_status(session: Session, meeting: Meeting) -> str | None:
    """The meeting's status as the database has it (before this flush's changes)."""
    state = inspect(meeting)
    if state.pending or state.transient:
        return None
    history = state.attrs.status.history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    # Set without having been loaded: ask the database.
    return session.connection().scalar(sa.select(Meeting.__table__.c.status).where(Meeting.__table__.c.id == meeting.id))


def _meeting_of(obj) -> Meeting | None:
    if isinstance(obj, Meeting):
        return obj
    if isinstance(obj, (AgendaItem, Attendance)):
        return obj.meeting if obj.meeting is not None else db.session.get(Meeting, obj.meeting_id)
    if isinstance(obj, (AgendaLink, RollCallVote)):
        item = obj.item if obj.item is not None else db.session.get(AgendaItem, obj.item_id)
        return _meeting_of(item) if item is not None else None
    return None


LOCKED_TYPES = (Meeting, AgendaItem, Attendance, AgendaLink, RollCallVote)


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_approved_minutes(session: Session, _context, _instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, LOCKED_TYPES):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        meeting = _meeting_of(obj)
        if meeting is not None and _stored_status(session, meeting) == MeetingStatus.APPROVED:
            raise MinutesLocked()
