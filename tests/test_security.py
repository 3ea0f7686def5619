"""Security headers, cookie flags, request size, feedback form and Markdown sanitising."""
import sqlalchemy as sa

from app import create_app
from app.config import ProductionConfig
from app.extensions import db
from app.main.models import AccessibilityFeedback
from tests.conftest import login, post_form


def test_security_headers_and_csp_without_inline_script(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


def test_production_config_sets_secure_cookies_and_hsts(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    config = type("Prod", (ProductionConfig,), {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                                                "SECRET_KEY": "x" * 40})
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.test_client() as client:
        response = client.get("/privacy")
        assert "max-age" in response.headers["Strict-Transport-Security"]


def test_session_cookie_is_httponly_and_lax(client, make_user):
    user = make_user()
    response = login(client, user.email)
    cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    from app.config import DevelopmentConfig

    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = type("Dev", (DevelopmentConfig,), {"SECRET_KEY": None,
                                                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(tmp_path / "instance"))
    first = create_app(config).config["SECRET_KEY"]
    second = create_app(config).config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "instance" / "secret_key").exists()


def test_oversized_request_is_refused(client):
    response = client.post("/accessibility", data={"message": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_accessibility_feedback_is_stored_and_reaches_coordinators(client, make_user, outbox):
    coordinator = make_user("coordinator")
    response = post_form(client, "/accessibility", {"message": "Kontrasti on liian heikko.",
                                                    "page_url": "/associations", "email": "a@example.fi"},
                         token_from="/accessibility")
    assert response.status_code == 302
    feedback = db.session.scalar(sa.select(AccessibilityFeedback))
    assert feedback.message == "Kontrasti on liian heikko."
    assert outbox[-1]["To"] == coordinator.email
    assert "Kontrasti on liian heikko." in outbox[-1].get_content()


def test_feedback_bad_input_stores_nothing(client):
    for data in ({"message": ""}, {"message": "x" * 5001}, {"message": "ok", "email": "nope"},
                 {"message": "spam", "website_url": "http://spam.example"}):
        post_form(client, "/accessibility", data, token_from="/accessibility")
    assert db.session.scalar(sa.select(sa.func.count(AccessibilityFeedback.id))) == 0


def test_stored_markup_is_escaped_or_sanitised(login_as):
    coordinator, _ = login_as("coordinator")
    payload = '<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))'
    response = post_form(coordinator, "/admin/villages/new", {"name": "<b>Kylä</b>", "description": payload},
                         token_from="/admin/villages/new", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;b&gt;Kylä&lt;/b&gt;" in html


def test_a_nul_character_in_the_query_string_is_a_bad_request(client):
    # PostgreSQL cannot store or compare text with NUL: refused before any page or the API reads it.
    assert client.get("/associations", query_string={"q": "a\x00b"}).status_code == 400
    response = client.get("/api/v1/proposals", query_string={"q": "a\x00b"})  # the API names the parameter
    assert response.status_code == 400 and response.get_json()["parameter"] == "q"
    assert client.get("/associations", query_string={"q": "ab"}).status_code == 200
