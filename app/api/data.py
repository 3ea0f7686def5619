"""The public rows the API and the downloads read: the visibility rules in one place, in bounded queries."""
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.api import schemas
from app.comments.models import Comment
from app.consultations.models import Consultation
from app.directory.models import Association, Village
from app.directory.services import association_query
from app.extensions import db
from app.meetings.models import AgendaItem, Meeting
from app.proposals.models import Proposal, ProposalStateChange
from app.proposals.services import ProposalFilters, counts_for, proposal_query


def villages_query() -> sa.Select:
    return sa.select(Village)


def associations_query(filters: dict) -> sa.Select:
    """Active associations, with the web list's filters (village, kind, name)."""
    return association_query(village_id=filters.get("village"), kind=filters.get("kind", ""),
                             text=filters.get("q", ""))


def association_by_id(association_id: int) -> Association | None:
    return db.session.get(Association, association_id)


def consultations_query(filters: dict) -> sa.Select:
    query = sa.select(Consultation).options(selectinload(Consultation.phases))
    if filters.get("village"):
        query = query.where(Consultation.village_id == filters["village"])
    return query


def public_proposals_query(filters: dict) -> sa.Select:
    """Proposals anyone may read (never hidden ones), with the web list's filters."""
    return proposal_query(ProposalFilters(
        consultation_id=filters.get("consultation"), village_id=filters.get("village"),
        category=filters.get("category", ""), state=filters.get("state", ""),
        association_id=filters.get("association"), text=filters.get("q", "")), "newest", include_hidden=False
    ).options(selectinload(Proposal.answered_by))


def proposal_extras(ids: list[int]) -> dict[int, schemas.ProposalExtras]:
    """Counts and decision links of these proposals: two queries whatever their number."""
    if not ids:
        return {}
    counts = counts_for(ids)
    decisions: dict[int, list[schemas.DecisionLink]] = defaultdict(list)
    rows = db.session.execute(
        sa.select(ProposalStateChange, AgendaItem, Meeting)
        .join(AgendaItem, AgendaItem.id == ProposalStateChange.agenda_item_id)
        .join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .options(selectinload(Meeting.body))
        .where(ProposalStateChange.proposal_id.in_(ids))
        .order_by(ProposalStateChange.id))
    for change, item, meeting in rows:
        decisions[change.proposal_id].append(schemas.DecisionLink(
            meeting_id=meeting.id, agenda_item_id=item.id, section=item.number, title=item.title,
            body=meeting.body.name, meeting_starts_at=meeting.starts_at, from_state=change.from_state,
            to_state=change.to_state, changed_at=change.changed_at))
    result = {}
    for proposal_id in ids:
        c = counts.get(proposal_id)
        result[proposal_id] = schemas.ProposalExtras(
            supports=c.supports if c else 0, endorsements=c.endorsements if c else 0,
            comments=c.comments if c else 0, decisions=decisions.get(proposal_id, []))
    return result


def serialise_proposals(proposals) -> list[dict]:
    extras = proposal_extras([p.id for p in proposals])
    return [schemas.proposal(p, extras[p.id]) for p in proposals]


def public_comments_query(filters: dict) -> sa.Select:
    """Visible comments, never on a hidden proposal, optionally of one proposal or agenda item."""
    visible_proposals = sa.select(Proposal.id).where(Proposal.hidden_at.is_(None))
    query = (sa.select(Comment)
             .options(selectinload(Comment.author), selectinload(Comment.agenda_item))
             .where(Comment.hidden_at.is_(None),
                    sa.or_(Comment.proposal_id.is_(None), Comment.proposal_id.in_(visible_proposals))))
    if filters.get("proposal"):
        query = query.where(Comment.proposal_id == filters["proposal"])
    if filters.get("agenda_item"):
        query = query.where(Comment.agenda_item_id == filters["agenda_item"])
    return query


def budgets_query(filters: dict) -> sa.Select:
    """Every budget (all are public) with its projects and its consultation's phases (to know if voting is over)."""
    from app.budgets.models import Budget, BudgetProject

    query = sa.select(Budget).options(
        selectinload(Budget.consultation).selectinload(Consultation.phases),
        selectinload(Budget.projects).selectinload(BudgetProject.village),
        selectinload(Budget.projects).selectinload(BudgetProject.proposal))
    if filters.get("consultation"):
        query = query.where(Budget.consultation_id == filters["consultation"])
    return query


def budget_results(budget_id: int, budget) -> dict:
    """The results as the results page counts them (its own rule and the comparison rule, from the cache)."""
    from app.budgets import presentation, services

    result = services.results(budget, budget.tally_rule)
    other = services.results(budget, services.comparison_rule(budget))
    if "projects" in sa.inspect(budget).unloaded:  # caching a result committed and expired the budget
        budget = services.get_budget(budget_id)
    rows = presentation.project_rows(budget, result, other)
    turnout = services.turnout(budget)
    return schemas.budget_results(budget, rows, result, other, turnout.ballots, turnout.eligible,
                                  presentation.how_it_was_counted(budget, result))


def meetings_query(filters: dict) -> sa.Select:
    """Every meeting with its body and agenda (all public, like the meeting pages), of one body or status."""
    query = sa.select(Meeting).options(selectinload(Meeting.body), selectinload(Meeting.items))
    if filters.get("body"):
        query = query.where(Meeting.body_id == filters["body"])
    if filters.get("status"):
        query = query.where(Meeting.status == filters["status"])
    return query


def item_links(item_ids: list[int]) -> dict[int, schemas.ItemLinks]:
    """What each agenda item concerns, only public targets (no hidden proposal or comment): one query."""
    from app.meetings.models import AgendaLink

    if not item_ids:
        return {}
    public_proposals = sa.select(Proposal.id).where(Proposal.hidden_at.is_(None))
    public_comments = public_comments_query({}).with_only_columns(Comment.id)
    rows = db.session.execute(
        sa.select(AgendaLink.item_id, AgendaLink.proposal_id, AgendaLink.budget_id, AgendaLink.comment_id)
        .where(AgendaLink.item_id.in_(item_ids),
               sa.or_(AgendaLink.proposal_id.is_(None), AgendaLink.proposal_id.in_(public_proposals)),
               sa.or_(AgendaLink.comment_id.is_(None), AgendaLink.comment_id.in_(public_comments)))
        .order_by(AgendaLink.id))
    links: dict[int, schemas.ItemLinks] = defaultdict(schemas.ItemLinks)
    for item_id, proposal_id, budget_id, comment_id in rows:
        target = links[item_id]
        if proposal_id:
            target.proposal_ids.append(proposal_id)
        if budget_id:
            target.budget_ids.append(budget_id)
        if comment_id:
            target.comment_ids.append(comment_id)
    return links


def serialise_meetings(meetings) -> list[dict]:
    links = item_links([item.id for m in meetings for item in m.items])
    return [schemas.meeting(m, links) for m in meetings]


def events_query(filters: dict) -> sa.Select:
    """Published and cancelled events that are not hidden (the events pages' rule), with the list's filters."""
    from app.events import services as events
    from app.events.models import Event, VolunteerTask

    query = events.public_events_query(events.Filters(
        village_id=filters.get("village"), association_id=filters.get("association"),
        category=filters.get("category")))
    return query.options(selectinload(Event.tasks).selectinload(VolunteerTask.signups))
