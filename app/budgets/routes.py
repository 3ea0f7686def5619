"""Budget pages: the list, a budget with its ballot, casting, and the coordinator's setup of budgets and projects."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from app.auth.permissions import Action, can, require
from app.budgets import bp, services
from app.budgets.forms import BudgetForm, ConfirmForm, ProjectForm
from app.budgets.messages import (
    ELECTORATE_LABELS,
    SECRECY_LABELS,
    TALLY_RULE_LABELS,
    VOTING_RULE_LABELS,
    error_message,
)
from app.budgets.models import Secrecy, VotingRule
from app.budgets.rules import BallotError
from app.consultations.forms import PHASE_LABELS
from app.consultations.models import Consultation
from app.consultations.services import phase_status
from app.directory.services import all_villages, association_query
from app.extensions import db
from app.http import found_or_404
from app.timeutil import today, utcnow

LABELS = {"voting_rule_labels": VOTING_RULE_LABELS, "electorate_labels": ELECTORATE_LABELS,
          "secrecy_labels": SECRECY_LABELS, "tally_rule_labels": TALLY_RULE_LABELS, "phase_labels": PHASE_LABELS}


def _budget_or_404(budget_id: int):
    return found_or_404(services.get_budget(budget_id))


def _project_or_404(budget, project_id: int):
    return found_or_404(next((p for p in budget.projects if p.id == project_id), None))


@bp.route("/budgets")
def index():
    """Every budget, newest first, with where its vote stands."""
    now = utcnow()
    budgets = services.all_budgets()
    return render_template("budgets/list.html", budgets=budgets, now=now,
                           status={b.id: phase_status(b.consultation, now) for b in budgets},
                           closed={b.id: services.voting_closed(b, now) for b in budgets}, **LABELS)


def _parse_choices(budget, form) -> list[tuple[int, int]]:
    """The ballot's (project id, points) pairs as sent; the rules check them (nothing is trusted here)."""
    pairs = []
    if budget.voting_rule == VotingRule.CUMULATIVE:
        for project in budget.projects:
            text = (form.get(f"points-{project.id}") or "").strip()
            if not text:
                continue
            if not text.isdigit() or len(text) > 6:
                raise BallotError("bad_points")
            pairs.append((project.id, int(text)))
        return pairs
    for value in form.getlist("project"):
        if not value.isdigit() or len(value) > 12:
            raise BallotError("unknown_project")
        pairs.append((int(value), 1))
    return pairs


def _chosen_slot(slots, key: str | None):
    if key:
        return next((s for s in slots if s.option.voter_key == key), None)
    return next((s for s in slots if not s.has_voted), slots[0] if slots else None)


@bp.route("/budgets/<int:budget_id>")
def detail(budget_id):
    """A budget: its projects and rules, and for an eligible voter the ballot."""
    budget = _budget_or_404(budget_id)
    now, on = utcnow(), today()
    slots = services.voter_slots(budget, current_user, on) if current_user.is_authenticated else []
    slot = _chosen_slot(slots, request.args.get("voter"))
    if request.args.get("voter") and slot is None:
        abort(404)
    return _render_detail(budget, slots, slot, now, on)


def _render_detail(budget, slots, slot, now, on, submitted=None, status_code=200):
    open_now = services.voting_open(budget, now)
    chosen = submitted if submitted is not None else (slot.choices if slot else {})
    forbidden = services.forbidden_for(budget, slot.option.association_id) if slot else frozenset()
    ineligible_reason = None
    if current_user.is_authenticated and not slots:
        ineligible_reason = error_message(BallotError(services.why_not_eligible(budget, current_user, on)))
    context = {
        "budget": budget,
        "status": phase_status(budget.consultation, now),
        "open_now": open_now,
        "closed": services.voting_closed(budget, now),
        "slots": slots,
        "slot": slot,
        "chosen": chosen,
        "forbidden": forbidden,
        "can_change": slot is not None and (not slot.has_voted or
                                            (budget.secrecy == Secrecy.OPEN and slot.participation.channel == "online")),
        "ineligible_reason": ineligible_reason,
        "form": ConfirmForm(),
        "can_manage": can(Action.MANAGE_BUDGETS),
        "can_enter_paper": can(Action.ENTER_PAPER_BALLOTS),
        **LABELS,
    }
    return render_template("budgets/detail.html", **context), status_code


