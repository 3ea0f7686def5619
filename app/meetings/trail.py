"""The decision trail: the list of decisions with how much input each had, a decision with the input behind
it (proposals, statements, budget results, comments) and its timeline, and the decisions on a proposal.

A decision is an agenda item with an outcome in a meeting that has been held (its minutes approved or not).
Every function here issues a fixed number of queries however much input there is (one more per linked
budget, whose results are cached). Hidden proposals, statements and comments are left out or shown as
hidden: `viewer` decides who may see what, through the permission rules.
"""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from app.auth.rules import Action, can
from app.budgets import services as budget_services
from app.budgets.models import Budget, BudgetProject
from app.comments import rules as comment_rules
from app.comments.models import Comment
from app.consultations.models import Consultation
from app.consultations.phases import Phase
from app.directory.models import Association
from app.extensions import db
from app.meetings.models import AgendaItem, AgendaLink, Body, Meeting, Statement
from app.meetings.rules import MeetingStatus
from app.meetings.timeline import Event, EventKind, Timeline, build_timeline
from app.proposals.models import Endorsement, Proposal, ProposalStateChange
from app.proposals.services import counts_for
from app.timeutil import today

PAGE_SIZE = 25
LATEST_COMMENTS = 5
# Decisions are those of meetings that have been held; a planned meeting decides nothing yet.
DECIDED_STATUSES = (MeetingStatus.HELD, MeetingStatus.APPROVED)


# --- the list of decisions -----------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionFilters:
    body_id: int | None = None
    outcome: str = ""


@dataclass(frozen=True)
class InputCounts:
    proposals: int = 0
    statements: int = 0  # visible ones
    comments: int = 0  # visible ones: on the item, on its proposals, and those linked to it
    budgets: int = 0

    @property
    def total(self) -> int:
        return self.proposals + self.statements + self.comments + self.budgets


@dataclass(frozen=True)
class DecisionPage:
    page: object  # flask_sqlalchemy Pagination of AgendaItem, meeting and body loaded
    counts: dict[int, InputCounts]


def _decided():
    """Agenda items with an outcome in held meetings, their meeting and body joined and loaded."""
    return (sa.select(AgendaItem).join(AgendaItem.meeting).join(Meeting.body)
            .where(AgendaItem.outcome.is_not(None), Meeting.status.in_(DECIDED_STATUSES))
            .options(contains_eager(AgendaItem.meeting).contains_eager(Meeting.body)))


def _decided_at():
    """When the item was decided: its decision time, else its meeting's start."""
    return sa.func.coalesce(AgendaItem.decided_at, Meeting.starts_at)


_NEWEST_FIRST = (_decided_at().desc(), Meeting.id.desc(), AgendaItem.number.desc())


def all_bodies() -> list[Body]:
    return list(db.session.scalars(sa.select(Body).order_by(Body.name)))


def decision_page(filters: DecisionFilters, page: int, per_page: int = PAGE_SIZE) -> DecisionPage:
    """Decisions newest first, a page at a time, with their input counts (one query for the whole page)."""
    query = _filtered(_decided(), filters).order_by(*_NEWEST_FIRST)
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return DecisionPage(page=result, counts=input_counts([item.id for item in result.items]))


def _filtered(query: sa.Select, filters: DecisionFilters) -> sa.Select:
    if filters.body_id:
        query = query.where(Meeting.body_id == filters.body_id)
    if filters.outcome:
        query = query.where(AgendaItem.outcome == filters.outcome)
    return query


def latest_decisions(limit: int = 5, filters: DecisionFilters = DecisionFilters()) -> list[AgendaItem]:
    """The newest decisions, meeting and body loaded (the front page's list, the Atom feed)."""
    return list(db.session.scalars(_filtered(_decided(), filters).order_by(*_NEWEST_FIRST).limit(limit)))


