"""Sending one email: SMTP when MAIL_SERVER is set, the log otherwise, a list in tests.

Only the outbox sender (`flask notifications send`, app/notifications/services.deliver) calls this;
everything else puts its email into the outbox (app/notify.py, app/notifications/services.enqueue_email).
"""
import smtplib
from email.message import EmailMessage
from email.policy import default as default_policy

from flask import current_app


class MailError(RuntimeError):
    """Sending failed; the outbox keeps the email and retries it later."""


def send_email(to: str | list[str], subject: str, body: str, headers: dict | None = None) -> None:
    """Send a plain-text email with optional extra headers; raises MailError when it cannot be sent."""
    recipients = [to] if isinstance(to, str) else list(to)
    recipients = [r for r in recipients if r]
    if not recipients:
        return
    app = current_app._get_current_object()
    message = EmailMessage()
    message["From"] = app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = ", ".join(recipients)
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, cte="quoted-printable")
    # Long headers (the List-Unsubscribe link) are written as one plain line, not folded into encoded words.
    message.policy = default_policy.clone(max_line_length=998)

    if app.testing:
        failure = app.config.get("MAIL_TEST_FAILURE")  # tests make sending fail with this message
        if failure:
            raise MailError(failure)
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
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
