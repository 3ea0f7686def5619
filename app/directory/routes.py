"""Public directory pages and the request to represent an association."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import Action, require
from app.directory import bp, services
from app.directory.forms import KIND_LABELS, ROLE_LABELS, AssociationFilterForm, RepresentationRequestForm
from app.directory.models import Association, Village
from app.directory.services import DirectoryError
from app.events import services as event_services
from app.extensions import db
from app.forms import as_id
from app.notify import notify_coordinators
from app.timeutil import today, utcnow

REQUEST_ERRORS = {
    "already_requested": lambda: _("You have already asked to represent this association, "
                                   "or you already represent it."),
    "association_inactive": lambda: _("This association is no longer active."),
    "dates_out_of_order": lambda: _("The end date must not be before the start date."),
    "mandate_already_ended": lambda: _("The mandate's end date has already passed."),
}


@bp.route("/villages")
def villages():
    """All villages with their number of associations."""
    return render_template("directory/villages.html", villages=services.villages_with_counts())


@bp.route("/villages/<int:village_id>")
def village(village_id):
    """One village and its associations."""
    village = db.get_or_404(Village, village_id)
    associations = db.session.scalars(services.association_query(village_id=village.id)).all()
    coming = event_services.coming_events(utcnow(), filters=event_services.Filters(village_id=village.id))
    return render_template("directory/village.html", village=village, associations=associations,
                           coming=coming, kind_labels=KIND_LABELS)


@bp.route("/associations")
def associations():
    """Associations, filtered by village, kind and name, paginated."""
    villages = services.all_villages()
    form = AssociationFilterForm(villages, formdata=request.args)
    form.validate()
    village_id = as_id(form.village.data)
    kind = form.kind.data if form.kind.data in KIND_LABELS else ""
    page = db.paginate(
        services.association_query(village_id=village_id, kind=kind, text=form.q.data or ""),
        per_page=20, error_out=False,
    )
    return render_template("directory/associations.html", form=form, page=page, kind_labels=KIND_LABELS)


@bp.route("/associations/<int:association_id>")
def association(association_id):
    """An association: description, contact, village and current representatives."""
    association = db.get_or_404(Association, association_id)
    representatives = services.current_representatives(association, today())
    coming = event_services.coming_events(utcnow(), filters=event_services.Filters(association_id=association.id))
    return render_template("directory/association.html", association=association,
                           representatives=representatives, coming=coming, kind_labels=KIND_LABELS,
                           role_labels=ROLE_LABELS)


@bp.route("/associations/<int:association_id>/represent", methods=["GET", "POST"])
def request_representation(association_id):
    """Ask to represent an association (as representative or deputy)."""
    require(Action.REQUEST_REPRESENTATION)
    association = db.get_or_404(Association, association_id)
    if not association.is_active:
        abort(404)
    form = RepresentationRequestForm()
    if form.validate_on_submit():
        try:
            representation = services.request_representation(
                current_user, association, form.role.data, form.starts_on.data, form.ends_on.data,
                form.note.data or "")
        except DirectoryError as error:
            flash(REQUEST_ERRORS[error.code](), "error")
        else:
            notify_coordinators("email/representation_requested.txt",
                                subject=lambda: _("Kyläraati: a new representation request"),
                                representation=representation,
                                link=url_for("admin.representations", _external=True))
            flash(_("Your request has been sent. A coordinator will review it, "
                    "and you will get an email about the decision."), "success")
            return redirect(url_for("account.profile"))
    return render_template("directory/request_representation.html", form=form, association=association)
