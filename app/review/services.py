"""The board review: proposals waiting for an official answer, their escalation to the municipal board,
budget results waiting for a decision, and the figures behind the dashboard's charts."""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import ngettext
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.budgets.models import Budget, BudgetParticipation
from app.budgets.services import voting_closed
from app.consultations.models import Consultation
from app.directory.models import Association, Village
from app.extensions import db
from app.meetings.models import AgendaItem, AgendaLink, Body, BodyMember, Statement
from app.meetings.rules import BodyKind
from app.notify import email_user, notify_coordinators
from app.proposals.models import Endorsement, Proposal
from app.proposals.states import ProposalState
from app.review import deadlines
from app.review.deadlines import ResponseTimes, proposal_deadline
from app.timeutil import local_date

ESCALATION_EMAIL = "email/proposals_escalated.txt"


def waiting_for_answer() -> sa.ColumnElement[bool]:
    """SQL: the proposal still waits for an official answer (not answered, withdrawn or hidden)."""
    return sa.and_(Proposal.answered_at.is_(None), Proposal.state != ProposalState.WITHDRAWN,
                   Proposal.hidden_at.is_(None))


# --- the dashboard ------------------------------------------------------------------------------------

def waiting_query() -> sa.Select:
    """Proposals waiting for an answer, the longest-waiting first."""
    return (sa.select(Proposal).where(waiting_for_answer())
            .options(selectinload(Proposal.consultation), selectinload(Proposal.village),
                     selectinload(Proposal.association), selectinload(Proposal.author))
            .order_by(Proposal.created_at, Proposal.id))


def waiting_counts(now: datetime) -> dict[str, int]:
    """How many waiting proposals are late, for the dashboard's summary: by status, and escalated."""
    rows = db.session.execute(
        sa.select(Proposal.created_at, Proposal.escalated_at, Consultation.answer_days, Consultation.escalation_days)
        .join(Consultation).where(waiting_for_answer())).all()
    counts = {status.value: 0 for status in deadlines.DeadlineStatus}
    counts["escalated"] = 0
    for created_at, escalated_at, answer_days, escalation_days in rows:
        counts[deadlines.status(created_at, None, answer_days, escalation_days, now)] += 1
        counts["escalated"] += escalated_at is not None
    counts["waiting"] = len(rows)
    return counts


@dataclass(frozen=True)
class BudgetToDecide:
    budget: Budget
    on_agenda: bool  # linked from an agenda item that has no decision yet


def budgets_to_decide(now: datetime) -> list[BudgetToDecide]:
    """Budgets whose vote has ended and whose results no agenda item has decided on yet, oldest first."""
    decided = (sa.select(AgendaLink.id).join(AgendaItem)
               .where(AgendaLink.budget_id == Budget.id, AgendaItem.outcome.is_not(None)).exists())
    on_agenda = (sa.select(AgendaLink.id).join(AgendaItem)
                 .where(AgendaLink.budget_id == Budget.id, AgendaItem.outcome.is_(None)).exists())
    rows = db.session.execute(
        sa.select(Budget, on_agenda.label("on_agenda")).where(~decided)
        .options(selectinload(Budget.consultation).selectinload(Consultation.phases))
        .order_by(Budget.id)).all()
    return [BudgetToDecide(budget, bool(listed)) for budget, listed in rows if voting_closed(budget, now)]


@dataclass(frozen=True)
class CountRow:
    key: str  # a proposal state, or a village's name ("" for the whole municipality)
    count: int


def proposals_by_state() -> list[CountRow]:
    """Public proposals per state, in the state machine's order."""
    counts = dict(db.session.execute(
        sa.select(Proposal.state, sa.func.count()).where(Proposal.hidden_at.is_(None)).group_by(Proposal.state)).all())
    return [CountRow(state.value, counts.get(state.value, 0)) for state in ProposalState]


def proposals_by_village() -> list[CountRow]:
    """Public proposals per village, most first; "" is the proposals for the whole municipality."""
    rows = db.session.execute(
        sa.select(Village.name, sa.func.count(Proposal.id)).select_from(Proposal).outerjoin(Village)
        .where(Proposal.hidden_at.is_(None)).group_by(Village.name)).all()
    return sorted((CountRow(name or "", count) for name, count in rows), key=lambda r: (-r.count, r.key))


def response_times() -> ResponseTimes:
    """How long answered proposals waited for their official answer."""
    rows = db.session.execute(
        sa.select(Proposal.created_at, Proposal.answered_at, Consultation.answer_days).join(Consultation)
        .where(Proposal.answered_at.is_not(None), Proposal.hidden_at.is_(None))).all()
    return deadlines.response_times([tuple(row) for row in rows])


