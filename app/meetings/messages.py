"""Translated labels and refusal messages shared by every meeting page."""
from flask_babel import gettext as _, lazy_gettext as _l

from app.meetings.rules import BodyKind, MeetingError, MeetingStatus, MemberRole, Outcome, QuorumRule, VoteChoice

BODY_KIND_LABELS = {
    BodyKind.ADVISORY_BOARD: _l("Village affairs advisory board"),
    BodyKind.MUNICIPAL_BOARD: _l("Municipal board"),
    BodyKind.COMMITTEE: _l("Committee"),
}

MEMBER_ROLE_LABELS = {
    MemberRole.CHAIR: _l("Chair"),
    MemberRole.VICE_CHAIR: _l("Vice chair"),
    MemberRole.MEMBER: _l("Member"),
    MemberRole.DEPUTY: _l("Deputy member"),
}

QUORUM_RULE_LABELS = {
    QuorumRule.MORE_THAN_HALF: _l("More than half of the members present"),
    QuorumRule.AT_LEAST_HALF: _l("At least half of the members present"),
    QuorumRule.AT_LEAST_THIRD: _l("At least a third of the members present"),
}

STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.HELD: _l("Held, minutes not yet approved"),
    MeetingStatus.APPROVED: _l("Minutes approved"),
}

OUTCOME_LABELS = {
    Outcome.APPROVED: _l("Approved"),
    Outcome.REJECTED: _l("Rejected"),
    Outcome.TABLED: _l("Tabled"),
    Outcome.NOTED: _l("Noted"),
}

VOTE_LABELS = {
    VoteChoice.YES: _l("Yes"),
    VoteChoice.NO: _l("No"),
    VoteChoice.ABSTAIN: _l("Abstained"),
    VoteChoice.RECUSED: _l("Stepped aside (conflict of interest)"),
}

LABELS = {"body_kind_labels": BODY_KIND_LABELS, "member_role_labels": MEMBER_ROLE_LABELS,
          "quorum_rule_labels": QUORUM_RULE_LABELS, "status_labels": STATUS_LABELS,
          "outcome_labels": OUTCOME_LABELS, "vote_labels": VOTE_LABELS}

ERRORS = {
    "minutes_approved": lambda d: _("The minutes of this meeting have been approved and can no longer be changed. "
                                    "Record a correction as an amendment."),
    "not_editable": lambda d: _("This meeting can no longer be changed."),
    "input_closed": lambda d: _("Statements and comments are taken only before the meeting is held."),
    "not_held_yet": lambda d: _("Decisions, attendance and votes can be recorded only after the meeting has been "
                                "held. Mark the meeting held first."),
    "bad_status_move": lambda d: _("The meeting cannot move to that status from where it is now."),
    "unknown_quorum_rule": lambda d: _("Choose a quorum rule from the list."),
    "unknown_vote": lambda d: _("Choose yes, no, abstained or stepped aside for each member."),
    "too_long": lambda d: _("The text is too long: at most %(max)d characters.", max=d["max"]),
    "name_required": lambda d: _("Give a name."),
    "unknown_body_kind": lambda d: _("Choose the kind of body from the list."),
    "duplicate_body_name": lambda d: _("There is already a body with that name."),
    "unknown_member_role": lambda d: _("Choose a role from the list."),
    "only_deputies_stand_in": lambda d: _("Only a deputy member can be someone's personal deputy."),
    "bad_deputy_for": lambda d: _("A personal deputy stands in for a member of the same body."),
    "already_ended": lambda d: _("This membership has already ended."),
    "ends_before_start": lambda d: _("The end must be after the start."),
    "unknown_body": lambda d: _("Choose a body from the list."),
    "bad_video_url": lambda d: _("The video meeting link must be a web address starting with https://."),
    "place_required": lambda d: _("Give the place of the meeting or a video meeting link."),
    "not_started_yet": lambda d: _("The meeting has not started yet, so it cannot be marked held."),
    "undecided_items": lambda d: _("Record a decision on every item before approving the minutes. Items without "
                                   "a decision: %(numbers)s.", numbers=", ".join(f"§ {n}" for n in d["numbers"])),
    "attendance_missing": lambda d: _("Record who was present first."),
    "bad_number": lambda d: _("Give the item's number, a whole number from 1 to 9999."),
    "title_required": lambda d: _("Give a title."),
    "duplicate_number": lambda d: _("The agenda already has an item § %(number)d. Choose another number.",
                                    number=d["number"]),
    "unknown_link_kind": lambda d: _("Choose what to link."),
    "unknown_proposal": lambda d: _("No such proposal. Search for it by its title or number."),
    "unknown_budget": lambda d: _("No such participatory budget."),
    "unknown_comment": lambda d: _("No such comment."),
    "comment_already_on_item": lambda d: _("That comment was written on this item: it is already part of it."),
    "proposal_already_linked": lambda d: _("That proposal is already linked to this item."),
    "budget_already_linked": lambda d: _("That budget is already linked to this item."),
    "comment_already_linked": lambda d: _("That comment is already linked to this item."),
    "decided_item": lambda d: _("The item has a decision, so its links can no longer be removed."),
    "not_representative": lambda d: _("Only a current representative of the association can write a statement "
                                      "in its name."),
    "statement_required": lambda d: _("Write the statement."),
    "statement_exists": lambda d: _("The association's statement was saved at the same time by someone else. "
                                    "Open the item again to see it."),
    "unknown_member": lambda d: _("Choose members of the body only."),
    "attendance_conflict": lambda d: _("Someone else recorded attendance at the same time. Try again."),
    "unknown_outcome": lambda d: _("Choose the outcome from the list."),
    "decision_required": lambda d: _("Write the decision."),
    "voter_not_present": lambda d: _("Only members recorded as present can vote."),
    "vote_conflict": lambda d: _("Someone else recorded the vote at the same time. Try again."),
    "not_decided": lambda d: _("The item has no decision yet."),
    "proposal_not_linked": lambda d: _("That proposal is not linked to this item."),
    "outcome_moves_nothing": lambda d: _("Only an approving or rejecting decision changes a proposal's state."),
    "proposal_cannot_move": lambda d: _("The proposal's state does not allow this move (it may have been "
                                        "withdrawn or already decided otherwise)."),
    "proposal_already_there": lambda d: _("The proposal is already in that state."),
    "amend_only_approved": lambda d: _("Amendments are for approved minutes. Until then, edit the item itself."),
    "unknown_item": lambda d: _("No such agenda item in this meeting."),
    "amendment_required": lambda d: _("Write what the minutes should say."),
    "reason_required": lambda d: _("Give the reason."),
    "already_hidden": lambda d: _("The statement is already hidden."),
    "not_hidden": lambda d: _("The statement is not hidden."),
}


def error_message(error: MeetingError) -> str:
    """The translated message for a refusal code (a generic one for codes without their own text)."""
    text = ERRORS.get(error.code)
    return text(error.detail) if text else _("That cannot be done.")
