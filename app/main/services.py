"""Front page content and accessibility feedback."""
import sqlalchemy as sa

from app.directory.models import Association
from app.directory.services import villages_with_counts
from app.extensions import db
from app.main.models import AccessibilityFeedback
from app.timeutil import utcnow


def front_page() -> dict:
    """What is going on now: open consultations, new proposals, coming meetings, latest decisions, villages and
    associations."""
    newest = db.session.scalars(
        sa.select(Association).where(Association.is_active.is_(True))
        .order_by(Association.created_at.desc(), Association.id.desc()).limit(6)
    ).all()
    association_count = db.session.scalar(
        sa.select(sa.func.count(Association.id)).where(Association.is_active.is_(True)))
    from app.consultations.services import open_consultations, phase_status
    from app.events.services import coming_events
    from app.meetings.services import meetings_query
    from app.meetings.trail import latest_decisions
    from app.proposals.services import newest_proposals

    now = utcnow()
    consultations = open_consultations(now)
    return {"villages": villages_with_counts(), "newest_associations": newest,
            "association_count": association_count,
            "open_consultations": [(c, phase_status(c, now)) for c in consultations],
            "newest_proposals": newest_proposals(),
            "upcoming_meetings": db.session.scalars(meetings_query(None, upcoming=True, now=now).limit(3)).all(),
            "latest_decisions": latest_decisions(5),
            "coming_events": coming_events(now, limit=5)}


def save_feedback(message: str, page_url: str, name: str, email: str, user_id: int | None) -> AccessibilityFeedback:
    """Store accessibility feedback (it is never lost, even if the email fails)."""
    feedback = AccessibilityFeedback(message=message, page_url=page_url, name=name, email=email,
                                     user_id=user_id)
    db.session.add(feedback)
    db.session.commit()
    return feedback
