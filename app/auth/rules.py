"""Who may do what: one pure function over (user, action, object, today).

Plain Python, no Flask: the routes ask through app.auth.permissions.
"""
from datetime import date
from enum import StrEnum


class Action(StrEnum):
    # any signed-in person
    EDIT_OWN_ACCOUNT = "edit_own_account"
    REQUEST_REPRESENTATION = "request_representation"
    # an approved, current representative of the association given as the object
    ACT_FOR_ASSOCIATION = "act_for_association"
    # board members and coordinators
    VIEW_BOARD_TOOLS = "view_board_tools"
    # coordinators
    MANAGE_DIRECTORY = "manage_directory"
    REVIEW_REPRESENTATIONS = "review_representations"
    MANAGE_ROLES = "manage_roles"
    READ_AUDIT_LOG = "read_audit_log"
    READ_FEEDBACK = "read_feedback"


COORDINATOR_ACTIONS = {
    Action.MANAGE_DIRECTORY,
    Action.REVIEW_REPRESENTATIONS,
    Action.MANAGE_ROLES,
    Action.READ_AUDIT_LOG,
    Action.READ_FEEDBACK,
}


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


def can(user, action: Action, obj=None, on: date | None = None) -> bool:
    """True when `user` may do `action` (on `obj`, on day `on`)."""
    if not is_signed_in(user):
        return False
    if action in (Action.EDIT_OWN_ACCOUNT, Action.REQUEST_REPRESENTATION):
        return True
    if action in COORDINATOR_ACTIONS:
        return bool(user.is_coordinator)
    if action == Action.VIEW_BOARD_TOOLS:
        return bool(user.is_board_member or user.is_coordinator)
    if action == Action.ACT_FOR_ASSOCIATION:
        if obj is None or on is None:
            return False
        return any(r.association_id == obj.id for r in user.current_representations(on))
    return False


def role_names(user, on: date) -> list[str]:
    """The roles a user holds today, for display: resident, representative, board_member, coordinator."""
    if not is_signed_in(user):
        return []
    roles = ["resident"]
    if user.current_representations(on):
        roles.append("representative")
    if user.is_board_member:
        roles.append("board_member")
    if user.is_coordinator:
        roles.append("coordinator")
    return roles
