"""Event use cases: drafts, clashes, publishing, co-organisers, cancelling and hiding, volunteer tasks and
sign-ups, the calendar's queries and feeds.

One use case per function, one commit each; a refusal raises EventError with a code (translated in
app/events/messages.py) and leaves nothing changed. Coordinator actions are audited in the same transaction.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload, undefer

from app.audit.services import record
from app.auth.models import User
from app.auth.rules import Action, can
from app.directory.models import Association, Village
from app.events import images, rules
from app.events.models import (
    Event,
    EventCoOrganiser,
    EventImage,
    TaskSignup,
    VolunteerTask,
)
from app.events.rules import (
    CalendarEntry,
    CoOrganiserStatus,
    EventCategory,
    EventError,
    EventStatus,
    MeetingEntry,
    Span,
)
from app.extensions import db
from app.timeutil import today

MAX_TITLE = 200
MAX_PLACE = 200
MAX_TEXT = 20_000
MAX_CAPACITY = 500
MAX_PRICE = Decimal("100000")
FEED_LIMIT = 1000


# --- reading -----------------------------------------------------------------------------------

def _with_relations(query: sa.Select) -> sa.Select:
    return query.options(selectinload(Event.organiser), selectinload(Event.village),
                         selectinload(Event.co_organisers).selectinload(EventCoOrganiser.association))


def get_event(event_id: int) -> Event | None:
    """An event with its organisers, tasks and their sign-ups (and the volunteers) loaded."""
    return db.session.scalars(
        _with_relations(sa.select(Event).where(Event.id == event_id))
        .options(selectinload(Event.tasks).selectinload(VolunteerTask.signups).selectinload(TaskSignup.user))
    ).one_or_none()


@dataclass(frozen=True)
class Filters:
    village_id: int | None = None
    association_id: int | None = None
    category: str | None = None


def _public(query: sa.Select, filters: Filters) -> sa.Select:
    """Published and cancelled events (cancelled ones show as such), not hidden, filtered."""
    query = query.where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]), Event.hidden_at.is_(None))
    if filters.village_id:
        query = query.where(Event.village_id == filters.village_id)
    if filters.association_id:
        co_organised = sa.select(EventCoOrganiser.event_id).where(
            EventCoOrganiser.association_id == filters.association_id,
            EventCoOrganiser.status == CoOrganiserStatus.CONFIRMED)
        query = query.where(sa.or_(Event.organiser_id == filters.association_id, Event.id.in_(co_organised)))
    if filters.category:
        query = query.where(Event.category == filters.category)
    return query


def public_events_query(filters: Filters) -> sa.Select:
    """Every public event (published or cancelled, not hidden), filtered, organisers and village loaded;
    unordered (the open-data API pages it by id)."""
    return _with_relations(_public(sa.select(Event), filters))


def upcoming_query(filters: Filters, now: datetime) -> sa.Select:
    """Events not yet over, soonest first (for the paginated list)."""
    return _with_relations(_public(sa.select(Event), filters).where(Event.ends_at > now)
                           .order_by(Event.starts_at, Event.id))


def events_between(start: datetime, end: datetime, filters: Filters) -> list[Event]:
    """Every public event overlapping [start, end), in a fixed number of queries."""
    return list(db.session.scalars(_with_relations(
        _public(sa.select(Event), filters).where(Event.starts_at < end, Event.ends_at > start)
        .order_by(Event.starts_at, Event.id))))


def coming_events(now: datetime, limit: int = 5, filters: Filters | None = None) -> list[Event]:
    """The next few events (of a village or an association) for the front page and the directory pages;
    cancelled ones left out."""
    return list(db.session.scalars(
        upcoming_query(filters or Filters(), now).where(Event.status == EventStatus.PUBLISHED).limit(limit)))


def feed_events(filters: Filters) -> list[Event]:
    """The events a feed publishes, cancelled ones too (STATUS:CANCELLED), latest `FEED_LIMIT` by start."""
    return list(db.session.scalars(_with_relations(
        _public(sa.select(Event), filters).order_by(Event.starts_at.desc(), Event.id.desc()).limit(FEED_LIMIT))))


def drafts_of(user: User, on: date) -> list[Event]:
    """Unpublished drafts of the associations the person represents, for the calendar page."""
    ids = [r.association_id for r in user.current_representations(on)]
    if not ids:
        return []
    return list(db.session.scalars(_with_relations(
        sa.select(Event).where(Event.status == EventStatus.DRAFT, Event.organiser_id.in_(ids))
        .order_by(Event.starts_at))))


def pending_invitations(user: User, on: date) -> list[EventCoOrganiser]:
    """Co-organisation invitations waiting for an answer from an association the person represents."""
    ids = [r.association_id for r in user.current_representations(on)]
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(EventCoOrganiser).where(EventCoOrganiser.association_id.in_(ids),
                                          EventCoOrganiser.status == CoOrganiserStatus.PENDING)
        .join(Event).where(Event.status != EventStatus.CANCELLED)
        .options(selectinload(EventCoOrganiser.event), selectinload(EventCoOrganiser.association))
        .order_by(Event.starts_at)))


def all_villages() -> list[Village]:
    return list(db.session.scalars(sa.select(Village).order_by(Village.name)))


def active_associations() -> list[Association]:
    return list(db.session.scalars(sa.select(Association).where(Association.is_active.is_(True))
                                   .order_by(Association.name)))


# --- clashes -----------------------------------------------------------------------------------

def _entry(event: Event) -> CalendarEntry:
    return CalendarEntry(event.id or 0, event.title, event.starts_at, event.ends_at, event.village_id, event.category)


def clashes_for(event: Event) -> list[rules.Clash]:
    """Other published events in the same village or of the same category, and municipal meetings, at an
    overlapping time (two queries)."""
    from app.meetings.models import Meeting

    others = db.session.scalars(
        sa.select(Event).where(Event.status == EventStatus.PUBLISHED, Event.hidden_at.is_(None),
                               Event.id != (event.id or 0), Event.starts_at < event.ends_at,
                               Event.ends_at > event.starts_at,
                               sa.or_(Event.village_id == event.village_id, Event.category == event.category)))
    # A meeting without an end lasts two hours: fetch those that start up to that much before the event.
    meetings = db.session.scalars(
        sa.select(Meeting).options(selectinload(Meeting.body)).where(
            Meeting.starts_at < event.ends_at,
            sa.or_(Meeting.ends_at > event.starts_at,
                   sa.and_(Meeting.ends_at.is_(None),
                           Meeting.starts_at > event.starts_at - rules.MEETING_DEFAULT_LENGTH))))
    return rules.find_clashes(
        _entry(event), [_entry(o) for o in others],
        [MeetingEntry(m.id, " – ".join(p for p in (m.body.name, m.title) if p), m.starts_at, m.ends_at)
         for m in meetings])


# --- drafts and publishing -----------------------------------------------------------------------

@dataclass
class EventDraft:
    """What the organiser's form gives."""

    organiser_id: int
    title: str
    span: Span
    category: str
    village_id: int | None = None
    place: str = ""
    description: str = ""
    price: Decimal | None = None
    accessibility: str = ""
    co_organiser_ids: list[int] = field(default_factory=list)


