"""Demo notifications for the demo resident and representative, made from the demo data around them, and the
announcement of the demo budget vote that is open (to its real eligible voters, as the sender would do).

Idempotent: a notification already there (same person, kind and link) is not added again, and a vote is
announced once. The made-up past ones are in-app only, so the sender emails nothing about them.
"""
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.comments.models import Comment
from app.extensions import db
from app.notifications.models import EmailState, Notification
from app.notifications.rules import Kind
from app.proposals.models import Follow, Proposal, ProposalStateChange
from app.timeutil import utcnow

RESIDENT = "asukas@demo.kylaraati.fi"
REPRESENTATIVE = "edustaja@demo.kylaraati.fi"


def _add(user: User, kind: str, url: str, params: dict, age: timedelta, read: bool) -> None:
    exists = db.session.scalar(sa.select(Notification.id).where(
        Notification.user_id == user.id, Notification.kind == kind, Notification.url == url))
    if exists:
        return
    created = utcnow() - age
    db.session.add(Notification(user_id=user.id, kind=kind, url=url, params=params, created_at=created,
                                read_at=created + timedelta(hours=2) if read else None, in_app=True,
                                email_state=EmailState.NONE))


def _person(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


def _about_my_proposals(user: User) -> None:
    """The official answers to and the latest state change of the person's own proposals."""
    answered = db.session.scalars(
        sa.select(Proposal).where(Proposal.author_id == user.id, Proposal.answer != "")
        .order_by(Proposal.id).limit(2)).all()
    for n, proposal in enumerate(answered):
        _add(user, Kind.PROPOSAL_ANSWERED, f"/proposals/{proposal.id}",
             {"proposal": proposal.title, "answer": proposal.answer, "proposal_id": proposal.id},
             timedelta(days=12 - n * 5), read=n == 0)
    change = db.session.scalar(
        sa.select(ProposalStateChange).join(Proposal, Proposal.id == ProposalStateChange.proposal_id)
        .where(Proposal.author_id == user.id, ProposalStateChange.changed_by_id != user.id)
        .order_by(ProposalStateChange.changed_at.desc(), ProposalStateChange.id.desc()).limit(1))
    if change is not None:
        _add(user, Kind.PROPOSAL_STATE_CHANGED, f"/proposals/{change.proposal_id}",
             {"proposal": change.proposal.title, "from_state": change.from_state, "state": change.to_state,
              "note": change.note or "", "proposal_id": change.proposal_id}, timedelta(days=4), read=False)


def _reply_to_me(user: User) -> None:
    own_comments = sa.select(Comment.id).where(Comment.author_id == user.id)
    reply = db.session.scalar(
        sa.select(Comment).where(Comment.parent_id.in_(own_comments), Comment.author_id != user.id,
                                 Comment.proposal_id.is_not(None), Comment.hidden_at.is_(None))
        .order_by(Comment.id).limit(1))
    if reply is not None:
        _add(user, Kind.COMMENT_REPLY, f"/proposals/{reply.proposal_id}#comment-{reply.id}",
             {"person": reply.author.display_name, "target": reply.proposal.title, "excerpt": reply.body,
              "comment_id": reply.id}, timedelta(days=3), read=False)


def _new_in_followed_consultations(user: User) -> None:
    followed = sa.select(Follow.consultation_id).where(Follow.user_id == user.id,
                                                       Follow.consultation_id.is_not(None))
    proposal = db.session.scalar(
        sa.select(Proposal).where(Proposal.consultation_id.in_(followed), Proposal.author_id != user.id,
                                  Proposal.hidden_at.is_(None))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc()).limit(1))
    if proposal is not None:
        _add(user, Kind.NEW_PROPOSAL, f"/proposals/{proposal.id}",
             {"proposal": proposal.title, "consultation": proposal.consultation.title, "proposal_id": proposal.id,
              "author": proposal.author.display_name if proposal.author else ""}, timedelta(days=2), read=False)


def seed_notifications() -> None:
    """A few read and unread notifications of different kinds for the demo resident and representative."""
    from app.notifications.services import announce_votes

    for email in (RESIDENT, REPRESENTATIVE):
        user = _person(email)
        if user is None:
            continue
        _about_my_proposals(user)
        _reply_to_me(user)
        _new_in_followed_consultations(user)
    representative = _person(REPRESENTATIVE)
    if representative is not None and representative.representations:
        mandate = representative.representations[0]
        _add(representative, Kind.REPRESENTATION_DECIDED, f"/associations/{mandate.association_id}",
             {"association": mandate.association.name, "decision": "approve",
              "association_id": mandate.association_id}, timedelta(days=40), read=True)
    db.session.commit()
    # The budget vote open in the demo is announced to the people who may vote in it, once.
    with current_app.test_request_context("/"):
        announce_votes(utcnow())