@dataclass(frozen=True)
class Participation:
    association: str
    proposals: int
    endorsements: int
    statements: int
    ballots: int

    @property
    def total(self) -> int:
        return self.proposals + self.endorsements + self.statements + self.ballots


def _per_association(column, *conditions) -> sa.Subquery:
    return (sa.select(column.label("association_id"), sa.func.count().label("n"))
            .where(column.is_not(None), *conditions).group_by(column).subquery())


def participation_by_association() -> list[Participation]:
    """What each association has done: proposals submitted in its name, endorsements, statements on agenda
    items and ballots in budget votes; the most active first, those with nothing left out. One query."""
    parts = {
        "proposals": _per_association(Proposal.association_id, Proposal.hidden_at.is_(None)),
        "endorsements": _per_association(Endorsement.association_id, Endorsement.withdrawn_at.is_(None)),
        "statements": _per_association(Statement.association_id, Statement.hidden_at.is_(None)),
        "ballots": _per_association(BudgetParticipation.association_id),
    }
    query = sa.select(Association.name, *(sa.func.coalesce(part.c.n, 0).label(name) for name, part in parts.items()))
    for part in parts.values():
        query = query.outerjoin(part, part.c.association_id == Association.id)
    query = query.where(sa.or_(*(part.c.n.is_not(None) for part in parts.values())))
    rows = [Participation(row.name, row.proposals, row.endorsements, row.statements, row.ballots)
            for row in db.session.execute(query)]
    return sorted(rows, key=lambda r: (-r.total, r.association))


# --- escalation ---------------------------------------------------------------------------------------

def municipal_board_members(now: datetime) -> list[User]:
    """People with a current seat (or deputy's place) in an active municipal board who can get email."""
    on = local_date(now)
    return list(db.session.scalars(
        sa.select(User).join(BodyMember, BodyMember.user_id == User.id).join(Body)
        .where(Body.kind == BodyKind.MUNICIPAL_BOARD, Body.is_active.is_(True), BodyMember.starts_on <= on,
               sa.or_(BodyMember.ends_on.is_(None), BodyMember.ends_on >= on),
               User.erased_at.is_(None), User.blocked_at.is_(None))
        .distinct().order_by(User.id)))


def _due_for_escalation(now: datetime) -> list[Proposal]:
    # The second deadline depends on each consultation's days, so the check is the pure rule's; the SQL
    # keeps to unanswered proposals not yet escalated.
    candidates = db.session.scalars(
        sa.select(Proposal).where(waiting_for_answer(), Proposal.escalated_at.is_(None))
        .options(selectinload(Proposal.consultation)).order_by(Proposal.created_at, Proposal.id))
    return [p for p in candidates
            if deadlines.status(p.created_at, None, p.consultation.answer_days, p.consultation.escalation_days,
                                now) == deadlines.DeadlineStatus.ESCALATION_DUE]


def _claim(proposal: Proposal, now: datetime) -> bool:
    """Mark the proposal escalated unless another run already did (so two runs never both send)."""
    result = db.session.execute(
        sa.update(Proposal).where(Proposal.id == proposal.id, Proposal.escalated_at.is_(None))
        .values(escalated_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


@dataclass(frozen=True)
class Escalation:
    proposals: list[Proposal]
    recipients: list[User]  # empty: the coordinators were told instead


def escalate_overdue(now: datetime) -> Escalation:
    """Tell the municipal board (or, if it has no members here, the coordinators) about each proposal past
    its second deadline, once: each is marked escalated and audited in one transaction, then one email per
    person lists the proposals of this run. Running it again sends nothing new."""
    due = _due_for_escalation(now)
    recipients = municipal_board_members(now)
    escalated = []
    for proposal in due:
        if _claim(proposal, now):
            record(None, "proposal.escalated", proposal, answer_by=deadlines.deadline(
                proposal.created_at, proposal.consultation.answer_days),
                   recipients=[user.id for user in recipients] or "coordinators")
            escalated.append(proposal)
    db.session.commit()
    if escalated:
        _send_escalation(escalated, recipients, now)
    return Escalation(escalated, recipients)


def _send_escalation(proposals: list[Proposal], recipients: list[User], now: datetime) -> None:
    items = [(proposal, proposal_deadline(proposal, now),
              url_for("proposals.detail", proposal_id=proposal.id, _external=True)) for proposal in proposals]
    context = {"items": items, "dashboard": url_for("review.dashboard", _external=True),
               "to_board": bool(recipients)}

    def subject():
        return ngettext("Kyläraati: %(num)d proposal has waited too long for an official answer",
                        "Kyläraati: %(num)d proposals have waited too long for an official answer", len(items))

    if recipients:
        for user in recipients:
            email_user(user, ESCALATION_EMAIL, subject, **context)
    else:
        notify_coordinators(ESCALATION_EMAIL, subject, **context)
