"""Operations: /healthz, ProxyFix, the production secret key, `flask backup` / `flask restore`, and the
deployment files in deploy/ (so they do not rot as the app changes)."""
import configparser
import os
import re
import runpy
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.cli import FlaskGroup

from app import create_app
from app.audit.models import AuditLog
from app.auth.models import User
from app.config import ProductionConfig, TestingConfig
from app.extensions import db
from app.ops import backup as ops

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


# --- /healthz ---------------------------------------------------------------------------------------------

def test_healthz_answers_ok_without_cookie_or_cache(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    assert client.head("/healthz").status_code == 200


def test_healthz_is_not_rate_limited(client):
    assert {client.get("/healthz").status_code for _ in range(60)} == {200}


@pytest.mark.parametrize("url", [
    "sqlite:///{tmp}/missing-folder/nothing.db",  # SQLite cannot create a file in a missing folder
    "postgresql://kylaraati:secret@127.0.0.1:1/kylaraati",  # nothing listens on port 1
])
def test_healthz_reports_an_unreachable_database(tmp_path, url):
    url = url.format(tmp=tmp_path)
    app = create_app(type("Broken", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error" and body["database"] == "error"
    assert body["problem"] == "the database did not answer (OperationalError)"
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and str(tmp_path) not in text and "127.0.0.1" not in text


def test_healthz_reports_a_failing_connection(app, client, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.engine, "connect", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "error"
    assert "connection refused" not in response.get_data(as_text=True)


# --- behind nginx: ProxyFix -------------------------------------------------------------------------------

def _app_with_probe(database_url: str, proxy_count: int):
    """An app with a route that shows what the login limits and absolute links see."""
    from flask import jsonify, request, url_for

    from app.auth.routes import client_address

    app = create_app(type("Proxied", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                                         "PROXY_COUNT": proxy_count}))

    @app.route("/_probe")
    def probe():
        return jsonify(address=client_address(), scheme=request.scheme,
                       link=url_for("main.privacy", _external=True))

    return app


FORWARDED = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "kylaraati.iitti.fi"}


def test_proxyfix_trusts_one_proxy_when_configured(database_url):
    client = _app_with_probe(database_url, 1).test_client()
    seen = client.get("/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_json()
    # Only the address nginx appended is believed; the client could have forged the first one.
    assert seen["address"] == "203.0.113.9"
    assert seen["scheme"] == "https"
    assert seen["link"] == "https://kylaraati.iitti.fi/privacy"


def test_forwarded_headers_are_ignored_without_proxy_count(database_url):
    client = _app_with_probe(database_url, 0).test_client()
    seen = client.get("/_probe", headers=FORWARDED, environ_base={"REMOTE_ADDR": "192.0.2.1"}).get_json()
    assert seen["address"] == "192.0.2.1" and seen["scheme"] == "http"
    assert seen["link"] == "http://localhost/privacy"


# --- production settings ----------------------------------------------------------------------------------

def _production(tmp_path, secret_key):
    return type("Prod", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                                              "SECRET_KEY": secret_key})


@pytest.mark.parametrize("secret_key", [None, "", "test-secret-key", "change-me",
                                        "replace-with-a-long-random-string", "short-but-random-7f3a"])
def test_production_refuses_a_missing_or_weak_secret_key(tmp_path, secret_key):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_production(tmp_path, secret_key))
    assert not (tmp_path / "secret_key").exists()


def test_production_starts_with_a_real_secret_key(tmp_path):
    app = create_app(_production(tmp_path, "9f2c" * 16))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


# --- the pure backup helpers ------------------------------------------------------------------------------

def test_backup_file_names_carry_the_utc_time():
    helsinki_morning = datetime(2026, 11, 29, 9, 15, 0, tzinfo=UTC).astimezone()
    assert ops.backup_filename("sqlite", helsinki_morning) == "kylaraati-20261129T091500Z.sqlite3"
    assert ops.backup_filename("postgresql", datetime(2026, 1, 2, 3, 4, 5)) == "kylaraati-20260102T030405Z.pgdump"
    assert (ops.backup_filename("sqlite", datetime(2026, 1, 2, 3, 4, 5), "before-restore")
            == "kylaraati-20260102T030405Z-before-restore.sqlite3")


def test_database_kind():
    assert ops.database_kind("sqlite:////srv/x.db") == "sqlite"
    assert ops.database_kind("postgresql+psycopg://u:p@h/db") == "postgresql"
    with pytest.raises(ops.BackupError, match="mysql"):
        ops.database_kind("mysql://u@h/db")


def test_pg_password_goes_to_the_environment_not_the_command_line(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda program: f"/usr/bin/{program}")
    command = ops.pg_dump_command("postgresql+psycopg://kylaraati:s3cr%40t@db.example:5433/kylaraati",
                                  "/backups/x.pgdump")
    assert command.env["PGPASSWORD"] == "s3cr@t"
    assert not any("s3cr" in arg for arg in command.args)
    assert command.args[0] == "/usr/bin/pg_dump"
    for flag, value in (("--host", "db.example"), ("--port", "5433"), ("--username", "kylaraati"),
                        ("--dbname", "kylaraati"), ("--file", "/backups/x.pgdump")):
        assert command.args[command.args.index(flag) + 1] == value
    assert "--format=custom" in command.args and "--no-password" in command.args


def test_missing_pg_client_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda program: None)
    with pytest.raises(ops.BackupError, match="pg_restore was not found"):
        ops.pg_restore_command("postgresql://u@h/db", "/x.pgdump")


