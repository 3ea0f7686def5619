"""Shared fixtures: app, database, clients signed in per role, CSRF and query helpers.

The suite runs on SQLite (default: a temporary file) and on PostgreSQL when DATABASE_URL
is set. The schema is built once per run by the real Alembic migrations, and every test
starts from empty tables.
"""
import hashlib
import os
import re
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from app import create_app
from app.config import TestingConfig
from app.extensions import db

PASSWORD = "correct horse battery staple"
ROLES = ("resident", "representative", "board_member", "coordinator")
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _test_config(url: str) -> type:
    return type("RunConfig", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url})


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """The test database, migrated to the newest revision once per run."""
    url = os.environ.get("DATABASE_URL") or "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")
    app = create_app(_test_config(url))
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:  # a clean slate, whatever an earlier run left
                connection.execute(sa.text("DROP SCHEMA public CASCADE"))
                connection.execute(sa.text("CREATE SCHEMA public"))
        upgrade(directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
        db.engine.dispose()
    return url


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                                       + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(sa.text(f'DELETE FROM "{table}"'))


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (own `g` and database session), as in production,
    even though the test itself holds one open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@contextmanager
def running_app(config: type):
    """An application of `config` with an app context pushed; its tables emptied after."""
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            _empty_tables()
            db.engine.dispose()


@pytest.fixture
def app(database_url):
    """The application with an app context pushed for the test; tables emptied after."""
    with running_app(_test_config(database_url)) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def sent_mail(app=None, now=None) -> list:
    """Run the email sender as the timer would (`flask notifications send`: vote notices, due notification
    emails and digests, then the outbox) and return every email sent during the test."""
    from flask import current_app

    from app.notifications.services import send_all

    app = app or current_app._get_current_object()
    send_all(now=now)
    return app.extensions.setdefault("mail_outbox", [])


class SentMail:
    """The `outbox` fixture: reading it first runs the sender, since requests only queue emails."""

    def __init__(self, app):
        self.app = app

    def _mail(self) -> list:
        return sent_mail(self.app)

    def __len__(self):
        return len(self._mail())

    def __iter__(self):
        return iter(list(self._mail()))

    def __getitem__(self, index):
        return self._mail()[index]

    def __eq__(self, other):
        return self._mail() == other

    def __bool__(self):
        return bool(self._mail())

    def __repr__(self):
        return repr(self._mail())


@pytest.fixture
def outbox(app):
    """Emails sent during the test (reading it runs the sender first)."""
    return SentMail(app)


def immediate_emails(*users) -> None:
    """Have these people's notification emails sent at once instead of in the default weekly digest."""
    from app.notifications.models import NotificationSettings

    for user in users:
        settings = db.session.get(NotificationSettings, user.id) or NotificationSettings(user_id=user.id)
        settings.frequency = "immediate"
        db.session.add(settings)
    db.session.commit()


def csrf_token(client, path: str = "/") -> str:
    """A CSRF token for this client's session, read from a page's form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, url: str, data: dict | None = None, token_from: str = "/", **kwargs):
    """POST a form with a valid CSRF token, as a browser would."""
    payload = dict(data or {})
    payload.setdefault("csrf_token", csrf_token(client, token_from))
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def make_association(app):
    """Create an association (and its village) in the test database."""
    from app.directory.models import Association, Village

    def make(name: str = "Vuolenkosken kyläyhdistys ry", village: str = "Vuolenkoski", **fields):
        place = db.session.scalar(sa.select(Village).where(Village.name == village))
        if place is None:
            place = Village(name=village, slug=village.lower().replace("ä", "a").replace("ö", "o"))
            db.session.add(place)
        association = Association(name=name, village=place, **fields)
        db.session.add(association)
        db.session.commit()
        return association

    return make


@pytest.fixture
def make_user(app, make_association):
    """Create a user in a role; a representative gets an approved mandate."""
    from app.auth.services import register_user
    from app.directory.models import Representation, RepresentationStatus

    counter = iter(range(1, 10_000))

    def make(role: str = "resident", email: str | None = None, name: str | None = None,
             password: str = PASSWORD, association=None):
        n = next(counter)
        user = register_user(email or f"{role}{n}@example.fi", name or f"Testi {role.title()} {n}", password)
        user.is_coordinator = role == "coordinator"
        user.is_board_member = role == "board_member"
        if role == "representative":
            association = association or make_association(name=f"Yhdistys {n}")
            db.session.add(Representation(user=user, association=association,
                                          status=RepresentationStatus.APPROVED,
                                          starts_on=date(2020, 1, 1)))
        db.session.commit()
        return user

    return make


def login(client, email: str, password: str = PASSWORD, remember: bool = False):
    """Sign in through the real login form."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(client, "/login", data, token_from="/login")


@pytest.fixture
def login_as(app, make_user):
    """A new test client signed in as a fresh user of `role` (None: anonymous)."""
    def make(role: str | None, **kwargs):
        client = app.test_client()
        if role is None:
            return client, None
        user = make_user(role, **kwargs)
        response = login(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client, user

    return make


@contextmanager
def count_queries():
    """Collect the SQL statements run inside the block (use len() of the result)."""
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)


def row_counts() -> dict[str, int]:
    """Rows in every table."""
    with db.engine.connect() as connection:
        return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                for t in db.metadata.sorted_tables}


def snapshot() -> str:
    """A digest of every row of every table."""
    digest = hashlib.sha256()
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()