def _text(value: str | None, maximum: int, required_code: str | None = None) -> str:
    value = (value or "").strip()
    if required_code and not value:
        raise EventError(required_code)
    if len(value) > maximum:
        raise EventError("too_long", {"max": maximum})
    return value


def _check_draft(draft: EventDraft, now: datetime) -> None:
    _text(draft.title, MAX_TITLE, "title_required")
    _text(draft.place, MAX_PLACE, "place_required")
    _text(draft.description, MAX_TEXT)
    _text(draft.accessibility, MAX_TEXT)
    if draft.category not in set(EventCategory):
        raise EventError("unknown_category")
    if draft.price is not None and not (Decimal(0) <= draft.price < MAX_PRICE):
        raise EventError("bad_price")
    if draft.village_id is not None and db.session.get(Village, draft.village_id) is None:
        raise EventError("unknown_village")
    rules.check_not_past(draft.span, now)
    known = set(db.session.scalars(sa.select(Association.id).where(Association.id.in_(draft.co_organiser_ids),
                                                                   Association.is_active.is_(True))))
    if set(draft.co_organiser_ids) - known:
        raise EventError("unknown_association")
    if draft.organiser_id in draft.co_organiser_ids:
        raise EventError("organiser_as_co_organiser")


def save_event(user: User, event: Event | None, draft: EventDraft, now: datetime) -> Event:
    """Create a draft, or change an event; a published event whose time changed tells its volunteers."""
    _check_draft(draft, now)
    moved = event is not None and event.status == EventStatus.PUBLISHED and (
        event.starts_at != draft.span.starts_at or event.ends_at != draft.span.ends_at)
    if event is None:
        event = Event(organiser_id=draft.organiser_id, created_by_id=user.id, created_at=now,
                      status=EventStatus.DRAFT)
        db.session.add(event)
    elif event.status == EventStatus.CANCELLED:
        raise EventError("cancelled")
    event.title = draft.title.strip()
    event.description = draft.description.strip()
    event.place = draft.place.strip()
    event.village_id = draft.village_id
    event.category = draft.category
    event.starts_at, event.ends_at, event.all_day = draft.span.starts_at, draft.span.ends_at, draft.span.all_day
    event.price = draft.price
    event.accessibility = draft.accessibility.strip()
    event.updated_at = now
    invited = {c.association_id: c for c in event.co_organisers}
    for association_id in draft.co_organiser_ids:
        invitation = invited.get(association_id)
        if invitation is None:
            event.co_organisers.append(EventCoOrganiser(association_id=association_id, invited_by_id=user.id,
                                                        invited_at=now))
        elif invitation.status == CoOrganiserStatus.DECLINED:
            invitation.status, invitation.answered_at, invitation.answered_by_id = CoOrganiserStatus.PENDING, None, None
    for association_id, invitation in invited.items():
        # Withdrawn invitations are kept, marked declined; a confirmed co-organiser stays.
        if association_id not in draft.co_organiser_ids and invitation.status == CoOrganiserStatus.PENDING:
            invitation.status, invitation.answered_at, invitation.answered_by_id = \
                CoOrganiserStatus.DECLINED, now, user.id
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("conflict") from None
    if moved:
        _tell_volunteers(event, event.tasks, "moved")
    return event


