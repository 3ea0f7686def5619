"""Meeting use cases: bodies and members, meetings and their status, agenda items and what they link to,
statements, attendance, roll calls, decisions and what they do to proposals, minutes and amendments.

One use case per function, one commit each; a refusal raises MeetingError with a code (translated in
app/meetings/messages.py) and leaves nothing changed. Every board or coordinator action is audited in the
same transaction.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.auth.models import User
from app.auth.rules import Action, can
from app.budgets.models import Budget
from app.comments.models import Comment
from app.directory.models import Association
from app.extensions import db
from app.meetings import rules
from app.meetings.models import (
    AgendaItem,
    AgendaLink,
    Amendment,
    Attendance,
    Body,
    BodyMember,
    Meeting,
    RollCallVote,
    Statement,
)
from app.meetings.rules import BodyKind, MeetingError, MeetingStatus, MemberRole, Outcome, QuorumRule
from app.proposals.models import Proposal
from app.sql import contains_pattern

MAX_NAME = 120
MAX_TITLE = 200
MAX_PLACE = 200
MAX_URL = 300
MAX_TEXT = 50_000
MAX_NOTE = 200
MAX_ITEM_NUMBER = 9_999
SEARCH_LIMIT = 10


def _commit(on_conflict: str) -> None:
    """Commit; a unique-constraint conflict rolls back and becomes MeetingError(on_conflict)."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise MeetingError(on_conflict) from None


def _text(value: str | None, maximum: int, required_code: str | None = None, too_long: str = "too_long") -> str:
    value = (value or "").strip()
    if required_code and not value:
        raise MeetingError(required_code)
    if len(value) > maximum:
        raise MeetingError(too_long, {"max": maximum})
    return value


# --- reading -------------------------------------------------------------------------------------

def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.scalars(
        sa.select(Meeting).where(Meeting.id == meeting_id)
        .options(selectinload(Meeting.body), selectinload(Meeting.items))
    ).first()


def get_item(meeting: Meeting, item_id: int) -> AgendaItem | None:
    return next((i for i in meeting.items if i.id == item_id), None)


def all_bodies(active_only: bool = False) -> list[Body]:
    query = sa.select(Body).order_by(Body.kind, Body.name)
    if active_only:
        query = query.where(Body.is_active.is_(True))
    return list(db.session.scalars(query))


def members_of(body: Body, on: date | None = None) -> list[BodyMember]:
    """The body's members, seats first (chair, vice chair, members), each followed by their deputies."""
    members = db.session.scalars(
        sa.select(BodyMember).where(BodyMember.body_id == body.id)
        .options(selectinload(BodyMember.association), selectinload(BodyMember.user))
        .order_by(BodyMember.id)
    ).all()
    if on is not None:
        members = [m for m in members if m.is_current(on)]
    order = {MemberRole.CHAIR: 0, MemberRole.VICE_CHAIR: 1, MemberRole.MEMBER: 2}
    seats = sorted((m for m in members if m.role != MemberRole.DEPUTY), key=lambda m: (order[m.role], m.id))
    result: list[BodyMember] = []
    for seat in seats:
        result.append(seat)
        result.extend(m for m in members if m.deputy_for_id == seat.id)
    placed = {m.id for m in result}
    result.extend(m for m in members if m.id not in placed)  # general deputies, deputies of ended seats
    return result


def meetings_query(body_id: int | None, upcoming: bool, now: datetime) -> sa.Select:
    """Upcoming meetings soonest first, or past ones latest first, optionally of one body."""
    query = sa.select(Meeting).options(selectinload(Meeting.body))
    if body_id:
        query = query.where(Meeting.body_id == body_id)
    if upcoming:
        return query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    return query.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def feed_meetings(limit: int = 500) -> list[Meeting]:
    """The meetings the iCalendar feed publishes: the latest `limit` by start time."""
    return list(db.session.scalars(
        sa.select(Meeting).options(selectinload(Meeting.body)).order_by(Meeting.starts_at.desc()).limit(limit)))


@dataclass
class ItemInput:
    """What one agenda item links to and what was said on it, loaded for a whole meeting at once."""

    links: list[AgendaLink]
    statements: list[Statement]
    votes: list[RollCallVote]
    comment_count: int = 0


