"""Writing, replying to, editing and reporting comments; reporting proposals."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError

from app.auth.permissions import Action, can, require
from app.comments import bp, services
from app.comments.forms import STANCE_LABELS, ReplyForm, ReportForm, comment_form, edit_form
from app.comments.messages import message
from app.comments.models import Comment
from app.comments.rules import edit_deadline
from app.comments.services import CommentError
from app.extensions import db
from app.linkify import linkify
from app.meetings.models import AgendaItem
from app.proposals.models import Proposal
from app.timeutil import utcnow

# The proposals and meetings blueprints own the pages a discussion is shown on.
PROPOSAL_ENDPOINT = "proposals.detail"
ITEM_ENDPOINT = "meetings.item"
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


def item_page(meeting_id: int, item_id: int, anchor: str = "comments") -> str:
    """The agenda item page at `anchor`."""
    try:
        url = url_for(ITEM_ENDPOINT, meeting_id=meeting_id, item_id=item_id)
    except BuildError:  # the meetings blueprint is registered without its item page
        url = f"{request.script_root}/meetings/{meeting_id}/items/{item_id}"
    return f"{url}#{anchor}"


def target_page(target, anchor: str = "comments") -> str:
    """The page of the proposal or agenda item a discussion is about, at `anchor`."""
    if isinstance(target, AgendaItem):
        return item_page(target.meeting_id, target.id, anchor)
    return proposal_page(target.id, anchor)


def comment_page(comment: Comment) -> str:
    """The comment in its discussion, on the proposal or agenda item page."""
    return target_page(services.target_of(comment), f"comment-{comment.id}")


bp.add_app_template_global(proposal_page, "proposal_page")
bp.add_app_template_global(comment_page, "comment_page")


def has_page(endpoint: str, **values) -> bool:
    """Whether the app has the page (the blueprints that own them may be registered without it)."""
    try:
        url_for(endpoint, **values)
    except BuildError:
        return False
    return True


def refuse(code: str, detail, back: str):
    """Say why in a message and go back to the discussion."""
    flash(message(code, detail), "error")
    return redirect(back)


def _write(target, form, render):
    """Publish the new comment of the form on `target`; otherwise `render(status)` the page again."""
    status = 200
    if form.validate_on_submit():
        if form.website_url.data:  # a bot filled the hidden field: answer as usual, store nothing
            flash(_("Your comment has been published."), "success")
            return redirect(target_page(target))
        try:
            comment = services.post_comment(current_user, target, form.body.data, form.stance.data or None)
        except CommentError as error:
            if error.code in TEXT_ERRORS:
                form.body.errors.append(message(error.code))
            elif error.code == "throttled":
                flash(message(error.code, error.detail), "error")
                status = 429  # the form is shown again, text kept
            else:
                return refuse(error.code, error.detail, target_page(target))
        else:
            flash(_("Your comment has been published."), "success")
            return redirect(target_page(target, f"comment-{comment.id}"))
    return render(status)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["GET", "POST"])
def discussion(proposal_id):
    """The discussion of a proposal on a page of its own; POST writes a new comment."""
    proposal = db.get_or_404(Proposal, proposal_id)

    def render(status, form=None):
        thread = services.thread_context(proposal, current_user, request.args.get("comments"), form=form)
        return render_template(
            "comments/discussion.html", proposal=proposal, thread=thread,
            proposal_url=proposal_page(proposal.id, "content") if has_page(PROPOSAL_ENDPOINT, proposal_id=1) else None,
            can_view_proposal=proposal.hidden_at is None or can(Action.VIEW_HIDDEN_PROPOSAL, proposal)), status

    if request.method == "POST":
        require(Action.COMMENT)
        form = comment_form("proposal")
        return _write(proposal, form, lambda status: render(status, form))
    return render(200)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/comments", methods=["GET", "POST"])
def item_discussion(meeting_id, item_id):
    """The residents' discussion of an agenda item on a page of its own; POST writes a new comment."""
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting_id:
        abort(404)

    def render(status, form=None):
        thread = services.thread_context(item, current_user, request.args.get("comments"), form=form)
        has_item_page = has_page(ITEM_ENDPOINT, meeting_id=meeting_id, item_id=item.id)
        return render_template("comments/item_discussion.html", item=item, thread=thread,
                               item_url=item_page(meeting_id, item.id, "content") if has_item_page else None), status

    if request.method == "POST":
        require(Action.COMMENT)
        form = comment_form("agenda_item")
        return _write(item, form, lambda status: render(status, form))
    return render(200)


@bp.route("/comments/<int:comment_id>/reply", methods=["GET", "POST"])
def reply(comment_id):
    """Reply to a main comment (threads are one level deep)."""
    require(Action.COMMENT)
    parent = db.get_or_404(Comment, comment_id)
    target = services.target_of(parent)
    back = target_page(target, f"comment-{parent.id}")
    refusal = services.reply_refusal(parent, utcnow())
    if refusal:
        return refuse(*refusal, back)
    form = ReplyForm()
    status = 200
    if form.validate_on_submit():
        if form.website_url.data:
            flash(_("Your reply has been published."), "success")
            return redirect(back)
        try:
            comment = services.post_comment(current_user, target, form.body.data, parent=parent)
        except CommentError as error:
            if error.code in TEXT_ERRORS:
                form.body.errors.append(message(error.code))
            elif error.code == "throttled":
                flash(message(error.code, error.detail), "error")
                status = 429
            else:
                return refuse(error.code, error.detail, back)
        else:
            flash(_("Your reply has been published."), "success")
            return redirect(target_page(target, f"comment-{comment.id}"))
    return render_template("comments/reply.html", form=form, parent=parent, back=back), status


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id):
    """Correct my own comment within 15 minutes of writing it."""
    comment = db.get_or_404(Comment, comment_id)
    require(Action.EDIT_OWN_COMMENT, comment)
    target = services.target_of(comment)
    back = target_page(target, f"comment-{comment.id}")
    refusal = services.edit_refusal(comment, current_user, utcnow())
    if refusal:
        return refuse(*refusal, back)
    form = edit_form(services.kind_of(target), obj=comment)
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
                return refuse(error.code, error.detail, back)
        else:
            flash(_("Your comment has been saved."), "success")
            return redirect(back)
    return render_template("comments/edit.html", form=form, comment=comment, edit_until=edit_deadline(comment),
                           back=back)


def _report(target, back: str):
    form = ReportForm()
    refusal = services.report_refusal(current_user, target)
    if refusal:
        return refuse(refusal, None, back)
    if form.validate_on_submit():
        try:
            services.report(current_user, target, form.reason.data)
        except CommentError as error:
            return refuse(error.code, error.detail, back)
        flash(_("Thank you. The coordinators will look at your report."), "success")
        return redirect(back)
    return render_template("comments/report.html", form=form, target=target, is_comment=isinstance(target, Comment),
                           back=back, stance_labels=STANCE_LABELS)


@bp.route("/comments/<int:comment_id>/report", methods=["GET", "POST"])
def report_comment(comment_id):
    """Report a comment to the coordinators, with a reason."""
    require(Action.REPORT)
    comment = db.get_or_404(Comment, comment_id)
    return _report(comment, comment_page(comment))


@bp.route("/proposals/<int:proposal_id>/report", methods=["GET", "POST"])
def report_proposal(proposal_id):
    """Report a proposal to the coordinators, with a reason."""
    require(Action.REPORT)
    proposal = db.get_or_404(Proposal, proposal_id)
    return _report(proposal, proposal_page(proposal.id, "content"))
