"""Results of a budget's vote: winners and why, the other rule side by side, statistics, receipts, downloads.

Everything here is public once the vote has closed, and only then: before, the pages say when results come
and the downloads are 404. Results are counted from the stored ballots on demand and cached until a ballot
changes (services.results), so the page issues the same few queries however many ballots there are.
"""
import sqlalchemy as sa
from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from app.budgets import bp, charts, presentation, services
from app.budgets.messages import CHANNEL_LABELS, TALLY_RULE_LABELS
from app.budgets.models import BudgetParticipation, Electorate, Secrecy, VotingRule
from app.consultations.phases import Phase
from app.consultations.services import day_windows
from app.directory.forms import KIND_LABELS
from app.directory.models import Association
from app.extensions import db
from app.http import found_or_404
from app.i18n import format_money
from app.timeutil import utcnow

RECEIPT_CHARACTERS = 16


def _budget_or_404(budget_id: int):
    return found_or_404(services.get_budget(budget_id))


def _closed_budget_or_404(budget_id: int):
    """The budget, if its vote has closed; the downloads do not exist before."""
    budget = _budget_or_404(budget_id)
    if not services.voting_closed(budget, utcnow()):
        abort(404)
    return budget


def _voting_ends_on(budget):
    """The last day of voting (inclusive), if the consultation gives one."""
    window = day_windows(budget.consultation).get(Phase.VOTING)
    return window.ends_on if window is not None else None


def _counted(budget_id: int, budget):
    """The budget with its tally under its own rule and the other rule (counted now, or from the cache)."""
    result = services.results(budget, budget.tally_rule)
    other = services.results(budget, services.comparison_rule(budget))
    if "projects" in sa.inspect(budget).unloaded:  # a result was cached just now: the commit expired the budget
        budget = _budget_or_404(budget_id)
    return budget, result, other


def _association_turnout(budget) -> tuple[dict[str, int], dict[str, int]]:
    """Ballots and eligible associations per kind (eligible: active, or voted in this budget)."""
    voted = dict(db.session.execute(
        sa.select(Association.kind, sa.func.count()).select_from(BudgetParticipation)
        .join(Association, Association.id == BudgetParticipation.association_id)
        .where(BudgetParticipation.budget_id == budget.id).group_by(Association.kind)).all())
    voters = sa.select(BudgetParticipation.association_id).where(BudgetParticipation.budget_id == budget.id,
                                                                 BudgetParticipation.association_id.is_not(None))
    eligible = dict(db.session.execute(
        sa.select(Association.kind, sa.func.count())
        .where(sa.or_(Association.is_active.is_(True), Association.id.in_(voters))).group_by(Association.kind)).all())
    return voted, eligible


def _download(text: str, content_type: str, filename: str) -> Response:
    response = Response(text.encode("utf-8"), content_type=f"{content_type}; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/budgets/<int:budget_id>/results")
def results(budget_id):
    """The results of the vote, public once voting has closed; before that, when they will be published."""
    budget = _budget_or_404(budget_id)
    if not services.voting_closed(budget, utcnow()):
        return render_template("budgets/results_pending.html", budget=budget, ends_on=_voting_ends_on(budget))
    digest = presentation.pb_sha256(budget)
    budget, result, other = _counted(budget_id, budget)
    rule, other_rule = result.rule, other.rule
    rows = presentation.project_rows(budget, result, other)
    cumulative = budget.voting_rule == VotingRule.CUMULATIVE
    turnout = services.turnout(budget)
    channels = {g.key: g for g in presentation.suppress_small_groups({"online": turnout.online,
                                                                       "paper": turnout.paper})}
    kinds = []
    if budget.electorate == Electorate.ASSOCIATIONS:
        kinds = presentation.turnout_by_kind(*_association_turnout(budget), KIND_LABELS)
    kinds_withheld = any(k.voted.status == presentation.WITHHELD for k in kinds)
    villages = presentation.spending_by_village(rows)
    ballots = presentation.open_ballot_rows(budget, services.open_ballots(budget)) \
        if budget.secrecy == Secrecy.OPEN else []
    return render_template(
        "budgets/results.html", budget=budget, result=result, other=other, rows=rows, cumulative=cumulative,
        winners=[row for row in sorted(rows, key=lambda r: r.order or 0) if row.funded],
        rule_name=presentation.rule_name(rule), other_rule_name=presentation.rule_name(other_rule),
        rule_label=TALLY_RULE_LABELS[rule], how_counted=presentation.how_it_was_counted(budget, result),
        differences=sum(1 for row in rows if row.funded != row.funded_other),
        spent=presentation.money(result.spent), left=presentation.money(result.budget - result.spent),
        turnout=turnout, channels=channels, channel_labels=CHANNEL_LABELS,
        turnout_percent=round(100 * turnout.ballots / turnout.eligible) if turnout.eligible else None,
        kinds=kinds, kinds_withheld=kinds_withheld,
        villages=villages, open_ballots=ballots, pb_sha256=digest, ends_on=_voting_ends_on(budget),
        count_text=presentation.count_text, small_group=presentation.SMALL_GROUP,
        votes_chart=charts.votes_chart(rows, cumulative),
        village_chart=charts.village_chart(villages, format_money),
        turnout_chart=charts.turnout_chart(kinds) if kinds and not kinds_withheld else None,
        plotly_style_ids=charts.plotly_style_ids())


@bp.route("/budgets/<int:budget_id>/results.csv")
def results_csv(budget_id):
    """The results table as a CSV file (after voting has closed)."""
    budget, result, other = _counted(budget_id, _closed_budget_or_404(budget_id))
    rows = presentation.project_rows(budget, result, other)
    text = presentation.results_csv(budget, rows, result.rule, other.rule)
    return _download(text, "text/csv", f"budget-{budget.id}-results.csv")


@bp.route("/budgets/<int:budget_id>/ballots.pb")
def ballots_pb(budget_id):
    """The anonymous ballots in the Pabulib format, for anyone to recount (after voting has closed)."""
    budget = _closed_budget_or_404(budget_id)
    return _download(presentation.budget_to_pb(budget), "text/plain", f"budget-{budget.id}.pb")


@bp.route("/budgets/<int:budget_id>/receipts")
def receipts(budget_id):
    """The receipts of the counted online ballots, published after voting, and a form to check one's own."""
    budget = _budget_or_404(budget_id)
    closed = services.voting_closed(budget, utcnow())
    code = request.args.get("code") if closed else None
    error = counted = None
    if code is not None:
        normalised = "".join(ch for ch in code.upper() if ch.isalnum())
        if not code.strip():
            error = _("Enter the receipt code you got when you voted.")
        elif len(code) > 4 * RECEIPT_CHARACTERS or len(normalised) != RECEIPT_CHARACTERS:
            error = _("A receipt code has 16 letters and digits, such as ABCD-EFGH-JKLM-NPQR. Check the code "
                      "and try again.")
        else:
            counted = services.receipt_counted(budget, code)
    return render_template("budgets/results_receipts.html", budget=budget, closed=closed,
                           ends_on=_voting_ends_on(budget), code=code or "", error=error, counted=counted,
                           code_hash=services.receipt_hash(code) if counted else None,
                           hashes=services.receipt_hashes(budget) if closed else [])


@bp.route("/budgets/<int:budget_id>/receipts.txt")
def receipts_txt(budget_id):
    """The published receipt hashes as a plain-text file (after voting has closed)."""
    budget = _closed_budget_or_404(budget_id)
    return _download(presentation.receipts_text(budget, services.receipt_hashes(budget)), "text/plain",
                     f"budget-{budget.id}-receipts.txt")