def test_restore_checks_the_kind_of_file(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ops.BackupError, match="is not a Kyläraati backup"):
        ops.check_restorable(text, "sqlite")
    dump = tmp_path / "x.pgdump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00rest")
    with pytest.raises(ops.BackupError, match="PostgreSQL custom-format dump.*configured database is sqlite"):
        ops.check_restorable(dump, "sqlite")
    other = tmp_path / "other.sqlite3"
    connection = __import__("sqlite3").connect(other)
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()
    with pytest.raises(ops.BackupError, match="not a Kyläraati one"):
        ops.check_restorable(other, "sqlite")
    with pytest.raises(ops.BackupError, match="does not exist"):
        ops.check_restorable(tmp_path / "nothing", "postgresql")


# --- flask backup / flask restore -------------------------------------------------------------------------

def _require_backup_tools(app):
    """Skip on PostgreSQL unless pg_dump and pg_restore exist and match the server's major version."""
    if db.engine.dialect.name != "postgresql":
        return
    for program in ("pg_dump", "pg_restore"):
        if shutil.which(program) is None:
            pytest.skip(f"{program} is not installed: the PostgreSQL round trip needs the client programs")
    version = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True, check=True).stdout
    client_major = int(re.search(r"\)\s+(\d+)", version).group(1))  # "pg_dump (PostgreSQL) 15.20 (Debian ...)"
    server_major = int(db.session.scalar(sa.text("SHOW server_version_num"))) // 10000
    db.session.rollback()
    if client_major != server_major:
        # An older pg_dump refuses a newer server; a newer one writes settings an older server rejects.
        pytest.skip(f"pg_dump is version {client_major} but the server is PostgreSQL {server_major}: "
                    f"install the version {server_major} client programs to run the round trip")


def _names():
    return sorted(db.session.scalars(sa.select(User.display_name)))


