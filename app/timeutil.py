"""Time helpers: the database stores naive UTC; the UI shows Europe/Helsinki."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def utcnow() -> datetime:
    """Now in UTC, naive, as stored in the database columns."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    """Today's date in Iitti (mandates start and end by local day)."""
    return datetime.now(HELSINKI).date()


def local_midnight_utc(day: date) -> datetime:
    """The start of `day` in Iitti as naive UTC, the way phase windows are stored."""
    return datetime.combine(day, time.min, HELSINKI).astimezone(timezone.utc).replace(tzinfo=None)


def local_date(moment: datetime) -> date:
    """The day in Iitti of a stored (naive UTC) moment."""
    return moment.replace(tzinfo=timezone.utc).astimezone(HELSINKI).date()
