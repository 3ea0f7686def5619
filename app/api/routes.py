"""The read-only JSON API: villages, associations, consultations, proposals, comments, budgets, meetings, events."""
from flask import current_app, request
from flask_babel import force_locale

from app.api import data, schemas
from app.api.core import api_route, json_response, keyset_page
from app.api.params import Param, parse_id, read_filters
from app.api.problems import ApiProblem
from app.budgets.models import Budget
from app.budgets.services import voting_closed
from app.comments.models import Comment
from app.consultations.models import Consultation
from app.directory.models import Association, AssociationKind, Village
from app.events.models import Event
from app.events.rules import EventCategory
from app.extensions import db
from app.meetings.models import Meeting
from app.meetings.rules import MeetingStatus
from app.proposals.models import Proposal, ProposalCategory
from app.proposals.states import ProposalState
from app.timeutil import utcnow

# The filters of each list: the same as the web page's (see the proposal and association lists).
VILLAGE_FILTERS: tuple[Param, ...] = ()
ASSOCIATION_FILTERS = (
    Param("village", "id", "only associations of this village"),
    Param("kind", "enum", "only associations of this kind", tuple(k.value for k in AssociationKind)),
    Param("q", "text", "the name contains this text", max_length=100),
)
CONSULTATION_FILTERS = (Param("village", "id", "only consultations of this village"),)
PROPOSAL_FILTERS = (
    Param("consultation", "id", "only proposals of this consultation"),
    Param("village", "id", "only proposals of this village"),
    Param("category", "enum", "only proposals of this category", ProposalCategory.CODES),
    Param("state", "enum", "only proposals in this state", tuple(s.value for s in ProposalState)),
    Param("association", "id", "only proposals submitted in this association's name"),
    Param("q", "text", "title or text contains every word (a word may begin a longer one)"),
)
COMMENT_FILTERS = (
    Param("proposal", "id", "only comments on this proposal"),
    Param("agenda_item", "id", "only comments on this agenda item"),
)
BUDGET_FILTERS = (Param("consultation", "id", "only budgets of this consultation"),)
MEETING_FILTERS = (
    Param("body", "id", "only meetings of this body"),
    Param("status", "enum", "only meetings in this status", tuple(s.value for s in MeetingStatus)),
)
EVENT_FILTERS = (
    Param("village", "id", "only events of this village"),
    Param("association", "id", "only events this association organises or co-organises"),
    Param("category", "enum", "only events of this category", tuple(c.value for c in EventCategory)),
)
RESULT_OPTIONS = (Param("lang", "enum", "the language of the explanations (default Finnish)", ("fi", "sv", "en")),)
NO_FILTERS: tuple[Param, ...] = ()


def _one(obj):
    if obj is None:
        raise ApiProblem(404, "There is no such resource.")
    return obj


def _no_args() -> None:
    read_filters(request.args, NO_FILTERS, paginated=False)


@api_route("/api/v1/villages")
def villages():
    """Every village, in id order."""
    read_filters(request.args, VILLAGE_FILTERS)
    return keyset_page("villages", data.villages_query(), Village.id,
                       lambda rows: [schemas.village(v) for v in rows], lambda v: v.updated_at)


@api_route("/api/v1/villages/<village_id>")
def village(village_id):
    """One village."""
    _no_args()
    v = _one(db.session.get(Village, parse_id(village_id)))
    return json_response(schemas.village(v), v.updated_at)


@api_route("/api/v1/associations")
def associations():
    """Active associations, filtered as on the web list."""
    filters = read_filters(request.args, ASSOCIATION_FILTERS)
    return keyset_page("associations", data.associations_query(filters), Association.id,
                       lambda rows: [schemas.association(a) for a in rows], lambda a: a.updated_at)


@api_route("/api/v1/associations/<association_id>")
def association(association_id):
    """One active association."""
    _no_args()
    a = data.association_by_id(parse_id(association_id))
    if a is None or not a.is_active:
        raise ApiProblem(404, "There is no such resource.")
    return json_response(schemas.association(a), a.updated_at)


@api_route("/api/v1/consultations")
def consultations():
    """Every consultation with its phases and the phase it is in now."""
    filters = read_filters(request.args, CONSULTATION_FILTERS)
    now = utcnow()
    return keyset_page("consultations", data.consultations_query(filters), Consultation.id,
                       lambda rows: [schemas.consultation(c, now) for c in rows], lambda c: c.updated_at)


