"""`flask pb`: Pabulib `.pb` files on the command line, so that anyone can recount a budget vote.

`flask pb tally FILE.pb --rule greedy|mes|mes-completed` counts any Pabulib file with the same tally code
as the results pages. More subcommands (import, export) join the same group: use `load_pb` to read a file
and `json_number` for amounts in JSON output, so every subcommand reports errors and numbers alike.
Messages here are for operators and are in English.
"""
from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.budgets.pabulib import PabulibError, PbInstance, read_pb
from app.budgets.tally import MES_COMPLETED, RULES, TallyError, tally

pb_cli = AppGroup("pb", help="Pabulib .pb files: recount a participatory budget vote from its ballots.")

# Fractions that are not exact decimals (never the case for amounts read from a .pb file) are written as
# "numerator/denominator"; this bounds the digits tried before that.
_MAX_DECIMALS = 30


def register(app: Flask) -> None:
    app.cli.add_command(pb_cli)


def json_number(value: Fraction) -> int | str:
    """An exact amount for JSON: an integer when whole, else its exact decimal text in a string ("1000.5").

    A JSON float would round; a string keeps every digit, and `decimal.Decimal` or `fractions.Fraction`
    read it back exactly.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return value.numerator
    for places in range(1, _MAX_DECIMALS + 1):
        scaled = value * 10 ** places
        if scaled.denominator == 1:
            digits = str(abs(scaled.numerator)).rjust(places + 1, "0")
            return f"{'-' if value < 0 else ''}{digits[:-places]}.{digits[-places:]}"
    return f"{value.numerator}/{value.denominator}"


def load_pb(path: Path) -> PbInstance:
    """Read and parse a `.pb` file; a ClickException (exit code 1) with a one-line message if that fails."""
    try:
        return read_pb(path)
    except IsADirectoryError:
        raise click.ClickException(f"{path} is a directory, not a .pb file") from None
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror or error}") from None
    except PabulibError as error:
        raise click.ClickException(f"{path}: {error}") from None


@pb_cli.command("tally")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--rule", type=click.Choice(RULES), default=MES_COMPLETED, show_default=True,
              help="greedy: most votes first; mes: Method of Equal Shares; mes-completed: equal shares with "
                   "the Add1 completion and a greedy fill, as real elections ran it.")
def tally_command(file: Path, rule: str) -> None:
    """Recount FILE.pb and print the result as one line of JSON.

    \b
    {"rule": "mes-completed", "budget": 1000, "winners": ["4", "16"], "spent": "999.5"}

    winners are the project ids as in the file, in the order the rule selected them. budget and spent are
    exact: a JSON integer when whole, otherwise a string with the exact decimal value (a JSON float could
    round). Ordinal votes are counted as approval of the ranked projects; cumulative and scoring votes by
    their points. A malformed file, or one the tally cannot count, gives a one-line error naming the line
    and exit code 1.
    """
    instance = load_pb(file)
    try:
        result = tally(rule, *instance.tally_inputs())
    except (PabulibError, TallyError) as error:
        raise click.ClickException(f"{file}: {error}") from None
    click.echo(json.dumps({"rule": result.rule, "budget": json_number(result.budget), "winners": result.winners,
                           "spent": json_number(result.spent)}, ensure_ascii=False))


@pb_cli.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--consultation", "consultation_id", type=int, required=True,
              help="The id of the consultation the budget is created in.")
def import_command(file: Path, consultation_id: int) -> None:
    """Create a budget from FILE.pb in a consultation: its projects and every ballot (secret, anonymous).

    The projects keep the file's ids, so `flask pb export` and recounts name them the same. The import is
    recorded in the audit log (with no user: it was run from the command line). Nothing is stored if any
    part of the file cannot be imported.
    """
    from app.budgets.presentation import pb_to_budget
    from app.consultations.models import Consultation
    from app.extensions import db

    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise click.ClickException(f"no consultation with id {consultation_id}")
    instance = load_pb(file)
    try:
        instance.tally_inputs()  # every vote must name known projects with sensible points
        budget = pb_to_budget(instance, consultation, None)
    except (PabulibError, TallyError) as error:
        db.session.rollback()
        raise click.ClickException(f"{file}: {error}") from None
    click.echo(f"Budget {budget.id} \"{budget.title}\": {len(instance.projects)} projects, "
               f"{len(instance.votes)} ballots.")


@pb_cli.command("export")
@click.argument("budget_id", type=int)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to this file instead of standard output.")
def export_command(budget_id: int, output: Path | None) -> None:
    """Write a budget's projects and anonymous ballots as a Pabulib .pb file (the same file as the results
    page's download; voters are numbered in an order that says nothing about who voted when)."""
    from app.budgets.presentation import budget_to_pb
    from app.budgets.services import get_budget

    budget = get_budget(budget_id)
    if budget is None:
        raise click.ClickException(f"no budget with id {budget_id}")
    text = budget_to_pb(budget)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {output} ({len(budget.projects)} projects).", err=True)
