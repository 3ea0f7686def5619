"""Budget use cases: set up a budget and its projects, cast ballots, count them, publish receipts.

Casting is one transaction that first takes the budget's write lock (BEGIN IMMEDIATE on SQLite, the
budget row's lock on PostgreSQL through the version bump), then checks and writes; the unique
(budget, voter key) of `budget_participation` makes a second ballot by the same voter impossible even if
every check above it were wrong.
"""
import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.budgets import rules, tally
from app.budgets.models import (
    BallotChoice,
    Budget,
    BudgetBallot,
    BudgetParticipation,
    BudgetProject,
    BudgetResultCache,
    Channel,
    Electorate,
    PaperBatch,
    PaperEntry,
    Secrecy,
    TallyRule,
    VotingRule,
)
from app.budgets.rules import BallotError, BallotSpec, VoterOption
from app.consultations.models import Consultation
from app.consultations.phases import Phase, PhaseAction, voting_over
from app.consultations.services import consultation_allows
from app.directory.models import Association, RepresentationStatus
from app.extensions import db
from app.proposals.models import Proposal
from app.proposals.states import ProposalState
from app.timeutil import utcnow

MAX_TITLE = 200
MAX_DESCRIPTION = 20_000
MAX_AMOUNT = Decimal("9999999999.99")  # what Numeric(12, 2) holds
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by people


class BudgetError(BallotError):
    """A budget use case refused (same shape as BallotError: a code and parameters)."""


@contextmanager
def committed(on_conflict: Callable[[], BallotError]):
    """Commit the block's writes; on a unique-constraint conflict roll back and raise `on_conflict()`,
    on any other error roll back and re-raise. Either way a refusal leaves nothing stored."""
    try:
        yield
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise on_conflict() from None
    except BaseException:
        db.session.rollback()
        raise


# --- reading -------------------------------------------------------------------------------

def get_budget(budget_id: int) -> Budget | None:
    return db.session.scalars(
        sa.select(Budget).where(Budget.id == budget_id)
        .options(selectinload(Budget.consultation).selectinload(Consultation.phases),
                 selectinload(Budget.projects).selectinload(BudgetProject.village),
                 selectinload(Budget.projects).selectinload(BudgetProject.proposal))
    ).one_or_none()


def budgets_of(consultation_id: int) -> list[Budget]:
    return list(db.session.scalars(sa.select(Budget).where(Budget.consultation_id == consultation_id)
                                   .order_by(Budget.id)))


def all_budgets() -> list[Budget]:
    return list(db.session.scalars(
        sa.select(Budget).options(selectinload(Budget.consultation).selectinload(Consultation.phases))
        .order_by(Budget.id.desc())))


def projects_of_proposal(proposal_id: int) -> list[BudgetProject]:
    """The budget projects made from a proposal (with their budgets)."""
    return list(db.session.scalars(sa.select(BudgetProject).where(BudgetProject.proposal_id == proposal_id)
                                   .options(selectinload(BudgetProject.budget)).order_by(BudgetProject.id)))


def voting_open(budget: Budget, now: datetime) -> bool:
    return consultation_allows(budget.consultation, PhaseAction.CAST_BALLOT, now)


def voting_closed(budget: Budget, now: datetime) -> bool:
    """Has the vote ended (results may be published)? True once the voting window has passed."""
    consultation = budget.consultation
    override = Phase(consultation.phase_override) if consultation.phase_override else None
    return voting_over(consultation.windows(), now, override)


def ballot_spec(budget: Budget, forbidden: frozenset[int] = frozenset()) -> BallotSpec:
    return BallotSpec(voting_rule=budget.voting_rule, total=budget.total,
                      costs={p.id: p.cost for p in budget.projects}, max_projects=budget.max_projects,
                      points_total=budget.points_total, min_projects=budget.min_projects, forbidden=forbidden)


def forbidden_for(budget: Budget, association_id: int | None) -> frozenset[int]:
    return rules.forbidden_projects(budget.conflict_rule, association_id,
                                    {p.id: p.association_id for p in budget.projects})


# --- setting up ----------------------------------------------------------------------------

