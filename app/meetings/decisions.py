"""The decision trail: /decisions, a decision with the input behind it, and the trail on a proposal."""
from flask import Response, abort, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import SelectField
from wtforms.validators import Optional

from app import atom
from app.comments.forms import STANCE_LABELS
from app.i18n import format_day
from app.markdown import render_markdown
from app.meetings import bp, trail
from app.meetings.messages import LABELS, OUTCOME_LABELS
from app.proposals.forms import STATE_LABELS
from app.timeutil import utcnow

# The meeting pages' paths, for links made before those endpoints exist (see meeting_page_url).
_MEETING_PATHS = {"meetings.detail": "/meetings/{id}", "meetings.minutes": "/meetings/{id}/minutes"}


class DecisionFilterForm(FlaskForm):
    """GET filter of the decision list (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    body = SelectField(_l("Body"), validators=[Optional()])
    outcome = SelectField(_l("Outcome"), validators=[Optional()])

    def __init__(self, bodies, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.body.choices = [("", _l("All bodies"))] + [(str(b.id), b.name) for b in bodies]
        self.outcome.choices = [("", _l("All outcomes"))] + [(o.value, label) for o, label in OUTCOME_LABELS.items()]

    def chosen(self, field) -> str:
        """The value if it is one of the field's choices, else "" (a mistyped address filters nothing)."""
        value = field.data or ""
        return value if value in {c[0] for c in field.choices} else ""


@bp.app_template_global()
def meeting_page_url(endpoint: str, meeting_id: int) -> str:
    """The URL of a meeting page (meetings.detail, meetings.minutes), by its literal path if the endpoint
    is not registered."""
    try:
        return url_for(endpoint, meeting_id=meeting_id)
    except BuildError:
        return _MEETING_PATHS[endpoint].format(id=meeting_id)


@bp.route("/decisions")
def decisions():
    """Every decision, newest first, with how much input lay behind it; filtered by body and outcome."""
    form = DecisionFilterForm(trail.all_bodies(), formdata=request.args)
    form.validate()
    body = form.chosen(form.body)
    filters = trail.DecisionFilters(body_id=int(body) if body else None, outcome=form.chosen(form.outcome))
    listing = trail.decision_page(filters, request.args.get("page", 1, type=int))
    feed_url = url_for("meetings.decisions_feed", **{k: v for k, v in request.args.items() if v and k != "page"})
    return render_template("meetings/decisions.html", form=form, listing=listing, filters=filters,
                           feed_url=feed_url, **LABELS)


@bp.route("/decisions.atom")
def decisions_feed():
    """An Atom feed of the newest decisions, with the list's filters (e.g. ?body=2)."""
    form = DecisionFilterForm(trail.all_bodies(), formdata=request.args)
    form.validate()
    body = form.chosen(form.body)
    filters = trail.DecisionFilters(body_id=int(body) if body else None, outcome=form.chosen(form.outcome))
    entries = [atom.Entry(
        url=url_for("meetings.decision", item_id=item.id, _external=True),
        title=f"{item.meeting.body.name} {format_day(item.meeting.starts_at)} § {item.number}: {item.title}",
        updated=item.decided_at or item.meeting.starts_at, author=item.meeting.body.name,
        summary=str(OUTCOME_LABELS[item.outcome]), content_html=str(render_markdown(item.decision_text)),
        categories=(item.outcome,)) for item in trail.latest_decisions(50, filters)]
    document = atom.feed(_("Kyläraati: decisions"), request.url, url_for("meetings.decisions", _external=True),
                         entries, fallback_updated=utcnow(), language=str(get_locale()))
    return Response(document, mimetype=atom.MIMETYPE)


@bp.route("/decisions/<int:item_id>")
def decision(item_id):
    """A decision with everything behind it: proposals, statements, budget results, comments, a timeline."""
    decision_trail = trail.decision_trail(item_id, current_user, utcnow())
    if decision_trail is None:
        abort(404)
    return render_template("meetings/decision.html", trail=decision_trail, state_labels=STATE_LABELS,
                           stance_labels=STANCE_LABELS, **LABELS)
