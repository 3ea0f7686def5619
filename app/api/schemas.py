"""One serialiser and one JSON Schema per resource, shared by the API, its OpenAPI document and the downloads.

A serialiser turns a model (and what was loaded with it in a bounded number of queries) into the public
dict; the schema next to it says exactly what that dict holds. Tests validate every response against the
OpenAPI document built from these schemas, so the document and the output cannot drift apart. Only public
data is ever read here: display names (never emails or ids of people), visible comments, no ballot-voter links.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from flask import url_for

from app.budgets.models import Electorate, Secrecy, TallyRule, VotingRule
from app.budgets.presentation import cents
from app.comments.models import STANCES
from app.consultations.phases import Phase
from app.directory.models import AssociationKind
from app.events.rules import EventCategory, EventStatus
from app.meetings.rules import BodyKind, MeetingStatus, Outcome
from app.proposals.models import ProposalCategory
from app.proposals.states import ProposalState

# --- JSON Schema building blocks ---------------------------------------------------------

def _nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if kind is None:
        return {"anyOf": [schema, {"type": "null"}]}
    nullable = {**schema, "type": [kind, "null"]}
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}
DATETIME = {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$",
            "description": "UTC, ISO 8601 with a Z, to the second"}
URL = {"type": "string", "format": "uri"}
MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "euros, two decimals, as text"}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties),
              "additionalProperties": False}
    if description:
        schema["description"] = description
    return schema


def iso(moment: datetime | None) -> str | None:
    """A stored naive-UTC moment as ISO 8601 with a Z."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{Decimal(amount):.2f}"


PERSON_SCHEMA = _object({
    "display_name": _nullable(TEXT),
    "deleted": {"type": "boolean", "description": "the account was erased: no name is shown"},
}, "a person as the web pages show them: the display name only")


def person(user) -> dict:
    """A person by display name only; an erased account shows as deleted."""
    if user is None or user.erased_at is not None or not user.display_name:
        return {"display_name": None, "deleted": True}
    return {"display_name": user.display_name, "deleted": False}


# --- villages ------------------------------------------------------------------------------

VILLAGE_SCHEMA = _object({
    "id": ID, "name": TEXT, "slug": TEXT, "description": {**TEXT, "description": "Markdown"},
    "url": URL, "created_at": DATETIME, "updated_at": DATETIME,
}, "a village of Iitti")


def village(v) -> dict:
    return {"id": v.id, "name": v.name, "slug": v.slug, "description": v.description or "",
            "url": url_for("directory.village", village_id=v.id, _external=True),
            "created_at": iso(v.created_at), "updated_at": iso(v.updated_at or v.created_at)}


# --- associations --------------------------------------------------------------------------

ASSOCIATION_SCHEMA = _object({
    "id": ID, "name": TEXT, "kind": {"type": "string", "enum": [k.value for k in AssociationKind]},
    "village_id": _nullable(ID), "description": {**TEXT, "description": "Markdown"},
    "contact_email": {**TEXT, "description": "the association's public contact address, as on its page"},
    "contact_phone": TEXT, "website": TEXT, "url": URL, "created_at": DATETIME, "updated_at": DATETIME,
}, "an active association or club")


def association(a) -> dict:
    return {"id": a.id, "name": a.name, "kind": a.kind, "village_id": a.village_id,
            "description": a.description or "", "contact_email": a.contact_email or "",
            "contact_phone": a.contact_phone or "", "website": a.website or "",
            "url": url_for("directory.association", association_id=a.id, _external=True),
            "created_at": iso(a.created_at), "updated_at": iso(a.updated_at or a.created_at)}


# --- consultations -------------------------------------------------------------------------

PHASE_ENUM = [p.value for p in Phase]
CONSULTATION_SCHEMA = _object({
    "id": ID, "title": TEXT, "description": {**TEXT, "description": "Markdown"},
    "village_id": _nullable({**ID, "description": "null: the whole municipality"}),
    "phase": {"type": "string", "enum": PHASE_ENUM, "description": "the phase now"},
    "lifecycle": {"type": "string", "enum": ["open", "upcoming", "closed"]},
    "phases": {"type": "array", "items": _object({
        "phase": {"type": "string", "enum": PHASE_ENUM}, "starts_at": DATETIME, "ends_at": _nullable(DATETIME),
    })},
    "answer_days": {"type": "integer", "description": "days the municipality has to answer a proposal"},
    "url": URL, "created_at": DATETIME, "updated_at": DATETIME,
}, "a participatory process in phases")


