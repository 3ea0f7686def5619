"""The moderation queue and the coordinators' hide, unhide and dismiss acts."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.auth.permissions import Action, requires
from app.comments.forms import STANCE_LABELS, ModerationForm
from app.comments.messages import message
from app.extensions import db
from app.moderation import bp, services
from app.moderation.services import KINDS, ModerationError
from app.security import safe_next

KIND = "<any(comment, proposal):kind>"


def load(kind: str, item_id: int):
    return db.get_or_404(KINDS[kind], item_id)


def back(default: str | None = None):
    return redirect(safe_next(request.form.get("next") or request.args.get("next"),
                              default or url_for("moderation.queue")))


@bp.route("/")
@requires(Action.MODERATE)
def queue():
    """Reported comments and proposals waiting for a decision, and what is hidden now."""
    hidden_comments, hidden_proposals = services.hidden_items()
    return render_template("moderation/queue.html", groups=services.open_report_groups(),
                           hidden_comments=hidden_comments, hidden_proposals=hidden_proposals,
                           form=ModerationForm(), stance_labels=STANCE_LABELS)


@bp.route(f"/{KIND}/<int:item_id>/hide", methods=["GET", "POST"])
@requires(Action.MODERATE)
def hide(kind, item_id):
    """Hide a comment or a proposal from the public, with a reason shown in its place."""
    item = load(kind, item_id)
    form = ModerationForm(next=request.args.get("next", ""))
    if item.hidden_at is not None:
        flash(message("already_hidden"), "error")
        return back()
    if form.validate_on_submit():
        try:
            resolved = services.hide(current_user, item, form.reason.data)
        except ModerationError as error:
            flash(message(error.code), "error")
        else:
            text = (_("The comment is now hidden.") if kind == "comment" else _("The proposal is now hidden."))
            if resolved:
                text += " " + _("Its open reports are closed.")
            flash(text, "success")
            return back()
    return render_template("moderation/hide.html", form=form, kind=kind, item=item,
                           reports=services.open_reports_of(kind, item.id), stance_labels=STANCE_LABELS)


@bp.route(f"/{KIND}/<int:item_id>/unhide", methods=["POST"])
@requires(Action.MODERATE)
def unhide(kind, item_id):
    """Show a hidden comment or proposal again."""
    item = load(kind, item_id)
    try:
        services.unhide(current_user, item)
    except ModerationError as error:
        flash(message(error.code), "error")
    else:
        flash(_("The comment is visible again.") if kind == "comment" else _("The proposal is visible again."),
              "success")
    return back()


@bp.route(f"/{KIND}/<int:item_id>/dismiss", methods=["POST"])
@requires(Action.MODERATE)
def dismiss(kind, item_id):
    """Close the reports about an item without hiding it."""
    item = load(kind, item_id)
    try:
        resolved = services.dismiss(current_user, item)
    except ModerationError as error:
        flash(message(error.code), "error")
    else:
        flash(ngettext("%(num)d report was dismissed; the content stays visible.",
                       "%(num)d reports were dismissed; the content stays visible.", resolved), "success")
    return back()
