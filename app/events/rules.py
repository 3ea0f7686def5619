"""Event rules with no Flask and no database: categories, local times to stored UTC, clashes, the month grid.

Times are stored as naive UTC (as everywhere in the app); organisers enter Helsinki wall-clock days and
times. An all-day event runs from the local midnight of its first day to the local midnight after its last
day, so it overlaps every timed event on those days and nothing on the next.
"""
from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")
MEETING_DEFAULT_LENGTH = timedelta(hours=2)  # as /meetings.ics assumes for a meeting without an end


class EventCategory(StrEnum):
    VILLAGE_PARTY = "village_party"
    SPORTS = "sports"
    CULTURE = "culture"
    MARKET = "market"
    TALKOOT = "talkoot"
    MEETING = "meeting"


class EventStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class CoOrganiserStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class EventError(Exception):
    """A refusal with a code (translated in app/events/messages.py)."""

    def __init__(self, code: str, detail: dict | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail or {}


# --- time --------------------------------------------------------------------------------------

def local_to_utc(day: date, at: time) -> datetime:
    """A Helsinki wall-clock day and time as stored (naive UTC).

    A time in the spring-forward gap (03:00–03:59 on the last Sunday of March does not exist) moves forward by
    the hour that was skipped, as a clock set that morning shows it: 03:30 becomes 04:30. A time in the
    autumn's repeated hour (03:00–03:59 happens twice) is its first occurrence, still in summer time.
    """
    # fold=0 takes the offset in force before a change: in the gap that is winter time, which lands an hour
    # later once converted; in the repeated hour it is summer time, the first occurrence.
    local = datetime.combine(day, at).replace(tzinfo=HELSINKI, fold=0)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def utc_to_local(moment: datetime) -> datetime:
    """A stored naive-UTC moment as an aware Helsinki time."""
    return moment.replace(tzinfo=timezone.utc).astimezone(HELSINKI)


@dataclass(frozen=True)
class Span:
    """When an event is, as stored: naive UTC, end exclusive."""

    starts_at: datetime
    ends_at: datetime
    all_day: bool = False


def event_span(start_day: date, start_time: time | None, end_day: date | None, end_time: time | None,
               all_day: bool) -> Span:
    """The stored span of what an organiser entered; refuses an end that is not after the start.

    All-day: `end_day` is the last day (inclusive; the same as `start_day` when missing). Timed: the end
    day defaults to the start day, so an event over midnight gives the next day as its end day.
    """
    end_day = end_day or start_day
    if all_day:
        if end_day < start_day:
            raise EventError("ends_before_start")
        return Span(local_to_utc(start_day, time.min), local_to_utc(end_day + timedelta(days=1), time.min), True)
    if start_time is None:
        raise EventError("start_time_required")
    if end_time is None:
        raise EventError("end_time_required")
    span = Span(local_to_utc(start_day, start_time), local_to_utc(end_day, end_time))
    if span.ends_at <= span.starts_at:
        raise EventError("ends_before_start")
    return span


def check_not_past(span: Span, now: datetime) -> None:
    """An event cannot be published or moved to a time that has already ended."""
    if span.ends_at <= now:
        raise EventError("in_the_past")


def local_fields(span: Span) -> tuple[date, time | None, date, time | None]:
    """The form's (start day, start time, end day, end time) of a stored span (inverse of event_span)."""
    start, end = utc_to_local(span.starts_at), utc_to_local(span.ends_at)
    if span.all_day:
        return start.date(), None, (end - timedelta(days=1)).date(), None
    return start.date(), start.time().replace(tzinfo=None), end.date(), end.time().replace(tzinfo=None)


# --- clashes -----------------------------------------------------------------------------------

def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Half-open intervals overlap; one ending exactly when the other starts does not clash."""
    return a_start < b_end and b_start < a_end


@dataclass(frozen=True)
class CalendarEntry:
    """An event as clash detection sees it."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    village_id: int | None
    category: str


@dataclass(frozen=True)
class MeetingEntry:
    """A municipal meeting as clash detection sees it; a meeting without an end lasts two hours."""

    id: int
    title: str
    starts_at: datetime
    ends_at: datetime | None

    @property
    def effective_end(self) -> datetime:
        return self.ends_at or self.starts_at + MEETING_DEFAULT_LENGTH


@dataclass(frozen=True)
class Clash:
    kind: str  # "event" or "meeting"
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    reasons: tuple[str, ...] = field(default=())  # "same_village", "same_category" for events


def find_clashes(candidate: CalendarEntry, events: list[CalendarEntry], meetings: list[MeetingEntry]) -> list[Clash]:
    """Other events in the same village or of the same category, and meetings, at an overlapping time;
    soonest first."""
    clashes = []
    for other in events:
        if other.id == candidate.id or not overlaps(candidate.starts_at, candidate.ends_at,
                                                    other.starts_at, other.ends_at):
            continue
        reasons = []
        if candidate.village_id is not None and other.village_id == candidate.village_id:
            reasons.append("same_village")
        if other.category == candidate.category:
            reasons.append("same_category")
        if reasons:
            clashes.append(Clash("event", other.id, other.title, other.starts_at, other.ends_at, tuple(reasons)))
    for meeting in meetings:
        if overlaps(candidate.starts_at, candidate.ends_at, meeting.starts_at, meeting.effective_end):
            clashes.append(Clash("meeting", meeting.id, meeting.title, meeting.starts_at, meeting.effective_end))
    return sorted(clashes, key=lambda c: (c.starts_at, c.kind, c.id))


# --- volunteer tasks ---------------------------------------------------------------------------

def check_signup(capacity: int, taken: int, already_signed_up: bool) -> None:
    """Refuse a second sign-up by the same person and a sign-up to a full task."""
    if already_signed_up:
        raise EventError("already_signed_up")
    if taken >= capacity:
        raise EventError("task_full")


# --- the month grid ----------------------------------------------------------------------------

def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in Helsinki as a stored (naive UTC) half-open range."""
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return local_to_utc(first, time.min), local_to_utc(following, time.min)


def shift_month(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """The month's weeks, Monday first; days outside the month are None."""
    return [[day if day.month == month else None for day in week]
            for week in Calendar(firstweekday=0).monthdatescalendar(year, month)]


def days_of(starts_at: datetime, ends_at: datetime) -> list[date]:
    """The Helsinki days a stored span touches (an event ending at midnight does not touch the next day)."""
    first = utc_to_local(starts_at).date()
    last = utc_to_local(ends_at - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
