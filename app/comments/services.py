"""Comment and report use cases, and the discussion thread shown on a proposal or an agenda item page.

A comment's target is a proposal or an agenda item of a meeting (exactly one; a database check
enforces it). Everything else (replies, stances, the edit window, limits, reports) is the same.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.account.services import data_section
from app.auth.models import User
from app.auth.rules import Action, can, is_signed_in
from app.auth.throttle import Throttle
from app.comments import rules
from app.comments.models import Comment, Report
from app.consultations.phases import Phase, PhaseAction, allows
from app.extensions import db
from app.meetings.models import AgendaItem
from app.meetings.rules import MeetingError, check_input_open
from app.proposals.models import Proposal
from app.timeutil import today, utcnow

THROTTLE_NAMESPACE = "comment"

Target = Proposal | AgendaItem


class CommentError(Exception):
    """A comment use case refused; `code` says why (see app.comments.messages)."""

    def __init__(self, code: str, detail=None):
        super().__init__(code)
        self.code = code
        self.detail = detail


def kind_of(target: Target) -> str:
    """"proposal" or "agenda_item": what the discussion is about."""
    return "agenda_item" if isinstance(target, AgendaItem) else "proposal"


def target_of(comment: Comment) -> Target:
    """The proposal or agenda item the comment was written on."""
    return comment.agenda_item if comment.agenda_item_id is not None else comment.proposal


def _target_column(target: Target):
    """The comment's column that points at `target`."""
    return Comment.agenda_item_id if isinstance(target, AgendaItem) else Comment.proposal_id


def _on_target(target: Target):
    """The SQL condition "the comment is on `target`"."""
    return _target_column(target) == target.id


def commenting_refusal(target: Target, now: datetime) -> tuple[str, object] | None:
    """(code, detail) saying why no one can comment on the proposal or agenda item at `now`, or None."""
    if isinstance(target, AgendaItem):
        try:
            check_input_open(target.meeting.status)
        except MeetingError:
            return "meeting_not_planned", None
        return None
    return _proposal_refusal(target, now)


def _proposal_refusal(proposal: Proposal, now: datetime) -> tuple[str, object] | None:
    if proposal.hidden_at is not None:
        return "proposal_hidden", None
    consultation = proposal.consultation
    windows = consultation.windows()
    override = Phase(consultation.phase_override) if consultation.phase_override else None
    if allows(windows, now, PhaseAction.COMMENT, override):
        return None
    phase = consultation.phase_at(now)
    if phase == Phase.UPCOMING:
        return "not_started", min((w.starts_at for w in windows), default=None)
    if phase == Phase.CLOSED:
        return "closed", None
    return "phase_closed", None


def _refuse_if_closed(target: Target, now: datetime) -> None:
    refusal = commenting_refusal(target, now)
    if refusal:
        raise CommentError(*refusal)


def _throttle(user: User, now: datetime) -> Throttle:
    new_for = timedelta(hours=current_app.config["NEW_ACCOUNT_HOURS"])
    tier = "new" if rules.is_new_account(user.created_at, now, new_for) else "established"
    return current_app.extensions["comment_throttles"][tier]


def reply_refusal(parent: Comment, now: datetime) -> tuple[str, object] | None:
    """Why the comment cannot be replied to now (thread depth, hidden, phase or meeting status), or None."""
    code = rules.reply_refusal(parent)
    if code:
        return code, None
    return commenting_refusal(target_of(parent), now)


def post_comment(author: User, target: Target, body: str, stance: str | None = None,
                 parent: Comment | None = None, now: datetime | None = None) -> Comment:
    """Publish a comment or a reply on a proposal or an agenda item; refuses closed phases, a meeting
    no longer planned, bad input and too many comments."""
    now = now or utcnow()
    _refuse_if_closed(target, now)
    problem = rules.body_problem(body)
    if problem:
        raise CommentError(problem)
    stance = stance or None
    if stance is not None and stance not in rules.STANCES:
        raise CommentError("unknown_stance")
    if parent is not None:
        if getattr(parent, _target_column(target).key) != target.id:
            raise CommentError("wrong_agenda_item" if isinstance(target, AgendaItem) else "wrong_proposal")
        code = rules.reply_refusal(parent)
        if code:
            raise CommentError(code)
        if stance is not None:
            raise CommentError("stance_on_reply")
    throttle = _throttle(author, now)
    throttled = throttle.check(THROTTLE_NAMESPACE, f"user:{author.id}")
    if throttled:
        raise CommentError("throttled", throttled)
    comment = Comment(parent_id=parent.id if parent else None, author_id=author.id,
                      body=body.strip(), stance=stance, created_at=now, **{_target_column(target).key: target.id})
    db.session.add(comment)
    db.session.commit()
    throttle.fail(THROTTLE_NAMESPACE, f"user:{author.id}")  # counts comments, not failures
    if parent is not None and parent.author_id != author.id:
        _notify_reply(author, parent, comment, target)
    return comment