def _input_comments(item_id) -> sa.ColumnElement[bool]:
    """Visible comments on the item, on its visible linked proposals, or linked to it themselves."""
    # Correlated explicitly: nested inside input_counts' per-item count, auto-correlation would not reach the
    # outer agenda_item and every item would count the comments of every item's proposals.
    linked_proposals = (sa.select(AgendaLink.proposal_id).join(Proposal, Proposal.id == AgendaLink.proposal_id)
                        .where(AgendaLink.item_id == item_id, Proposal.hidden_at.is_(None)).correlate(AgendaItem))
    linked_comments = (sa.select(AgendaLink.comment_id)
                       .where(AgendaLink.item_id == item_id, AgendaLink.comment_id.is_not(None)).correlate(AgendaItem))
    return sa.and_(Comment.hidden_at.is_(None),
                   sa.or_(Comment.agenda_item_id == item_id, Comment.proposal_id.in_(linked_proposals),
                          Comment.id.in_(linked_comments)))


def input_counts(item_ids: list[int]) -> dict[int, InputCounts]:
    """Proposals, visible statements, visible comments and budgets behind each item, in one query."""
    if not item_ids:
        return {}

    def count(column, *conditions):
        return sa.select(sa.func.count(column)).where(*conditions).correlate(AgendaItem).scalar_subquery()

    rows = db.session.execute(sa.select(
        AgendaItem.id,
        count(AgendaLink.proposal_id, AgendaLink.item_id == AgendaItem.id),
        count(Statement.id, Statement.item_id == AgendaItem.id, Statement.hidden_at.is_(None)),
        count(Comment.id, _input_comments(AgendaItem.id)),
        count(AgendaLink.budget_id, AgendaLink.item_id == AgendaItem.id),
    ).where(AgendaItem.id.in_(item_ids)))
    return {row[0]: InputCounts(*row[1:]) for row in rows}


# --- a decision and the input behind it ------------------------------------------------------------------

@dataclass(frozen=True)
class ProposalInput:
    proposal: Proposal
    visible: bool  # False: hidden by a moderator, and the viewer may not see it
    supports: int
    endorsers: tuple[Association, ...]


@dataclass(frozen=True)
class StatementInput:
    statement: Statement
    visible: bool  # False: hidden by a moderator; only the reason is shown


@dataclass(frozen=True)
class BudgetInput:
    budget: Budget
    closed: bool  # results exist only once voting has closed
    winners: tuple[BudgetProject, ...] = ()
    spent: Decimal | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class CommentInput:
    stances: comment_rules.StanceSummary
    count: int
    latest: tuple[Comment, ...]
    linked: tuple[Comment, ...]  # comments the agenda links to; hidden ones are shown as hidden
    first_at: datetime | None = None


@dataclass(frozen=True)
class DecisionTrail:
    item: AgendaItem  # meeting and body loaded
    proposals: tuple[ProposalInput, ...]
    statements: tuple[StatementInput, ...]
    budgets: tuple[BudgetInput, ...]
    comments: CommentInput
    state_changes: tuple[ProposalStateChange, ...]  # the proposal state moves this decision made
    timeline: Timeline


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def get_decision(item_id: int) -> AgendaItem | None:
    """The agenda item if it is a decision (has an outcome, in a held meeting), with meeting and body."""
    return db.session.scalars(_decided().where(AgendaItem.id == item_id)).one_or_none()


def _voting_ends_at(budget: Budget) -> datetime | None:
    window = next((w for w in budget.consultation.windows() if w.phase == Phase.VOTING), None)
    return window.ends_at if window is not None else None


def _budget_inputs(item_id: int, now: datetime) -> tuple[BudgetInput, ...]:
    """The linked budgets with their winners once voting has closed. Counting may commit the result cache,
    which expires what the session holds: so this runs before anything else of the trail is loaded."""
    query = (sa.select(Budget).join(AgendaLink, AgendaLink.budget_id == Budget.id).where(AgendaLink.item_id == item_id)
             .options(selectinload(Budget.projects),
                      selectinload(Budget.consultation).selectinload(Consultation.phases))
             .order_by(AgendaLink.id))
    budgets = list(db.session.scalars(query))
    results = {b.id: budget_services.results(b, b.tally_rule) for b in budgets
               if budget_services.voting_closed(b, now)}
    if any(sa.inspect(b).expired for b in budgets):  # a result was cached just now: the commit expired them
        budgets = list(db.session.scalars(query.execution_options(populate_existing=True)))
    inputs = []
    for budget in budgets:
        result = results.get(budget.id)
        if result is None:
            inputs.append(BudgetInput(budget=budget, closed=False))
            continue
        by_pb_id = {p.pb_id: p for p in budget.projects}
        winners = tuple(by_pb_id[w] for w in result.winners if w in by_pb_id)
        spent = Decimal(result.spent.numerator) / Decimal(result.spent.denominator)
        inputs.append(BudgetInput(budget=budget, closed=True, winners=winners, spent=spent,
                                  closed_at=_voting_ends_at(budget)))
    return tuple(inputs)


