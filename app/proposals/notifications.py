"""Notifications about proposals (app/notifications): in the app and by email in each person's language,
at once or in their digest, as they chose."""
from flask import url_for

from app.notifications.rules import Kind
from app.notifications.services import notify
from app.proposals import services
from app.proposals.models import Proposal, ProposalStateChange


def _audience(proposal: Proposal, actor_id: int | None):
    # A hidden proposal's title and text are not sent around; only its author hears of it.
    people = services.proposal_audience(proposal, exclude_user_id=actor_id)
    if proposal.hidden_at is not None:
        people = [p for p in people if p.id == proposal.author_id]
    return people


def _link(proposal: Proposal) -> str:
    return url_for("proposals.detail", proposal_id=proposal.id)


def new_proposal(proposal: Proposal) -> None:
    """Tell the consultation's followers about a new proposal in it."""
    consultation = proposal.consultation
    notify(services.consultation_followers(consultation, exclude_user_id=proposal.author_id), Kind.NEW_PROPOSAL,
           url=_link(proposal), params={
               "proposal": proposal.title, "consultation": consultation.title, "proposal_id": proposal.id,
               "author": proposal.author.display_name if proposal.author and proposal.author.display_name else "",
               "association": proposal.association.name if proposal.association else ""})


def _decision_label(change: ProposalStateChange) -> str:
    item = change.agenda_item
    if item is None or item.meeting is None:
        return ""
    meeting = item.meeting
    day = meeting.starts_at
    return f"{meeting.body.name} {day.day}.{day.month}.{day.year} § {item.number}"


def state_changed(proposal: Proposal, change: ProposalStateChange, actor_id: int | None) -> None:
    """Tell the author and the followers that the proposal moved to a new state (by a decision, if one did)."""
    params = {"proposal": proposal.title, "from_state": change.from_state, "state": change.to_state,
              "note": change.note or "", "proposal_id": proposal.id}
    decision = _decision_label(change)
    if decision:
        params["decision"] = decision
    notify(_audience(proposal, actor_id), Kind.PROPOSAL_STATE_CHANGED, url=_link(proposal), params=params)


def answered(proposal: Proposal, actor_id: int | None) -> None:
    """Send the official answer to the author and the followers."""
    notify(_audience(proposal, actor_id), Kind.PROPOSAL_ANSWERED, url=_link(proposal),
           params={"proposal": proposal.title, "answer": proposal.answer or "", "proposal_id": proposal.id,
                   "by": proposal.answered_by.display_name if proposal.answered_by else ""})