def _notify_reply(author: User, parent: Comment, reply: Comment, target: Target) -> None:
    """Tell the parent comment's author about the reply (not on a hidden proposal: its title stays put)."""
    from app.comments.routes import comment_page
    from app.notifications.rules import Kind
    from app.notifications.services import notify

    if isinstance(target, Proposal) and target.hidden_at is not None:
        return
    excerpt = reply.body if len(reply.body) <= 300 else reply.body[:299] + "…"
    notify([parent.author_id], Kind.COMMENT_REPLY, url=comment_page(reply),
           params={"person": author.display_name, "target": target.title, "excerpt": excerpt,
                   "comment_id": reply.id})


def edit_refusal(comment: Comment, user: User, now: datetime) -> tuple[str, object] | None:
    """Why `user` cannot edit the comment now, or None."""
    code = rules.edit_refusal(comment, user.id if is_signed_in(user) else None, now)
    if code:
        return code, None
    return commenting_refusal(target_of(comment), now)


def edit_comment(user: User, comment: Comment, body: str, stance: str | None = None,
                 now: datetime | None = None) -> Comment:
    """The author corrects their comment within the edit window; it is then marked edited."""
    now = now or utcnow()
    refusal = edit_refusal(comment, user, now)
    if refusal:
        raise CommentError(*refusal)
    problem = rules.body_problem(body)
    if problem:
        raise CommentError(problem)
    stance = stance or None
    if stance is not None and stance not in rules.STANCES:
        raise CommentError("unknown_stance")
    if comment.parent_id is not None:
        if stance is not None:
            raise CommentError("stance_on_reply")
        stance = comment.stance
    body = body.strip()
    if body != comment.body or stance != comment.stance:
        comment.body = body
        comment.stance = stance
        comment.edited_at = now
        db.session.commit()
    return comment


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CommentError("reason_required")
    if len(reason) > rules.MAX_REASON_LENGTH:
        raise CommentError("reason_too_long")
    return reason


def report_refusal(reporter: User, target: Comment | Proposal) -> str | None:
    """Why `reporter` cannot report the comment or proposal, or None."""
    if target.hidden_at is not None:
        return "already_hidden"
    if target.author_id == reporter.id:
        return "own_content"
    column = Report.comment_id if isinstance(target, Comment) else Report.proposal_id
    if db.session.scalar(sa.select(Report.id).where(Report.reporter_id == reporter.id, column == target.id)):
        return "already_reported"
    return None


def report(reporter: User, target: Comment | Proposal, reason: str) -> Report:
    """Report a comment or a proposal to the coordinators; once per person and item."""
    reason = _check_reason(reason)
    code = report_refusal(reporter, target)
    if code:
        raise CommentError(code)
    entry = Report(reporter_id=reporter.id, reason=reason)
    if isinstance(target, Comment):
        entry.comment_id = target.id
    else:
        entry.proposal_id = target.id
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:  # the unique constraint caught a simultaneous second report
        db.session.rollback()
        raise CommentError("already_reported") from None
    return entry


@dataclass
class CommentView:
    """A comment as one viewer sees it, with what they may do to it."""

    comment: Comment
    body_visible: bool
    can_edit: bool = False
    can_reply: bool = False
    can_report: bool = False
    reported: bool = False
    replies: list["CommentView"] = field(default_factory=list)

    @property
    def edit_until(self) -> datetime:
        return rules.edit_deadline(self.comment)


