"""Role changes by coordinators."""
import sqlalchemy as sa

from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.sql import contains_pattern
from app.timeutil import utcnow

ROLE_FLAGS = {"board_member": "is_board_member", "coordinator": "is_coordinator"}


class AdminError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def user_query(text: str = "", role: str = "") -> sa.Select:
    """People by name or email, optionally only those with a role, by name."""
    query = sa.select(User).where(User.erased_at.is_(None)).order_by(User.display_name, User.id)
    if text:
        pattern = contains_pattern(text)
        query = query.where(sa.or_(User.display_name.ilike(pattern, escape="\\"),
                                   User.email.ilike(pattern, escape="\\")))
    if role in ROLE_FLAGS:
        query = query.where(getattr(User, ROLE_FLAGS[role]).is_(True))
    return query


def set_role(actor: User, user: User, role: str, granted: bool) -> None:
    """Grant or remove the board-member or coordinator role; audited."""
    if role not in ROLE_FLAGS:
        raise AdminError("unknown_role")
    if user.is_erased:
        raise AdminError("user_erased")
    if role == "coordinator" and not granted and user.id == actor.id:
        # Otherwise the last coordinator could lock everyone out of the tools.
        raise AdminError("cannot_remove_own_coordinator")
    flag = ROLE_FLAGS[role]
    if getattr(user, flag) == granted:
        return
    setattr(user, flag, granted)
    record(actor, "role.granted" if granted else "role.removed", user, role=role)
    db.session.commit()


def block_user(actor: User, user: User, reason: str) -> None:
    """Block an account: it is signed out at once and cannot sign in; what it wrote stays. Audited."""
    reason = (reason or "").strip()
    if user.is_erased:
        raise AdminError("user_erased")
    if user.id == actor.id:
        raise AdminError("cannot_block_self")
    if user.is_coordinator:
        raise AdminError("cannot_block_coordinator")
    if user.blocked_at is not None:
        raise AdminError("already_blocked")
    if not reason:
        raise AdminError("reason_required")
    user.blocked_at = utcnow()
    user.blocked_reason = reason
    # A new session version: sessions from before the block stay dead after an unblock.
    user.session_version = (user.session_version or 0) + 1
    record(actor, "user.blocked", user, reason=reason)
    db.session.commit()


def unblock_user(actor: User, user: User) -> None:
    """Let a blocked account sign in again; audited with the reason it was blocked for."""
    if user.blocked_at is None:
        raise AdminError("not_blocked")
    record(actor, "user.unblocked", user, previous_reason=user.blocked_reason, blocked_at=user.blocked_at)
    user.blocked_at = None
    user.blocked_reason = ""
    db.session.commit()
