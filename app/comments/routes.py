"""Writing, replying to, editing and reporting comments; reporting proposals."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.permissions import Action, can, require
from app.comments import bp, services
from app.comments.forms import STANCE_LABELS, CommentForm, EditCommentForm, ReplyForm, ReportForm
from app.comments.messages import message
from app.comments.models import Comment
from app.comments.rules import edit_deadline
from app.comments.services import CommentError
from app.extensions import db
from app.linkify import linkify
from app.proposals.models import Proposal
from app.timeutil import utcnow

# The proposals blueprint owns the proposal page; the discussion page stands in without it.
PROPOSAL_ENDPOINT = "proposals.detail"
# Refusals about the text itself are shown at the field; the rest as a message on the page.
TEXT_ERRORS = {"empty", "too_long", "unknown_stance", "stance_on_reply"}

bp.add_app_template_filter(linkify, "linkify")


@bp.app_template_filter("percent")
def percent(value: int) -> str:
    """Whole percents in the current language's style (60 % in Finnish, 60% in English)."""
    return format_percent(value / 100)


def proposal_page(proposal_id: int, anchor: str = "comments") -> str:
    """The proposal page at `anchor` (or the discussion page while there is no proposal page)."""
    try:
        url = url_for(PROPOSAL_ENDPOINT, proposal_id=proposal_id)
    except BuildError:
        url = url_for("comments.discussion", proposal_id=proposal_id)
    return f"{url}#{anchor}"


bp.add_app_template_global(proposal_page, "proposal_page")


def has_proposal_page() -> bool:
    try:
        url_for(PROPOSAL_ENDPOINT, proposal_id=1)
    except BuildError:
        return False
    return True


def refuse(code: str, detail=None, anchor_proposal_id: int | None = None, anchor: str = "comments"):
    """Say why in a message and go back to the discussion."""
    flash(message(code, detail), "error")
    return redirect(proposal_page(anchor_proposal_id, anchor))


def commented_proposal(comment: Comment) -> Proposal:
    """The proposal of a comment (comments on budget projects and agenda items come later)."""
    if comment.proposal_id is None:
        abort(404)
    return comment.proposal


@bp.route("/proposals/<int:proposal_id>/comments", methods=["GET", "POST"])
def discussion(proposal_id):
    """The discussion of a proposal on a page of its own; POST writes a new comment."""
    proposal = db.get_or_404(Proposal, proposal_id)
    form = None
    status = 200
    if request.method == "POST":
        require(Action.COMMENT)
        form = CommentForm(prefix="comment")
        if form.validate_on_submit():
            if form.website_url.data:  # a bot filled the hidden field: answer as usual, store nothing
                flash(_("Your comment has been published."), "success")
                return redirect(proposal_page(proposal.id))
            try:
                comment = services.post_comment(current_user, proposal, form.body.data, form.stance.data or None)
            except CommentError as error:
                if error.code in TEXT_ERRORS:
                    form.body.errors.append(message(error.code))
                elif error.code == "throttled":
                    flash(message(error.code, error.detail), "error")
                    status = 429  # the form is shown again, text kept
                else:
                    return refuse(error.code, error.detail, proposal.id)
            else:
                flash(_("Your comment has been published."), "success")
                return redirect(proposal_page(proposal.id, f"comment-{comment.id}"))
    thread = services.thread_context(proposal, current_user, request.args.get("comments"), form=form)
    return render_template("comments/discussion.html", proposal=proposal, thread=thread,
                           proposal_url=proposal_page(proposal.id, "content") if has_proposal_page() else None,
                           can_view_proposal=proposal.hidden_at is None or can(Action.VIEW_HIDDEN_PROPOSAL, proposal)
                           ), status


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id):
    """Reply to a main comment (threads are one level deep)."""
    require(Action.COMMENT)
    parent = db.get_or_404(Comment, comment_id)
    proposal = commented_proposal(parent)
    refusal = services.reply_refusal(parent, utcnow())
    if refusal:
        return refuse(*refusal, proposal.id, f"comment-{parent.id}")
    form = ReplyForm()
    status = 200
    if form.validate_on_submit():
        if form.website_url.data:
            flash(_("Your reply has been published."), "success")
            return redirect(proposal_page(proposal.id, f"comment-{parent.id}"))
        try:
            comment = services.post_comment(current_user, proposal, form.body.data, parent=parent)
        except CommentError as error:
            if error.code in TEXT_ERRORS:
                form.body.errors.append(message(error.code))
            elif error.code == "throttled":
                flash(message(error.code, error.detail), "error")
                status = 429
            else:
                return refuse(error.code, error.detail, proposal.id, f"comment-{parent.id}")
        else:
            flash(_("Your reply has been published."), "success")
            return redirect(proposal_page(proposal.id, f"comment-{comment.id}"))
    return render_template("comments/reply.html", form=form, parent=parent, proposal=proposal,
                           back=proposal_page(proposal.id, f"comment-{parent.id}")), status


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id):
    """Correct my own comment within 15 minutes of writing it."""
    comment = db.get_or_404(Comment, comment_id)
    require(Action.EDIT_OWN_COMMENT, comment)
    proposal = commented_proposal(comment)
    refusal = services.edit_refusal(comment, current_user, utcnow())
    if refusal:
        return refuse(*refusal, proposal.id, f"comment-{comment.id}")
    form = EditCommentForm(obj=comment)
    if comment.parent_id is not None:
        del form.stance
    elif request.method == "GET":
        form.stance.data = comment.stance or ""
    if form.validate_on_submit():
        stance = form.stance.data if "stance" in form else None
        try:
            services.edit_comment(current_user, comment, form.body.data, stance)
        except CommentError as error:
            if error.code in TEXT_ERRORS:
                form.body.errors.append(message(error.code))
            else:
                return refuse(error.code, error.detail, proposal.id, f"comment-{comment.id}")
        else:
            flash(_("Your comment has been saved."), "success")
            return redirect(proposal_page(proposal.id, f"comment-{comment.id}"))
    return render_template("comments/edit.html", form=form, comment=comment, proposal=proposal,
                           edit_until=edit_deadline(comment), back=proposal_page(proposal.id, f"comment-{comment.id}"))


def _report(target, proposal: Proposal, anchor: str):
    form = ReportForm()
    refusal = services.report_refusal(current_user, target)
    if refusal:
        return refuse(refusal, None, proposal.id, anchor)
    if form.validate_on_submit():
        try:
            services.report(current_user, target, form.reason.data)
        except CommentError as error:
            return refuse(error.code, error.detail, proposal.id, anchor)
        flash(_("Thank you. The coordinators will look at your report."), "success")
        return redirect(proposal_page(proposal.id, anchor))
    return render_template("comments/report.html", form=form, target=target, proposal=proposal,
                           is_comment=isinstance(target, Comment), back=proposal_page(proposal.id, anchor),
                           stance_labels=STANCE_LABELS)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
def report_comment(comment_id):
    """Report a comment to the coordinators, with a reason."""
    require(Action.REPORT)
    comment = db.get_or_404(Comment, comment_id)
    return _report(comment, commented_proposal(comment), f"comment-{comment.id}")


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
def report_proposal(proposal_id):
    """Report a proposal to the coordinators, with a reason."""
    require(Action.REPORT)
    proposal = db.get_or_404(Proposal, proposal_id)
    return _report(proposal, proposal, "content")
