"""Consultation pages: the list, one consultation with its timeline, and the coordinator's form."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import Action, requires
from app.consultations import bp, services
from app.consultations.forms import (
    ACTION_LABELS,
    LIFECYCLE_LABELS,
    PHASE_DESCRIPTIONS,
    PHASE_LABELS,
    ConsultationForm,
)
from app.consultations.models import Consultation
from app.consultations.services import ConsultationError
from app.directory.services import all_villages
from app.extensions import db
from app.http import found_or_404
from app.proposals import services as proposal_services
from app.proposals.forms import CATEGORY_LABELS, STATE_LABELS, ToggleForm
from app.proposals.services import ProposalFilters
from app.proposals.visitor import visitor_seed
from app.timeutil import utcnow

PROPOSALS_ON_PAGE = 10
LABELS = {"phase_labels": PHASE_LABELS, "phase_descriptions": PHASE_DESCRIPTIONS,
          "action_labels": ACTION_LABELS, "lifecycle_labels": LIFECYCLE_LABELS}


def _consultation_or_404(consultation_id: int) -> Consultation:
    return found_or_404(services.get_consultation(consultation_id))


@bp.route("/consultations")
def index():
    """Consultations: open ones first, then upcoming, then closed."""
    now = utcnow()
    page = db.paginate(services.consultation_list_query(now), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    statuses = {c.id: services.phase_status(c, now) for c in page.items}
    groups: list[tuple[str, list[Consultation]]] = []  # the query's order: open, upcoming, closed
    for consultation in page.items:
        lifecycle = statuses[consultation.id].lifecycle
        if not groups or groups[-1][0] != lifecycle:
            groups.append((lifecycle, []))
        groups[-1][1].append(consultation)
    return render_template("consultations/list.html", page=page, groups=groups, statuses=statuses, **LABELS)


@bp.route("/consultations/<int:consultation_id>")
def detail(consultation_id):
    """A consultation: what it is about, its phases, what can be done now, and its proposals."""
    from app.budgets.services import budgets_of  # here: the budgets package imports this blueprint's forms

    consultation = _consultation_or_404(consultation_id)
    now = utcnow()
    filters = ProposalFilters(consultation_id=consultation.id)
    listing = proposal_services.proposal_page(filters, "random", visitor_seed(), 1, PROPOSALS_ON_PAGE)
    return render_template(
        "consultations/detail.html", consultation=consultation, status=services.phase_status(consultation, now),
        timeline=services.timeline(consultation, now), listing=listing, filters=filters,
        following=proposal_services.is_following(current_user, consultation), toggle_form=ToggleForm(),
        budgets=budgets_of(consultation.id), state_labels=STATE_LABELS, category_labels=CATEGORY_LABELS, **LABELS)


@bp.route("/consultations/new", methods=["GET", "POST"], defaults={"consultation_id": None})
@bp.route("/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
@requires(Action.MANAGE_CONSULTATIONS)
def edit(consultation_id):
    """Create or edit a consultation: text, area, phase dates and an optional forced phase."""
    consultation = _consultation_or_404(consultation_id) if consultation_id else None
    form = ConsultationForm(all_villages(), obj=consultation)
    if request.method == "GET" and consultation is not None:
        form.village_id.data = consultation.village_id or 0
        form.phase_override.data = consultation.phase_override or ""
        form.fill_windows(services.day_windows(consultation))
    if form.validate_on_submit():
        try:
            consultation = services.save_consultation(
                current_user, consultation, title=form.title.data, description=form.description.data or "",
                village_id=form.village_id.data or None, windows=form.day_windows(),
                phase_override=form.phase_override.data or None, answer_days=form.answer_days.data,
                escalation_days=form.escalation_days.data)
        except ConsultationError as error:
            form.add_window_error(error.code, error.phase)
        else:
            flash(_("The consultation has been saved."), "success")
            return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    return render_template("consultations/edit.html", form=form, consultation=consultation, **LABELS)


@bp.route("/consultations/<int:consultation_id>/follow", methods=["POST"])
@requires(Action.FOLLOW)
def follow(consultation_id):
    """Follow the consultation (an email about each new proposal), or stop following."""
    consultation = db.get_or_404(Consultation, consultation_id)
    form = ToggleForm()
    if form.validate_on_submit():
        proposal_services.set_follow(current_user, form.on, consultation=consultation)
        flash(_("You now follow this consultation. You will get an email about each new proposal.")
              if form.on else _("You no longer follow this consultation."), "success")
    else:
        flash(_("Nothing was changed. Please reload the page and try again."), "error")
    return redirect(url_for("consultations.detail", consultation_id=consultation.id) + "#follow")
