"""Coordinator tools: roles and the audit log."""
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.extensions import db
from tests.conftest import login, post_form


def set_role(client, user_id, role, granted):
    return post_form(client, f"/admin/users/{user_id}/role", {"role": role, "granted": "1" if granted else "0"},
                     token_from="/admin/users")


def test_coordinator_grants_and_removes_board_member(login_as, make_user):
    coordinator, boss = login_as("coordinator")
    person = make_user("resident", name="Leena Lautakunta")
    assert "Leena Lautakunta" in coordinator.get("/admin/users?q=leena").get_data(as_text=True)
    assert set_role(coordinator, person.id, "board_member", True).status_code == 302
    db.session.expire_all()
    assert person.is_board_member
    set_role(coordinator, person.id, "board_member", False)
    db.session.expire_all()
    assert not person.is_board_member
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["role.granted", "role.removed"]


def test_role_change_needs_fresh_login(app, make_user):
    coordinator = make_user("coordinator")
    person = make_user()
    client = app.test_client()
    login(client, coordinator.email, remember=True)
    client.delete_cookie("session")
    response = set_role(client, person.id, "board_member", True)
    assert response.status_code == 302 and "/reauthenticate" in response.headers["Location"]
    db.session.expire_all()
    assert not person.is_board_member


def test_bad_role_input_changes_nothing(login_as, make_user):
    coordinator, boss = login_as("coordinator")
    person = make_user()
    assert set_role(coordinator, person.id, "superuser", True).status_code == 400
    assert set_role(coordinator, 9999, "board_member", True).status_code == 404
    set_role(coordinator, boss.id, "coordinator", False)
    db.session.expire_all()
    assert boss.is_coordinator
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0


def test_audit_log_filters(login_as, make_user):
    coordinator, boss = login_as("coordinator")
    person = make_user(name="Seppo Suodatin")
    set_role(coordinator, person.id, "board_member", True)
    set_role(coordinator, person.id, "coordinator", True)
    html = coordinator.get("/admin/audit?action=role.granted").get_data(as_text=True)
    assert html.count("<code>role.granted</code>") == 2
    html = coordinator.get(f"/admin/audit?actor={person.id}").get_data(as_text=True)
    assert "<code>role.granted</code>" not in html
    html = coordinator.get("/admin/audit?since=2000-01-01&until=2000-12-31").get_data(as_text=True)
    assert "<code>" not in html
    assert coordinator.get("/admin/audit?since=garbage&actor=x&page=-1").status_code == 200
