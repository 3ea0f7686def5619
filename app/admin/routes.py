"""Coordinator pages. Every route names the permission it needs."""
import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, fresh_login_required

from app.admin import bp, services
from app.admin.forms import ROLE_LABELS, AuditFilterForm, BlockForm, HideContentForm, RoleForm, UserFilterForm
from app.admin.services import AdminError
from app.audit.models import AuditLog
from app.audit.services import audit_query, known_actions
from app.auth.models import User
from app.auth.permissions import Action, can, requires
from app.comments.messages import message as moderation_message
from app.directory import services as directory
from app.directory.forms import (
    KIND_LABELS,
    ROLE_LABELS as MANDATE_ROLE_LABELS,
    AssociationForm,
    DecisionForm,
    VillageForm,
)
from app.directory.models import Association, Representation, RepresentationStatus, Village
from app.directory.services import DirectoryError
from app.extensions import db
from app.forms import as_id, errors_text
from app.main.models import AccessibilityFeedback
from app.moderation import services as moderation
from app.notifications.rules import Kind
from app.notifications.services import notify

DIRECTORY_ERRORS = {
    "village_name_taken": lambda: _("A village with this name already exists."),
    "association_name_taken": lambda: _("An association with this name already exists."),
    "not_pending": lambda: _("This request has already been decided."),
    "not_approved": lambda: _("Only an approved mandate can be revoked."),
    "reason_required": lambda: _("Write a reason; it is sent to the person."),
}


@bp.route("/")
@requires(Action.REVIEW_REPRESENTATIONS)
def dashboard():
    """The coordinator's overview: what is waiting."""
    pending = db.session.scalar(sa.select(sa.func.count(Representation.id))
                                .where(Representation.status == RepresentationStatus.PENDING))
    feedback = db.session.scalar(sa.select(sa.func.count(AccessibilityFeedback.id))
                                 .where(AccessibilityFeedback.handled_at.is_(None)))
    return render_template("admin/dashboard.html", pending=pending, feedback=feedback,
                           reports=moderation.open_report_count())


@bp.route("/representations")
@requires(Action.REVIEW_REPRESENTATIONS)
def representations():
    """Pending representation requests, and the mandates in force."""
    return render_template("admin/representations.html", pending=directory.pending_requests(),
                           active=directory.active_mandates(), form=DecisionForm(),
                           role_labels=MANDATE_ROLE_LABELS)


@bp.route("/representations/<int:representation_id>/<any(approve, reject, revoke):decision>",
          methods=["POST"])
