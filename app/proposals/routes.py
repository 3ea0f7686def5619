"""Proposal pages: the list, a proposal, writing and editing one, and the one-button actions."""
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import atom
from app.auth.permissions import Action, can, require, requires
from app.comments import services as comment_services
from app.consultations.forms import ACTION_LABELS, PHASE_LABELS
from app.consultations.phases import PhaseAction
from app.consultations.services import all_consultations, consultation_allows, get_consultation, phase_status
from app.directory.models import Association
from app.directory.services import all_villages, association_query
from app.extensions import db
from app.http import found_or_404
from app.markdown import render_markdown
from app.meetings.messages import OUTCOME_LABELS
from app.meetings.trail import proposal_trail
from app.proposals import bp, notifications, services
from app.proposals.forms import (
    CATEGORY_LABELS,
    STATE_LABELS,
    AnswerForm,
    ProposalFilterForm,
    ProposalForm,
    StateForm,
    ToggleForm,
    WithdrawForm,
)
from app.proposals.services import Counts, ProposalDraft, ProposalError, ProposalFilters
from app.proposals.states import FINAL_STATES, Actor, ProposalState, next_states
from app.proposals.visitor import visitor_seed
from app.timeutil import today, utcnow

ERRORS = {
    "phase_closed": lambda: _("This cannot be done in the consultation's current phase."),
    "submit_closed": lambda: _("Proposals can be submitted only in the consultation's proposals phase."),
    "editing_closed": lambda: _("The proposal can no longer be edited: the consultation has moved past "
                                "its proposals phase."),
    "not_editable": lambda: _("Only a proposal that is waiting for review can be edited."),
    "not_author": lambda: _("Only the author can do this."),
    "not_representative": lambda: _("You can act only for an association you currently represent."),
    "hidden": lambda: _("This proposal has been hidden by a moderator."),
    "not_open": lambda: _("This proposal has been closed (withdrawn, rejected or implemented)."),
    "same_state": lambda: _("The proposal is already in this state."),
    "not_a_transition": lambda: _("The proposal cannot be moved to that state from its current state."),
    "not_allowed_for_actor": lambda: _("You cannot make this change to the proposal's state."),
    "unknown_state": lambda: _("Choose one of the states in the list."),
    "answer_required": lambda: _("Write the answer."),
    "answer_too_long": lambda: _("The answer is too long."),
    "note_too_long": lambda: _("The note is too long."),
    "title_required": lambda: _("Give the proposal a short title."),
    "title_too_long": lambda: _("The title can be at most %(max)d characters.", max=services.MAX_TITLE),
    "body_required": lambda: _("Describe your proposal."),
    "body_too_long": lambda: _("The proposal can be at most %(max)d characters.", max=services.MAX_BODY),
    "location_too_long": lambda: _("The location can be at most %(max)d characters.", max=services.MAX_LOCATION),
    "unknown_category": lambda: _("Choose one of the categories in the list."),
    "bad_cost": lambda: _("Write the cost in euros as a number, for example 1 234,50 or 1234.50."),
}

# Refusals of a draft that the form normally catches first, shown at the field concerned.
DRAFT_FIELDS = {
    "title_required": "title", "title_too_long": "title", "body_required": "body", "body_too_long": "body",
    "location_too_long": "location", "unknown_category": "category", "bad_cost": "estimated_cost",
    "not_representative": "association_id",
}


def _proposal_or_404(proposal_id: int):
    return found_or_404(services.get_proposal(proposal_id))


def _back(proposal, anchor: str = ""):
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + (f"#{anchor}" if anchor else ""))


def _draft(form: ProposalForm) -> ProposalDraft:
    return ProposalDraft(title=form.title.data or "", body=form.body.data or "",
                         village_id=form.village_id.data or None, category=form.category.data,
                         estimated_cost=form.estimated_cost.data, location=form.location.data or "",
                         association_id=form.association_id.data or None)


def _show_draft_error(form: ProposalForm, error: ProposalError) -> None:
    name = DRAFT_FIELDS.get(error.code)
    message = ERRORS[error.code]()
    if name:
        form[name].errors.append(message)
    else:
        flash(message, "error")


