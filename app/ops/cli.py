"""`flask backup` and `flask restore`: dump the database to a file and put it back.

Meant for a daily timer (backup) and for an operator (restore). Messages are for operators and in English.
"""
import hashlib
from pathlib import Path

import click
from flask import Flask, current_app

from app.extensions import db
from app.ops import backup as ops


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def backup_dir() -> Path:
    """BACKUP_DIR, or instance/backups."""
    configured = current_app.config.get("BACKUP_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "backups"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _audit(action: str, path: Path) -> None:
    """An audit row by the system (no actor) for a backup or a restore."""
    from app.audit.services import record

    record(None, action, None, file=str(path), bytes=path.stat().st_size, sha256=_sha256(path), via="cli")
    db.session.commit()


def make_backup(output: Path | None = None, label: str = "") -> Path:
    """Back up the configured database to `output` (a file or a folder) or a timestamped file in BACKUP_DIR."""
    from app.timeutil import utcnow

    url = db.engine.url
    kind = ops.database_kind(url)
    name = ops.backup_filename(kind, utcnow(), label)
    if output is None:
        target = backup_dir() / name
    elif output.is_dir():
        target = output / name
    else:
        target = output
    if target.exists():
        raise ops.BackupError(f"{target} exists already; nothing was overwritten")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")  # a failed run leaves no file that looks complete
    try:
        if kind == "sqlite":
            ops.sqlite_backup(ops.sqlite_path(url), partial)
        else:
            ops.run_pg(ops.pg_dump_command(url, partial))
        partial.chmod(0o600)  # it holds every account's personal data
        partial.rename(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore_backup(source: Path) -> None:
    """Replace the configured database's content with the backup in `source`."""
    url = db.engine.url
    kind = ops.database_kind(url)
    ops.check_restorable(source, kind)
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps a lock or a stale view of the old data
    if kind == "sqlite":
        ops.sqlite_restore(source, ops.sqlite_path(url))
    else:
        ops.run_pg(ops.pg_restore_command(url, source))
    db.engine.dispose()


@click.command("backup")
@click.option("--output", "-o", type=click.Path(path_type=Path),
              help="File or folder to write to (default: BACKUP_DIR, or instance/backups).")
def backup_command(output: Path | None) -> None:
    """Back up the database (SQLite: online backup API; PostgreSQL: pg_dump custom format) to a file
    named with the UTC time, e.g. kylaraati-20261129T021500Z.sqlite3. Safe while the site runs."""
    try:
        target = make_backup(output)
    except ops.BackupError as error:
        raise click.ClickException(f"{error}; no backup was made") from None
    _audit("database.backup", target)
    click.echo(f"Backed up the database to {target} ({target.stat().st_size} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm: replace everything in the database with the backup.")
@click.option("--no-safety-backup", is_flag=True,
              help="Do not back up the current database first (default: it is backed up to BACKUP_DIR).")
def restore_command(path: Path, yes: bool, no_safety_backup: bool) -> None:
    """Replace the database's content with a backup made by `flask backup`. Stop the site and the timers first,
    and run `flask db upgrade` after restoring an older backup."""
    kind = ops.database_kind(db.engine.url)
    try:
        ops.check_restorable(path, kind)
    except ops.BackupError as error:
        raise click.ClickException(f"{error}; nothing was restored") from None
    if not yes:
        raise click.ClickException(f"restoring replaces everything in the database with {path}; "
                                   "run again with --yes to do it. Nothing was restored")
    if not no_safety_backup:
        try:
            safety = make_backup(label="before-restore")
        except ops.BackupError as error:
            raise click.ClickException(f"could not back up the current database first ({error}); "
                                       "nothing was restored (use --no-safety-backup to skip that step)") from None
        click.echo(f"Backed up the current database to {safety} first.")
    try:
        restore_backup(path)
    except ops.BackupError as error:
        # Both ways run in one transaction on the database (SQLite's backup API, pg_restore --single-transaction).
        raise click.ClickException(f"{error}; nothing was restored") from None
    _audit("database.restored", path)
    click.echo(f"Restored the database from {path}. Run `flask db upgrade` if the backup is older than the code.")