def _proposal_inputs(item_id: int, viewer, on) -> tuple[ProposalInput, ...]:
    proposals = list(db.session.scalars(
        sa.select(Proposal).join(AgendaLink, AgendaLink.proposal_id == Proposal.id)
        .where(AgendaLink.item_id == item_id).order_by(AgendaLink.id)))
    ids = [p.id for p in proposals]
    counts = counts_for(ids)
    endorsers: dict[int, list[Association]] = {}
    if ids:
        for proposal_id, association in db.session.execute(
                sa.select(Endorsement.proposal_id, Association)
                .join(Association, Association.id == Endorsement.association_id)
                .where(Endorsement.proposal_id.in_(ids), Endorsement.withdrawn_at.is_(None))
                .order_by(Association.name)):
            endorsers.setdefault(proposal_id, []).append(association)
    return tuple(
        ProposalInput(proposal=p, visible=p.hidden_at is None or can(viewer, Action.VIEW_HIDDEN_PROPOSAL, p, on),
                      supports=counts[p.id].supports if p.id in counts else 0,
                      endorsers=tuple(endorsers.get(p.id, ())))
        for p in proposals)


def _statement_inputs(item_id: int, moderator: bool) -> tuple[StatementInput, ...]:
    statements = db.session.scalars(
        sa.select(Statement).where(Statement.item_id == item_id)
        .options(joinedload(Statement.association)).order_by(Statement.created_at, Statement.id))
    return tuple(StatementInput(statement=s, visible=s.hidden_at is None or moderator) for s in statements)


def _comment_input(item_id: int) -> CommentInput:
    """The stance summary over all the input comments, the latest few, and the comments linked to the item."""
    condition = _input_comments(item_id)
    stance_rows = db.session.execute(
        sa.select(Comment.id, Comment.author_id, Comment.created_at, Comment.parent_id, Comment.hidden_at,
                  Comment.stance).where(condition)).all()
    latest = tuple(db.session.scalars(
        sa.select(Comment).where(condition).options(joinedload(Comment.author))
        .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(LATEST_COMMENTS)))
    linked = tuple(db.session.scalars(
        sa.select(Comment).join(AgendaLink, AgendaLink.comment_id == Comment.id).where(AgendaLink.item_id == item_id)
        .options(joinedload(Comment.author)).order_by(AgendaLink.id)))
    return CommentInput(stances=comment_rules.stance_summary(comment_rules.latest_stances(stance_rows)),
                        count=len(stance_rows), latest=latest, linked=linked,
                        first_at=min((r.created_at for r in stance_rows), default=None))


def _decision_events(item: AgendaItem, trail_parts: dict) -> list[Event]:
    meeting = item.meeting
    events = [Event(meeting.starts_at, EventKind.MEETING, subject=meeting.body.name, ref=meeting.id),
              Event(item.decided_at or meeting.starts_at, EventKind.DECISION, subject=item.title, detail=item.outcome,
                    ref=item.id)]
    visible = [p.proposal for p in trail_parts["proposals"] if p.visible]
    if visible:
        first = min(visible, key=lambda p: (p.created_at, p.id))
        events.append(Event(first.created_at, EventKind.PROPOSAL_SUBMITTED, subject=first.title, ref=first.id))
    events += [Event(s.statement.created_at, EventKind.STATEMENT, subject=s.statement.association.name)
               for s in trail_parts["statements"] if s.statement.hidden_at is None]
    if trail_parts["comments"].first_at is not None:
        events.append(Event(trail_parts["comments"].first_at, EventKind.FIRST_COMMENT))
    events += [Event(b.closed_at, EventKind.BUDGET_VOTE_CLOSED, subject=b.budget.title, ref=b.budget.id)
               for b in trail_parts["budgets"] if b.closed and b.closed_at is not None]
    events += [Event(c.changed_at, EventKind.STATE_CHANGE, subject=c.proposal.title, detail=c.to_state,
                     ref=c.proposal_id) for c in trail_parts["state_changes"]]
    return events


