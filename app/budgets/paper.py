"""Paper ballots: coordinators key in batches of paper ballots (twice, by two people, under double entry),
resolve the differences and count each batch. Every page is for coordinators only."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user, login_required

from app.auth.permissions import Action, require
from app.budgets import bp, double_entry, paper_services, services
from app.budgets.double_entry import FIRST_ROUND, SECOND_ROUND
from app.budgets.forms import ConfirmForm
from app.budgets.messages import BATCH_STATUS_LABELS, ELECTORATE_LABELS, VOTING_RULE_LABELS, error_message
from app.budgets.models import BatchStatus, Electorate, VotingRule
from app.budgets.paper_forms import PaperBatchForm, PaperEntryForm
from app.budgets.rules import BallotError
from app.http import found_or_404
from app.timeutil import utcnow

LABELS = {"status_labels": BATCH_STATUS_LABELS, "electorate_labels": ELECTORATE_LABELS,
          "voting_rule_labels": VOTING_RULE_LABELS}

# Which form field a refusal is about; refusals about none of them are shown above the form.
SEQUENCE_ERRORS = {"paper_bad_sequence", "paper_duplicate_sequence"}
VOTER_ERRORS = {"paper_unknown_association", "paper_register_number_required", "paper_register_number_too_long",
                "paper_register_number_bad", "paper_voter_twice", "paper_voter_already_voted"}
CHOICE_ERRORS = {"unknown_project", "duplicate_project", "bad_points", "conflict_of_interest", "too_few",
                 "over_budget", "too_many", "too_many_points", "unknown_rule"}


def _budget_or_404(budget_id: int):
    return found_or_404(services.get_budget(budget_id))


def _batch_or_404(budget, batch_id: int):
    return found_or_404(paper_services.get_batch(budget, batch_id))


def _entry_or_404(batch, entry_id: int):
    return found_or_404(next((e for e in batch.entries if e.id == entry_id), None))


def _coordinator_budget(budget_id: int):
    require(Action.ENTER_PAPER_BALLOTS)
    return _budget_or_404(budget_id)


def _closed_message() -> str:
    return error_message(BallotError("paper_closed"))


def _batch_url(budget, batch, entry_round: int | None = None, anchor: str = "") -> str:
    url = url_for("budgets.paper_batch", budget_id=budget.id, batch_id=batch.id,
                  round=entry_round if budget.double_entry and entry_round else None)
    return url + anchor


# --- the list of batches -------------------------------------------------------------------

def _render_batches(budget, form, status_code=200):
    return render_template("budgets/paper_batches.html", budget=budget, form=form,
                           summaries=paper_services.batches_of(budget),
                           paper_open=paper_services.paper_open(budget, utcnow()),
                           counted=services.turnout(budget).paper, closed_message=_closed_message(),
                           **LABELS), status_code


@bp.get("/budgets/<int:budget_id>/paper")
@login_required
def paper_batches(budget_id):
    """The budget's batches of paper ballots, with their entries per round, and a form for a new batch."""
    budget = _coordinator_budget(budget_id)
    return _render_batches(budget, PaperBatchForm())


@bp.post("/budgets/<int:budget_id>/paper")
@login_required
def paper_create_batch(budget_id):
    """Start a batch of paper ballots; a refusal shows the list again with the reason."""
    budget = _coordinator_budget(budget_id)
    form = PaperBatchForm()
    if not form.validate_on_submit():
        return _render_batches(budget, form, 422)
    try:
        batch = paper_services.create_batch(current_user, budget, form.label.data, utcnow())
    except BallotError as error:
        if error.code.startswith("paper_label"):
            form.label.errors = [error_message(error)]
        else:
            flash(error_message(error), "error")
        return _render_batches(_budget_or_404(budget_id), form, 422)
    flash(_("The batch “%(label)s” was created. Key in its paper ballots below.", label=batch.label), "success")
    return redirect(_batch_url(budget, batch, anchor="#entry-form"))


# --- a batch: keying in, correcting ----------------------------------------------------------

def _entry_form(budget, **kwargs) -> PaperEntryForm:
    return PaperEntryForm(paper_services.active_associations() if budget.electorate == Electorate.ASSOCIATIONS
                          else [], **kwargs)


def _read_entry(budget, form: PaperEntryForm):
    """The entry's ballot number, voter and choices as the form sent them, and what was wrong with them.

    Returns (sequence, voter_ref, pairs, submitted choices, problems): problems map a field (sequence, voter,
    choices) to its message; a value that could not be read is None.
    """
    problems: dict[str, str] = {}
    sequence = voter_ref = pairs = None
    try:
        sequence = double_entry.parse_sequence(form.sequence.data)
    except BallotError as error:
        problems["sequence"] = error_message(error)
    try:
        if budget.electorate == Electorate.ASSOCIATIONS:
            voter_ref = str(double_entry.parse_association_ref(form.association.data))
        else:
            voter_ref = double_entry.normalise_register_number(form.register_number.data)
    except BallotError as error:
        problems["voter"] = error_message(error)
    project_ids = [p.id for p in budget.projects]
    submitted = _submitted_choices(budget, project_ids)
    try:
        pairs = double_entry.choice_pairs(budget.voting_rule == VotingRule.CUMULATIVE, project_ids,
                                          request.form.getlist("project"),
                                          {p: request.form.get(f"points-{p}") for p in project_ids})
    except BallotError as error:
        problems["choices"] = error_message(error)
    return sequence, voter_ref, pairs, submitted, problems