@bp.route("/proposals")
def index():
    """Proposals, filtered, searched and sorted, a page at a time."""
    form, filters = _filter_form()
    sort = form.chosen(form.sort) or "random"
    form.sort.data = sort
    listing = services.proposal_page(filters, sort, visitor_seed() if sort == "random" else 0,
                                     request.args.get("page", 1, type=int), current_app.config["PAGE_SIZE"],
                                     include_hidden=can(Action.VIEW_HIDDEN_PROPOSAL))
    return render_template("proposals/list.html", form=form, listing=listing, filters=filters,
                           state_labels=STATE_LABELS, category_labels=CATEGORY_LABELS,
                           feed_url=_feed_url("proposals.feed"))


def _feed_url(endpoint: str) -> str:
    """The Atom feed of what the list shows: the same filters, without the sort order and the page."""
    return url_for(endpoint, **{k: v for k, v in request.args.items() if v and k not in ("sort", "page")})


def _filter_form() -> tuple[ProposalFilterForm, ProposalFilters]:
    """The list's filters from the query string (a value that is not a choice filters nothing)."""
    form = ProposalFilterForm(all_consultations(), all_villages(),
                              db.session.scalars(association_query()).all(), formdata=request.args)
    form.validate()
    filters = ProposalFilters(
        consultation_id=form.chosen_id(form.consultation), village_id=form.chosen_id(form.village),
        category=form.chosen(form.category), state=form.chosen(form.state),
        association_id=form.chosen_id(form.association), text=(form.q.data or "")[:200])
    return form, filters


@bp.route("/proposals.atom")
def feed():
    """An Atom feed of the newest public proposals, with the list's filters (e.g. ?consultation=3)."""
    filters = _filter_form()[1]
    proposals = services.feed_proposals(filters)
    entries = [atom.Entry(
        url=url_for("proposals.detail", proposal_id=p.id, _external=True), title=p.title,
        updated=p.updated_at or p.created_at, published=p.created_at,
        author=p.association.name if p.association else (p.author.display_name or _("deleted user")),
        summary=" · ".join(part for part in (
            p.village.name if p.village else _("Whole municipality"), str(CATEGORY_LABELS.get(p.category, p.category)),
            str(STATE_LABELS[p.state])) if part),
        content_html=str(render_markdown(p.body)), categories=(p.category,)) for p in proposals]
    document = atom.feed(_("Kyläraati: new proposals"), request.url, url_for("proposals.index", _external=True),
                         entries, fallback_updated=utcnow(), language=str(get_locale()))
    return Response(document, mimetype=atom.MIMETYPE)


@bp.route("/proposals/<int:proposal_id>")
def detail(proposal_id):
    """A proposal: the official answer, the text, supports and endorsements, its history."""
    proposal = _proposal_or_404(proposal_id)
    now = utcnow()
    visible = proposal.hidden_at is None or can(Action.VIEW_HIDDEN_PROPOSAL, proposal)
    status = phase_status(proposal.consultation, now)
    is_author = current_user.is_authenticated and proposal.author_id == current_user.id
    context = {
        "proposal": proposal,
        "visible": visible,
        "status": status,
        "counts": services.counts_for([proposal.id]).get(proposal.id, Counts()),
        "viewer": services.viewer_state(current_user, proposal),
        "endorsers": services.endorsing_associations(proposal),
        "open_for_support": (proposal.hidden_at is None and proposal.state not in FINAL_STATES
                             and PhaseAction.SUPPORT in status.actions),
        "open_for_endorsement": (proposal.hidden_at is None and proposal.state not in FINAL_STATES
                                 and PhaseAction.ENDORSE in status.actions),
        "my_associations": services.representable_associations(current_user, today()),
        "is_author": is_author,
        "can_edit": is_author and services.editing_open(proposal, now),
        "can_withdraw": is_author and ProposalState.WITHDRAWN in next_states(ProposalState(proposal.state),
                                                                              {Actor.AUTHOR}),
        "toggle_form": ToggleForm(),
        "state_labels": STATE_LABELS,
        "category_labels": CATEGORY_LABELS,
        "phase_labels": PHASE_LABELS,
        "action_labels": ACTION_LABELS,
    }
    if can(Action.CHANGE_PROPOSAL_STATE):
        context["state_form"] = StateForm(next_states(ProposalState(proposal.state), {Actor.BOARD}))
    if can(Action.ANSWER_PROPOSALS):
        context["answer_form"] = AnswerForm(answer=proposal.answer)
    from app.budgets.services import projects_of_proposal  # here: the budgets package imports proposal forms

    context["budget_projects"] = projects_of_proposal(proposal.id)
    context.update(decision_trail=proposal_trail(proposal) if visible else None, outcome_labels=OUTCOME_LABELS)
    from app.review.deadlines import proposal_deadline  # here too: the review package imports the budgets

    context["deadline"] = proposal_deadline(proposal, now)
    # The discussion is the comments blueprint's: its partials render from this dict.
    context["thread"] = comment_services.thread_context(proposal, current_user, request.args.get("comments"),
                                                        now=now)
    return render_template("proposals/detail.html", **context)


