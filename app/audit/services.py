"""Writing and reading the audit log."""
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.extensions import db


def record(actor, action: str, obj=None, **details) -> AuditLog:
    """Add an audit row to the current transaction; the caller's commit stores both."""
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        details={k: _jsonable(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def audit_query(action: str = "", actor_id: int | None = None,
                since: date | None = None, until: date | None = None) -> sa.Select:
    """The audit log filtered, newest first."""
    query = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        query = query.where(AuditLog.action == action)
    if actor_id:
        query = query.where(AuditLog.actor_id == actor_id)
    if since:
        query = query.where(AuditLog.created_at >= datetime.combine(since, time.min))
    if until:
        query = query.where(AuditLog.created_at < datetime.combine(until + timedelta(days=1), time.min))
    return query


def known_actions() -> list[str]:
    """Every action name that occurs in the log, for the filter."""
    return list(db.session.scalars(sa.select(AuditLog.action).distinct().order_by(AuditLog.action)))