@dataclass(frozen=True)
class BudgetSettings:
    title: str
    description: str
    total: Decimal
    voting_rule: str = VotingRule.APPROVAL
    max_projects: int | None = None
    points_total: int | None = None
    min_projects: int = 0
    electorate: str = Electorate.ASSOCIATIONS
    secrecy: str = Secrecy.OPEN
    tally_rule: str = TallyRule.MES_COMPLETED
    conflict_rule: bool = False
    double_entry: bool = False


# Settings that may not change once a ballot has been cast.
FROZEN_SETTINGS = ("total", "voting_rule", "max_projects", "points_total", "min_projects", "electorate",
                   "secrecy", "conflict_rule")


def _check_text(title: str, description: str) -> None:
    if not title.strip():
        raise BudgetError("title_required")
    if len(title) > MAX_TITLE:
        raise BudgetError("title_too_long", max=MAX_TITLE)
    if len(description) > MAX_DESCRIPTION:
        raise BudgetError("description_too_long", max=MAX_DESCRIPTION)


def save_budget(actor: User, consultation: Consultation, budget: Budget | None, settings: BudgetSettings) -> Budget:
    """Create a budget in a consultation, or change one; the rules are frozen after the first ballot."""
    _check_text(settings.title, settings.description)
    if settings.total is not None and settings.total > MAX_AMOUNT:
        raise BudgetError("amount_too_large")
    rules.check_settings(settings.voting_rule, settings.electorate, settings.total, settings.max_projects,
                         settings.points_total, settings.min_projects)
    if settings.secrecy not in tuple(Secrecy):
        raise BudgetError("unknown_secrecy")
    if settings.tally_rule not in tuple(TallyRule):
        raise BudgetError("unknown_tally_rule")
    max_projects = settings.max_projects if settings.voting_rule == VotingRule.APPROVAL_MAX_N else None
    points_total = settings.points_total if settings.voting_rule == VotingRule.CUMULATIVE else None
    values = {"title": settings.title.strip(), "description": settings.description, "total": settings.total,
              "voting_rule": settings.voting_rule, "max_projects": max_projects, "points_total": points_total,
              "min_projects": settings.min_projects, "electorate": settings.electorate,
              "secrecy": settings.secrecy, "tally_rule": settings.tally_rule,
              "conflict_rule": settings.conflict_rule, "double_entry": settings.double_entry}
    if budget is None:
        budget = Budget(consultation=consultation, created_by=actor, **values)
        db.session.add(budget)
        db.session.flush()
        record(actor, "budget.create", budget, consultation=consultation.id, total=settings.total,
               voting_rule=settings.voting_rule, electorate=settings.electorate, secrecy=settings.secrecy,
               tally_rule=settings.tally_rule)
    else:
        changed = {k: v for k, v in values.items() if getattr(budget, k) != v}
        if budget.is_frozen and any(k in FROZEN_SETTINGS for k in changed):
            raise BudgetError("frozen")
        if "electorate" in changed and db.session.scalar(
                sa.select(sa.func.count()).select_from(PaperEntry).join(PaperBatch)
                .where(PaperBatch.budget_id == budget.id)):
            raise BudgetError("electorate_has_paper_entries")  # their voter references mean the old electorate
        for key, value in changed.items():
            setattr(budget, key, value)
        if changed:
            budget.ballots_version += 1  # the tally rule may have changed: recount
            record(actor, "budget.update", budget, changed=sorted(changed))
    db.session.commit()
    return budget


def _check_cost(cost: Decimal | None) -> None:
    if cost is None or cost <= 0:
        raise BudgetError("cost_not_positive")
    if cost > MAX_AMOUNT:
        raise BudgetError("amount_too_large")


def save_project(actor: User, budget: Budget, project: BudgetProject | None, *, title: str, description: str,
                 cost: Decimal, village_id: int | None = None, association_id: int | None = None) -> BudgetProject:
    """Add a project entered directly, or change one; costs are frozen after the first ballot."""
    _check_text(title, description)
    _check_cost(cost)
    if project is None:
        if budget.is_frozen:
            raise BudgetError("frozen")
        project = BudgetProject(budget=budget, position=len(budget.projects) + 1)
        db.session.add(project)
        action = "budget.project_create"
    else:
        if budget.is_frozen and (project.cost != cost or project.association_id != association_id):
            raise BudgetError("frozen")
        action = "budget.project_update"
    project.title = title.strip()
    project.description = description
    project.cost = cost
    project.village_id = village_id or None
    project.association_id = association_id or None
    budget.ballots_version += 1
    db.session.flush()
    record(actor, action, project, budget=budget.id, cost=cost)
    db.session.commit()
    return project


