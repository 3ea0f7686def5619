"""The proposals' part of 'my data': my proposals, supports, endorsements and follows."""
import sqlalchemy as sa

from app.account.services import data_section
from app.auth.models import User
from app.extensions import db
from app.proposals.models import Endorsement, Follow, Proposal, Support


def _iso(value):
    return value.isoformat() if value else None


@data_section
def _proposals(user: User):
    rows = db.session.scalars(sa.select(Proposal).where(Proposal.author_id == user.id).order_by(Proposal.id))
    return "proposals", [
        {
            "id": p.id,
            "consultation_id": p.consultation_id,
            "association_id": p.association_id,
            "title": p.title,
            "body": p.body,
            "village_id": p.village_id,
            "category": p.category,
            "estimated_cost": str(p.estimated_cost) if p.estimated_cost is not None else None,
            "location": p.location,
            "state": p.state,
            "created_at": _iso(p.created_at),
            "updated_at": _iso(p.updated_at),
            "hidden_at": _iso(p.hidden_at),
            "hidden_reason": p.hidden_reason or None,
        }
        for p in rows
    ]


@data_section
def _supports(user: User):
    rows = db.session.scalars(sa.select(Support).where(Support.user_id == user.id).order_by(Support.id))
    return "supports", [
        {"proposal_id": s.proposal_id, "created_at": _iso(s.created_at), "withdrawn_at": _iso(s.withdrawn_at)}
        for s in rows
    ]


@data_section
def _endorsements(user: User):
    rows = db.session.scalars(sa.select(Endorsement).where(Endorsement.user_id == user.id).order_by(Endorsement.id))
    return "endorsements", [
        {"proposal_id": e.proposal_id, "association_id": e.association_id, "created_at": _iso(e.created_at),
         "withdrawn_at": _iso(e.withdrawn_at)}
        for e in rows
    ]


@data_section
def _follows(user: User):
    rows = db.session.scalars(sa.select(Follow).where(Follow.user_id == user.id).order_by(Follow.id))
    return "follows", [
        {"proposal_id": f.proposal_id, "consultation_id": f.consultation_id, "created_at": _iso(f.created_at)}
        for f in rows
    ]
