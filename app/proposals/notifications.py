"""Emails about proposals, each in its recipient's language (an in-app centre comes later)."""
from flask import url_for
from flask_babel import gettext as _

from app.notify import email_user
from app.proposals import services
from app.proposals.forms import STATE_LABELS
from app.proposals.models import Proposal, ProposalStateChange


def _audience(proposal: Proposal, actor_id: int | None):
    # A hidden proposal's title and text are not sent around; only its author hears of it.
    people = services.proposal_audience(proposal, exclude_user_id=actor_id)
    if proposal.hidden_at is not None:
        people = [p for p in people if p.id == proposal.author_id]
    return people


def _link(proposal: Proposal) -> str:
    return url_for("proposals.detail", proposal_id=proposal.id, _external=True)


def new_proposal(proposal: Proposal) -> None:
    """Tell the consultation's followers about a new proposal in it."""
    consultation = proposal.consultation
    for user in services.consultation_followers(consultation, exclude_user_id=proposal.author_id):
        email_user(user, "email/proposal_new.txt",
                   subject=lambda: _("Kyläraati: a new proposal in %(consultation)s",
                                     consultation=consultation.title),
                   proposal=proposal, link=_link(proposal))


def state_changed(proposal: Proposal, change: ProposalStateChange, actor_id: int | None) -> None:
    """Tell the author and the followers that the proposal moved to a new state."""
    for user in _audience(proposal, actor_id):
        email_user(user, "email/proposal_state_changed.txt",
                   subject=lambda: _("Kyläraati: “%(title)s” is now %(state)s", title=proposal.title,
                                     state=str(STATE_LABELS[change.to_state]).lower()),
                   proposal=proposal, change=change, state_labels=STATE_LABELS, link=_link(proposal))


def answered(proposal: Proposal, actor_id: int | None) -> None:
    """Send the official answer to the author and the followers."""
    for user in _audience(proposal, actor_id):
        email_user(user, "email/proposal_answered.txt",
                   subject=lambda: _("Kyläraati: an official answer to “%(title)s”", title=proposal.title),
                   proposal=proposal, link=_link(proposal))