def accepted_proposals_without_project(budget: Budget) -> list[Proposal]:
    """Accepted proposals of the budget's consultation that are not on the ballot yet."""
    on_ballot = sa.select(BudgetProject.proposal_id).where(BudgetProject.budget_id == budget.id,
                                                           BudgetProject.proposal_id.is_not(None))
    return list(db.session.scalars(
        sa.select(Proposal).where(Proposal.consultation_id == budget.consultation_id,
                                  Proposal.state.in_((ProposalState.ACCEPTED, ProposalState.IMPLEMENTED)),
                                  Proposal.hidden_at.is_(None), Proposal.id.not_in(on_ballot))
        .order_by(Proposal.id)))


def add_proposals(actor: User, budget: Budget, proposal_ids: list[int], costs: dict[int, Decimal]) -> list[BudgetProject]:
    """Make projects of accepted proposals, keeping the link; the cost defaults to the proposal's estimate."""
    if budget.is_frozen:
        raise BudgetError("frozen")
    available = {p.id: p for p in accepted_proposals_without_project(budget)}
    created = []
    position = len(budget.projects)
    for proposal_id in proposal_ids:
        proposal = available.get(proposal_id)
        if proposal is None:
            raise BudgetError("proposal_not_available")
        cost = costs.get(proposal_id) or proposal.estimated_cost
        _check_cost(cost)
        position += 1
        project = BudgetProject(budget=budget, proposal=proposal, title=proposal.title[:MAX_TITLE],
                                description=proposal.body, cost=cost, village_id=proposal.village_id,
                                association_id=proposal.association_id, position=position)
        db.session.add(project)
        created.append(project)
    if not created:
        raise BudgetError("nothing_chosen")
    budget.ballots_version += 1
    db.session.flush()
    for project in created:
        record(actor, "budget.project_from_proposal", project, budget=budget.id, proposal=project.proposal_id,
               cost=project.cost)
    db.session.commit()
    return created


def remove_project(actor: User, budget: Budget, project: BudgetProject) -> None:
    """Take a project off the ballot; only before voting starts (no ballot can mention it then)."""
    if budget.is_frozen:
        raise BudgetError("frozen")
    record(actor, "budget.project_remove", project, budget=budget.id, title=project.title, cost=project.cost,
           proposal=project.proposal_id)
    budget.projects.remove(project)
    db.session.delete(project)
    budget.ballots_version += 1
    db.session.commit()


# --- voting --------------------------------------------------------------------------------

@dataclass
class VoterSlot:
    """One ballot the person may cast, and what they already cast with it."""

    option: VoterOption
    association: Association | None
    participation: BudgetParticipation | None = None
    choices: dict[int, int] = field(default_factory=dict)

    @property
    def has_voted(self) -> bool:
        return self.participation is not None


def _represented(user: User, on) -> dict[int, Association]:
    return {r.association_id: r.association for r in user.current_representations(on)
            if r.association is not None and r.association.is_active}


def voter_slots(budget: Budget, user: User, on) -> list[VoterSlot]:
    """The ballots this person may cast in this budget (none if not eligible) and what they cast."""
    if not getattr(user, "is_authenticated", False):
        return []
    associations = _represented(user, on)
    options = rules.voter_options(budget.electorate, user.id, associations)
    if not options:
        return []
    keys = [o.voter_key for o in options]
    participations = {p.voter_key: p for p in db.session.scalars(
        sa.select(BudgetParticipation).where(BudgetParticipation.budget_id == budget.id,
                                             BudgetParticipation.voter_key.in_(keys)))}
    open_ballots = {}
    if budget.secrecy == Secrecy.OPEN and participations:
        ids = [p.id for p in participations.values()]
        for ballot in db.session.scalars(sa.select(BudgetBallot).where(BudgetBallot.participation_id.in_(ids))
                                         .options(selectinload(BudgetBallot.choices))):
            open_ballots[ballot.participation_id] = {c.project_id: c.points for c in ballot.choices}
    slots = []
    for option in options:
        participation = participations.get(option.voter_key)
        slots.append(VoterSlot(option, associations.get(option.association_id) if option.association_id else None,
                               participation, open_ballots.get(participation.id, {}) if participation else {}))
    return slots