def test_backup_and_restore_round_trip(app, make_user, tmp_path):
    _require_backup_tools(app)
    make_user(name="Aino Asukas")
    make_user(name="Eero Edustaja")
    backups = tmp_path / "backups"
    app.config["BACKUP_DIR"] = str(backups)
    cli = app.test_cli_runner()

    made = cli.invoke(args=["backup"])
    assert made.exit_code == 0, made.output
    [backup] = list(backups.iterdir())
    assert re.fullmatch(r"kylaraati-\d{8}T\d{6}Z\.(sqlite3|pgdump)", backup.name)
    assert ops.file_kind(backup) == ops.database_kind(db.engine.url)
    assert backup.stat().st_mode & 0o077 == 0  # personal data: readable by the owner only
    assert str(backup) in made.output

    # Change everything after the backup: a rename, a new account, a removal.
    aino = db.session.scalar(sa.select(User).where(User.display_name == "Aino Asukas"))
    aino.display_name = "Aino Muutettu"
    make_user(name="Uusi Ihminen")
    db.session.commit()
    assert _names() == ["Aino Muutettu", "Eero Edustaja", "Uusi Ihminen"]

    restored = cli.invoke(args=["restore", str(backup), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _names() == ["Aino Asukas", "Eero Edustaja"]
    # The current database was saved first, so the restore itself can be undone.
    safety = [p for p in backups.iterdir() if p != backup]
    assert len(safety) == 1 and safety[0].name.endswith("Z-before-restore" + backup.suffix)
    assert str(safety[0]) in restored.output

    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    # The backup's own audit row was written after the copy, so the restored data ends with the restore.
    assert actions[-1] == "database.restored"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "database.restored"))
    assert entry.actor_id is None and entry.details["file"] == str(backup)
    assert len(entry.details["sha256"]) == 64

    # The site works on the restored database.
    assert app.test_client().get("/healthz").status_code == 200


def test_backup_writes_an_audit_entry_and_never_overwrites(app, make_user, tmp_path):
    _require_backup_tools(app)
    make_user()
    target = tmp_path / "named.backup"
    cli = app.test_cli_runner()
    assert cli.invoke(args=["backup", "--output", str(target)]).exit_code == 0
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "database.backup"))
    assert entry.actor_id is None and entry.details["file"] == str(target) and entry.details["bytes"] > 0
    again = cli.invoke(args=["backup", "--output", str(target)])
    assert again.exit_code != 0 and "exists already" in again.output
    assert not list(tmp_path.glob("*.partial"))


def test_restore_refuses_without_yes_and_changes_nothing(app, make_user, tmp_path):
    _require_backup_tools(app)
    make_user(name="Ennen Varmuuskopiota")
    cli = app.test_cli_runner()
    target = tmp_path / "b"
    assert cli.invoke(args=["backup", "--output", str(target)]).exit_code == 0
    make_user(name="Jälkeen Varmuuskopion")
    refused = cli.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0 and "--yes" in refused.output and "Nothing was restored" in refused.output
    assert _names() == ["Ennen Varmuuskopiota", "Jälkeen Varmuuskopion"]
    assert db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "database.restored")) is None


def test_restore_refuses_a_file_of_the_wrong_kind(app, make_user, tmp_path):
    make_user(name="Pysyy Ennallaan")
    wrong = tmp_path / "wrong.pgdump" if db.engine.dialect.name == "sqlite" else tmp_path / "wrong.sqlite3"
    if db.engine.dialect.name == "sqlite":
        wrong.write_bytes(b"PGDMP\x01\x0e\x00 not really")
        expected = "is a PostgreSQL custom-format dump"
    else:
        wrong.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        expected = "is a SQLite database, but the configured database is postgresql"
    cli = app.test_cli_runner()
    for args in (["restore", str(wrong), "--yes"], ["restore", str(tmp_path / "README.md"), "--yes"]):
        result = cli.invoke(args=args)
        assert result.exit_code != 0 and "nothing was restored" in result.output
    assert expected in cli.invoke(args=["restore", str(wrong), "--yes"]).output
    assert _names() == ["Pysyy Ennallaan"]


# --- deploy/ ----------------------------------------------------------------------------------------------