def _proposal_form(consultation, proposal=None) -> ProposalForm:
    associations = services.representable_associations(current_user, today())
    if proposal is not None and proposal.association is not None and proposal.association not in associations:
        associations.append(proposal.association)  # keeps its association even if the mandate ended
    form = ProposalForm(all_villages(), associations, obj=proposal)
    if request.method == "GET":
        if proposal is not None:
            form.village_id.data = proposal.village_id or 0
            form.association_id.data = proposal.association_id or 0
        else:
            form.village_id.data = consultation.village_id or 0
    return form


@bp.route("/consultations/<int:consultation_id>/proposals/new", methods=["GET", "POST"])
@requires(Action.SUBMIT_PROPOSAL)
def new(consultation_id):
    """Write a proposal in a consultation's proposals phase: preview first, then submit."""
    consultation = get_consultation(consultation_id)
    if consultation is None:
        abort(404)
    now = utcnow()
    if not consultation_allows(consultation, PhaseAction.SUBMIT_PROPOSAL, now):
        flash(ERRORS["submit_closed"](), "error")
        return redirect(url_for("consultations.detail", consultation_id=consultation.id))
    form = _proposal_form(consultation)
    preview = None
    if form.validate_on_submit():
        draft = _draft(form)
        if request.form.get("action") != "submit":
            preview = draft
        else:
            try:
                proposal = services.submit_proposal(current_user, consultation, draft, now, today())
            except ProposalError as error:
                if error.code == "phase_closed":
                    flash(ERRORS["submit_closed"](), "error")
                    return redirect(url_for("consultations.detail", consultation_id=consultation.id))
                _show_draft_error(form, error)
            else:
                notifications.new_proposal(proposal)
                flash(_("Your proposal has been submitted. You follow it, so you will get an email "
                        "when it is answered or its state changes."), "success")
                return _back(proposal)
    return render_template("proposals/form.html", form=form, consultation=consultation, proposal=None,
                           preview=preview, status=phase_status(consultation, now))


@bp.route("/proposals/<int:proposal_id>/edit", methods=["GET", "POST"])
def edit(proposal_id):
    """The author edits the proposal until the consultation's proposals phase ends."""
    proposal = _proposal_or_404(proposal_id)
    require(Action.EDIT_OWN_PROPOSAL, proposal)
    now = utcnow()
    if not services.editing_open(proposal, now):
        code = "not_editable" if proposal.state != ProposalState.SUBMITTED else "editing_closed"
        flash(ERRORS[code](), "error")
        return _back(proposal)
    form = _proposal_form(proposal.consultation, proposal)
    preview = None
    if form.validate_on_submit():
        draft = _draft(form)
        if request.form.get("action") != "submit":
            preview = draft
        else:
            try:
                services.edit_proposal(current_user, proposal, draft, now, today())
            except ProposalError as error:
                if error.code not in DRAFT_FIELDS:
                    flash(ERRORS[error.code](), "error")
                    return _back(proposal)
                _show_draft_error(form, error)
            else:
                flash(_("Your changes have been saved."), "success")
                return _back(proposal)
    return render_template("proposals/form.html", form=form, consultation=proposal.consultation,
                           proposal=proposal, preview=preview, status=phase_status(proposal.consultation, now))