def decision_trail(item_id: int, viewer, now: datetime) -> DecisionTrail | None:
    """The decision with the input behind it, or None if the item is not a decision."""
    item = get_decision(item_id)
    if item is None:
        return None
    on = today()
    budgets = _budget_inputs(item_id, now)
    if sa.inspect(item).expired:  # counting a budget committed its cached result
        item = get_decision(item_id)
    parts = {
        "proposals": _proposal_inputs(item_id, viewer, on),
        "statements": _statement_inputs(item_id, can(viewer, Action.MODERATE, None, on)),
        "budgets": budgets,
        "comments": _comment_input(item_id),
    }
    # The moves the decision made, except on proposals the viewer may not see.
    seen = {p.proposal.id for p in parts["proposals"] if p.visible}
    parts["state_changes"] = tuple(
        c for c in db.session.scalars(
            sa.select(ProposalStateChange).where(ProposalStateChange.agenda_item_id == item_id)
            .options(joinedload(ProposalStateChange.proposal)).order_by(ProposalStateChange.id))
        if c.proposal_id in seen or c.proposal.hidden_at is None)
    timeline = build_timeline(_decision_events(item, parts), decided_at=item.decided_at or item.meeting.starts_at,
                              zone=_zone())
    return DecisionTrail(item=item, timeline=timeline, **parts)


# --- the decisions on a proposal -------------------------------------------------------------------------

@dataclass(frozen=True)
class AgendaEntry:
    item: AgendaItem  # meeting and body loaded
    decided: bool  # it has an outcome and the meeting has been held


@dataclass(frozen=True)
class ProposalTrail:
    decision: AgendaItem | None  # the decision that settled the proposal, shown at the top of its page
    entries: tuple[AgendaEntry, ...]  # every agenda item that concerns the proposal, by meeting date
    timeline: Timeline


def _is_decided(item: AgendaItem) -> bool:
    return item.outcome is not None and item.meeting.status in DECIDED_STATUSES


def proposal_trail(proposal: Proposal) -> ProposalTrail:
    """The agenda items that concern the proposal, the decision that settled it, and the timeline from its
    submission to that decision: the decision that moved its state, else the latest one on it."""
    items = list(db.session.scalars(
        sa.select(AgendaItem).join(AgendaLink, AgendaLink.item_id == AgendaItem.id)
        .join(AgendaItem.meeting).join(Meeting.body)
        .where(AgendaLink.proposal_id == proposal.id)
        .options(contains_eager(AgendaItem.meeting).contains_eager(Meeting.body))
        .order_by(Meeting.starts_at, AgendaItem.number)))
    entries = tuple(AgendaEntry(item=item, decided=_is_decided(item)) for item in items)
    changes = proposal.state_changes
    deciding_ids = [c.agenda_item_id for c in changes if c.agenda_item_id is not None]
    known = {item.id: item for item in items}
    missing = [i for i in deciding_ids if i not in known]
    if missing:  # a decision that moved the state without linking the proposal (one query, if ever)
        known.update({item.id: item for item in db.session.scalars(_decided().where(AgendaItem.id.in_(missing)))})
    decision = next((known[i] for i in reversed(deciding_ids) if i in known and _is_decided(known[i])), None)
    if decision is None:
        decided = [e.item for e in entries if e.decided]
        decision = max(decided, key=lambda i: (i.decided_at or i.meeting.starts_at, i.id), default=None)
    events = [Event(proposal.created_at, EventKind.PROPOSAL_SUBMITTED, subject=proposal.title, ref=proposal.id)]
    for entry in entries:
        meeting = entry.item.meeting
        events.append(Event(meeting.starts_at, EventKind.MEETING, subject=meeting.body.name, ref=meeting.id))
        if entry.decided:
            events.append(Event(entry.item.decided_at or meeting.starts_at, EventKind.DECISION,
                                subject=entry.item.title, detail=entry.item.outcome, ref=entry.item.id))
    events += [Event(c.changed_at, EventKind.STATE_CHANGE, subject=proposal.title, detail=c.to_state)
               for c in changes]
    decided_at = (decision.decided_at or decision.meeting.starts_at) if decision is not None else None
    return ProposalTrail(decision=decision, entries=entries,
                         timeline=build_timeline(events, decided_at=decided_at, zone=_zone()))

