"""Email goes through SMTP when MAIL_SERVER is set, to the log otherwise."""
import logging

import pytest

from app.mail import MailError, send_email


class FakeSMTP:
    sent = []

    def __init__(self, host, port, timeout):
        self.host, self.port = host, port
        self.tls = False
        self.credentials = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self):
        self.tls = True

    def login(self, user, password):
        self.credentials = (user, password)

    def send_message(self, message):
        FakeSMTP.sent.append((self, message))


def test_smtp_is_used_when_configured(app, monkeypatch):
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.testing = False
    app.config.update(MAIL_SERVER="smtp.iitti.fi", MAIL_PORT=587, MAIL_USERNAME="k", MAIL_PASSWORD="p")
    send_email("aino@example.fi", "Aihe", "Viesti")
    smtp, message = FakeSMTP.sent[-1]
    assert smtp.host == "smtp.iitti.fi" and smtp.tls and smtp.credentials == ("k", "p")
    assert message["To"] == "aino@example.fi" and message.get_content().strip() == "Viesti"


def test_without_mail_server_the_email_goes_to_the_log(app, caplog):
    app.testing = False
    app.config["MAIL_SERVER"] = None
    with caplog.at_level(logging.INFO):
        send_email("aino@example.fi", "Aihe", "Linkki: https://example.fi/x")
    assert "https://example.fi/x" in caplog.text


def test_smtp_failure_raises_mail_error_for_the_outbox_to_retry(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    app.testing = False
    app.config["MAIL_SERVER"] = "smtp.iitti.fi"
    with pytest.raises(MailError, match="connection refused"):
        send_email("aino@example.fi", "Aihe", "Viesti")


def test_extra_headers_are_sent_unfolded(app, monkeypatch):
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    app.testing = False
    app.config.update(MAIL_SERVER="smtp.iitti.fi")
    link = "<https://kylaraati.iitti.fi/notifications/unsubscribe/" + "x" * 80 + ">"
    send_email("aino@example.fi", "Aihe", "Viesti", headers={"List-Unsubscribe": link})
    _smtp, message = FakeSMTP.sent[-1]
    assert f"List-Unsubscribe: {link}\n" in message.as_string()