def consultation(c, now: datetime) -> dict:
    from app.consultations.services import lifecycle_of

    phase = c.phase_at(now)
    return {"id": c.id, "title": c.title, "description": c.description or "", "village_id": c.village_id,
            "phase": phase.value, "lifecycle": lifecycle_of(phase),
            "phases": [{"phase": p.phase, "starts_at": iso(p.starts_at), "ends_at": iso(p.ends_at)}
                       for p in c.phases],
            "answer_days": c.answer_days,
            "url": url_for("consultations.detail", consultation_id=c.id, _external=True),
            "created_at": iso(c.created_at), "updated_at": iso(c.updated_at or c.created_at)}


# --- proposals -----------------------------------------------------------------------------

DECISION_LINK_SCHEMA = _object({
    "meeting_id": ID, "agenda_item_id": ID, "section": {"type": "integer", "description": "the § number"},
    "title": TEXT, "body": TEXT, "meeting_starts_at": DATETIME, "from_state": TEXT, "to_state": TEXT,
    "changed_at": DATETIME, "url": URL,
}, "a decision of a meeting that moved the proposal")

PROPOSAL_SCHEMA = _object({
    "id": ID, "consultation_id": ID, "title": TEXT, "body": {**TEXT, "description": "Markdown"},
    "category": {"type": "string", "enum": list(ProposalCategory.CODES)},
    "state": {"type": "string", "enum": [s.value for s in ProposalState]},
    "village_id": _nullable(ID), "association_id": _nullable({**ID, "description": "submitted in its name"}),
    "author": PERSON_SCHEMA, "estimated_cost": _nullable(MONEY), "location": TEXT,
    "supports": {"type": "integer", "minimum": 0}, "endorsements": {"type": "integer", "minimum": 0},
    "comments": {"type": "integer", "minimum": 0, "description": "visible comments"},
    "answer": _nullable(_object({"text": {**TEXT, "description": "Markdown"}, "answered_at": _nullable(DATETIME),
                                 "answered_by": PERSON_SCHEMA}, "the official answer")),
    "decisions": {"type": "array", "items": DECISION_LINK_SCHEMA},
    "url": URL, "created_at": DATETIME, "updated_at": DATETIME,
}, "a proposal (aloite); hidden proposals are never listed")


@dataclass(frozen=True)
class DecisionLink:
    """A state change a decision made, with its agenda item and meeting (loaded in one query per page)."""

    meeting_id: int
    agenda_item_id: int
    section: int
    title: str
    body: str
    meeting_starts_at: datetime
    from_state: str
    to_state: str
    changed_at: datetime


@dataclass(frozen=True)
class ProposalExtras:
    supports: int = 0
    endorsements: int = 0
    comments: int = 0
    decisions: list[DecisionLink] = field(default_factory=list)


def proposal(p, extras: ProposalExtras) -> dict:
    answer = None
    if p.answer:
        answer = {"text": p.answer, "answered_at": iso(p.answered_at), "answered_by": person(p.answered_by)}
    return {
        "id": p.id, "consultation_id": p.consultation_id, "title": p.title, "body": p.body,
        "category": p.category, "state": p.state, "village_id": p.village_id, "association_id": p.association_id,
        "author": person(p.author), "estimated_cost": money(p.estimated_cost), "location": p.location or "",
        "supports": extras.supports, "endorsements": extras.endorsements, "comments": extras.comments,
        "answer": answer,
        "decisions": [{
            "meeting_id": d.meeting_id, "agenda_item_id": d.agenda_item_id, "section": d.section,
            "title": d.title, "body": d.body, "meeting_starts_at": iso(d.meeting_starts_at),
            "from_state": d.from_state, "to_state": d.to_state, "changed_at": iso(d.changed_at),
            "url": url_for("meetings.minutes", meeting_id=d.meeting_id, _external=True) + f"#item-{d.section}",
        } for d in extras.decisions],
        "url": url_for("proposals.detail", proposal_id=p.id, _external=True),
        "created_at": iso(p.created_at), "updated_at": iso(p.updated_at or p.created_at),
    }


# --- comments ------------------------------------------------------------------------------