@bp.route("/proposals/<int:proposal_id>/withdraw", methods=["GET", "POST"])
def withdraw(proposal_id):
    """The author withdraws the proposal (it stays visible as withdrawn)."""
    proposal = _proposal_or_404(proposal_id)
    require(Action.EDIT_OWN_PROPOSAL, proposal)
    if ProposalState.WITHDRAWN not in next_states(ProposalState(proposal.state), {Actor.AUTHOR}):
        flash(_("This proposal can no longer be withdrawn."), "error")
        return _back(proposal)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            change = services.withdraw_proposal(current_user, proposal, utcnow())
        except ProposalError as error:
            flash(ERRORS[error.code](), "error")
        else:
            notifications.state_changed(proposal, change, actor_id=current_user.id)
            flash(_("Your proposal has been withdrawn. It stays visible, marked as withdrawn."), "success")
        return _back(proposal)
    return render_template("proposals/withdraw.html", form=form, proposal=proposal)


def _toggle_form_or_flash() -> ToggleForm | None:
    form = ToggleForm()
    if form.validate_on_submit():
        return form
    flash(_("Nothing was changed. Please reload the page and try again."), "error")
    return None


@bp.route("/proposals/<int:proposal_id>/support", methods=["POST"])
@requires(Action.SUPPORT)
def support(proposal_id):
    """Support the proposal, or take the support back."""
    proposal = _proposal_or_404(proposal_id)
    form = _toggle_form_or_flash()
    if form is not None:
        try:
            services.set_support(current_user, proposal, form.on, utcnow())
        except ProposalError as error:
            flash(ERRORS[error.code](), "error")
        else:
            flash(_("Thank you for supporting the proposal.") if form.on
                  else _("Your support has been taken back."), "success")
    return _back(proposal, "support")


@bp.route("/proposals/<int:proposal_id>/endorsements/<int:association_id>", methods=["POST"])
def endorse(proposal_id, association_id):
    """A representative endorses the proposal in the association's name, or withdraws the endorsement."""
    proposal = _proposal_or_404(proposal_id)
    association = db.get_or_404(Association, association_id)
    require(Action.ENDORSE, association)
    form = _toggle_form_or_flash()
    if form is not None:
        try:
            services.set_endorsement(current_user, proposal, association, form.on, utcnow(), today())
        except ProposalError as error:
            flash(ERRORS[error.code](), "error")
        else:
            message = (_("%(association)s now endorses the proposal.") if form.on
                       else _("The endorsement of %(association)s has been withdrawn."))
            flash(message % {"association": association.name}, "success")
    return _back(proposal, "support")


@bp.route("/proposals/<int:proposal_id>/follow", methods=["POST"])
@requires(Action.FOLLOW)
def follow(proposal_id):
    """Follow the proposal (emails about its answer and state), or stop following."""
    proposal = _proposal_or_404(proposal_id)
    form = _toggle_form_or_flash()
    if form is not None:
        services.set_follow(current_user, form.on, proposal=proposal)
        flash(_("You now follow this proposal.") if form.on else _("You no longer follow this proposal."),
              "success")
    return _back(proposal, "follow")


@bp.route("/proposals/<int:proposal_id>/state", methods=["POST"])
@requires(Action.CHANGE_PROPOSAL_STATE)
def change_state(proposal_id):
    """A board member or coordinator moves the proposal to a new state."""
    proposal = _proposal_or_404(proposal_id)
    # Every state is accepted by the form: the state machine decides, with its own message.
    form = StateForm(list(ProposalState))
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return _back(proposal, "board")
    try:
        change = services.change_state(current_user, proposal, form.state.data, form.note.data or "", utcnow())
    except ProposalError as error:
        flash(ERRORS[error.code](), "error")
        return _back(proposal, "board")
    notifications.state_changed(proposal, change, actor_id=current_user.id)
    flash(_("The proposal is now: %(state)s.", state=STATE_LABELS[change.to_state]), "success")
    return _back(proposal)


@bp.route("/proposals/<int:proposal_id>/answer", methods=["POST"])
@requires(Action.ANSWER_PROPOSALS)
def answer(proposal_id):
    """A board member or coordinator writes or edits the official answer."""
    proposal = _proposal_or_404(proposal_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return _back(proposal, "board")
    previous = proposal.answer
    try:
        services.answer_proposal(current_user, proposal, form.answer.data, utcnow())
    except ProposalError as error:
        flash(ERRORS[error.code](), "error")
        return _back(proposal, "board")
    if proposal.answer != previous:
        notifications.answered(proposal, actor_id=current_user.id)
    flash(_("The official answer has been published."), "success")
    return _back(proposal, "answer")
