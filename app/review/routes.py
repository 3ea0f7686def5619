"""The board review dashboard."""
from flask import current_app, render_template, request
from flask_babel import format_decimal, gettext as _

from app.auth.permissions import Action, requires
from app.extensions import db
from app.proposals.forms import STATE_LABELS
from app.review import bp, charts, services
from app.review.deadlines import proposal_deadline
from app.review.messages import STATUS_LABELS, bucket_label
from app.timeutil import utcnow


@bp.route("/review")
@requires(Action.VIEW_BOARD_TOOLS)
def dashboard():
    """Proposals waiting for an answer, budget results to decide, and charts of participation."""
    now = utcnow()
    page = db.paginate(services.waiting_query(), page=request.args.get("page", 1, type=int),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template(
        "review/dashboard.html", page=page, waiting=[(p, proposal_deadline(p, now)) for p in page.items],
        counts=services.waiting_counts(now), budgets=services.budgets_to_decide(now), state_labels=STATE_LABELS,
        status_labels=STATUS_LABELS, plotly_style_ids=charts.plotly_style_ids(), **_charts())


def _charts() -> dict:
    """The charts' figures and the rows of the tables beside them."""
    by_state = services.proposals_by_state()
    by_village = services.proposals_by_village()
    times = services.response_times()
    buckets = [(bucket_label(first, last), count) for first, last, count in times.buckets]
    participation = services.participation_by_association()
    answered = times.answered > 0
    return {
        "by_state": by_state, "by_village": by_village, "times": times, "buckets": buckets,
        "participation": participation,
        "median_days": format_decimal(times.median_days, "#,##0.#") if answered else None,
        "state_chart": charts.state_chart(by_state, STATE_LABELS),
        "village_chart": charts.village_chart(by_village, _("Whole municipality")) if by_village else None,
        "response_chart": charts.response_chart([label for label, _n in buckets], [n for _l, n in buckets])
        if answered else None,
        "participation_chart": charts.participation_chart(participation) if participation else None,
    }
