"""Sending email: SMTP when MAIL_SERVER is set, the log otherwise, a list in tests."""
import smtplib
from email.message import EmailMessage

from flask import current_app


def send_email(to: str | list[str], subject: str, body: str) -> None:
    """Send a plain-text email; never raises, a failure is logged."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    app = current_app._get_current_object()
    message = EmailMessage()
    message["From"] = app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    message.set_content(body)

    if app.testing:
        app.extensions.setdefault("mail_outbox", []).append(message)
        return
    if not app.config.get("MAIL_SERVER"):
        app.logger.info("Email (not sent, MAIL_SERVER unset)\n%s", message.as_string())
        return
    try:
        smtp_class = smtplib.SMTP_SSL if app.config["MAIL_USE_SSL"] else smtplib.SMTP
        with smtp_class(app.config["MAIL_SERVER"], app.config["MAIL_PORT"], timeout=10) as smtp:
            if app.config["MAIL_USE_TLS"] and not app.config["MAIL_USE_SSL"]:
                smtp.starttls()
            if app.config.get("MAIL_USERNAME"):
                smtp.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        app.logger.exception("Sending email to %s failed", recipients)
