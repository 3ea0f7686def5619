"""iCalendar (RFC 5545) feeds: the meetings feed and the events feeds build their calendars here.

Every VEVENT gets a UID that stays the same on every fetch (`<kind>-<id>@<host>`), so a subscribed
calendar updates an entry instead of adding a duplicate; DTSTAMP is when the entry last changed.
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import Response, request
from icalendar import Calendar, Event

PRODID = "-//Kyläraati//Iitti//FI"


@dataclass(frozen=True)
class FeedEntry:
    """One VEVENT. Datetimes are stored naive UTC; an all-day entry gives local dates (end exclusive)."""

    uid: str
    stamp: datetime
    starts: datetime | date
    ends: datetime | date
    summary: str
    location: str = ""
    url: str = ""
    description: str = ""
    status: str = "CONFIRMED"  # or CANCELLED, TENTATIVE


def feed_host() -> str:
    """The host part of the UIDs: the site's host name without the port."""
    return request.host.split(":")[0] or "kylaraati"


def _utc(value: datetime | date) -> datetime | date:
    return value.replace(tzinfo=timezone.utc) if isinstance(value, datetime) else value


def build_calendar(name: str, entries: list[FeedEntry]) -> bytes:
    """A VCALENDAR with VERSION, PRODID and a name, and one VEVENT per entry."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for entry in entries:
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", _utc(entry.stamp))
        event.add("dtstart", _utc(entry.starts))
        event.add("dtend", _utc(entry.ends))
        event.add("summary", entry.summary)
        if entry.location:
            event.add("location", entry.location)
        if entry.url:
            event.add("url", entry.url)
        if entry.description:
            event.add("description", entry.description)
        event.add("status", entry.status)
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(name: str, entries: list[FeedEntry], filename: str) -> Response:
    """The feed as a text/calendar response a calendar application can subscribe to."""
    return Response(build_calendar(name, entries), mimetype="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f"inline; filename={filename}"})