def publish(user: User, event: Event, now: datetime) -> None:
    """Put a draft into the calendar (clashes were shown; they do not stop it)."""
    if event.status != EventStatus.DRAFT:
        raise EventError("not_a_draft")
    rules.check_not_past(Span(event.starts_at, event.ends_at, event.all_day), now)
    event.status = EventStatus.PUBLISHED
    event.published_at = event.updated_at = now
    db.session.commit()


def cancel(user: User, event: Event, reason: str, now: datetime) -> None:
    """Mark the event cancelled (kept in the calendar and feeds as cancelled) and tell its volunteers."""
    if event.status == EventStatus.CANCELLED:
        raise EventError("already_cancelled")
    reason = _text(reason, MAX_TEXT)
    was_published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.cancelled_at = event.updated_at = now
    event.cancelled_by_id = user.id
    event.cancel_reason = reason
    if not can(user, Action.MANAGE_EVENT, event, today()):  # a coordinator's intervention
        record(user, "event.cancel", event, title=event.title, reason=reason)
    db.session.commit()
    if was_published:
        _tell_volunteers(event, event.tasks, "cancelled")


def hide(user: User, event: Event, reason: str, now: datetime) -> None:
    """A coordinator takes the event out of the calendar and feeds, with a reason; nothing is deleted."""
    if event.hidden_at is not None:
        raise EventError("already_hidden")
    event.hidden_reason = _text(reason, MAX_TEXT, "reason_required")
    event.hidden_at, event.hidden_by_id = now, user.id
    record(user, "event.hide", event, title=event.title, reason=event.hidden_reason)
    db.session.commit()


