"""Time helpers: the database stores naive UTC; the UI shows Europe/Helsinki."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def utcnow() -> datetime:
    """Now in UTC, naive, as stored in the database columns."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def today() -> date:
    """Today's date in Iitti (mandates start and end by local day)."""
    return datetime.now(HELSINKI).date()
