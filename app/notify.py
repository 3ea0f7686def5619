"""Emails to people, each in their own language (the notification centre comes later)."""
import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from app.auth.models import User
from app.extensions import db
from app.mail import send_email


def email_user(user: User, template: str, subject, **context) -> None:
    """Render `template` and its `subject` (a callable) in the user's language and send it."""
    if not user.email or user.is_erased:
        return
    with force_locale(user.language or "fi"):
        send_email(user.email, str(subject()), render_template(template, user=user, **context))


def notify_coordinators(template: str, subject, **context) -> None:
    """Email every coordinator, each in their own language."""
    coordinators = db.session.scalars(
        sa.select(User).where(User.is_coordinator.is_(True), User.erased_at.is_(None))
    )
    for coordinator in coordinators:
        email_user(coordinator, template, subject, **context)
