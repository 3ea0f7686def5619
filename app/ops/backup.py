"""Backing up and restoring the database, without Flask: SQLite through its online backup API,
PostgreSQL through pg_dump / pg_restore in the custom format.

The CLI (`app/ops/cli.py`) reads the configuration and writes the audit log; everything here takes
plain values (a database URL, paths, the time) so it is tested without an app.
"""
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}
KIND_NAMES = {"sqlite": "a SQLite database", "postgresql": "a PostgreSQL custom-format dump (pg_dump -Fc)"}


class BackupError(Exception):
    """A backup or restore that could not be done; the message is for the operator."""


@dataclass(frozen=True)
class PgCommand:
    """Arguments and environment for a PostgreSQL client program: the password only in the environment."""

    args: list[str]
    env: dict[str, str]


def database_kind(url: str | URL) -> str:
    """'sqlite' or 'postgresql' for a database URL; BackupError for anything else."""
    backend = make_url(url).get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {backend}")
    return backend


def backup_filename(kind: str, now: datetime, label: str = "") -> str:
    """kylaraati-20261129T021500Z.sqlite3: the UTC moment of the backup (naive = UTC), sortable by name;
    a label goes after the time (kylaraati-20261129T021500Z-before-restore.sqlite3)."""
    moment = now.astimezone(UTC) if now.tzinfo else now
    return f"kylaraati-{moment:%Y%m%dT%H%M%SZ}{'-' + label if label else ''}{SUFFIXES[kind]}"


def file_kind(path: str | Path) -> str | None:
    """What a file holds by its first bytes: 'sqlite', 'postgresql' (a pg_dump archive), or None."""
    with open(path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def check_restorable(path: str | Path, kind: str) -> None:
    """BackupError with a clear message unless `path` is a backup of the `kind` of database in use."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    found = file_kind(path)
    if found is None:
        raise BackupError(f"{path} is not a Kyläraati backup: it is neither {KIND_NAMES['sqlite']} "
                          f"nor {KIND_NAMES['postgresql']}")
    if found != kind:
        raise BackupError(f"{path} is {KIND_NAMES[found]}, but the configured database is {kind}: "
                          "restore it into a database of the same kind")
    if kind == "sqlite":
        _check_sqlite_backup(path)


def _check_sqlite_backup(path: Path) -> None:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is a damaged SQLite database")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a SQLite database: {error}") from None
    finally:
        connection.close()
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is a SQLite database but not a Kyläraati one (it has no alembic_version table)")


def sqlite_path(url: str | URL) -> Path:
    """The file of a SQLite URL; BackupError for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("the database is in memory: there is no file to back up or restore")
    return Path(database)


def sqlite_backup(source: str | Path, target: str | Path) -> None:
    """Copy the live database `source` into the new file `target`: consistent, and a single file."""
    sqlite_copy(source, target, single_file=True)


def sqlite_restore(source: str | Path, target: str | Path) -> None:
    """Replace the content of the live database `target` with the backup `source`, in one transaction."""
    sqlite_copy(source, target)


def sqlite_copy(source: str | Path, target: str | Path, single_file: bool = False) -> None:
    """Copy a SQLite database page by page with the online backup API.

    The copy is consistent even while the app writes: SQLite restarts the copy if the source changes
    under it, and the target changes in one transaction (all or nothing). `single_file` takes the copy
    out of WAL mode, so a backup is one self-contained file.
    """
    source_connection = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    target_connection = sqlite3.connect(str(target), timeout=30)
    try:
        source_connection.backup(target_connection)
        if single_file:
            target_connection.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup from {source} to {target} failed: {error}") from None
    finally:
        target_connection.close()
        source_connection.close()


def pg_command(program: str, url: str | URL, *options: str) -> PgCommand:
    """Command line for pg_dump / pg_restore against the database of `url`.

    Host, port, user and database go on the command line; the password only into PGPASSWORD, so it
    never shows in the process list.
    """
    parts = make_url(url)
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} was not found on PATH: install the PostgreSQL client "
                          "(the same major version as the server)")
    args = [executable]
    if parts.host:
        args += ["--host", parts.host]
    if parts.port:
        args += ["--port", str(parts.port)]
    if parts.username:
        args += ["--username", parts.username]
    args += ["--no-password", *options, "--dbname", parts.database or ""]
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return PgCommand(args, env)


def run_pg(command: PgCommand) -> None:
    """Run a PostgreSQL client program; BackupError with its own message when it fails."""
    result = subprocess.run(command.args, env=command.env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        program = Path(command.args[0]).name
        raise BackupError(f"{program} failed (exit {result.returncode}): {result.stderr.strip()}")


def pg_dump_command(url: str | URL, target: str | Path) -> PgCommand:
    """pg_dump in the custom format (compressed, restorable with pg_restore) into `target`."""
    return pg_command("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target))


def pg_restore_command(url: str | URL, source: str | Path) -> PgCommand:
    """pg_restore of `source` replacing what it holds, all in one transaction (nothing changes if it fails)."""
    return pg_command("pg_restore", url, "--clean", "--if-exists", "--no-owner", "--no-privileges",
                      "--single-transaction", "--exit-on-error", str(source))