@bp.route("/budgets/<int:budget_id>/ballot", methods=["POST"])
@login_required
def cast(budget_id):
    """Cast (or change) a ballot; a refusal shows the ballot again with the reason, nothing stored."""
    budget = _budget_or_404(budget_id)
    form = ConfirmForm()
    voter_key = request.form.get("voter", "")
    if not form.validate_on_submit():
        abort(400)
    now, on = utcnow(), today()
    submitted = None
    try:
        submitted_pairs = _parse_choices(budget, request.form)
        submitted = dict(submitted_pairs)
        result = services.cast_ballot(current_user, budget.id, voter_key, submitted_pairs, now, on)
    except BallotError as error:
        flash(error_message(error), "error")
        budget = _budget_or_404(budget_id)
        slots = services.voter_slots(budget, current_user, on)
        slot = _chosen_slot(slots, voter_key) if voter_key else None
        return _render_detail(budget, slots, slot, now, on, submitted=submitted, status_code=422)
    session["budget_receipt"] = {"budget": budget.id, "code": result.receipt, "changed": result.changed,
                                 "voter": voter_key}
    return redirect(url_for("budgets.voted", budget_id=budget.id))


@bp.route("/budgets/<int:budget_id>/voted")
@login_required
def voted(budget_id):
    """The receipt, shown once after casting."""
    budget = _budget_or_404(budget_id)
    receipt = session.pop("budget_receipt", None)
    if not receipt or receipt.get("budget") != budget.id:
        return redirect(url_for("budgets.detail", budget_id=budget.id))
    return render_template("budgets/voted.html", budget=budget, receipt=receipt,
                           status=phase_status(budget.consultation, utcnow()), **LABELS)


# --- coordinators: budgets and projects ---------------------------------------------------

def _settings(form: BudgetForm, budget=None) -> services.BudgetSettings:
    values = {name: form[name].data for name in ("title", "description", "total", "voting_rule", "max_projects",
                                                 "points_total", "electorate", "secrecy", "tally_rule",
                                                 "conflict_rule", "double_entry")}
    values["min_projects"] = form.min_projects.data or 0
    if budget is not None and budget.is_frozen:  # disabled inputs are not sent: keep what is stored
        for name in BudgetForm.FROZEN:
            values[name] = getattr(budget, name)
    return services.BudgetSettings(**values)


def _save_budget_form(consultation: Consultation, budget=None):
    form = BudgetForm(obj=budget)
    if budget is not None and budget.is_frozen:
        form.freeze()
        if request.method == "POST":
            for name in BudgetForm.FROZEN:  # what the browser could not send is what is stored
                form[name].data = getattr(budget, name)
    if form.validate_on_submit():
        try:
            saved = services.save_budget(current_user, consultation, budget, _settings(form, budget))
        except BallotError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(_("The budget was saved."), "success")
            return redirect(url_for("budgets.detail", budget_id=saved.id))
    return render_template("budgets/edit.html", form=form, budget=budget, consultation=consultation,
                           **LABELS), 422 if form.errors or request.method == "POST" else 200


@bp.route("/consultations/<int:consultation_id>/budgets/new", methods=["GET", "POST"])
@login_required
def new(consultation_id):
    require(Action.MANAGE_BUDGETS)
    consultation = db.session.get(Consultation, consultation_id) or abort(404)
    return _save_budget_form(consultation)


@bp.route("/budgets/<int:budget_id>/edit", methods=["GET", "POST"])
@login_required
def edit(budget_id):
    require(Action.MANAGE_BUDGETS)
    budget = _budget_or_404(budget_id)
    return _save_budget_form(budget.consultation, budget)


