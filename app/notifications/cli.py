"""`flask notifications send`: the email sender, run every few minutes by a timer.

Each run announces budget votes that opened or closed, composes the emails that are due (single
notifications and daily or weekly digests) into the outbox, and sends what the outbox holds, retrying
failures with backoff. Messages here are for operators and are in English.
"""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="Notifications and the email outbox.")


def register(app: Flask) -> None:
    app.cli.add_command(notifications_cli)


@notifications_cli.command("send")
@click.option("--base-url", help="The site's address for the links in the emails (default: from SERVER_NAME and "
                                 "PREFERRED_URL_SCHEME), e.g. http://127.0.0.1:5000 in development.")
def send_command(base_url: str | None) -> None:
    """Announce vote openings and closings, compose due emails and digests, and send the outbox (idempotent).
    Needs SERVER_NAME (or --base-url) for the links in the emails."""
    from app.notifications.services import send_all

    server = current_app.config.get("SERVER_NAME")
    if not base_url and not server:
        raise click.ClickException("set SERVER_NAME (e.g. kylaraati.iitti.fi) or give --base-url so the emails "
                                   "can link to the site; nothing was sent")
    scheme = current_app.config.get("PREFERRED_URL_SCHEME") or "https"
    report = send_all(base_url=(base_url or f"{scheme}://{server}").rstrip("/"))
    click.echo(f"Vote notices: {report.vote_notices}, emails composed: {report.composed}, sent: {report.sent}, "
               f"to retry: {report.retrying}, given up: {report.failed}.")


@notifications_cli.command("status")
def status_command() -> None:
    """Count the outbox by status and list the emails given up on, with their last error."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.notifications.models import EmailOutbox

    counts = dict(db.session.execute(sa.select(EmailOutbox.status, sa.func.count())
                                     .group_by(EmailOutbox.status)).all())
    click.echo(", ".join(f"{status}: {counts.get(status, 0)}" for status in ("pending", "sent", "failed")))
    for row in db.session.scalars(sa.select(EmailOutbox).where(EmailOutbox.status == "failed")
                                  .order_by(EmailOutbox.id.desc()).limit(20)):
        click.echo(f"  #{row.id} to {row.to_address} after {row.attempts} attempts: {row.last_error}")
