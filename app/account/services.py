"""'My data': everything the platform holds about a person, as one JSON document."""
from collections.abc import Callable

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.auth.models import User
from app.extensions import db
from app.main.models import AccessibilityFeedback

# Each feature adds a function (user -> (section name, JSON-able data)) here.
DATA_SECTIONS: list[Callable[[User], tuple[str, object]]] = []


def data_section(func):
    """Register a section of the 'my data' export."""
    DATA_SECTIONS.append(func)
    return func


def _iso(value):
    return value.isoformat() if value else None


@data_section
def _account(user: User):
    return "account", {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "is_coordinator": user.is_coordinator,
        "is_board_member": user.is_board_member,
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
        "password_changed_at": _iso(user.password_changed_at),
    }


@data_section
def _representations(user: User):
    return "representations", [
        {
            "association": r.association.name,
            "role": r.role,
            "status": r.status,
            "starts_on": _iso(r.starts_on),
            "ends_on": _iso(r.ends_on),
            "requested_at": _iso(r.requested_at),
            "decided_at": _iso(r.decided_at),
            "decision_reason": r.decision_reason,
        }
        for r in user.representations
    ]


@data_section
def _feedback(user: User):
    rows = db.session.scalars(sa.select(AccessibilityFeedback).where(AccessibilityFeedback.user_id == user.id))
    return "accessibility_feedback", [
        {"created_at": _iso(f.created_at), "page_url": f.page_url, "message": f.message} for f in rows
    ]


@data_section
def _actions(user: User):
    rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.actor_id == user.id).order_by(AuditLog.id))
    return "audited_actions", [
        {"at": _iso(a.created_at), "action": a.action, "object_type": a.object_type,
         "object_id": a.object_id, "details": a.details}
        for a in rows
    ]


def export_user_data(user: User) -> dict:
    """Everything we hold about the user, section by section."""
    return dict(section(user) for section in DATA_SECTIONS)
