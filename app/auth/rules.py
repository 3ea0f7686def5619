"""Who may do what: one pure function over (user, action, object, today).

Plain Python, no Flask: the routes ask through app.auth.permissions.
"""
from datetime import date
from enum import StrEnum


class Action(StrEnum):
    # any signed-in person
    EDIT_OWN_ACCOUNT = "edit_own_account"
    REQUEST_REPRESENTATION = "request_representation"
    SUBMIT_PROPOSAL = "submit_proposal"
    SUPPORT = "support"
    FOLLOW = "follow"
    COMMENT = "comment"
    REPORT = "report"
    # the author of the comment given as the object
    EDIT_OWN_COMMENT = "edit_own_comment"
    # the author of the proposal given as the object
    EDIT_OWN_PROPOSAL = "edit_own_proposal"
    # the proposal's author and coordinators (obj None: coordinators only)
    VIEW_HIDDEN_PROPOSAL = "view_hidden_proposal"
    # an approved, current representative of the association given as the object
    ACT_FOR_ASSOCIATION = "act_for_association"
    ENDORSE = "endorse"
    # board members and coordinators
    VIEW_BOARD_TOOLS = "view_board_tools"
    ANSWER_PROPOSALS = "answer_proposals"
    CHANGE_PROPOSAL_STATE = "change_proposal_state"
    MANAGE_MEETINGS = "manage_meetings"  # create meetings, agendas, record minutes and decisions
    # coordinators
    MANAGE_DIRECTORY = "manage_directory"
    REVIEW_REPRESENTATIONS = "review_representations"
    MANAGE_ROLES = "manage_roles"
    READ_AUDIT_LOG = "read_audit_log"
    READ_FEEDBACK = "read_feedback"
    MANAGE_CONSULTATIONS = "manage_consultations"
    MANAGE_BUDGETS = "manage_budgets"
    ENTER_PAPER_BALLOTS = "enter_paper_ballots"
    MODERATE = "moderate"
    BLOCK_USERS = "block_users"
    MANAGE_BODIES = "manage_bodies"  # bodies and their members
    # events (app/events): obj None asks "any association at all?" (to offer the form)
    PUBLISH_EVENT = "publish_event"  # a current representative of the organising association (obj)
    MANAGE_EVENT = "manage_event"  # representatives of the event's organiser and confirmed co-organisers
    CANCEL_EVENT = "cancel_event"  # those who manage the event, and coordinators
    ANSWER_CO_ORGANISATION = "answer_co_organisation"  # a representative of the invited association (obj)
    MODERATE_EVENTS = "moderate_events"  # coordinators: hide any event
    VOLUNTEER = "volunteer"  # anyone signed in signs up for a volunteer task


COORDINATOR_ACTIONS = {
    Action.MANAGE_DIRECTORY,
    Action.REVIEW_REPRESENTATIONS,
    Action.MANAGE_ROLES,
    Action.READ_AUDIT_LOG,
    Action.READ_FEEDBACK,
    Action.MANAGE_CONSULTATIONS,
    Action.MANAGE_BUDGETS,
    Action.ENTER_PAPER_BALLOTS,
    Action.MODERATE,
    Action.BLOCK_USERS,
    Action.MANAGE_BODIES,
    Action.MODERATE_EVENTS,
}

# Anyone signed in may do these (phases may still close them: see consultations/phases.py).
SIGNED_IN_ACTIONS = {
    Action.EDIT_OWN_ACCOUNT,
    Action.REQUEST_REPRESENTATION,
    Action.SUBMIT_PROPOSAL,
    Action.SUPPORT,
    Action.FOLLOW,
    Action.COMMENT,
    Action.REPORT,
    Action.VOLUNTEER,
}

BOARD_ACTIONS = {Action.VIEW_BOARD_TOOLS, Action.ANSWER_PROPOSALS, Action.CHANGE_PROPOSAL_STATE,
                 Action.MANAGE_MEETINGS}


def is_signed_in(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "is_active", False))


def can(user, action: Action, obj=None, on: date | None = None) -> bool:
    """True when `user` may do `action` (on `obj`, on day `on`)."""
    if not is_signed_in(user):
        return False
    if action in SIGNED_IN_ACTIONS:
        return True
    if action in COORDINATOR_ACTIONS:
        return bool(user.is_coordinator)
    if action in BOARD_ACTIONS:
        return bool(user.is_board_member or user.is_coordinator)
    if action == Action.EDIT_OWN_COMMENT:
        return obj is not None and obj.author_id == user.id
    if action == Action.EDIT_OWN_PROPOSAL:
        return obj is not None and obj.author_id == user.id
    if action == Action.VIEW_HIDDEN_PROPOSAL:
        return bool(user.is_coordinator) or (obj is not None and obj.author_id == user.id)
    if action in (Action.ACT_FOR_ASSOCIATION, Action.ENDORSE):
        if obj is None or on is None:
            return False
        return any(r.association_id == obj.id for r in user.current_representations(on))
    if action in (Action.PUBLISH_EVENT, Action.MANAGE_EVENT, Action.CANCEL_EVENT, Action.ANSWER_CO_ORGANISATION):
        return _can_for_event(user, action, obj, on)
    return False


def _can_for_event(user, action: Action, obj, on: date | None) -> bool:
    """Events are acted on by representatives: of the organiser (obj an Association when publishing), of the
    organiser or a confirmed co-organiser (obj an Event), of an invited association (obj its invitation)."""
    if on is None:
        return False
    represented = {r.association_id for r in user.current_representations(on)}
    if action == Action.CANCEL_EVENT and user.is_coordinator:
        return True
    if obj is None:
        return bool(represented)
    if action == Action.PUBLISH_EVENT:
        return obj.id in represented
    if action == Action.ANSWER_CO_ORGANISATION:
        return obj.association_id in represented
    return bool(represented & obj.managing_association_ids)


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