def meeting_input(meeting: Meeting, items: list[AgendaItem] | None = None) -> dict[int, ItemInput]:
    """Every item's (or the given items') links with their proposals, budgets and comments, statements,
    roll-call votes and comment counts, in a fixed number of queries however many items and links."""
    ids = [item.id for item in (meeting.items if items is None else items)]
    result = {item_id: ItemInput([], [], []) for item_id in ids}
    if not ids:
        return result
    links = db.session.scalars(
        sa.select(AgendaLink).where(AgendaLink.item_id.in_(ids))
        .options(selectinload(AgendaLink.proposal), selectinload(AgendaLink.budget),
                 selectinload(AgendaLink.comment).selectinload(Comment.author))
        .order_by(AgendaLink.id))
    for link in links:
        result[link.item_id].links.append(link)
    statements = db.session.scalars(
        sa.select(Statement).where(Statement.item_id.in_(ids))
        .options(selectinload(Statement.association), selectinload(Statement.author))
        .order_by(Statement.id))
    for statement in statements:
        result[statement.item_id].statements.append(statement)
    votes = db.session.scalars(
        sa.select(RollCallVote).where(RollCallVote.item_id.in_(ids))
        .options(selectinload(RollCallVote.member)).order_by(RollCallVote.id))
    for vote in votes:
        result[vote.item_id].votes.append(vote)
    counts = db.session.execute(
        sa.select(Comment.agenda_item_id, sa.func.count()).where(Comment.agenda_item_id.in_(ids),
                                                                  Comment.hidden_at.is_(None))
        .group_by(Comment.agenda_item_id))
    for item_id, count in counts:
        result[item_id].comment_count = count
    return result


def seats_of(members: Iterable[BodyMember]) -> list[rules.Seat]:
    return [rules.Seat(m.id, m.role, m.deputy_for_id) for m in members]


def meeting_quorum(meeting: Meeting, members: list[BodyMember]) -> rules.Quorum | None:
    """The quorum as the recorded attendance gives it, or None before attendance is recorded."""
    if not meeting.attendance:
        return None
    present = [a.member_id for a in meeting.attendance if a.present]
    return rules.quorum(meeting.body.quorum_rule, seats_of(members), present)


def meeting_members(meeting: Meeting) -> list[BodyMember]:
    """Members of the body on the meeting's day, plus anyone whose attendance was recorded."""
    from app.timeutil import local_date

    members = members_of(meeting.body, local_date(meeting.starts_at))
    recorded = {a.member_id for a in meeting.attendance}
    known = {m.id for m in members}
    if recorded - known:
        members += [a.member for a in meeting.attendance if a.member_id not in known]
    return members


# --- bodies and members --------------------------------------------------------------------------

def save_body(actor: User, body: Body | None, *, name: str, kind: str, description: str, quorum_rule: str,
              is_active: bool = True) -> Body:
    name = _text(name, MAX_NAME, "name_required")
    if kind not in set(BodyKind):
        raise MeetingError("unknown_body_kind")
    if quorum_rule not in set(QuorumRule):
        raise MeetingError("unknown_quorum_rule")
    creating = body is None
    if creating:
        body = Body()
        db.session.add(body)
    body.name, body.kind, body.quorum_rule, body.is_active = name, kind, quorum_rule, is_active
    body.description = _text(description, MAX_TEXT)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise MeetingError("duplicate_body_name") from None
    record(actor, "body.created" if creating else "body.edited", body, name=name, kind=kind,
           quorum_rule=quorum_rule)
    _commit("duplicate_body_name")
    return body


def add_member(actor: User, body: Body, *, name: str, role: str, starts_on: date, user: User | None = None,
               association: Association | None = None, deputy_for: BodyMember | None = None) -> BodyMember:
    name = _text(name, MAX_NAME, "name_required")
    if role not in set(MemberRole):
        raise MeetingError("unknown_member_role")
    if deputy_for is not None:
        if role != MemberRole.DEPUTY:
            raise MeetingError("only_deputies_stand_in")
        if deputy_for.body_id != body.id or deputy_for.role == MemberRole.DEPUTY:
            raise MeetingError("bad_deputy_for")
    member = BodyMember(body_id=body.id, name=name, role=role, starts_on=starts_on,
                        user_id=user.id if user else None, association_id=association.id if association else None,
                        deputy_for_id=deputy_for.id if deputy_for else None)
    db.session.add(member)
    db.session.flush()
    record(actor, "body.member_added", body, member_id=member.id, name=name, role=role,
           association_id=member.association_id, user_id=member.user_id, deputy_for=member.deputy_for_id)
    db.session.commit()
    return member