@requires(Action.REVIEW_REPRESENTATIONS)
def decide_representation(representation_id, decision):
    """Approve, reject or revoke a mandate; the person is notified."""
    representation = db.get_or_404(Representation, representation_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(errors_text(form.reason.errors) or _("Check the reason."), "error")
        return redirect(url_for("admin.representations"))
    try:
        if decision == "revoke":
            directory.revoke_representation(current_user, representation, form.reason.data or "")
        else:
            directory.decide_representation(current_user, representation, decision == "approve",
                                            form.reason.data or "")
    except DirectoryError as error:
        flash(DIRECTORY_ERRORS[error.code](), "error")
        return redirect(url_for("admin.representations"))
    notify([representation.user], Kind.REPRESENTATION_DECIDED,
           url=url_for("directory.association", association_id=representation.association_id),
           params={"association": representation.association.name, "decision": decision,
                   "reason": representation.decision_reason or "",
                   "association_id": representation.association_id})
    messages = {
        "approve": _("%(person)s now represents %(association)s."),
        "reject": _("The request of %(person)s for %(association)s was rejected."),
        "revoke": _("The mandate of %(person)s for %(association)s was revoked."),
    }
    flash(messages[decision] % {"person": representation.user.display_name,
                                "association": representation.association.name}, "success")
    return redirect(url_for("admin.representations"))


@bp.route("/villages/new", methods=["GET", "POST"], defaults={"village_id": None})
@bp.route("/villages/<int:village_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_DIRECTORY)
def edit_village(village_id):
    """Create or edit a village."""
    village = db.get_or_404(Village, village_id) if village_id else None
    form = VillageForm(obj=village)
    if form.validate_on_submit():
        try:
            village = directory.save_village(current_user, village, form.name.data, form.description.data or "")
        except DirectoryError as error:
            form.name.errors.append(DIRECTORY_ERRORS[error.code]())
        else:
            flash(_("The village has been saved."), "success")
            return redirect(url_for("directory.village", village_id=village.id))
    return render_template("admin/edit_village.html", form=form, village=village)


@bp.route("/associations/new", methods=["GET", "POST"], defaults={"association_id": None})
@bp.route("/associations/<int:association_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_DIRECTORY)
def edit_association(association_id):
    """Create or edit an association."""
    association = db.get_or_404(Association, association_id) if association_id else None
    form = AssociationForm(directory.all_villages(), obj=association)
    if request.method == "GET" and association is not None:
        form.village_id.data = association.village_id or 0
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data or "" for name in
                  ("name", "kind", "description", "contact_email", "contact_phone", "website")}
        fields["village_id"] = form.village_id.data or None
        fields["is_active"] = form.is_active.data
        try:
            association = directory.save_association(current_user, association, **fields)
        except DirectoryError as error:
            form.name.errors.append(DIRECTORY_ERRORS[error.code]())
        else:
            flash(_("The association has been saved."), "success")
            return redirect(url_for("directory.association", association_id=association.id))
    return render_template("admin/edit_association.html", form=form, association=association,
                           kind_labels=KIND_LABELS)


@bp.route("/users")
@requires(Action.MANAGE_ROLES)
def users():
    """People, searchable, with their roles."""
    form = UserFilterForm(formdata=request.args)
    form.validate()
    page = db.paginate(services.user_query(form.q.data or "", form.role.data or ""),
                       per_page=30, error_out=False)
    return render_template("admin/users.html", form=form, page=page, role_form=RoleForm(),
                           role_labels=ROLE_LABELS)


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@fresh_login_required
@requires(Action.MANAGE_ROLES)
def set_role(user_id):
    """Grant or remove the board-member or coordinator role."""
    user = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        abort(400)
    granted = form.granted.data == "1"
    try:
        services.set_role(current_user, user, form.role.data, granted)
    except AdminError as error:
        errors = {
            "cannot_remove_own_coordinator": _("You cannot remove your own coordinator role."),
            "user_erased": _("This account has been erased."),
        }
        flash(errors.get(error.code, _("The role could not be changed.")), "error")
    else:
        message = (_("%(person)s is now %(role)s.") if granted
                   else _("%(person)s no longer has the role %(role)s."))
        flash(message % {"person": user.display_name, "role": ROLE_LABELS[form.role.data]}, "success")
    return redirect(url_for("admin.users", q=user.display_name))


@bp.route("/audit")
@requires(Action.READ_AUDIT_LOG)
def audit():
    """The audit log, filtered by action, person and dates."""
    form = AuditFilterForm(known_actions(), formdata=request.args)
    valid = form.validate()
    actor_id = as_id(form.actor.data)  # a number too large for an id (or for the database) filters nothing
    query = audit_query(form.action.data or "", actor_id, form.since.data if valid else None,
                        form.until.data if valid else None)
    query = query.options(sa.orm.selectinload(AuditLog.actor))
    page = db.paginate(query, per_page=50, error_out=False)
    return render_template("admin/audit.html", form=form, page=page)


@bp.route("/feedback")
@requires(Action.READ_FEEDBACK)
def feedback():
    """Accessibility feedback sent from the accessibility statement page."""
    query = sa.select(AccessibilityFeedback).order_by(AccessibilityFeedback.created_at.desc())
    page = db.paginate(query, per_page=30, error_out=False)
    return render_template("admin/feedback.html", page=page)


@bp.route("/users/<int:user_id>/block", methods=["GET", "POST"])
@requires(Action.BLOCK_USERS)
def block_user(user_id):
    """An account's block status: block it with a reason, unblock it, hide all it wrote."""
    user = db.get_or_404(User, user_id)
    form = BlockForm()
    if form.validate_on_submit():
        try:
            services.block_user(current_user, user, form.reason.data)
        except AdminError as error:
            flash(moderation_message(error.code), "error")
        else:
            flash(_("%(person)s is now blocked and was signed out. What they wrote stays visible.",
                    person=user.display_name), "success")
            return redirect(url_for("admin.block_user", user_id=user.id))
    return render_block_page(user, form, HideContentForm(formdata=None, prefix="hide"))


def render_block_page(user, form, hide_form):
    return render_template("admin/block_user.html", user=user, form=form, hide_form=hide_form,
                           content=moderation.visible_content_counts(user))


@bp.route("/users/<int:user_id>/unblock", methods=["POST"])
@requires(Action.BLOCK_USERS)
def unblock_user(user_id):
    """Let a blocked account sign in again."""
    user = db.get_or_404(User, user_id)
    try:
        services.unblock_user(current_user, user)
    except AdminError as error:
        flash(moderation_message(error.code), "error")
    else:
        flash(_("%(person)s can sign in again.", person=user.display_name), "success")
    return redirect(url_for("admin.block_user", user_id=user.id))


@bp.route("/users/<int:user_id>/hide-content", methods=["POST"])
@requires(Action.MODERATE)
def hide_user_content(user_id):
    """Hide every comment and proposal of an account at once (a separate, explicit act)."""
    user = db.get_or_404(User, user_id)
    hide_form = HideContentForm(prefix="hide")
    if not hide_form.validate_on_submit():
        return render_block_page(user, BlockForm(formdata=None), hide_form)
    comments, proposals = moderation.hide_all_content(current_user, user, hide_form.reason.data)
    flash(_("Hidden from the public, from %(person)s: comments %(comments)d, proposals %(proposals)d.",
            comments=comments, proposals=proposals, person=user.display_name), "success")
    return redirect(url_for("admin.block_user", user_id=user.id))


@bp.app_context_processor
def admin_nav():
    return {"show_admin_nav": can(Action.REVIEW_REPRESENTATIONS)}