COMMENT_SCHEMA = _object({
    "id": ID, "proposal_id": _nullable(ID), "agenda_item_id": _nullable(ID),
    "parent_id": _nullable({**ID, "description": "the comment this replies to (which may itself be hidden)"}),
    "author": PERSON_SCHEMA, "body": {**TEXT, "description": "plain text"},
    "stance": _nullable({"type": "string", "enum": list(STANCES)}),
    "created_at": DATETIME, "edited_at": _nullable(DATETIME), "url": URL,
}, "a visible comment on a proposal or an agenda item; hidden comments are never listed")


def comment(c) -> dict:
    if c.proposal_id is not None:
        url = url_for("proposals.detail", proposal_id=c.proposal_id, _external=True)
    else:
        url = url_for("meetings.detail", meeting_id=c.agenda_item.meeting_id, _external=True)
    return {"id": c.id, "proposal_id": c.proposal_id, "agenda_item_id": c.agenda_item_id, "parent_id": c.parent_id,
            "author": person(c.author), "body": c.body, "stance": c.stance, "created_at": iso(c.created_at),
            "edited_at": iso(c.edited_at), "url": url + f"#comment-{c.id}"}


# --- budgets -------------------------------------------------------------------------------

BUDGET_PROJECT_SCHEMA = _object({
    "id": ID, "pb_id": {**TEXT, "description": "the project's id in the .pb file"}, "title": TEXT,
    "description": {**TEXT, "description": "Markdown"}, "cost": MONEY, "village_id": _nullable(ID),
    "proposal_id": _nullable({**ID, "description": "the proposal it was made from"}),
    "association_id": _nullable(ID),
}, "a project on the ballot")

BUDGET_SCHEMA = _object({
    "id": ID, "consultation_id": ID, "title": TEXT, "description": {**TEXT, "description": "Markdown"},
    "total": MONEY, "voting_rule": {"type": "string", "enum": [r.value for r in VotingRule]},
    "max_projects": _nullable({"type": "integer"}), "points_total": _nullable({"type": "integer"}),
    "electorate": {"type": "string", "enum": [e.value for e in Electorate]},
    "secrecy": {"type": "string", "enum": [s.value for s in Secrecy]},
    "tally_rule": {"type": "string", "enum": [t.value for t in TallyRule]},
    "voting_closed": {"type": "boolean", "description": "results and downloads exist once this is true"},
    "projects": {"type": "array", "items": BUDGET_PROJECT_SCHEMA},
    "results": _nullable({**URL, "description": "the results in this API (null until voting has closed)"}),
    "results_csv": _nullable(URL), "ballots_pb": _nullable({**URL, "description": "anonymous ballots (Pabulib)"}),
    "url": URL, "created_at": DATETIME, "updated_at": DATETIME,
}, "a participatory budget")


def budget_project(p) -> dict:
    return {"id": p.id, "pb_id": p.pb_id, "title": p.title, "description": p.description or "",
            "cost": money(p.cost), "village_id": p.village_id, "proposal_id": p.proposal_id,
            "association_id": p.association_id}


def budget(b, closed: bool) -> dict:
    def link(endpoint: str):
        return url_for(endpoint, budget_id=b.id, _external=True) if closed else None

    return {"id": b.id, "consultation_id": b.consultation_id, "title": b.title, "description": b.description or "",
            "total": money(b.total), "voting_rule": b.voting_rule, "max_projects": b.max_projects,
            "points_total": b.points_total, "electorate": b.electorate, "secrecy": b.secrecy,
            "tally_rule": b.tally_rule, "voting_closed": closed,
            "projects": [budget_project(p) for p in b.projects],
            "results": link("api.budget_results"), "results_csv": link("budgets.results_csv"),
            "ballots_pb": link("budgets.ballots_pb"),
            "url": url_for("budgets.detail", budget_id=b.id, _external=True),
            "created_at": iso(b.created_at), "updated_at": iso(b.updated_at or b.created_at)}


TALLY_RULES = [t.value for t in TallyRule]
RESULT_ROW_SCHEMA = _object({
    "project_id": ID, "pb_id": TEXT, "title": TEXT, "cost": MONEY,
    "votes": {"type": "integer", "minimum": 0, "description": "voters who gave it points"},
    "points": {"type": "integer", "minimum": 0},
    "funded": {"type": "boolean"}, "order": _nullable({"type": "integer", "description": "place among winners"}),
    "funded_under_comparison": {"type": "boolean"}, "order_under_comparison": _nullable({"type": "integer"}),
    "reason": {**TEXT, "description": "the tally's reason code"},
    "explanation": {**TEXT, "description": "why, in plain language (in the language of the lang parameter)"},
}, "one project's result")