def thread_context(target: Target, viewer, order: str | None = "oldest", now: datetime | None = None,
                   form=None) -> dict:
    """Everything the discussion partial shows about a proposal or an agenda item, in a fixed number of
    queries however long the thread.

    `order` is "oldest" or "newest" (main comments; replies always run oldest first); `form`
    is a bound comment form to show again with its errors.
    """
    from app.comments.forms import STANCE_LABELS, comment_form
    from app.comments.messages import message

    now = now or utcnow()
    kind = kind_of(target)
    proposal = target if kind == "proposal" else None
    order = order if order in rules.ORDERS else "oldest"
    signed_in = is_signed_in(viewer)
    viewer_id = viewer.id if signed_in else None
    moderator = can(viewer, Action.MODERATE, None, today())

    comments = db.session.scalars(
        sa.select(Comment).where(_on_target(target))
        .options(selectinload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    ).all()
    reported_comments: set[int] = set()
    proposal_reported = False
    if signed_in:
        reported = Report.comment_id.in_(sa.select(Comment.id).where(_on_target(target)))
        if proposal is not None:
            reported = sa.or_(Report.proposal_id == proposal.id, reported)
        rows = db.session.execute(
            sa.select(Report.comment_id, Report.proposal_id).where(Report.reporter_id == viewer_id, reported)
        ).all()
        reported_comments = {c for c, _p in rows if c is not None}
        proposal_reported = any(p is not None for _c, p in rows)

    refusal = commenting_refusal(target, now)
    can_comment = signed_in and refusal is None and can(viewer, Action.COMMENT, None, today())
    views: dict[int, CommentView] = {}
    top: list[CommentView] = []
    for comment in comments:
        own = comment.author_id == viewer_id
        hidden = comment.hidden_at is not None
        view = CommentView(
            comment=comment,
            body_visible=not hidden or own or moderator,
            can_edit=own and rules.edit_refusal(comment, viewer_id, now) is None and refusal is None,
            can_reply=can_comment and comment.parent_id is None and not hidden,
            can_report=signed_in and not own and not hidden and comment.id not in reported_comments,
            reported=comment.id in reported_comments,
        )
        views[comment.id] = view
        parent = views.get(comment.parent_id) if comment.parent_id else None
        if parent is not None:
            parent.replies.append(view)
        else:
            top.append(view)
    if order == "newest":
        top.reverse()

    if not signed_in:
        refusal = ("sign_in", None)
    if can_comment and form is None:
        form = comment_form(kind, formdata=None)
    return {
        "kind": kind,
        "target": target,
        "proposal": proposal,
        "item": target if kind == "agenda_item" else None,
        "comments": top,
        "count": len(comments),
        "stances": rules.stance_summary(rules.latest_stances(comments)),
        "stance_labels": STANCE_LABELS,
        "order": order,
        "form": form if can_comment else None,
        "refusal": refusal[0] if refusal else None,
        "refusal_message": message(*refusal) if refusal else "",
        "is_moderator": moderator,
        "can_report_proposal": (proposal is not None and signed_in and proposal.author_id != viewer_id
                                and proposal.hidden_at is None and not proposal_reported),
        "proposal_reported": proposal_reported,
        "edit_minutes": int(rules.EDIT_WINDOW.total_seconds() // 60),
    }


def _iso(value):
    return value.isoformat() if value else None


@data_section
def _my_comments(user: User):
    rows = db.session.scalars(sa.select(Comment).where(Comment.author_id == user.id).order_by(Comment.id))
    return "comments", [
        {"id": c.id, "proposal_id": c.proposal_id, "agenda_item_id": c.agenda_item_id, "reply_to": c.parent_id,
         "text": c.body, "stance": c.stance, "written_at": _iso(c.created_at), "edited_at": _iso(c.edited_at),
         "hidden_at": _iso(c.hidden_at), "hidden_reason": c.hidden_reason or None}
        for c in rows
    ]


@data_section
def _my_reports(user: User):
    rows = db.session.scalars(sa.select(Report).where(Report.reporter_id == user.id).order_by(Report.id))
    return "reports", [
        {"comment_id": r.comment_id, "proposal_id": r.proposal_id, "reason": r.reason,
         "reported_at": _iso(r.created_at), "resolution": r.resolution, "resolved_at": _iso(r.resolved_at)}
        for r in rows
    ]
