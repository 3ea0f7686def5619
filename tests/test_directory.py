"""Villages and associations directory, and representation requests and decisions."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.directory.models import Association, Representation, RepresentationStatus
from app.extensions import db
from tests.conftest import count_queries, immediate_emails, login, post_form


def representations():
    db.session.expire_all()
    return db.session.scalars(sa.select(Representation).order_by(Representation.id)).all()


def test_association_list_filters_by_village_kind_and_name(client, make_association):
    make_association("Vuolenkosken kyläyhdistys ry", "Vuolenkoski")
    make_association("Vuolenkosken Martat ry", "Vuolenkoski", kind="other")
    sports = make_association("Kausalan Urheilijat ry", "Kausala", kind="sports")
    html = client.get("/associations").get_data(as_text=True)
    assert html.count('class="card"') == 3
    html = client.get(f"/associations?village={sports.village_id}").get_data(as_text=True)
    assert "Kausalan Urheilijat" in html and "Martat" not in html
    html = client.get("/associations?kind=other").get_data(as_text=True)
    assert "Martat" in html and "Urheilijat" not in html
    html = client.get("/associations?q=martat").get_data(as_text=True)
    assert "Martat" in html and "Vuolenkosken kyläyhdistys" not in html
    # Wildcards in the search are literal; unknown filters are ignored, not errors.
    assert client.get("/associations?q=%25").get_data(as_text=True).count('class="card"') == 0
    assert client.get("/associations?village=abc&kind=<script>").status_code == 200


def test_association_list_paginates_with_bounded_queries(client, make_association):
    make_association("Yhdistys 0")
    with count_queries() as few:
        client.get("/associations")
    for n in range(1, 45):
        make_association(f"Yhdistys {n}", f"Kylä {n % 7}")
    with count_queries() as many:
        html = client.get("/associations").get_data(as_text=True)
    assert html.count('class="card"') == 20
    assert len(many) <= len(few) + 1  # the pager's count query appears once there are pages
    assert 'rel="next"' in html
    assert client.get("/associations?page=3").get_data(as_text=True).count('class="card"') == 5


def test_front_page_and_villages_have_bounded_queries(client, make_association):
    make_association("Yhdistys 0")
    with count_queries() as few:
        client.get("/")
        client.get("/villages")
    for n in range(1, 30):
        make_association(f"Yhdistys {n}", f"Kylä {n}")
    with count_queries() as many:
        client.get("/")
        client.get("/villages")
    assert len(many) == len(few)


def test_association_page_shows_contact_and_current_representatives(client, make_association, make_user):
    association = make_association(contact_email="info@vuolenkoski.fi", website="https://vuolenkoski.fi",
                                   description="Kylätalo ja **uimaranta**.")
    make_user("representative", name="Eero Edustaja", association=association)
    ended = make_user("resident", name="Entinen Edustaja")
    db.session.add(Representation(user=ended, association=association, status=RepresentationStatus.APPROVED,
                                  starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)))
    db.session.commit()
    html = client.get(f"/associations/{association.id}").get_data(as_text=True)
    assert "Eero Edustaja" in html
    assert "Entinen Edustaja" not in html
    assert "<strong>uimaranta</strong>" in html
    assert "mailto:info@vuolenkoski.fi" in html


def test_nonexistent_association_is_404(client, login_as):
    assert client.get("/associations/999").status_code == 404
    member, _ = login_as("resident")
    assert member.get("/associations/999/represent").status_code == 404
    assert post_form(member, "/associations/999/represent", {"role": "deputy", "starts_on": "2026-12-01"}).status_code == 404


def ask(client, association, **overrides):
    data = {"role": "representative", "starts_on": date.today().isoformat(), "ends_on": "", "note": ""}
    data.update(overrides)
    return post_form(client, f"/associations/{association.id}/represent", data,
                     token_from=f"/associations/{association.id}/represent")


def test_request_representation_reaches_coordinators(login_as, make_association, make_user, outbox):
    association = make_association()
    coordinator = make_user("coordinator")
    client, user = login_as("resident")
    response = ask(client, association, role="deputy", note="Valittu kokouksessa 12.11.")
    assert response.status_code == 302
    (representation,) = representations()
    assert representation.status == "pending"
    assert representation.role == "deputy"
    assert representation.note == "Valittu kokouksessa 12.11."
    assert outbox[-1]["To"] == coordinator.email
    assert "/admin/representations" in outbox[-1].get_content()


def test_request_twice_is_refused(login_as, make_association):
    association = make_association()
    client, _ = login_as("resident")
    ask(client, association)
    response = ask(client, association, follow_redirects=True)
    assert len(representations()) == 1
    assert response.status_code == 200


def test_the_database_refuses_a_second_open_request(app, make_association, make_user):
    import pytest
    from sqlalchemy.exc import IntegrityError

    association = make_association()
    user = make_user()
    for _ in range(2):
        db.session.add(Representation(user=user, association=association, starts_on=date.today()))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_request_with_bad_dates_is_refused(login_as, make_association):
    association = make_association()
    client, _ = login_as("resident")
    today = date.today()
    assert ask(client, association, starts_on="", ends_on="").status_code == 200
    assert ask(client, association, starts_on="31.2.2026").status_code == 200
    response = ask(client, association, starts_on=today.isoformat(),
                   ends_on=(today - timedelta(days=1)).isoformat())
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert ask(client, association, note="x" * 1001).status_code == 200
    assert representations() == []


def decide(client, representation_id, decision, reason=""):
    return post_form(client, f"/admin/representations/{representation_id}/{decision}", {"reason": reason},
                     token_from="/admin/representations")


def test_coordinator_approves_and_the_person_is_told(login_as, make_association, outbox):
    association = make_association()
    resident, person = login_as("resident")
    immediate_emails(person)  # the decision is a notification: emailed at once, not in the weekly digest
    ask(resident, association)
    coordinator, boss = login_as("coordinator")
    (pending,) = representations()
    assert person.display_name in coordinator.get("/admin/representations").get_data(as_text=True)
    assert decide(coordinator, pending.id, "approve").status_code == 302
    (approved,) = representations()
    assert approved.status == "approved" and approved.decided_by_id == boss.id
    assert outbox[-1]["To"] == person.email
    assert person.display_name in resident.get(f"/associations/{association.id}").get_data(as_text=True)
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "representation.approved"))
    assert entry.actor_id == boss.id and entry.object_id == approved.id


def test_reject_needs_a_reason_and_decisions_happen_once(login_as, make_association, outbox):
    association = make_association()
    resident, person = login_as("resident")
    immediate_emails(person)
    ask(resident, association)
    coordinator, _ = login_as("coordinator")
    (pending,) = representations()
    decide(coordinator, pending.id, "reject", "")
    assert representations()[0].status == "pending"
    decide(coordinator, pending.id, "reject", "Yhdistys ei ole nimennyt sinua.")
    assert representations()[0].status == "rejected"
    assert "Yhdistys ei ole nimennyt sinua." in outbox[-1].get_content()
    decide(coordinator, pending.id, "approve")
    assert representations()[0].status == "rejected"
    # After a rejection the person may ask again.
    assert ask(resident, association).status_code == 302
    assert [r.status for r in representations()] == ["rejected", "pending"]


def test_revoke_ends_the_mandate(client, login_as, make_association, make_user, outbox):
    association = make_association()
    person = make_user("representative", association=association)
    immediate_emails(person)
    coordinator, _ = login_as("coordinator")
    (mandate,) = representations()
    decide(coordinator, mandate.id, "revoke", "")
    assert representations()[0].status == "approved"
    decide(coordinator, mandate.id, "revoke", "Toimikausi päättyi.")
    assert representations()[0].status == "revoked"
    assert outbox[-1]["To"] == person.email
    assert person.display_name not in client.get(f"/associations/{association.id}").get_data(as_text=True)
    assert db.session.scalar(sa.select(AuditLog.action).where(AuditLog.action == "representation.revoked"))


def test_coordinator_creates_and_edits_village_and_association(login_as):
    coordinator, _ = login_as("coordinator")
    response = post_form(coordinator, "/admin/villages/new", {"name": "Koliseva", "description": "Pieni kylä."},
                         token_from="/admin/villages/new")
    assert response.status_code == 302
    village_id = int(response.headers["Location"].rsplit("/", 1)[1])
    data = {"name": "Kolisevan kyläyhdistys ry", "kind": "village", "village_id": village_id,
            "description": "", "contact_email": "", "contact_phone": "", "website": "", "is_active": "y"}
    response = post_form(coordinator, "/admin/associations/new", data, token_from="/admin/associations/new")
    assert response.status_code == 302
    association = db.session.scalar(sa.select(Association))
    data.update(name="Kolisevan kyläseura ry", website="https://koliseva.fi")
    post_form(coordinator, f"/admin/associations/{association.id}/edit", data,
              token_from="/admin/associations/new")
    db.session.expire_all()
    assert association.name == "Kolisevan kyläseura ry" and association.website == "https://koliseva.fi"
    actions = db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)).all()
    assert actions == ["village.created", "association.created", "association.edited"]
    edit = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "association.edited"))
    assert edit.details["name"] == ["Kolisevan kyläyhdistys ry", "Kolisevan kyläseura ry"]


def test_duplicate_and_invalid_directory_input_changes_nothing(login_as, make_association):
    existing = make_association("Vuolenkosken kyläyhdistys ry")
    coordinator, _ = login_as("coordinator")
    response = post_form(coordinator, "/admin/villages/new", {"name": "vuolenkoski"},
                         token_from="/admin/villages/new")
    assert response.status_code == 200
    data = {"name": "VUOLENKOSKEN KYLÄYHDISTYS RY", "kind": "village", "village_id": existing.village_id,
            "is_active": "y"}
    assert post_form(coordinator, "/admin/associations/new", data,
                     token_from="/admin/associations/new").status_code == 200
    for bad in ({"name": ""}, {"name": "x" * 121}, {"kind": "church"}, {"village_id": 999},
                {"website": "javascript:alert(1)"}, {"contact_email": "not an email"}):
        response = post_form(coordinator, "/admin/associations/new", {**data, "name": "Uusi ry", **bad},
                             token_from="/admin/associations/new")
        assert response.status_code == 200, bad
    assert db.session.scalar(sa.select(sa.func.count(Association.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))) == 0