def why_not_eligible(budget: Budget, user: User, on) -> str:
    """The reason code for a person with no ballot to cast in this budget."""
    if budget.electorate == Electorate.ASSOCIATIONS:
        ended = [r for r in user.representations if r.status == RepresentationStatus.APPROVED
                 and r.ends_on is not None and r.ends_on < on]
        revoked = [r for r in user.representations if r.status == RepresentationStatus.REVOKED]
        if ended:
            return "mandate_ended"
        if revoked:
            return "mandate_revoked"
        return "not_representative"
    return "not_eligible"


def new_receipt() -> str:
    """A receipt code for the voter; the server keeps only its hash (published after the vote)."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def receipt_hash(code: str) -> str:
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _lock_budget(budget_id: int, now: datetime) -> None:
    """Start the casting transaction holding the budget's write lock.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before anything is read, so two casts run one
    after the other. PostgreSQL: the UPDATE locks the budget row until commit. Either way the version bump
    invalidates the cached results in the same transaction as the ballot.
    """
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    db.session.execute(sa.update(Budget).where(Budget.id == budget_id).values(
        ballots_version=Budget.ballots_version + 1,
        first_ballot_at=sa.func.coalesce(Budget.first_ballot_at, now)))


def _replace_choices(ballot: BudgetBallot, choices: dict[int, int]) -> None:
    db.session.execute(sa.delete(BallotChoice).where(BallotChoice.ballot_id == ballot.id))
    db.session.add_all(BallotChoice(ballot_id=ballot.id, project_id=p, points=n) for p, n in choices.items())


@dataclass(frozen=True)
class CastResult:
    receipt: str
    changed: bool  # an earlier open ballot was replaced


def cast_ballot(user: User, budget_id: int, voter_key: str, choices: list[tuple[int, int]], now: datetime,
                on) -> CastResult:
    """Cast (or, for open ballots, change) one ballot; all checks and writes in one locked transaction."""
    with committed(lambda: BallotError("already_voted")):
        lock_budget_for_writing(budget_id, now)
        budget = get_budget(budget_id)
        if budget is None:
            raise BallotError("no_budget")
        db.session.refresh(budget)
        if not voting_open(budget, now):
            raise BallotError("window_closed")
        slot = next((s for s in voter_slots(budget, user, on) if s.option.voter_key == voter_key), None)
        if slot is None:
            raise BallotError(why_not_eligible(budget, user, on))
        ballot_choices = rules.check_ballot(ballot_spec(budget, forbidden_for(budget, slot.option.association_id)),
                                            choices)
        code = new_receipt()
        participation = slot.participation
        if participation is not None:
            if participation.channel == Channel.PAPER:
                raise BallotError("voted_on_paper")
            if budget.secrecy == Secrecy.SECRET:
                raise BallotError("already_voted")
            ballot = db.session.scalars(sa.select(BudgetBallot)
                                        .where(BudgetBallot.participation_id == participation.id)).one()
            previous = dict(slot.choices)
            _replace_choices(ballot, ballot_choices)
            ballot.receipt_hash = receipt_hash(code)
            participation.updated_at = now
            participation.cast_by_id = user.id
            record(user, "budget.ballot_change", budget, voter=voter_key,
                   previous=_choices_text(previous), choices=_choices_text(ballot_choices))
            changed = True
        else:
            store_ballot(budget, voter_key, ballot_choices, now, channel=Channel.ONLINE,
                         association_id=slot.option.association_id,
                         user_id=user.id if budget.electorate == Electorate.RESIDENTS else None,
                         cast_by_id=user.id, receipt=code)
            changed = False
    return CastResult(code, changed)


def _choices_text(choices: dict[int, int]) -> str:
    return ",".join(f"{p}:{n}" for p, n in sorted(choices.items()))


def store_ballot(budget: Budget, voter_key: str, choices: dict[int, int], now: datetime, *, channel: str,
                 association_id: int | None = None, user_id: int | None = None, cast_by_id: int | None = None,
                 receipt: str | None = None) -> BudgetBallot:
    """Add one ballot and its participation to the current transaction (the caller holds the lock, commits).

    The participation's unique (budget, voter key) refuses a second ballot at flush (IntegrityError).
    """
    participation = BudgetParticipation(budget_id=budget.id, voter_key=voter_key, association_id=association_id,
                                        user_id=user_id, cast_by_id=cast_by_id, channel=channel, cast_at=now)
    db.session.add(participation)
    db.session.flush()
    ballot = BudgetBallot(id=secrets.token_hex(16), budget_id=budget.id, channel=channel,
                          receipt_hash=receipt_hash(receipt) if receipt else None,
                          participation_id=participation.id if budget.secrecy == Secrecy.OPEN else None)
    db.session.add(ballot)
    db.session.flush()
    _replace_choices(ballot, choices)
    return ballot


def store_paper_ballot(actor: User, budget: Budget, voter_key: str, association_id: int | None,
                       user_id: int | None, choices: dict[int, int], now: datetime) -> None:
    """Add one counted paper ballot to the current transaction (the caller holds the lock and commits)."""
    store_ballot(budget, voter_key, choices, now, channel=Channel.PAPER, association_id=association_id,
                 user_id=user_id, cast_by_id=actor.id)


def lock_budget_for_writing(budget_id: int, now: datetime) -> None:
    """Begin a transaction holding the budget's write lock (casting and paper-ballot counting).

    Starts clean (rollback), because the lock must be the transaction's first statement."""
    db.session.rollback()
    _lock_budget(budget_id, now)