def unhide(user: User, event: Event) -> None:
    if event.hidden_at is None:
        raise EventError("not_hidden")
    event.hidden_at, event.hidden_by_id, event.hidden_reason = None, None, ""
    record(user, "event.unhide", event, title=event.title)
    db.session.commit()


def answer_invitation(user: User, invitation: EventCoOrganiser, accept: bool, now: datetime) -> None:
    """The invited association's representative confirms (or declines) co-organising."""
    if invitation.status != CoOrganiserStatus.PENDING:
        raise EventError("already_answered")
    if invitation.event.status == EventStatus.CANCELLED:
        raise EventError("cancelled")
    invitation.status = CoOrganiserStatus.CONFIRMED if accept else CoOrganiserStatus.DECLINED
    invitation.answered_at, invitation.answered_by_id = now, user.id
    db.session.commit()


# --- volunteer tasks -----------------------------------------------------------------------------

@dataclass
class TaskDraft:
    title: str
    capacity: int
    description: str = ""
    starts_at: datetime | None = None
    ends_at: datetime | None = None


def save_task(user: User, event: Event, task: VolunteerTask | None, draft: TaskDraft, now: datetime) -> VolunteerTask:
    """Add a task or change one; people signed up for a changed task are told."""
    if event.status == EventStatus.CANCELLED:
        raise EventError("cancelled")
    title = _text(draft.title, MAX_TITLE, "title_required")
    description = _text(draft.description, MAX_TEXT)
    if not 1 <= draft.capacity <= MAX_CAPACITY:
        raise EventError("bad_capacity", {"max": MAX_CAPACITY})
    if draft.starts_at and draft.ends_at and draft.ends_at <= draft.starts_at:
        raise EventError("ends_before_start")
    if task is not None and draft.capacity < len(task.active_signups):
        raise EventError("capacity_below_signups", {"count": len(task.active_signups)})
    changed = task is not None and (task.title, task.starts_at, task.ends_at, task.description) != (
        title, draft.starts_at, draft.ends_at, description)
    if task is None:
        task = VolunteerTask(event=event, created_at=now)
        db.session.add(task)
    task.title, task.description, task.capacity = title, description, draft.capacity
    task.starts_at, task.ends_at, task.updated_at = draft.starts_at, draft.ends_at, now
    db.session.commit()
    if changed and event.status == EventStatus.PUBLISHED:
        _tell_volunteers(event, [task], "changed")
    return task


def _lock_task(task_id: int) -> VolunteerTask | None:
    """Start a transaction holding the task's lock, so two sign-ups for the last place run one after the other.

    SQLite: BEGIN IMMEDIATE takes the database's write lock before anything is read. PostgreSQL: SELECT ...
    FOR UPDATE locks the task row until commit.
    """
    db.session.rollback()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
    return db.session.scalars(sa.select(VolunteerTask).where(VolunteerTask.id == task_id).with_for_update()
                              .execution_options(populate_existing=True)).one_or_none()


def sign_up(user: User, task_id: int, now: datetime) -> TaskSignup:
    """Sign up for a task: refused when already signed up or the task is full; all under the task's lock."""
    try:
        task = _lock_task(task_id)
        if task is None:
            raise EventError("unknown_task")
        event = db.session.get(Event, task.event_id)
        if event.status != EventStatus.PUBLISHED or event.hidden_at is not None:
            raise EventError("signups_closed")
        if event.ends_at <= now:
            raise EventError("event_over")
        active = list(db.session.scalars(sa.select(TaskSignup.user_id).where(TaskSignup.task_id == task.id,
                                                                             TaskSignup.cancelled_at.is_(None))))
        rules.check_signup(task.capacity, len(active), user.id in active)
        signup = TaskSignup(task_id=task.id, user_id=user.id, created_at=now)
        db.session.add(signup)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("already_signed_up") from None
    except BaseException:
        db.session.rollback()
        raise
    return signup


