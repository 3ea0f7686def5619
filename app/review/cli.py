"""`flask review escalate`: tell the municipal board about proposals that have waited too long for an answer.

Meant for a daily cron job. Messages here are for operators and are in English.
"""
import click
from flask import Flask, current_app
from flask.cli import AppGroup

review_cli = AppGroup("review", help="The board review: answer deadlines.")


def register(app: Flask) -> None:
    app.cli.add_command(review_cli)


@review_cli.command("escalate")
def escalate_command() -> None:
    """Email the municipal board (or the coordinators, if it has no members here) about each proposal past its
    second deadline, once. Running it again sends nothing new. Needs SERVER_NAME for the links in the emails."""
    from app.review.services import escalate_overdue
    from app.timeutil import utcnow

    if not current_app.config.get("SERVER_NAME"):
        raise click.ClickException("set SERVER_NAME (e.g. kylaraati.iitti.fi) so the emails can link to the "
                                   "proposals; nothing was sent")
    result = escalate_overdue(utcnow())
    to = f"{len(result.recipients)} municipal board members" if result.recipients else "the coordinators"
    if result.proposals:
        click.echo(f"Escalated {len(result.proposals)} proposals to {to}: "
                   + ", ".join(str(p.id) for p in result.proposals))
    else:
        click.echo("No proposal is due for escalation.")
