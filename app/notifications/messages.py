"""The texts of notifications, rendered from their kind and params in the current language, and the labels
and refusal messages of the notification pages."""
from flask_babel import gettext as _, lazy_gettext as _l

from app.notifications.rules import Frequency, Kind

KIND_LABELS = {
    Kind.PROPOSAL_ANSWERED: _l("An official answer to a proposal I wrote or follow"),
    Kind.PROPOSAL_STATE_CHANGED: _l("A decision or state change of a proposal I wrote or follow"),
    Kind.COMMENT_REPLY: _l("A reply to my comment"),
    Kind.NEW_PROPOSAL: _l("A new proposal in a consultation I follow"),
    Kind.VOTE_OPENED: _l("A budget vote I can take part in opens"),
    Kind.VOTE_CLOSED: _l("A budget vote I could take part in closes"),
    Kind.REPRESENTATION_DECIDED: _l("A decision on my request to represent an association"),
    Kind.VOLUNTEER_TASK_CHANGED: _l("A change to a volunteer task I signed up for"),
}

FREQUENCY_LABELS = {
    Frequency.IMMEDIATE: _l("Right away, one email per notification"),
    Frequency.DAILY: _l("A daily digest"),
    Frequency.WEEKLY: _l("A weekly digest"),
}

ERRORS = {
    "not_found": lambda: _("That notification was not found."),
    "bad_token": lambda: _("This unsubscribe link is not valid. Sign in and change your email choices on the "
                           "notification settings page."),
}


class _Params(dict):
    """Params with a placeholder for anything missing, so an old notification never breaks a page."""

    def __missing__(self, key):
        return "…"


def _state_label(state: str, lower: bool = True) -> str:
    from app.proposals.forms import STATE_LABELS

    for key, label in STATE_LABELS.items():
        if key == state:
            return str(label).lower() if lower else str(label)
    return state


def notification_text(kind: str, params: dict | None) -> str:
    """The one-line text of a notification in the current language."""
    p = _Params(params or {})
    if kind == Kind.PROPOSAL_ANSWERED:
        return _("The proposal “%(proposal)s” has received an official answer.", proposal=p["proposal"])
    if kind == Kind.PROPOSAL_STATE_CHANGED:
        if p.get("from_state"):
            return _("The proposal “%(title)s” has moved from “%(old)s” to “%(new)s”.", title=p["proposal"],
                     old=_state_label(p["from_state"], lower=False), new=_state_label(p["state"], lower=False))
        return _("The proposal “%(proposal)s” is now %(state)s.", proposal=p["proposal"],
                 state=_state_label(p["state"]))
    if kind == Kind.COMMENT_REPLY:
        return _("%(person)s replied to your comment on “%(target)s”.", person=p["person"], target=p["target"])
    if kind == Kind.NEW_PROPOSAL:
        return _("A new proposal “%(proposal)s” in %(consultation)s.", proposal=p["proposal"],
                 consultation=p["consultation"])
    if kind == Kind.VOTE_OPENED:
        return _("The vote on the budget “%(budget)s” has opened. You can vote now.", budget=p["budget"])
    if kind == Kind.VOTE_CLOSED:
        return _("The vote on the budget “%(budget)s” has closed.", budget=p["budget"])
    if kind == Kind.REPRESENTATION_DECIDED:
        decision = p.get("decision")
        if decision == "approve":
            return _("Your request to represent %(association)s has been approved.", association=p["association"])
        if decision == "reject":
            return _("Your request to represent %(association)s was not approved.", association=p["association"])
        return _("Your mandate to represent %(association)s has been revoked.", association=p["association"])
    if kind == Kind.VOLUNTEER_TASK_CHANGED:
        change = p.get("change")
        if change == "cancelled":
            return _("The volunteer task “%(task)s” of %(event)s was cancelled.", task=p["task"], event=p["event"])
        if change == "moved":
            return _("The volunteer task “%(task)s” of %(event)s was moved to another time.", task=p["task"],
                     event=p["event"])
        return _("The volunteer task “%(task)s” of %(event)s has changed.", task=p["task"], event=p["event"])
    return _("You have a new notification.")


def notification_detail(kind: str, params: dict | None) -> str:
    """Longer text for the email, if the kind has any (the answer itself, a reason)."""
    p = params or {}
    if kind == Kind.PROPOSAL_ANSWERED and p.get("answer"):
        return str(p["answer"])
    if kind == Kind.PROPOSAL_STATE_CHANGED:
        lines = []
        if p.get("decision"):
            lines.append(_("Decided in %(decision)s.", decision=p["decision"]))
        if p.get("note"):
            lines.append(_("Note:") + " " + str(p["note"]))
        return "\n".join(lines)
    if kind == Kind.NEW_PROPOSAL and p.get("author"):
        if p.get("association"):
            return _("Submitted by %(author)s for %(association)s", author=p["author"], association=p["association"])
        return _("Submitted by %(author)s", author=p["author"])
    if kind == Kind.REPRESENTATION_DECIDED and p.get("reason"):
        return _("Reason:") + " " + str(p["reason"])
    if kind == Kind.COMMENT_REPLY and p.get("excerpt"):
        return str(p["excerpt"])
    return ""


def single_subject(kind: str, params: dict | None) -> str:
    """The subject of an email that carries one notification."""
    return _("Kyläraati: %(text)s", text=notification_text(kind, params))


def digest_subject(count: int) -> str:
    from flask_babel import ngettext

    return ngettext("Kyläraati: %(num)d new notification", "Kyläraati: %(num)d new notifications", count)
