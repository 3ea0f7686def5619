"""Moderation use cases: the report queue, hiding and unhiding, dismissing reports.

Nothing is deleted: hiding sets hidden_at and a public reason, the author still sees the
text, and every act is written to the audit log in the same transaction.
"""
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.comments.models import Comment, Report
from app.comments.rules import MAX_REASON_LENGTH
from app.extensions import db
from app.meetings.models import AgendaItem, Meeting
from app.proposals.models import Proposal
from app.timeutil import utcnow

KINDS = {"comment": Comment, "proposal": Proposal}


class ModerationError(Exception):
    """A moderation act refused; `code` says why (see app.comments.messages)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class ReportGroup:
    """The open reports about one comment or proposal."""

    kind: str
    item: Comment | Proposal
    reports: list[Report] = field(default_factory=list)

    @property
    def first_reported_at(self) -> datetime:
        return self.reports[0].created_at


def _report_column(kind: str):
    return Report.comment_id if kind == "comment" else Report.proposal_id


def kind_of(item: Comment | Proposal) -> str:
    return "comment" if isinstance(item, Comment) else "proposal"


def _comment_target():
    """Load what a comment is about with it: its proposal, or its agenda item with the meeting and body."""
    return (selectinload(Comment.proposal),
            selectinload(Comment.agenda_item).selectinload(AgendaItem.meeting).selectinload(Meeting.body))


def open_report_count() -> int:
    """Comments and proposals waiting for a coordinator's look."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(sa.func.coalesce(Report.comment_id, -Report.proposal_id))))
        .where(Report.resolution.is_(None))
    ) or 0


def open_report_groups() -> list[ReportGroup]:
    """Open reports grouped by item, the longest-waiting first (a fixed number of queries)."""
    reports = db.session.scalars(
        sa.select(Report).where(Report.resolution.is_(None))
        .options(selectinload(Report.reporter),
                 selectinload(Report.comment).options(selectinload(Comment.author), *_comment_target()),
                 selectinload(Report.proposal).selectinload(Proposal.author))
        .order_by(Report.created_at, Report.id)
    ).all()
    groups: dict[tuple[str, int], ReportGroup] = {}
    for entry in reports:
        kind = "comment" if entry.comment_id is not None else "proposal"
        item = entry.comment if kind == "comment" else entry.proposal
        groups.setdefault((kind, item.id), ReportGroup(kind, item)).reports.append(entry)
    return list(groups.values())


def hidden_items(limit: int = 50) -> tuple[list[Comment], list[Proposal]]:
    """The most recently hidden comments and proposals, for unhiding."""
    comments = db.session.scalars(
        sa.select(Comment).where(Comment.hidden_at.is_not(None))
        .options(selectinload(Comment.author), selectinload(Comment.hidden_by), *_comment_target())
        .order_by(Comment.hidden_at.desc()).limit(limit)
    ).all()
    proposals = db.session.scalars(
        sa.select(Proposal).where(Proposal.hidden_at.is_not(None))
        .options(selectinload(Proposal.author), selectinload(Proposal.hidden_by))
        .order_by(Proposal.hidden_at.desc()).limit(limit)
    ).all()
    return list(comments), list(proposals)


def open_reports_of(kind: str, item_id: int) -> list[Report]:
    return list(db.session.scalars(
        sa.select(Report).options(selectinload(Report.reporter))
        .where(_report_column(kind) == item_id, Report.resolution.is_(None)).order_by(Report.id)))


def _resolve_reports(actor: User, kind: str, item_id: int, resolution: str, now: datetime) -> int:
    """Mark every open report of the item resolved (no commit); how many there were."""
    result = db.session.execute(
        sa.update(Report)
        .where(_report_column(kind) == item_id, Report.resolution.is_(None))
        .values(resolution=resolution, resolved_at=now, resolved_by_id=actor.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError("reason_required")
    if len(reason) > MAX_REASON_LENGTH:
        raise ModerationError("reason_too_long")
    return reason


def _hide(actor: User, item: Comment | Proposal, reason: str, now: datetime) -> int:
    if item.hidden_at is not None:
        raise ModerationError("already_hidden")
    item.hidden_at = now
    item.hidden_reason = reason
    item.hidden_by_id = actor.id
    return _resolve_reports(actor, kind_of(item), item.id, "hidden", now)


def hide(actor: User, item: Comment | Proposal, reason: str, now: datetime | None = None) -> int:
    """Hide a comment or proposal from the public with a reason; resolves its open reports; audited."""
    reason = _check_reason(reason)
    resolved = _hide(actor, item, reason, now or utcnow())
    record(actor, f"{kind_of(item)}.hidden", item, reason=reason, reports_resolved=resolved,
           author_id=item.author_id)
    db.session.commit()
    return resolved


def unhide(actor: User, item: Comment | Proposal) -> None:
    """Show a hidden comment or proposal again; audited with the reason it had."""
    if item.hidden_at is None:
        raise ModerationError("not_hidden")
    record(actor, f"{kind_of(item)}.unhidden", item, previous_reason=item.hidden_reason,
           hidden_at=item.hidden_at, author_id=item.author_id)
    item.hidden_at = None
    item.hidden_reason = ""
    item.hidden_by_id = None
    db.session.commit()


def dismiss(actor: User, item: Comment | Proposal, now: datetime | None = None) -> int:
    """Close the item's open reports without hiding it; audited."""
    kind = kind_of(item)
    resolved = _resolve_reports(actor, kind, item.id, "dismissed", now or utcnow())
    if not resolved:
        db.session.rollback()
        raise ModerationError("no_open_reports")
    record(actor, f"{kind}.reports_dismissed", item, reports_resolved=resolved)
    db.session.commit()
    return resolved


def hide_all_content(actor: User, user: User, reason: str, now: datetime | None = None) -> tuple[int, int]:
    """Hide every visible comment and proposal of an account at once; audited. (comments, proposals)"""
    reason = _check_reason(reason)
    now = now or utcnow()
    comments = db.session.scalars(sa.select(Comment).where(Comment.author_id == user.id,
                                                           Comment.hidden_at.is_(None))).all()
    proposals = db.session.scalars(sa.select(Proposal).where(Proposal.author_id == user.id,
                                                             Proposal.hidden_at.is_(None))).all()
    for item in [*comments, *proposals]:
        _hide(actor, item, reason, now)
    record(actor, "user.content_hidden", user, reason=reason, comments=len(comments), proposals=len(proposals))
    db.session.commit()
    return len(comments), len(proposals)


def visible_content_counts(user: User) -> dict[str, int]:
    """How many comments and proposals of the account the public sees now."""
    comments = db.session.scalar(sa.select(sa.func.count(Comment.id))
                                 .where(Comment.author_id == user.id, Comment.hidden_at.is_(None)))
    proposals = db.session.scalar(sa.select(sa.func.count(Proposal.id))
                                  .where(Proposal.author_id == user.id, Proposal.hidden_at.is_(None)))
    return {"comments": comments or 0, "proposals": proposals or 0}
