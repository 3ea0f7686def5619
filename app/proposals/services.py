"""Proposal use cases: submit, edit, withdraw, support, endorse, follow, state moves and
official answers, and the proposal list with its filters, search and sorts."""
import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.auth.rules import Action, can
from app.comments.models import Comment
from app.consultations.models import Consultation
from app.consultations.phases import PhaseAction
from app.consultations.services import consultation_allows
from app.directory.models import Association
from app.extensions import db
from app.proposals.models import (
    Endorsement,
    Follow,
    Proposal,
    ProposalCategory,
    ProposalStateChange,
    Support,
)
from app.proposals.states import FINAL_STATES, Actor, ProposalState, TransitionError, check_transition
from app.sql import contains_pattern

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_LOCATION = 200
MAX_ANSWER = 20_000
MAX_NOTE = 2_000
MAX_COST = Decimal("9999999999.99")  # what Numeric(12, 2) holds

SORTS = ("random", "supports", "newest", "discussed")
# 2**31 - 1, a prime: products of two numbers below it fit in a 64-bit integer.
_RANDOM_MODULUS = 2_147_483_647


class ProposalError(Exception):
    """A proposal use case refused; `code` says why, the view translates it."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ProposalDraft:
    """What the author typed, already parsed (the cost as Decimal)."""

    title: str
    body: str
    village_id: int | None = None
    category: str = "other"
    estimated_cost: Decimal | None = None
    location: str = ""
    association_id: int | None = None


@dataclass(frozen=True)
class Counts:
    supports: int = 0
    endorsements: int = 0
    comments: int = 0


@dataclass(frozen=True)
class ProposalFilters:
    """The list's filters; empty values filter nothing."""

    consultation_id: int | None = None
    village_id: int | None = None
    category: str = ""
    state: str = ""
    association_id: int | None = None
    text: str = ""

    def as_args(self) -> dict:
        """The filters as query-string arguments (for links to the filtered list)."""
        names = {"consultation_id": "consultation", "village_id": "village", "association_id": "association",
                 "text": "q"}
        return {names.get(f.name, f.name): getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


# --- writing -------------------------------------------------------------------------------

def _check_draft(author: User, draft: ProposalDraft, on: date, keep_association_id: int | None = None) -> None:
    """Refuse a draft the form should already have refused (the service does not trust it)."""
    if not draft.title.strip():
        raise ProposalError("title_required")
    if len(draft.title) > MAX_TITLE:
        raise ProposalError("title_too_long")
    if not draft.body.strip():
        raise ProposalError("body_required")
    if len(draft.body) > MAX_BODY:
        raise ProposalError("body_too_long")
    if len(draft.location) > MAX_LOCATION:
        raise ProposalError("location_too_long")
    if draft.category not in ProposalCategory.CODES:
        raise ProposalError("unknown_category")
    if draft.estimated_cost is not None and not (0 <= draft.estimated_cost <= MAX_COST):
        raise ProposalError("bad_cost")
    # Keeping the association a proposal already has is fine even after the mandate ended.
    if draft.association_id and draft.association_id != keep_association_id:
        association = db.session.get(Association, draft.association_id)
        if association is None or not association.is_active or not can(author, Action.ACT_FOR_ASSOCIATION,
                                                                       association, on):
            raise ProposalError("not_representative")


def _apply_draft(proposal: Proposal, draft: ProposalDraft) -> None:
    proposal.title = draft.title.strip()
    proposal.body = draft.body
    proposal.village_id = draft.village_id or None
    proposal.category = draft.category
    proposal.estimated_cost = draft.estimated_cost
    proposal.location = draft.location.strip()
    proposal.association_id = draft.association_id or None


def submit_proposal(author: User, consultation: Consultation, draft: ProposalDraft, now: datetime,
                    on: date) -> Proposal:
    """Submit a proposal in the proposals phase; the author then follows it."""
    if not consultation_allows(consultation, PhaseAction.SUBMIT_PROPOSAL, now):
        raise ProposalError("phase_closed")
    _check_draft(author, draft, on)
    proposal = Proposal(consultation_id=consultation.id, author_id=author.id, state=ProposalState.SUBMITTED,
                        created_at=now, updated_at=now)
    _apply_draft(proposal, draft)
    db.session.add(proposal)
    db.session.flush()
    db.session.add(Follow(user_id=author.id, proposal_id=proposal.id, created_at=now))
    db.session.commit()
    return proposal


def editing_open(proposal: Proposal, now: datetime) -> bool:
    """Can the author still edit: submitted, and the phase still allows editing."""
    return (proposal.state == ProposalState.SUBMITTED
            and consultation_allows(proposal.consultation, PhaseAction.EDIT_PROPOSAL, now))


def edit_proposal(author: User, proposal: Proposal, draft: ProposalDraft, now: datetime, on: date) -> Proposal:
    """The author edits the proposal until the review phase starts."""
    if proposal.author_id != author.id:
        raise ProposalError("not_author")
    if proposal.state != ProposalState.SUBMITTED:
        raise ProposalError("not_editable")
    if not consultation_allows(proposal.consultation, PhaseAction.EDIT_PROPOSAL, now):
        raise ProposalError("editing_closed")
    _check_draft(author, draft, on, keep_association_id=proposal.association_id)
    _apply_draft(proposal, draft)
    proposal.updated_at = now
    db.session.commit()
    return proposal


def _move(proposal: Proposal, target: str, actors: set[Actor], user: User, note: str,
          now: datetime, agenda_item_id: int | None = None) -> ProposalStateChange:
    """Move the proposal's state if the state machine allows it; the caller commits."""
    if target not in ProposalState.__members__.values():
        raise ProposalError("unknown_state")
    try:
        check_transition(ProposalState(proposal.state), ProposalState(target), actors)
    except TransitionError as error:
        raise ProposalError(error.code) from None
    change = ProposalStateChange(proposal_id=proposal.id, from_state=proposal.state, to_state=target,
                                 changed_by_id=user.id, changed_at=now, note=note.strip(),
                                 agenda_item_id=agenda_item_id)
    db.session.add(change)
    proposal.state = target
    return change


def withdraw_proposal(author: User, proposal: Proposal, now: datetime) -> ProposalStateChange:
    """The author withdraws the proposal; it is kept, in the state withdrawn."""
    if proposal.author_id != author.id:
        raise ProposalError("not_author")
    change = _move(proposal, ProposalState.WITHDRAWN, {Actor.AUTHOR}, author, "", now)
    db.session.commit()
    return change


def change_state(actor: User, proposal: Proposal, target: str, note: str, now: datetime) -> ProposalStateChange:
    """A board member or coordinator moves the proposal to a new state; audited."""
    if len(note) > MAX_NOTE:
        raise ProposalError("note_too_long")
    from_state = proposal.state
    change = _move(proposal, target, {Actor.BOARD}, actor, note, now)
    record(actor, "proposal.state_changed", proposal, from_state=from_state, to_state=target,
           note=note.strip())
    db.session.commit()
    return change


def decide(actor: User, proposal: Proposal, path: list[str], answer: str, agenda_item_id: int,
           now: datetime) -> list[ProposalStateChange]:
    """A meeting's decision moves the proposal along `path` (each step checked by the state machine) and
    becomes its official answer; all in one transaction, audited, each step linked to the decision."""
    if len(answer) > MAX_ANSWER:
        raise ProposalError("answer_too_long")
    from_state = proposal.state
    try:
        changes = [_move(proposal, target, {Actor.BOARD}, actor, "", now, agenda_item_id) for target in path]
    except ProposalError:
        db.session.rollback()
        raise
    proposal.answer, proposal.answered_by_id, proposal.answered_at = answer, actor.id, now
    record(actor, "proposal.decided", proposal, from_state=from_state, to_state=proposal.state,
           agenda_item_id=agenda_item_id)
    db.session.commit()
    return changes


def answer_proposal(actor: User, proposal: Proposal, text: str, now: datetime) -> Proposal:
    """Write or edit the official answer; audited with the previous text."""
    text = text.strip()
    if not text:
        raise ProposalError("answer_required")
    if len(text) > MAX_ANSWER:
        raise ProposalError("answer_too_long")
    previous = proposal.answer
    if previous == text:
        return proposal
    proposal.answer = text
    proposal.answered_by_id = actor.id
    proposal.answered_at = now
    record(actor, "proposal.answer_edited" if previous else "proposal.answered", proposal,
           previous=previous or None)
    db.session.commit()
    return proposal


def _check_open_for(proposal: Proposal, action: PhaseAction, now: datetime) -> None:
    if proposal.hidden_at is not None:
        raise ProposalError("hidden")
    if proposal.state in FINAL_STATES:
        raise ProposalError("not_open")
    if not consultation_allows(proposal.consultation, action, now):
        raise ProposalError("phase_closed")


def _find_row(model, lookup: dict):
    return db.session.scalar(sa.select(model).filter_by(**lookup))


def _toggle(model, lookup: dict, on: bool, now: datetime, **extra) -> None:
    """Switch a kept row (Support, Endorsement) on or off; a concurrent double click is harmless.

    The unique constraint is the guard: when two requests insert at once, the loser's
    IntegrityError is caught and the winner's row is read again.
    """
    row = _find_row(model, lookup)
    if row is None:
        if not on:
            return
        db.session.add(model(**lookup, created_at=now, **extra))
        try:
            db.session.commit()
            return
        except IntegrityError:
            db.session.rollback()
            row = _find_row(model, lookup)
            if row is None:  # not a duplicate after all: let the real error show
                raise
    row.withdrawn_at = None if on else (row.withdrawn_at or now)
    for name, value in extra.items():
        setattr(row, name, value)
    db.session.commit()


def set_support(user: User, proposal: Proposal, support: bool, now: datetime) -> None:
    """Support a proposal, or take the support back, while the phase allows supporting."""
    _check_open_for(proposal, PhaseAction.SUPPORT, now)
    _toggle(Support, {"proposal_id": proposal.id, "user_id": user.id}, support, now)


def set_endorsement(user: User, proposal: Proposal, association: Association, endorse: bool,
                    now: datetime, on: date) -> None:
    """A representative endorses the proposal in the association's name, or withdraws it."""
    if not can(user, Action.ENDORSE, association, on):
        raise ProposalError("not_representative")
    _check_open_for(proposal, PhaseAction.ENDORSE, now)
    # user_id records the representative who acted last.
    _toggle(Endorsement, {"proposal_id": proposal.id, "association_id": association.id}, endorse, now,
            user_id=user.id)


def set_follow(user: User, follow: bool, *, proposal: Proposal | None = None,
               consultation: Consultation | None = None) -> None:
    """Follow or unfollow a proposal or a consultation (emails about it go to followers)."""
    condition = (Follow.proposal_id == proposal.id) if proposal is not None else (
        Follow.consultation_id == consultation.id)
    row = db.session.scalar(sa.select(Follow).where(Follow.user_id == user.id, condition))
    if follow and row is None:
        db.session.add(Follow(user_id=user.id, proposal_id=proposal.id if proposal else None,
                              consultation_id=consultation.id if consultation else None))
        try:
            db.session.commit()
        except IntegrityError:  # the same click twice: already following
            db.session.rollback()
    elif not follow and row is not None:
        db.session.delete(row)
        db.session.commit()


# --- reading -------------------------------------------------------------------------------

def get_proposal(proposal_id: int) -> Proposal | None:
    """A proposal with everything its page shows loaded in a bounded number of queries."""
    return db.session.scalar(
        sa.select(Proposal)
        .options(
            selectinload(Proposal.author), selectinload(Proposal.association), selectinload(Proposal.village),
            selectinload(Proposal.answered_by),
            selectinload(Proposal.consultation).selectinload(Consultation.phases),
            selectinload(Proposal.state_changes).selectinload(ProposalStateChange.changed_by),
        )
        .where(Proposal.id == proposal_id)
    )


def _support_count():
    return (sa.select(Support.proposal_id, sa.func.count(Support.id).label("n"))
            .where(Support.withdrawn_at.is_(None)).group_by(Support.proposal_id).subquery())


def _comment_count():
    return (sa.select(Comment.proposal_id, sa.func.count(Comment.id).label("n"))
            .where(Comment.hidden_at.is_(None), Comment.proposal_id.is_not(None))
            .group_by(Comment.proposal_id).subquery())


def counts_for(ids: list[int]) -> dict[int, Counts]:
    """Supports, endorsements and visible comments of these proposals, in one query."""
    if not ids:
        return {}

    def count(model, *conditions):
        return (sa.select(sa.func.count(model.id)).where(model.proposal_id == Proposal.id, *conditions)
                .correlate(Proposal).scalar_subquery())

    rows = db.session.execute(
        sa.select(Proposal.id,
                  count(Support, Support.withdrawn_at.is_(None)),
                  count(Endorsement, Endorsement.withdrawn_at.is_(None)),
                  count(Comment, Comment.hidden_at.is_(None)))
        .where(Proposal.id.in_(ids))
    )
    return {row[0]: Counts(row[1], row[2], row[3]) for row in rows}


def search_condition(text: str) -> sa.ColumnElement | None:
    """Title and body contain every word of `text` (a word may be the start of a longer one).

    PostgreSQL uses full-text search with the language-neutral 'simple' configuration and
    prefix terms, because Finnish inflects words (sauna, saunan, saunoja); SQLite falls back
    to LIKE. Only letters and digits of the query reach to_tsquery, so its syntax cannot break.
    """
    words = re.findall(r"[^\W_]+", text)[:12]
    if not words:
        return None
    if db.engine.dialect.name == "postgresql":
        document = sa.func.to_tsvector("simple", Proposal.title + " " + Proposal.body)
        query = sa.func.to_tsquery("simple", " & ".join(f"{word}:*" for word in words))
        return document.op("@@")(query)
    return sa.and_(*[
        sa.or_(Proposal.title.ilike(contains_pattern(word), escape="\\"),
               Proposal.body.ilike(contains_pattern(word), escape="\\"))
        for word in words
    ])


def random_order(seed: int) -> sa.ColumnElement:
    """A shuffled but stable order: the same seed (one per visitor) gives the same order.

    Plain integer arithmetic, so SQLite and PostgreSQL agree: an affine step
    (id * a + b) mod p, then two squarings mod p so the order is not an arithmetic
    progression of the ids. Every intermediate value stays below 2**62. Small seeds (a visitor's is one of
    app.proposals.visitor.SEEDS) are first spread over 60 bits (Fibonacci hashing), so neighbouring seeds give
    unrelated orders.
    """
    p = _RANDOM_MODULUS
    seed = (seed + 1) * 0x9E3779B97F4A7C15 % (1 << 60)
    multiplier = seed % (p - 1) + 1
    offset = (seed >> 31) % p
    mixed = (sa.cast(Proposal.id, sa.BigInteger) * multiplier + offset) % p
    mixed = (mixed * mixed + 12_345) % p
    return (mixed * mixed + multiplier) % p


def proposal_query(filters: ProposalFilters, sort: str = "newest", seed: int = 0,
                   include_hidden: bool = False) -> sa.Select:
    """Proposals filtered and sorted; the counts a sort needs are joined as grouped subqueries."""
    query = sa.select(Proposal).options(
        selectinload(Proposal.author), selectinload(Proposal.association), selectinload(Proposal.village),
        selectinload(Proposal.consultation),
    )
    if not include_hidden:
        query = query.where(Proposal.hidden_at.is_(None))
    if filters.consultation_id:
        query = query.where(Proposal.consultation_id == filters.consultation_id)
    if filters.village_id:
        query = query.where(Proposal.village_id == filters.village_id)
    if filters.category:
        query = query.where(Proposal.category == filters.category)
    if filters.state:
        query = query.where(Proposal.state == filters.state)
    if filters.association_id:
        query = query.where(Proposal.association_id == filters.association_id)
    if filters.text:
        condition = search_condition(filters.text)
        if condition is not None:
            query = query.where(condition)

    newest = (Proposal.created_at.desc(), Proposal.id.desc())
    if sort == "supports":
        supports = _support_count()
        query = (query.outerjoin(supports, supports.c.proposal_id == Proposal.id)
                 .order_by(sa.func.coalesce(supports.c.n, 0).desc(), *newest))
    elif sort == "discussed":
        comments = _comment_count()
        query = (query.outerjoin(comments, comments.c.proposal_id == Proposal.id)
                 .order_by(sa.func.coalesce(comments.c.n, 0).desc(), *newest))
    elif sort == "random":
        query = query.order_by(random_order(seed), Proposal.id)
    else:
        query = query.order_by(*newest)
    return query


@dataclass
class ProposalPage:
    """One page of the list and the counts of its proposals."""

    page: object  # flask_sqlalchemy Pagination
    counts: dict[int, Counts]


def proposal_page(filters: ProposalFilters, sort: str, seed: int, page: int, per_page: int,
                  include_hidden: bool = False) -> ProposalPage:
    """A page of proposals with their counts: a fixed number of queries whatever the numbers."""
    pagination = db.paginate(proposal_query(filters, sort, seed, include_hidden), page=page, per_page=per_page,
                             error_out=False)
    return ProposalPage(pagination, counts_for([p.id for p in pagination.items]))


def newest_proposals(limit: int = 5) -> list[Proposal]:
    """The newest visible proposals, for the front page."""
    return feed_proposals(ProposalFilters(), limit)


def feed_proposals(filters: ProposalFilters, limit: int = 50) -> list[Proposal]:
    """The newest public proposals for the Atom feed (never hidden ones, whoever asks)."""
    query = (proposal_query(filters, "newest").where(Proposal.state != ProposalState.WITHDRAWN).limit(limit))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ViewerState:
    """What the person looking at a proposal has done with it."""

    supported: bool = False
    following: bool = False
    endorsed_by: frozenset[int] = frozenset()  # association ids (all, not only the viewer's)


def viewer_state(user, proposal: Proposal) -> ViewerState:
    """Has the viewer supported and followed it; which associations endorse it (bounded queries)."""
    endorsed = frozenset(db.session.scalars(sa.select(Endorsement.association_id).where(
        Endorsement.proposal_id == proposal.id, Endorsement.withdrawn_at.is_(None))))
    if user is None or not user.is_authenticated:
        return ViewerState(endorsed_by=endorsed)
    supported = db.session.scalar(sa.select(Support.id).where(
        Support.proposal_id == proposal.id, Support.user_id == user.id, Support.withdrawn_at.is_(None)))
    following = db.session.scalar(sa.select(Follow.id).where(
        Follow.proposal_id == proposal.id, Follow.user_id == user.id))
    return ViewerState(supported is not None, following is not None, endorsed)


def endorsing_associations(proposal: Proposal) -> list[Association]:
    """Associations endorsing the proposal now, by name."""
    return list(db.session.scalars(
        sa.select(Association).join(Endorsement, Endorsement.association_id == Association.id)
        .where(Endorsement.proposal_id == proposal.id, Endorsement.withdrawn_at.is_(None))
        .order_by(Association.name)))


def is_following(user, consultation: Consultation) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(sa.select(Follow.id).where(
        Follow.consultation_id == consultation.id, Follow.user_id == user.id)) is not None


def representable_associations(user, on: date) -> list[Association]:
    """The associations the user may act for today, by name."""
    if user is None or not user.is_authenticated:
        return []
    ids = [r.association_id for r in user.current_representations(on)]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Association).where(
        Association.id.in_(ids), Association.is_active.is_(True)).order_by(Association.name)))


def proposal_audience(proposal: Proposal, exclude_user_id: int | None) -> list[User]:
    """Who hears about a proposal's answer and state: its author and followers, not the actor."""
    followers = sa.select(Follow.user_id).where(Follow.proposal_id == proposal.id)
    query = sa.select(User).where(sa.or_(User.id == proposal.author_id, User.id.in_(followers)),
                                  User.erased_at.is_(None))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(db.session.scalars(query.order_by(User.id)))


def consultation_followers(consultation: Consultation, exclude_user_id: int | None) -> list[User]:
    """The people following a consultation (told about new proposals in it)."""
    followers = sa.select(Follow.user_id).where(Follow.consultation_id == consultation.id)
    query = sa.select(User).where(User.id.in_(followers), User.erased_at.is_(None))
    if exclude_user_id is not None:
        query = query.where(User.id != exclude_user_id)
    return list(db.session.scalars(query.order_by(User.id)))
