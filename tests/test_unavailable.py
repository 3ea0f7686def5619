"""When the database is briefly unavailable (restarting, unreachable, out of disk) people get a clear
"try again" page (503), nothing is half-stored, and the next request works again."""
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from app.extensions import db
from tests.budget_helpers import ballots, choices, make_budget, participations  # noqa: F401
from tests.conftest import post_form
from tests.proposal_helpers import english, make_consultation, text  # noqa: F401


class DiskFull(Exception):
    """Stands for the driver's error (sqlite3: "database or disk is full"; PostgreSQL: DiskFull 53100)."""


@pytest.fixture
def failing_insert(app):
    """Make statements fail as a full disk makes them fail, until the test lifts it: INSERTs into
    state["table"], or every statement when state["all"] is set."""
    state = {"table": None, "all": False}

    def before_execute(conn, cursor, statement, parameters, context, executemany):
        table = state["table"]
        if state["all"] or table and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            raise OperationalError(statement, parameters, DiskFull("database or disk is full"))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before_execute)
    yield state
    sa.event.remove(engine, "before_cursor_execute", before_execute)


def test_ballot_during_a_full_disk_is_a_503_and_nothing_is_half_stored(english, make_budget, failing_insert):
    budget = make_budget(electorate="residents")
    client, resident = english("resident")
    url = f"/budgets/{budget.id}/ballot"
    vote = {"voter": f"user:{resident.id}", "project": [str(budget.projects[0].id)]}
    failing_insert["table"] = "budget_ballot"  # the participation row goes in first, then this fails

    response = post_form(client, url, vote, token_from=f"/budgets/{budget.id}")

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = text(response)
    assert "Please try again in a moment" in page and "Nothing was saved halfway" in page
    db.session.expire_all()
    assert participations(budget.id) == [] and ballots(budget.id) == []

    failing_insert["table"] = None  # the disk has room again: the same voter can vote, once
    response = post_form(client, url, vote, token_from=f"/budgets/{budget.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/budgets/{budget.id}/voted")
    assert choices(budget.id) == [(budget.projects[0].id, 1)] and len(participations(budget.id)) == 1


def test_unavailable_page_is_in_the_visitors_language_and_offers_the_same_address(client, monkeypatch):
    from app.proposals import routes

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionError("connection refused"))

    monkeypatch.setattr(routes, "render_template", unreachable)
    client.set_cookie("lang", "sv")
    response = client.get("/proposals?page=2")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert '<html lang="sv">' in page and "Försök igen om en stund" in page
    assert 'href="/proposals?page=2"' in page


def test_the_api_answers_a_problem_document(client, failing_insert):
    failing_insert["all"] = True
    response = client.get("/api/v1/proposals")
    assert response.status_code == 503
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json["status"] == 503 and response.headers["Retry-After"] == "5"


def _bare_app(database_url):
    """An app as gunicorn runs it: no test app context around requests, errors turned into responses."""
    from app import create_app
    from tests.conftest import _test_config

    config = _test_config(database_url)
    return create_app(type("ServedConfig", (config,), {"TESTING": False, "PROPAGATE_EXCEPTIONS": False}))


def test_a_connection_lost_after_the_view_is_no_500(database_url):
    """The view has read and rendered; then the connection dies (PostgreSQL restarted) before the request's
    transaction is ended. The page still goes out, and the next request gets a fresh connection."""
    app = _bare_app(database_url)
    lost = {"armed": False}

    @app.get("/read-then-lose-the-connection")
    def read_then_lose():
        db.session.execute(sa.text("SELECT 1"))
        lost["armed"] = True
        return "read done"

    def rollback(conn):
        if lost["armed"]:
            lost["armed"] = False
            raise OperationalError("ROLLBACK", {}, ConnectionError("server closed the connection unexpectedly"))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "rollback", rollback)
    try:
        client = app.test_client()
        response = client.get("/read-then-lose-the-connection")
        assert response.status_code == 200 and response.data == b"read done"
        assert client.get("/healthz").status_code == 200
    finally:
        sa.event.remove(engine, "rollback", rollback)
        engine.dispose()


def test_postgresql_backend_killed_mid_request_is_no_500(database_url):
    """The real thing on PostgreSQL: the request's own backend is terminated, as a restart does."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: SQLite has no server to restart")
    app = _bare_app(database_url)

    @app.get("/read-then-die")
    def read_then_die():
        pid = db.session.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        killer = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
        with killer.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        return "read done"

    client = app.test_client()
    assert client.get("/read-then-die").status_code == 200
    assert client.get("/healthz").status_code == 200
    with app.app_context():
        db.engine.dispose()