def end_member(actor: User, member: BodyMember, ends_on: date) -> BodyMember:
    """End a membership (the row is kept: old minutes still name the person)."""
    if member.ends_on is not None:
        raise MeetingError("already_ended")
    if ends_on < member.starts_on:
        raise MeetingError("ends_before_start")
    member.ends_on = ends_on
    record(actor, "body.member_ended", member.body, member_id=member.id, name=member.name,
           ends_on=ends_on.isoformat())
    db.session.commit()
    return member


# --- meetings --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingDraft:
    body_id: int
    starts_at: datetime
    ends_at: datetime | None = None
    title: str = ""
    place: str = ""
    video_url: str = ""
    other_attendees: str = ""
    chair_name: str = ""
    secretary_name: str = ""
    minutes_checkers: str = ""


def save_meeting(actor: User, meeting: Meeting | None, draft: MeetingDraft) -> Meeting:
    """Create a meeting or change its details; refused once the minutes are approved."""
    if meeting is not None:
        rules.check_editable(meeting.status)
    body = db.session.get(Body, draft.body_id)
    if body is None:
        raise MeetingError("unknown_body")
    if draft.ends_at is not None and draft.ends_at <= draft.starts_at:
        raise MeetingError("ends_before_start")
    video_url = _text(draft.video_url, MAX_URL)
    if video_url and not re.match(r"^https://[^\s]+$", video_url):
        raise MeetingError("bad_video_url")
    place = _text(draft.place, MAX_PLACE)
    if not place and not video_url:
        raise MeetingError("place_required")
    creating = meeting is None
    if creating:
        meeting = Meeting(created_by_id=actor.id, status=MeetingStatus.PLANNED)
        db.session.add(meeting)
    meeting.body_id = body.id
    meeting.starts_at, meeting.ends_at = draft.starts_at, draft.ends_at
    meeting.title = _text(draft.title, MAX_TITLE)
    meeting.place, meeting.video_url = place, video_url
    meeting.other_attendees = _text(draft.other_attendees, MAX_TEXT)
    meeting.chair_name = _text(draft.chair_name, MAX_NAME)
    meeting.secretary_name = _text(draft.secretary_name, MAX_NAME)
    meeting.minutes_checkers = _text(draft.minutes_checkers, 300)
    db.session.flush()
    record(actor, "meeting.created" if creating else "meeting.edited", meeting, body_id=body.id,
           starts_at=draft.starts_at.isoformat())
    db.session.commit()
    return meeting


def undecided_items(meeting: Meeting) -> list[AgendaItem]:
    return [item for item in meeting.items if not item.outcome]


def move_status(actor: User, meeting: Meeting, target: str, now: datetime) -> Meeting:
    """planned -> held (the meeting took place), held -> approved (the minutes, once every item has a decision)."""
    current = meeting.status
    if current == MeetingStatus.APPROVED:
        raise MeetingError("minutes_approved")
    rules.check_status_move(current, target)
    if target == MeetingStatus.HELD and meeting.starts_at > now:
        raise MeetingError("not_started_yet")
    if target == MeetingStatus.APPROVED:
        missing = undecided_items(meeting)
        if missing:
            raise MeetingError("undecided_items", {"numbers": [i.number for i in missing]})
        if not meeting.attendance:
            raise MeetingError("attendance_missing")
        meeting.approved_at, meeting.approved_by_id = now, actor.id
    else:
        meeting.held_at = now
    meeting.status = target
    record(actor, f"meeting.{target}", meeting, from_status=current)
    db.session.commit()
    return meeting


# --- agenda items --------------------------------------------------------------------------------