def _project_form(budget, project=None):
    form = ProjectForm(all_villages(), db.session.scalars(association_query()).all(), obj=project)
    if project is not None and request.method == "GET":
        form.village_id.data = project.village_id or 0
        form.association_id.data = project.association_id or 0
    if budget.is_frozen:
        form.cost.render_kw = dict(form.cost.render_kw or {}, disabled=True)
        form.association_id.render_kw = {"disabled": True}
        if request.method == "POST" and project is not None:
            form.cost.data = project.cost
            form.association_id.data = project.association_id or 0
    if form.validate_on_submit():
        try:
            services.save_project(current_user, budget, project, title=form.title.data,
                                  description=form.description.data or "", cost=form.cost.data,
                                  village_id=form.village_id.data or None,
                                  association_id=form.association_id.data or None)
        except BallotError as error:
            db.session.rollback()
            flash(error_message(error), "error")
        else:
            flash(_("The project was saved."), "success")
            return redirect(url_for("budgets.detail", budget_id=budget.id) + "#projects")
    return render_template("budgets/project_form.html", form=form, budget=budget, project=project,
                           **LABELS), 422 if request.method == "POST" else 200


@bp.route("/budgets/<int:budget_id>/projects/new", methods=["GET", "POST"])
@login_required
def new_project(budget_id):
    require(Action.MANAGE_BUDGETS)
    budget = _budget_or_404(budget_id)
    if budget.is_frozen:
        flash(error_message(BallotError("frozen")), "error")
        return redirect(url_for("budgets.detail", budget_id=budget.id))
    return _project_form(budget)


@bp.route("/budgets/<int:budget_id>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit_project(budget_id, project_id):
    require(Action.MANAGE_BUDGETS)
    budget = _budget_or_404(budget_id)
    return _project_form(budget, _project_or_404(budget, project_id))


@bp.route("/budgets/<int:budget_id>/projects/<int:project_id>/remove", methods=["POST"])
@login_required
def remove_project(budget_id, project_id):
    require(Action.MANAGE_BUDGETS)
    budget = _budget_or_404(budget_id)
    project = _project_or_404(budget, project_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.remove_project(current_user, budget, project)
    except BallotError as error:
        db.session.rollback()
        flash(error_message(error), "error")
    else:
        flash(_("The project was taken off the ballot."), "success")
    return redirect(url_for("budgets.detail", budget_id=budget.id) + "#projects")


@bp.route("/budgets/<int:budget_id>/projects/from-proposals", methods=["GET", "POST"])
@login_required
def from_proposals(budget_id):
    """Put accepted proposals on the ballot, keeping the link; the cost defaults to the estimate."""
    require(Action.MANAGE_BUDGETS)
    budget = _budget_or_404(budget_id)
    form = ConfirmForm()
    proposals = services.accepted_proposals_without_project(budget)
    errors = {}
    if form.validate_on_submit():
        from app.proposals.forms import COST_MESSAGES, CostError, parse_euros

        chosen, costs = [], {}
        for value in request.form.getlist("proposal"):
            if not value.isdigit():
                errors["form"] = error_message(BallotError("proposal_not_available"))
                continue
            proposal_id = int(value)
            chosen.append(proposal_id)
            try:
                cost = parse_euros(request.form.get(f"cost-{proposal_id}"))
            except CostError as error:
                errors[proposal_id] = str(COST_MESSAGES[error.code])
                continue
            if cost is not None:
                costs[proposal_id] = cost
        if not errors:
            try:
                created = services.add_proposals(current_user, budget, chosen, costs)
            except BallotError as error:
                db.session.rollback()
                errors["form"] = error_message(error)
            else:
                flash(ngettext("%(num)d project was added to the ballot.", "%(num)d projects were added to the ballot.",
                               len(created)), "success")
                return redirect(url_for("budgets.detail", budget_id=budget.id) + "#projects")
        for message in errors.values():
            flash(message, "error")
    return render_template("budgets/from_proposals.html", budget=budget, proposals=proposals, form=form,
                           errors=errors, submitted=request.form if request.method == "POST" else None,
                           **LABELS), 422 if errors else 200
