"""What the comment and moderation use cases' refusal codes say to people, translated."""
import math

from flask_babel import gettext as _
from flask_babel import ngettext

from app.comments.rules import EDIT_WINDOW, MAX_BODY_LENGTH, MAX_REASON_LENGTH
from app.i18n import format_moment


def _throttled(detail) -> str:
    minutes = max(1, math.ceil(detail.retry_after / 60))
    return ngettext("You have written many comments in a short time. To keep the discussion free of spam, "
                    "please wait %(num)d minute before writing the next one.",
                    "You have written many comments in a short time. To keep the discussion free of spam, "
                    "please wait %(num)d minutes before writing the next one.", minutes)


MESSAGES = {
    # why commenting is not possible now
    "sign_in": lambda d: _("Sign in to comment or to report a comment."),
    "proposal_hidden": lambda d: _("A moderator has hidden this proposal, so it cannot be commented on."),
    "not_started": lambda d: _("The consultation has not started yet. Commenting opens on %(moment)s.",
                               moment=format_moment(d)),
    "closed": lambda d: _("The consultation has ended, so no new comments can be written. "
                          "The discussion stays here for everyone to read."),
    "phase_closed": lambda d: _("Commenting is not open at the moment: the consultation is between two phases."),
    "meeting_not_planned": lambda d: _("Comments on an agenda item close when the meeting is held. "
                                       "The discussion stays here for everyone to read."),
    # comments
    "reply_to_reply": lambda d: _("You can only reply to a main comment, not to a reply. "
                                  "Reply to the comment the conversation started from instead."),
    "comment_hidden": lambda d: _("A moderator has hidden this comment, so it can no longer be replied to, "
                                  "edited or reported."),
    "not_author": lambda d: _("You can edit only your own comments."),
    "edit_window_closed": lambda d: ngettext(
        "A comment can be edited for %(num)d minute after it was written; this one can no longer be edited.",
        "A comment can be edited for %(num)d minutes after it was written; this one can no longer be edited.",
        int(EDIT_WINDOW.total_seconds() // 60)),
    "throttled": _throttled,
    "empty": lambda d: _("Write something first: the text is empty."),
    "too_long": lambda d: _("A comment can be at most %(max)d characters long.", max=MAX_BODY_LENGTH),
    "unknown_stance": lambda d: _("Choose for, against, neutral or no stance."),
    "stance_on_reply": lambda d: _("A stance is given in a main comment, not in a reply."),
    "wrong_proposal": lambda d: _("That comment belongs to another proposal."),
    "wrong_agenda_item": lambda d: _("That comment belongs to another agenda item."),
    # reports
    "already_reported": lambda d: _("You have already reported this. The coordinators will look at it."),
    "own_content": lambda d: _("You cannot report what you wrote yourself."),
    "already_hidden": lambda d: _("A moderator has already hidden this."),
    "reason_required": lambda d: _("Write the reason."),
    "reason_too_long": lambda d: _("The reason can be at most %(max)d characters long.", max=MAX_REASON_LENGTH),
    # moderation
    "not_hidden": lambda d: _("This is not hidden."),
    "no_open_reports": lambda d: _("There are no open reports about this."),
    # blocking accounts
    "user_erased": lambda d: _("This account has been erased."),
    "cannot_block_self": lambda d: _("You cannot block your own account."),
    "cannot_block_coordinator": lambda d: _("A coordinator cannot be blocked. Remove the coordinator role first."),
    "already_blocked": lambda d: _("This account is already blocked."),
    "not_blocked": lambda d: _("This account is not blocked."),
}


def message(code: str, detail=None) -> str:
    """The translated message for a refusal code."""
    return MESSAGES[code](detail)