def save_item(actor: User, meeting: Meeting, item: AgendaItem | None, *, number: int, title: str,
              presentation: str) -> AgendaItem:
    rules.check_editable(meeting.status)
    if not isinstance(number, int) or not 1 <= number <= MAX_ITEM_NUMBER:
        raise MeetingError("bad_number")
    title = _text(title, MAX_TITLE, "title_required")
    presentation = _text(presentation, MAX_TEXT)
    if any(other.number == number and other is not item for other in meeting.items):
        raise MeetingError("duplicate_number", {"number": number})
    creating = item is None
    if creating:
        item = AgendaItem(meeting_id=meeting.id)
        db.session.add(item)
    item.number, item.title, item.presentation = number, title, presentation
    try:
        db.session.flush()
    except IntegrityError:  # someone else took the number meanwhile: the unique constraint decides
        db.session.rollback()
        raise MeetingError("duplicate_number", {"number": number}) from None
    record(actor, "agenda_item.created" if creating else "agenda_item.edited", item, meeting_id=meeting.id,
           number=number, title=title)
    _commit("duplicate_number")
    return item


def next_item_number(meeting: Meeting) -> int:
    return max((i.number for i in meeting.items), default=0) + 1


def find_proposals(text: str, exclude: Iterable[int] = ()) -> list[Proposal]:
    """Visible proposals whose number or title matches `text` ("12", "#12" or words of the title)."""
    text = (text or "").strip()
    if not text:
        return []
    query = sa.select(Proposal).where(Proposal.hidden_at.is_(None))
    number = text.lstrip("#").strip()
    if number.isdigit() and len(number) <= 9:
        query = query.where(sa.or_(Proposal.id == int(number),
                                   Proposal.title.ilike(contains_pattern(text), escape="\\")))
    else:
        query = query.where(Proposal.title.ilike(contains_pattern(text), escape="\\"))
    excluded = list(exclude)
    if excluded:
        query = query.where(Proposal.id.not_in(excluded))
    return list(db.session.scalars(query.order_by(Proposal.id.desc()).limit(SEARCH_LIMIT)))


LINK_KINDS = ("proposal", "budget", "comment")


def linkable_comments(links: list[AgendaLink], limit: int = 30) -> list[Comment]:
    """Visible comments on the item's linked proposals not yet linked to it, newest first (one query)."""
    proposal_ids = [link.proposal_id for link in links if link.proposal_id]
    if not proposal_ids:
        return []
    linked = [link.comment_id for link in links if link.comment_id]
    query = (sa.select(Comment).where(Comment.proposal_id.in_(proposal_ids), Comment.hidden_at.is_(None))
             .options(selectinload(Comment.author), selectinload(Comment.proposal))
             .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit))
    if linked:
        query = query.where(Comment.id.not_in(linked))
    return list(db.session.scalars(query))


def add_link(actor: User, item: AgendaItem, kind: str, target_id: int) -> AgendaLink:
    """Link the item to a proposal, a budget's results or a comment; each at most once per item."""
    rules.check_editable(item.meeting.status)
    model = {"proposal": Proposal, "budget": Budget, "comment": Comment}.get(kind)
    if model is None:
        raise MeetingError("unknown_link_kind")
    target = db.session.get(model, target_id)
    if target is None or getattr(target, "hidden_at", None) is not None:
        raise MeetingError(f"unknown_{kind}")
    if kind == "comment" and target.agenda_item_id == item.id:
        raise MeetingError("comment_already_on_item")
    column = getattr(AgendaLink, f"{kind}_id")
    if db.session.scalar(sa.select(AgendaLink.id).where(AgendaLink.item_id == item.id, column == target_id)):
        raise MeetingError(f"{kind}_already_linked")
    link = AgendaLink(item_id=item.id, created_by_id=actor.id, **{f"{kind}_id": target_id})
    db.session.add(link)
    try:
        db.session.flush()
    except IntegrityError:  # a simultaneous identical link: the unique constraint refuses it
        db.session.rollback()
        raise MeetingError(f"{kind}_already_linked") from None
    record(actor, "agenda_item.linked", item, kind=kind, target_id=target_id)
    _commit(f"{kind}_already_linked")
    return link