def _submitted_choices(budget, project_ids) -> dict[int, str]:
    """What the form had ticked or written, to show it again after a refusal."""
    if budget.voting_rule == VotingRule.CUMULATIVE:
        return {p: (request.form.get(f"points-{p}") or "").strip()[:12] for p in project_ids
                if (request.form.get(f"points-{p}") or "").strip()}
    ticked = set(request.form.getlist("project"))
    return {p: "1" for p in project_ids if str(p) in ticked}


def _problem_field(code: str) -> str:
    if code in SEQUENCE_ERRORS:
        return "sequence"
    if code in VOTER_ERRORS:
        return "voter"
    if code in CHOICE_ERRORS:
        return "choices"
    return "form"


def _attach_problems(budget, form: PaperEntryForm, problems: dict[str, str]) -> list[tuple[str, str]]:
    """Put each message on its field; the (anchor, message) list for the summary above the form."""
    voter_field = form.association if budget.electorate == Electorate.ASSOCIATIONS else form.register_number
    anchors = {"sequence": form.sequence.id, "voter": voter_field.id, "choices": "choices"}
    if "sequence" in problems:
        form.sequence.errors = [problems["sequence"]]
    if "voter" in problems:
        voter_field.errors = [problems["voter"]]
    order = ("form", "sequence", "voter", "choices")
    return [(anchors.get(name, ""), problems[name]) for name in order if name in problems]


def _stored_choices(entry) -> dict[int, str]:
    return {p: str(n) for p, n in double_entry.parse_choices(entry.choices).items()}


def _render_batch(budget, batch, form, shown_round: int, chosen=None, problems=None, status_code=200):
    now = utcnow()
    entries = paper_services.entries_of(batch, FIRST_ROUND if batch.status == BatchStatus.COUNTED else shown_round)
    counts = {r: len(paper_services.entries_of(batch, r)) for r in double_entry.ROUNDS}
    problems = problems or {}
    context = {
        "budget": budget, "batch": batch, "form": form, "confirm_form": ConfirmForm(),
        "shown_round": shown_round, "entries": entries, "counts": counts,
        "names": paper_services.voter_names(budget, batch.entries),
        "parsed": {e.id: double_entry.parse_choices(e.choices) for e in entries},
        "titles": {p.id: p.title for p in budget.projects},
        "chosen": chosen or {}, "summary": _attach_problems(budget, form, problems),
        "choice_error": problems.get("choices"),
        "paper_open": paper_services.paper_open(budget, now),
        "mismatch_count": len(paper_services.mismatches(batch)) if budget.double_entry else 0,
        "closed_message": _closed_message(), **LABELS,
    }
    return render_template("budgets/paper_batch.html", **context), status_code


@bp.get("/budgets/<int:budget_id>/paper/<int:batch_id>")
@login_required
def paper_batch(budget_id, batch_id):
    """A batch: the form for the next paper ballot and the ballots keyed so far in one round."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    shown_round = paper_services.suggested_round(budget, batch, current_user)
    if budget.double_entry and request.args.get("round") in ("1", "2"):
        shown_round = int(request.args["round"])
    form = _entry_form(budget, formdata=None, data={"entry_round": str(shown_round)})
    return _render_batch(budget, batch, form, shown_round)


@bp.post("/budgets/<int:budget_id>/paper/<int:batch_id>")
@login_required
def paper_add_entry(budget_id, batch_id):
    """Key in one paper ballot; a refusal shows the form again with the reason, and nothing is stored."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    form = _entry_form(budget)
    if not form.validate_on_submit():
        abort(400)
    try:
        entry_round = double_entry.parse_round(form.entry_round.data or "1")
    except BallotError as error:
        flash(error_message(error), "error")
        return redirect(_batch_url(budget, batch))
    sequence, voter_ref, pairs, submitted, problems = _read_entry(budget, form)
    if not problems:
        try:
            paper_services.add_entry(current_user, budget, batch.id, entry_round, sequence, voter_ref, pairs,
                                     utcnow())
        except BallotError as error:
            problems[_problem_field(error.code)] = error_message(error)
        else:
            flash(_("Paper ballot number %(sequence)d was saved in round %(round)d. Key in the next one.",
                    sequence=sequence, round=entry_round) if budget.double_entry else
                  _("Paper ballot number %(sequence)d was saved. Key in the next one.", sequence=sequence),
                  "success")
            return redirect(_batch_url(budget, batch, entry_round, "#entry-form"))
    budget = _budget_or_404(budget_id)
    batch = _batch_or_404(budget, batch_id)
    shown_round = entry_round if budget.double_entry else FIRST_ROUND
    return _render_batch(budget, batch, form, shown_round, submitted, problems, 422)