# --- counting ------------------------------------------------------------------------------

def tally_input(budget: Budget) -> tuple[Fraction, list[tally.Project], list[tally.Ballot]]:
    """The budget, its projects and every stored ballot (blank ones too), as the tally takes them."""
    pb_ids = {p.id: p.pb_id for p in budget.projects}
    projects = [tally.Project(pb_ids[p.id], Fraction(p.cost), p.title) for p in budget.projects]
    points: dict[str, dict[str, int]] = {}
    for ballot_id in db.session.scalars(sa.select(BudgetBallot.id).where(BudgetBallot.budget_id == budget.id)
                                        .order_by(BudgetBallot.id)):
        points[ballot_id] = {}
    rows = db.session.execute(
        sa.select(BallotChoice.ballot_id, BallotChoice.project_id, BallotChoice.points)
        .join(BudgetBallot, BudgetBallot.id == BallotChoice.ballot_id).where(BudgetBallot.budget_id == budget.id))
    for ballot_id, project_id, n in rows:
        points.setdefault(ballot_id, {})[pb_ids[project_id]] = n
    return Fraction(budget.total), projects, [tally.Ballot(points[b]) for b in sorted(points)]


def _fraction_text(value: Fraction | None) -> str | None:
    return None if value is None else f"{value.numerator}/{value.denominator}"


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


_EXPLANATION_FRACTIONS = ("cost", "remaining_budget", "rho", "payment_per_point", "supporters_money")


def _dump(result: tally.TallyResult) -> str:
    explanations = {}
    for pid, e in result.explanations.items():
        row = {"votes": e.votes, "points": e.points, "selected": e.selected, "order": e.order, "reason": e.reason,
               "supporters_paying_all": e.supporters_paying_all}
        row.update({name: _fraction_text(getattr(e, name)) for name in _EXPLANATION_FRACTIONS})
        explanations[pid] = row
    return json.dumps({"rule": result.rule, "budget": _fraction_text(result.budget), "winners": result.winners,
                       "spent": _fraction_text(result.spent), "voter_count": result.voter_count,
                       "voter_budget": _fraction_text(result.voter_budget), "explanations": explanations})