def remove_link(actor: User, link: AgendaLink) -> None:
    """Take a link off an item that is not yet in approved minutes (the link is the board's own note)."""
    item = link.item
    rules.check_editable(item.meeting.status)
    if item.outcome:
        raise MeetingError("decided_item")
    kind = next(k for k in LINK_KINDS if getattr(link, f"{k}_id") is not None)
    record(actor, "agenda_item.unlinked", item, kind=kind, target_id=getattr(link, f"{kind}_id"))
    db.session.delete(link)
    db.session.commit()


# --- statements ------------------------------------------------------------------------------------

def statement_associations(user, item: AgendaItem, on: date) -> list[Association]:
    """The associations `user` may write a statement for on this item (those they currently represent)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ids = {r.association_id for r in user.current_representations(on)}
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Association).where(Association.id.in_(ids),
                                                                 Association.is_active.is_(True))
                                   .order_by(Association.name)))


def save_statement(author: User, item: AgendaItem, association: Association, body: str, on: date,
                   now: datetime) -> Statement:
    """A representative writes (or corrects) the association's statement on an item of a planned meeting."""
    if not can(author, Action.ACT_FOR_ASSOCIATION, association, on):
        raise MeetingError("not_representative")
    rules.check_input_open(item.meeting.status)
    body = _text(body, MAX_TEXT, "statement_required")
    statement = db.session.scalar(sa.select(Statement).where(Statement.item_id == item.id,
                                                             Statement.association_id == association.id))
    if statement is None:
        statement = Statement(item_id=item.id, association_id=association.id, author_id=author.id, body=body,
                              created_at=now)
        db.session.add(statement)
    elif statement.body != body:
        statement.body, statement.author_id, statement.edited_at = body, author.id, now
    _commit("statement_exists")
    return statement


# --- recording the meeting -------------------------------------------------------------------------

def record_attendance(actor: User, meeting: Meeting, present_ids: set[int], notes: dict[int, str]) -> None:
    """Who was there: one row per member of the body (present or absent), replacing earlier answers."""
    rules.check_recording_open(meeting.status)
    members = {m.id: m for m in meeting_members(meeting)}
    if present_ids - set(members):
        raise MeetingError("unknown_member")
    for note in notes.values():
        _text(note, MAX_NOTE)
    rows = {a.member_id: a for a in meeting.attendance}
    for member_id in members:
        row = rows.get(member_id)
        if row is None:
            row = Attendance(meeting_id=meeting.id, member_id=member_id)
            db.session.add(row)
        row.present = member_id in present_ids
        row.note = (notes.get(member_id) or "").strip()
    record(actor, "meeting.attendance_recorded", meeting, present=sorted(present_ids))
    _commit("attendance_conflict")


def record_decision(actor: User, item: AgendaItem, *, outcome: str, text: str,
                    votes: dict[int, str] | None, now: datetime) -> AgendaItem:
    """The item's decision and outcome, and the roll call if one was taken (member id -> choice)."""
    meeting = item.meeting
    rules.check_recording_open(meeting.status)
    if outcome not in set(Outcome):
        raise MeetingError("unknown_outcome")
    text = _text(text, MAX_TEXT, "decision_required")
    votes = votes or {}
    if votes:
        present = {a.member_id for a in meeting.attendance if a.present}
        if not present:
            raise MeetingError("attendance_missing")
        if set(votes) - present:
            raise MeetingError("voter_not_present")
        rules.count_roll_call(votes.values())
    previous = item.outcome
    item.outcome, item.decision_text, item.decided_at, item.decided_by_id = outcome, text, now, actor.id
    existing = {v.member_id: v for v in item.votes}
    for member_id, vote in existing.items():
        if member_id not in votes:
            db.session.delete(vote)
    for member_id, choice in votes.items():
        row = existing.get(member_id)
        if row is None:
            db.session.add(RollCallVote(item_id=item.id, member_id=member_id, choice=choice))
        else:
            row.choice = choice
    record(actor, "agenda_item.decided" if previous is None else "agenda_item.decision_edited", item,
           outcome=outcome, previous=previous, roll_call={str(k): v for k, v in sorted(votes.items())} or None)
    _commit("vote_conflict")
    return item


@dataclass(frozen=True)
class ProposalOffer:
    """A linked proposal the decision can move: where it is, where the decision would take it, and how."""

    proposal: Proposal
    target: str | None  # None: the outcome moves no proposal
    path: list[str] | None  # None: the state machine allows no way there
    done: bool  # the proposal was already moved by this decision