BUDGET_RESULTS_SCHEMA = _object({
    "budget_id": ID, "rule": {"type": "string", "enum": TALLY_RULES},
    "comparison_rule": {"type": "string", "enum": TALLY_RULES},
    "total": MONEY, "spent": MONEY, "ballots": {"type": "integer", "minimum": 0},
    "eligible": _nullable({"type": "integer", "minimum": 0}),
    "how_it_was_counted": {"type": "array", "items": TEXT},
    "projects": {"type": "array", "items": RESULT_ROW_SCHEMA},
    "results_csv": URL, "ballots_pb": URL, "url": URL,
}, "the results of a budget's vote, under its rule and the comparison rule (only after voting has closed)")


def budget_results(b, rows, result, other, ballots: int, eligible: int | None, how: list[str]) -> dict:
    return {
        "budget_id": b.id, "rule": result.rule, "comparison_rule": other.rule, "total": money(b.total),
        "spent": money(cents(result.spent)),
        "ballots": ballots, "eligible": eligible, "how_it_was_counted": [str(line) for line in how],
        "projects": [{
            "project_id": r.project.id, "pb_id": r.pb_id, "title": r.project.title, "cost": money(r.cost),
            "votes": r.votes, "points": r.points, "funded": r.funded, "order": r.order,
            "funded_under_comparison": r.funded_other, "order_under_comparison": r.order_other,
            "reason": r.reason, "explanation": str(r.explanation)} for r in rows],
        "results_csv": url_for("budgets.results_csv", budget_id=b.id, _external=True),
        "ballots_pb": url_for("budgets.ballots_pb", budget_id=b.id, _external=True),
        "url": url_for("budgets.results", budget_id=b.id, _external=True),
    }


# --- meetings ------------------------------------------------------------------------------

AGENDA_ITEM_SCHEMA = _object({
    "id": ID, "section": {"type": "integer", "description": "the § number"}, "title": TEXT,
    "presentation": {**TEXT, "description": "Markdown (esittely)"},
    "decision": {**TEXT, "description": "Markdown (päätös); empty until decided"},
    "outcome": _nullable({"type": "string", "enum": [o.value for o in Outcome]}),
    "decided_at": _nullable(DATETIME),
    "proposal_ids": {"type": "array", "items": ID, "description": "public proposals the item concerns"},
    "budget_ids": {"type": "array", "items": ID},
    "comment_ids": {"type": "array", "items": ID, "description": "visible comments the item concerns"},
}, "an agenda item and its decision")

MEETING_SCHEMA = _object({
    "id": ID, "body": _object({"id": ID, "name": TEXT, "kind": {"type": "string", "enum": [k.value for k in BodyKind]}}),
    "title": TEXT, "starts_at": DATETIME, "ends_at": _nullable(DATETIME), "place": TEXT,
    "status": {"type": "string", "enum": [s.value for s in MeetingStatus]},
    "approved_at": _nullable({**DATETIME, "description": "when the minutes were approved"}),
    "items": {"type": "array", "items": AGENDA_ITEM_SCHEMA},
    "url": URL, "minutes_url": URL,
}, "a meeting of a body, with its agenda and decisions")


@dataclass(frozen=True)
class ItemLinks:
    proposal_ids: list[int] = field(default_factory=list)
    budget_ids: list[int] = field(default_factory=list)
    comment_ids: list[int] = field(default_factory=list)


def agenda_item(item, links: ItemLinks) -> dict:
    return {"id": item.id, "section": item.number, "title": item.title, "presentation": item.presentation or "",
            "decision": item.decision_text or "", "outcome": item.outcome, "decided_at": iso(item.decided_at),
            "proposal_ids": links.proposal_ids, "budget_ids": links.budget_ids, "comment_ids": links.comment_ids}


