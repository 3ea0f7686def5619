"""Role changes by coordinators."""
import sqlalchemy as sa

from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.sql import contains_pattern

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
