"""Command-line tools: `flask users`, `flask seed-demo`, `flask translate`."""
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.auth import services as auth_services
from app.auth.services import AccountError
from app.extensions import db

users = AppGroup("users", help="Manage user accounts.")
translate = AppGroup("translate", help="Extract, update and compile translations.")


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default="Koordinaattori", show_default=True, help="Display name.")
def create_admin(email, name):
    """Create a coordinator account (or make an existing account one)."""
    from app.audit.services import record

    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    user = auth_services.find_user_by_email(email)
    if user is None:
        try:
            user = auth_services.register_user(email, name, password)
        except AccountError as error:
            raise click.ClickException(
                "That email is taken." if error.code == "email_taken"
                else "The password is too weak: " + ", ".join(error.detail or [])) from None
    elif not auth_services.verify_password(user, password):
        raise click.ClickException("An account with that email exists and the password does not match it.")
    user.is_coordinator = True
    record(None, "role.granted", user, role="coordinator", via="cli")
    db.session.commit()
    click.echo(f"{user.email} is a coordinator.")


@click.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow in the production configuration.")
def seed_demo(force):
    """Fill the database with Iitti's villages and demo associations and people (idempotent)."""
    from app.demo import DEMO_PASSWORD, seed

    if current_app.config.get("SESSION_COOKIE_SECURE") and not force:
        raise click.ClickException("Refusing to load demo data in production without --force.")
    logins = seed()
    click.echo("Demo data is loaded. Demo logins (password for all: %s):" % DEMO_PASSWORD)
    for role, email in logins:
        click.echo(f"  {role:<16} {email}")


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True)


def _paths():
    root = Path(current_app.root_path).parent
    return root / "babel.cfg", root / "messages.pot", Path(current_app.root_path) / "translations"


@translate.command("extract")
def translate_extract():
    """Collect translatable strings into messages.pot and update every catalogue."""
    cfg, pot, directory = _paths()
    # Extract from the repository root: the patterns in babel.cfg (app/**.py, ...) are relative to it.
    _babel("extract", "-F", str(cfg), "-k", "_l", "--no-location", "--sort-output",
           "-o", str(pot), str(cfg.parent))
    _babel("update", "-i", str(pot), "-d", str(directory), "--no-fuzzy-matching")


@translate.command("init")
@click.argument("language")
def translate_init(language):
    """Start a catalogue for a new language."""
    _cfg, pot, directory = _paths()
    _babel("init", "-i", str(pot), "-d", str(directory), "-l", language)


@translate.command("compile")
def translate_compile():
    """Compile the catalogues into .mo files (done by make run and make test)."""
    _cfg, _pot, directory = _paths()
    _babel("compile", "-d", str(directory), "--statistics")


def register(app) -> None:
    app.cli.add_command(users)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