def cancel_signup(user: User, task: VolunteerTask, now: datetime) -> None:
    """Take back one's sign-up: the row stays, with the time it was cancelled."""
    signup = db.session.scalars(sa.select(TaskSignup).where(TaskSignup.task_id == task.id,
                                                            TaskSignup.user_id == user.id,
                                                            TaskSignup.cancelled_at.is_(None))).first()
    if signup is None:
        raise EventError("not_signed_up")
    signup.cancelled_at = now
    db.session.commit()


def volunteers_of(event: Event) -> list[User]:
    """Everyone with an active sign-up for any of the event's tasks, once each."""
    seen: dict[int, User] = {}
    for task in event.tasks:
        for signup in task.active_signups:
            seen.setdefault(signup.user_id, signup.user)
    return [u for u in seen.values() if not u.is_erased]


def email_volunteers(user: User, event: Event, subject: str, message: str, event_url: str) -> int:
    """Email everyone signed up for the event's tasks (through app.notify, in each person's language)."""
    from app.notify import email_user

    subject = _text(subject, MAX_TITLE, "subject_required")
    message = _text(message, MAX_TEXT, "message_required")
    people = volunteers_of(event)
    if not people:
        raise EventError("no_volunteers")
    for person in people:
        email_user(person, "events/email_volunteers.txt", lambda: subject, event=event, message=message,
                   sender=user, event_url=event_url)
    return len(people)


def _tell_volunteers(event: Event, tasks: Iterable[VolunteerTask], change: str) -> None:
    """Notify the people signed up for `tasks` that their task was changed, or the event moved or cancelled."""
    from flask import url_for

    from app.notifications.services import notify

    url = url_for("events.detail", event_id=event.id)
    for task in tasks:
        people = [s.user_id for s in task.active_signups]
        if people:
            notify(people, "volunteer_task_changed", url=url,
                   params={"event": event.title, "task": task.title, "change": change})


# --- the picture ---------------------------------------------------------------------------------

def current_image(event: Event) -> EventImage | None:
    """The event's picture (without its bytes), or None."""
    return db.session.scalars(sa.select(EventImage).where(EventImage.event_id == event.id,
                                                          EventImage.removed_at.is_(None))).first()


def image_with_data(event: Event, image_id: int) -> EventImage | None:
    """A current picture of the event with its bytes, for serving."""
    return db.session.scalars(sa.select(EventImage).options(undefer(EventImage.data)).where(
        EventImage.id == image_id, EventImage.event_id == event.id, EventImage.removed_at.is_(None))).first()


def set_image(user: User, event: Event, raw: bytes, alt: str, now: datetime) -> EventImage:
    """Check, re-encode and store the event's picture; an earlier one is kept, marked removed."""
    alt = images.check_alt_text(alt)
    prepared = images.prepare_image(raw)
    if event.status == EventStatus.CANCELLED:
        raise EventError("cancelled")
    previous = current_image(event)
    if previous is not None:
        previous.removed_at, previous.removed_by_id = now, user.id
        db.session.flush()  # the old one stops being current before the new one is
    image = EventImage(event_id=event.id, data=prepared.data, content_type=prepared.content_type,
                       width=prepared.width, height=prepared.height, byte_size=len(prepared.data), alt_text=alt,
                       created_at=now, created_by_id=user.id)
    db.session.add(image)
    event.updated_at = now
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EventError("conflict") from None
    return image


def remove_image(user: User, event: Event, now: datetime) -> None:
    """Take the picture off the event (the row stays, marked removed)."""
    image = current_image(event)
    if image is None:
        raise EventError("no_image")
    image.removed_at, image.removed_by_id = now, user.id
    event.updated_at = now
    db.session.commit()