def test_gunicorn_config_loads_and_is_sane(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    import multiprocessing

    assert settings["workers"] == multiprocessing.cpu_count() * 2 + 1
    assert settings["bind"] == "unix:/run/kylaraati/gunicorn.sock"
    assert settings["control_socket"] == "/run/kylaraati/gunicorn.ctl"  # RuntimeDirectory, not $HOME
    assert settings["preload_app"] is True
    assert 10 <= settings["timeout"] <= 120 and settings["graceful_timeout"] > 0
    assert "{x-real-ip}i" in settings["access_log_format"]
    assert callable(settings["post_fork"])
    # Every name is a real gunicorn setting (a typo would be silently ignored by gunicorn).
    from gunicorn.config import Config as GunicornConfig

    known = set(GunicornConfig().settings)
    for name, value in settings.items():
        if not name.startswith("_") and not callable(value) and not isinstance(value, type(re)):
            assert name in known, f"{name} is not a gunicorn setting"


def _units():
    units = {}
    for path in sorted((DEPLOY / "systemd").iterdir()):
        parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
        parser.optionxform = str
        parser.read(path, encoding="utf-8")
        units[path.name] = parser
    return units


def test_systemd_units_run_commands_the_app_has(app):
    units = _units()
    commands = []
    for name, unit in units.items():
        if name.endswith(".service"):
            service = unit["Service"]
            assert service["User"] == "kylaraati" and service["EnvironmentFile"] == "/etc/kylaraati/env"
            assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
            assert "/srv/kylaraati/instance" in service["ReadWritePaths"].split()
            for key in ("ExecStartPre", "ExecStart"):
                if key in service and "flask --app app" in service[key]:
                    commands.append(service[key].split("flask --app app", 1)[1].split())
    assert ["db", "upgrade"] in commands
    assert {("notifications", "send"), ("review", "escalate"), ("backup",)} <= {tuple(c) for c in commands}
    cli = FlaskGroup(create_app=lambda: app)
    runner = app.test_cli_runner()
    for command in commands:
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0, f"flask {' '.join(command)}: {result.output}"
    # Each timer starts a service that exists.
    for name, unit in units.items():
        if name.endswith(".timer"):
            assert name.replace(".timer", ".service") in units
            assert "OnCalendar" in unit["Timer"] or "OnUnitActiveSec" in unit["Timer"]
    gunicorn = units["kylaraati.service"]["Service"]["ExecStart"]
    assert "--config deploy/gunicorn.conf.py wsgi:app" in gunicorn


def test_nginx_site_matches_the_app():
    from app.events.images import MAX_BYTES

    site = (DEPLOY / "nginx" / "kylaraati.conf").read_text()
    size = int(re.search(r"client_max_body_size (\d+)m;", site).group(1)) * 1024 * 1024
    # Large enough for the biggest upload the app accepts (an event picture and its form), not much more.
    assert MAX_BYTES + 64 * 1024 <= size <= 2 * MAX_BYTES
    assert ProductionConfig.MAX_CONTENT_LENGTH <= size
    static = re.search(r"alias /srv/kylaraati/(\S+);", site).group(1)
    assert (ROOT / static / "css" / "app.css").exists()
    assert "return 301 https://" in site and "ssl_protocols TLSv1.2 TLSv1.3;" in site
    assert "Strict-Transport-Security" in site
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Real-IP"):
        assert f"proxy_set_header {header} " in site
    socket = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["bind"].removeprefix("unix:")
    assert f"server unix:{socket} " in site


def test_env_example_names_every_setting_and_is_refused_as_is(tmp_path):
    env = (DEPLOY / "env.example").read_text()
    names = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", env, re.MULTILINE))
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", readme, re.MULTILINE))
    assert documented <= names, f"missing from env.example: {documented - names}"
    for name in ("PROXY_COUNT", "BACKUP_DIR", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FLASK_CONFIG"):
        assert name in names and f"`{name}`" in readme
    example_key = re.search(r"^SECRET_KEY=(.*)$", env, re.MULTILINE).group(1)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_production(tmp_path, example_key))


# --- several app servers ----------------------------------------------------------------------------------

@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="set REDIS_URL to a Redis server to test shared limits")
def test_login_limits_are_shared_through_redis(database_url):
    """Two app servers (or gunicorn workers) with the same REDIS_URL count the same failed sign-ins."""
    config = type("Shared", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": database_url,
                                               "RATELIMIT_STORAGE_URI": os.environ["REDIS_URL"],
                                               "LOGIN_FAILURE_LIMIT": "3/minute"})
    first, second = create_app(config), create_app(config)
    key = f"address:test-{uuid.uuid4().hex}"
    try:
        for _ in range(3):
            first.extensions["throttle"].fail("login", key)
        refused = second.extensions["throttle"].check("login", key)
        assert refused is not None and 0 < refused.retry_after <= 60
    finally:
        first.extensions["throttle"].clear("login", key)
    assert second.extensions["throttle"].check("login", key) is None