@api_route("/api/v1/consultations/<consultation_id>")
def consultation(consultation_id):
    """One consultation."""
    _no_args()
    c = _one(db.session.scalar(data.consultations_query({}).where(Consultation.id == parse_id(consultation_id))))
    return json_response(schemas.consultation(c, utcnow()), c.updated_at)


@api_route("/api/v1/proposals")
def proposals():
    """Public proposals with supports, state, official answer and decisions, filtered as on the web list."""
    filters = read_filters(request.args, PROPOSAL_FILTERS)
    return keyset_page("proposals", data.public_proposals_query(filters), Proposal.id,
                       data.serialise_proposals, lambda p: p.updated_at)


@api_route("/api/v1/proposals/<proposal_id>")
def proposal(proposal_id):
    """One public proposal (a hidden one is not found)."""
    _no_args()
    p = _one(db.session.scalar(data.public_proposals_query({}).where(Proposal.id == parse_id(proposal_id))))
    return json_response(data.serialise_proposals([p])[0], p.updated_at)


@api_route("/api/v1/comments")
def comments():
    """Visible comments, optionally of one proposal or agenda item."""
    filters = read_filters(request.args, COMMENT_FILTERS)
    return keyset_page("comments", data.public_comments_query(filters), Comment.id,
                       lambda rows: [schemas.comment(c) for c in rows], lambda c: c.edited_at or c.created_at)


@api_route("/api/v1/comments/<comment_id>")
def comment(comment_id):
    """One visible comment."""
    _no_args()
    c = _one(db.session.scalar(data.public_comments_query({}).where(Comment.id == parse_id(comment_id))))
    return json_response(schemas.comment(c), c.edited_at or c.created_at)


@api_route("/api/v1/budgets")
def budgets():
    """Participatory budgets with their projects and, once voting has closed, links to the results."""
    filters = read_filters(request.args, BUDGET_FILTERS)
    now = utcnow()
    return keyset_page("budgets", data.budgets_query(filters), Budget.id,
                       lambda rows: [schemas.budget(b, voting_closed(b, now)) for b in rows], lambda b: b.updated_at)


def _budget(budget_id: str) -> Budget:
    return _one(db.session.scalar(data.budgets_query({}).where(Budget.id == parse_id(budget_id))))


@api_route("/api/v1/budgets/<budget_id>")
def budget(budget_id):
    """One budget."""
    _no_args()
    b = _budget(budget_id)
    return json_response(schemas.budget(b, voting_closed(b, utcnow())), b.updated_at)


@api_route("/api/v1/budgets/<budget_id>/results")
def budget_results(budget_id):
    """The results with each project's explanation, exactly when the results page shows them (voting closed)."""
    options = read_filters(request.args, RESULT_OPTIONS, paginated=False)
    b = _budget(budget_id)
    if not voting_closed(b, utcnow()):
        raise ApiProblem(404, "The results are published when voting has closed.")
    with force_locale(options.get("lang", current_app.config["BABEL_DEFAULT_LOCALE"])):
        return json_response(data.budget_results(b.id, b))


@api_route("/api/v1/meetings")
def meetings():
    """Meetings with their agenda items, decisions and what each item concerns."""
    filters = read_filters(request.args, MEETING_FILTERS)
    return keyset_page("meetings", data.meetings_query(filters), Meeting.id, data.serialise_meetings,
                       lambda m: m.approved_at or m.held_at or m.created_at)


@api_route("/api/v1/meetings/<meeting_id>")
def meeting(meeting_id):
    """One meeting."""
    _no_args()
    m = _one(db.session.scalar(data.meetings_query({}).where(Meeting.id == parse_id(meeting_id))))
    return json_response(data.serialise_meetings([m])[0], m.approved_at or m.held_at or m.created_at)


@api_route("/api/v1/events")
def events():
    """Published and cancelled events with their volunteer tasks (how many signed up, never who)."""
    filters = read_filters(request.args, EVENT_FILTERS)
    return keyset_page("events", data.events_query(filters), Event.id,
                       lambda rows: [schemas.event(e) for e in rows], lambda e: e.updated_at)


@api_route("/api/v1/events/<event_id>")
def event(event_id):
    """One public event."""
    _no_args()
    e = _one(db.session.scalar(data.events_query({}).where(Event.id == parse_id(event_id))))
    return json_response(schemas.event(e), e.updated_at)