@bp.route("/budgets/<int:budget_id>/paper/<int:batch_id>/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def paper_correct_entry(budget_id, entry_id, batch_id):
    """Correct a keyed paper ballot after looking at the paper again."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    entry = _entry_or_404(batch, entry_id)
    if request.method == "GET":
        data = {"sequence": str(entry.sequence), "register_number": entry.voter_ref, "association": entry.voter_ref}
        form = _entry_form(budget, formdata=None, data=data)
        return _render_correction(budget, batch, entry, form, _stored_choices(entry))
    form = _entry_form(budget)
    if not form.validate_on_submit():
        abort(400)
    sequence, voter_ref, pairs, submitted, problems = _read_entry(budget, form)
    if not problems:
        try:
            paper_services.correct_entry(current_user, budget, batch.id, entry.id, sequence, voter_ref, pairs,
                                         utcnow())
        except BallotError as error:
            problems[_problem_field(error.code)] = error_message(error)
        else:
            flash(_("Paper ballot number %(sequence)d was corrected.", sequence=sequence), "success")
            return redirect(_after_correction(budget, batch, entry.entry_round))
    budget = _budget_or_404(budget_id)
    batch = _batch_or_404(budget, batch_id)
    entry = _entry_or_404(batch, entry_id)
    return _render_correction(budget, batch, entry, form, submitted, problems, 422)


def _after_correction(budget, batch, entry_round: int) -> str:
    """Back where the correction was asked for: the differences under double entry, else the batch."""
    if budget.double_entry and request.form.get("back") == "compare":
        return url_for("budgets.paper_compare", budget_id=budget.id, batch_id=batch.id)
    return _batch_url(budget, batch, entry_round)


def _render_correction(budget, batch, entry, form, chosen, problems=None, status_code=200):
    problems = problems or {}
    return render_template("budgets/paper_entry.html", budget=budget, batch=batch, entry=entry, form=form,
                           confirm_form=ConfirmForm(), chosen=chosen,
                           summary=_attach_problems(budget, form, problems), choice_error=problems.get("choices"),
                           paper_open=paper_services.paper_open(budget, utcnow()),
                           back="compare" if request.values.get("back") == "compare" else "",
                           closed_message=_closed_message(), **LABELS), status_code


@bp.post("/budgets/<int:budget_id>/paper/<int:batch_id>/entries/<int:entry_id>/remove")
@login_required
def paper_remove_entry(budget_id, batch_id, entry_id):
    """Take out an entry keyed by mistake, when there is no such paper ballot."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    entry = _entry_or_404(batch, entry_id)
    entry_round = entry.entry_round
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        sequence = paper_services.remove_entry(current_user, budget, batch.id, entry.id, utcnow())
    except BallotError as error:
        flash(error_message(error), "error")
    else:
        flash(_("Paper ballot number %(sequence)d was taken out of the batch.", sequence=sequence), "success")
    return redirect(_after_correction(budget, batch, entry_round))


# --- double entry and counting -------------------------------------------------------------

@bp.get("/budgets/<int:budget_id>/paper/<int:batch_id>/compare")
@login_required
def paper_compare(budget_id, batch_id):
    """Where the two keyings of a batch differ, each difference with links to correct the entries."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    if not budget.double_entry:
        flash(_("Ballots are keyed in once in this budget, so there is nothing to compare."), "error")
        return redirect(_batch_url(budget, batch))
    by_key = {(e.entry_round, e.sequence): e for e in batch.entries}
    return render_template("budgets/paper_compare.html", budget=budget, batch=batch,
                           mismatches=paper_services.mismatches(batch), by_key=by_key,
                           counts={r: len(paper_services.entries_of(batch, r)) for r in double_entry.ROUNDS},
                           names=paper_services.voter_names(budget, batch.entries),
                           titles={p.id: p.title for p in budget.projects}, confirm_form=ConfirmForm(),
                           paper_open=paper_services.paper_open(budget, utcnow()), kinds=double_entry,
                           first=FIRST_ROUND, second=SECOND_ROUND, **LABELS)


@bp.post("/budgets/<int:budget_id>/paper/<int:batch_id>/count")
@login_required
def paper_count(budget_id, batch_id):
    """Count the batch: its paper ballots join the others, all or none."""
    budget = _coordinator_budget(budget_id)
    batch = _batch_or_404(budget, batch_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        counted = paper_services.count_batch(current_user, budget.id, batch.id, utcnow())
    except BallotError as error:
        flash(error_message(error), "error")
        if error.code == "paper_mismatches":
            return redirect(url_for("budgets.paper_compare", budget_id=budget_id, batch_id=batch_id))
    else:
        flash(ngettext("The batch was counted: %(num)d paper ballot was added to the vote.",
                       "The batch was counted: %(num)d paper ballots were added to the vote.", counted), "success")
    return redirect(url_for("budgets.paper_batch", budget_id=budget_id, batch_id=batch_id))