def meeting(m, links: dict[int, ItemLinks]) -> dict:
    return {"id": m.id, "body": {"id": m.body.id, "name": m.body.name, "kind": m.body.kind},
            "title": m.title or "", "starts_at": iso(m.starts_at), "ends_at": iso(m.ends_at), "place": m.place or "",
            "status": m.status, "approved_at": iso(m.approved_at),
            "items": [agenda_item(i, links.get(i.id, ItemLinks())) for i in m.items],
            "url": url_for("meetings.detail", meeting_id=m.id, _external=True),
            "minutes_url": url_for("meetings.minutes", meeting_id=m.id, _external=True)}


# --- events --------------------------------------------------------------------------------

VOLUNTEER_TASK_SCHEMA = _object({
    "id": ID, "title": TEXT, "description": TEXT, "starts_at": _nullable(DATETIME), "ends_at": _nullable(DATETIME),
    "capacity": {"type": "integer"}, "signed_up": {"type": "integer", "minimum": 0, "description": "how many, never who"},
}, "a volunteer task of an event")

EVENT_SCHEMA = _object({
    "id": ID, "title": TEXT, "description": {**TEXT, "description": "Markdown"}, "place": TEXT,
    "category": {"type": "string", "enum": [c.value for c in EventCategory]},
    "status": {"type": "string", "enum": [EventStatus.PUBLISHED.value, EventStatus.CANCELLED.value]},
    "starts_at": DATETIME, "ends_at": DATETIME, "all_day": {"type": "boolean"},
    "price": _nullable({**MONEY, "description": "null: free of charge"}), "accessibility": TEXT,
    "village_id": _nullable(ID), "organiser_id": {**ID, "description": "the organising association"},
    "co_organiser_ids": {"type": "array", "items": ID, "description": "associations that confirmed"},
    "tasks": {"type": "array", "items": VOLUNTEER_TASK_SCHEMA},
    "url": URL, "published_at": _nullable(DATETIME), "updated_at": DATETIME,
}, "a published (or cancelled) event; drafts and hidden events are never listed")


def event(e) -> dict:
    return {"id": e.id, "title": e.title, "description": e.description or "", "place": e.place or "",
            "category": e.category, "status": e.status, "starts_at": iso(e.starts_at), "ends_at": iso(e.ends_at),
            "all_day": bool(e.all_day), "price": money(e.price), "accessibility": e.accessibility or "",
            "village_id": e.village_id, "organiser_id": e.organiser_id,
            "co_organiser_ids": [c.association_id for c in e.confirmed_co_organisers],
            "tasks": [{"id": t.id, "title": t.title, "description": t.description or "", "starts_at": iso(t.starts_at),
                       "ends_at": iso(t.ends_at), "capacity": t.capacity, "signed_up": len(t.active_signups)}
                      for t in e.tasks],
            "url": url_for("events.detail", event_id=e.id, _external=True),
            "published_at": iso(e.published_at), "updated_at": iso(e.updated_at or e.created_at)}


# --- lists and problems --------------------------------------------------------------------

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {"type": TEXT, "title": TEXT, "status": {"type": "integer"}, "detail": TEXT, "instance": TEXT,
                   "parameter": {**TEXT, "description": "the query parameter at fault, if one is"}},
    "required": ["type", "title", "status", "detail"],
}


def page_schema(item_ref: str) -> dict:
    """A page of a list: the items and the cursor of the next page (null on the last page)."""
    return _object({
        "data": {"type": "array", "items": {"$ref": item_ref}},
        "next_cursor": _nullable(TEXT),
        "next": _nullable({**URL, "description": "the next page's address, with the same filters"}),
    })


RESOURCE_SCHEMAS = {
    "Person": PERSON_SCHEMA,
    "Village": VILLAGE_SCHEMA,
    "Association": ASSOCIATION_SCHEMA,
    "Consultation": CONSULTATION_SCHEMA,
    "DecisionLink": DECISION_LINK_SCHEMA,
    "Proposal": PROPOSAL_SCHEMA,
    "Comment": COMMENT_SCHEMA,
    "BudgetProject": BUDGET_PROJECT_SCHEMA,
    "Budget": BUDGET_SCHEMA,
    "ResultRow": RESULT_ROW_SCHEMA,
    "BudgetResults": BUDGET_RESULTS_SCHEMA,
    "AgendaItem": AGENDA_ITEM_SCHEMA,
    "Meeting": MEETING_SCHEMA,
    "VolunteerTask": VOLUNTEER_TASK_SCHEMA,
    "Event": EVENT_SCHEMA,
    "Problem": PROBLEM_SCHEMA,
}
