"""Transactional emails to people, each in their own language, through the outbox.

They are rendered now (in the recipient's language) and sent by `flask notifications send` on its next run,
regardless of the person's digest choice; notifications of what people follow go through
app/notifications/services.notify instead.
"""
import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from app.auth.models import User
from app.extensions import db


def email_user(user: User, template: str, subject, **context) -> None:
    """Render `template` and its `subject` (a callable) in the user's language into the outbox; commits."""
    from app.notifications.services import enqueue_email  # here: app.notifications imports most of the app

    if not user.email or user.is_erased:
        return
    with force_locale(user.language or "fi"):
        enqueue_email(user.email, str(subject()), render_template(template, user=user, **context), user_id=user.id)
    db.session.commit()


def email_address(address: str, subject: str, body: str) -> None:
    """Queue an already rendered email to an address that is not a user's (e.g. FEEDBACK_EMAIL); commits."""
    from app.notifications.services import enqueue_email

    enqueue_email(address, subject, body)
    db.session.commit()


def notify_coordinators(template: str, subject, **context) -> None:
    """Email every coordinator, each in their own language."""
    coordinators = db.session.scalars(
        sa.select(User).where(User.is_coordinator.is_(True), User.erased_at.is_(None))
    ).all()
    for coordinator in coordinators:
        email_user(coordinator, template, subject, **context)