def proposal_offers(item: AgendaItem, links: Iterable[AgendaLink]) -> list[ProposalOffer]:
    """For a decided item, what it offers each linked proposal (the board member confirms one by one)."""
    from app.proposals.models import ProposalStateChange

    target = rules.proposal_target(item.outcome)
    proposals = [link.proposal for link in links if link.proposal_id is not None]
    moved = set(db.session.scalars(sa.select(ProposalStateChange.proposal_id).where(
        ProposalStateChange.agenda_item_id == item.id))) if proposals else set()
    offers = []
    for proposal in proposals:
        path = rules.proposal_path(proposal.state, target) if target else None
        offers.append(ProposalOffer(proposal, target, [str(s) for s in path] if path is not None else None,
                                    proposal.id in moved))
    return offers


def apply_decision(actor: User, item: AgendaItem, proposal: Proposal, now: datetime):
    """Move a linked proposal to the state the decision gives it, through the proposal state machine, with
    the decision as its official answer. Returns the state changes made."""
    from app.proposals import services as proposal_services

    if item.meeting.status not in (MeetingStatus.HELD, MeetingStatus.APPROVED) or not item.outcome:
        raise MeetingError("not_decided")
    if not any(link.proposal_id == proposal.id for link in item.links):
        raise MeetingError("proposal_not_linked")
    target = rules.proposal_target(item.outcome)
    if target is None:
        raise MeetingError("outcome_moves_nothing")
    path = rules.proposal_path(proposal.state, target)
    if not path:
        raise MeetingError("proposal_cannot_move" if path is None else "proposal_already_there")
    answer = decision_answer(item)
    return proposal_services.decide(actor, proposal, [str(s) for s in path], answer, item.id, now)


def decision_answer(item: AgendaItem) -> str:
    """The official answer a decision gives a proposal: the reference, then the decision text."""
    from app.timeutil import local_date

    meeting = item.meeting
    day = local_date(meeting.starts_at)
    reference = f"{meeting.body.name} {day.day}.{day.month}.{day.year} § {item.number}"
    return f"{reference}\n\n{item.decision_text}"


def add_amendment(actor: User, meeting: Meeting, item: AgendaItem | None, text: str, reason: str,
                  now: datetime) -> Amendment:
    """A correction to approved minutes, kept beside them."""
    if meeting.status != MeetingStatus.APPROVED:
        raise MeetingError("amend_only_approved")
    if item is not None and item.meeting_id != meeting.id:
        raise MeetingError("unknown_item")
    amendment = Amendment(meeting_id=meeting.id, item_id=item.id if item else None,
                          text=_text(text, MAX_TEXT, "amendment_required"),
                          reason=_text(reason, MAX_TEXT, "reason_required"), created_by_id=actor.id, created_at=now)
    db.session.add(amendment)
    db.session.flush()
    record(actor, "meeting.amended", meeting, amendment_id=amendment.id, item_id=amendment.item_id)
    db.session.commit()
    return amendment


def roll_call_counts(votes: Iterable[RollCallVote]) -> rules.RollCallCount | None:
    votes = list(votes)
    return rules.count_roll_call(v.choice for v in votes) if votes else None



def hide_statement(actor: User, statement: Statement, reason: str, now: datetime) -> Statement:
    """A moderator hides a statement from the public with a reason (it is kept; its author still sees it)."""
    reason = _text(reason, 2_000, "reason_required")
    if statement.hidden_at is not None:
        raise MeetingError("already_hidden")
    statement.hidden_at, statement.hidden_reason, statement.hidden_by_id = now, reason, actor.id
    record(actor, "statement.hidden", statement, reason=reason, association_id=statement.association_id,
           author_id=statement.author_id)
    db.session.commit()
    return statement


def unhide_statement(actor: User, statement: Statement) -> Statement:
    if statement.hidden_at is None:
        raise MeetingError("not_hidden")
    record(actor, "statement.unhidden", statement, previous_reason=statement.hidden_reason)
    statement.hidden_at, statement.hidden_reason, statement.hidden_by_id = None, "", None
    db.session.commit()
    return statement