def _load(payload: str) -> tally.TallyResult:
    data = json.loads(payload)
    explanations = {}
    for pid, row in data["explanations"].items():
        fractions = {name: _fraction(row[name]) for name in _EXPLANATION_FRACTIONS}
        explanations[pid] = tally.ProjectExplanation(
            project_id=pid, votes=row["votes"], points=row["points"], selected=row["selected"], order=row["order"],
            reason=row["reason"], supporters_paying_all=row["supporters_paying_all"], **fractions)
    return tally.TallyResult(rule=data["rule"], budget=Fraction(data["budget"]), winners=data["winners"],
                             spent=Fraction(data["spent"]), explanations=explanations,
                             voter_count=data["voter_count"], voter_budget=_fraction(data["voter_budget"]))


def results(budget: Budget, rule: str) -> tally.TallyResult:
    """The tally under `rule`, from the stored ballots; cached until a ballot or project changes."""
    cached = db.session.scalars(sa.select(BudgetResultCache).where(BudgetResultCache.budget_id == budget.id,
                                                                   BudgetResultCache.rule == rule)).one_or_none()
    if cached is not None and cached.ballots_version == budget.ballots_version:
        return _load(cached.payload)
    total, projects, ballots = tally_input(budget)
    result = tally.tally(rule, total, projects, ballots)
    payload = _dump(result)
    try:
        if cached is None:
            db.session.add(BudgetResultCache(budget_id=budget.id, rule=rule, ballots_version=budget.ballots_version,
                                             payload=payload))
        else:
            cached.ballots_version = budget.ballots_version
            cached.payload = payload
            cached.computed_at = utcnow()
        db.session.commit()
    except IntegrityError:  # another request cached it at the same moment
        db.session.rollback()
    return result


def comparison_rule(budget: Budget) -> str:
    """The rule shown beside the budget's own: greedy beside equal shares, equal shares beside greedy."""
    return TallyRule.MES_COMPLETED if budget.tally_rule == TallyRule.GREEDY else TallyRule.GREEDY


@dataclass(frozen=True)
class Turnout:
    ballots: int
    online: int
    paper: int
    eligible: int | None  # associations or registered residents who could vote


def turnout(budget: Budget) -> Turnout:
    rows = dict(db.session.execute(
        sa.select(BudgetBallot.channel, sa.func.count()).where(BudgetBallot.budget_id == budget.id)
        .group_by(BudgetBallot.channel)).all())
    if budget.electorate == Electorate.ASSOCIATIONS:
        eligible = db.session.scalar(sa.select(sa.func.count()).select_from(Association)
                                     .where(Association.is_active.is_(True)))
    else:
        eligible = db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                     .where(User.erased_at.is_(None), User.blocked_at.is_(None)))
    online, paper = rows.get(Channel.ONLINE, 0), rows.get(Channel.PAPER, 0)
    return Turnout(online + paper, online, paper, eligible)


def receipt_hashes(budget: Budget) -> list[str]:
    """Every counted online ballot's receipt hash, sorted (so the order says nothing about who voted when)."""
    return list(db.session.scalars(sa.select(BudgetBallot.receipt_hash).where(
        BudgetBallot.budget_id == budget.id, BudgetBallot.receipt_hash.is_not(None))
        .order_by(BudgetBallot.receipt_hash)))


def receipt_counted(budget: Budget, code: str) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(BudgetBallot).where(
        BudgetBallot.budget_id == budget.id, BudgetBallot.receipt_hash == receipt_hash(code))) > 0


def open_ballots(budget: Budget) -> list[tuple[BudgetParticipation, dict[int, int]]]:
    """Each voter's ballot, for open budgets: who voted what is public."""
    if budget.secrecy != Secrecy.OPEN:
        return []
    participations = list(db.session.scalars(
        sa.select(BudgetParticipation).where(BudgetParticipation.budget_id == budget.id)
        .options(selectinload(BudgetParticipation.association), selectinload(BudgetParticipation.user))
        .order_by(BudgetParticipation.cast_at, BudgetParticipation.id)))
    choices: dict[int, dict[int, int]] = defaultdict(dict)
    for participation_id, project_id, n in db.session.execute(
            sa.select(BudgetBallot.participation_id, BallotChoice.project_id, BallotChoice.points)
            .join(BallotChoice, BallotChoice.ballot_id == BudgetBallot.id)
            .where(BudgetBallot.budget_id == budget.id)):
        choices[participation_id][project_id] = n
    return [(p, choices.get(p.id, {})) for p in participations]
