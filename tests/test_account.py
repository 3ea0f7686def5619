"""Profile, 'my data' and erasure."""
import json

import sqlalchemy as sa

from app.auth.models import User
from app.directory.models import Representation
from app.extensions import db
from tests.conftest import login, post_form


def test_profile_update_changes_name_and_language(login_as):
    client, user = login_as("resident")
    response = post_form(client, "/account/", {"display_name": "Aino A.", "language": "sv"}, token_from="/account/")
    assert response.status_code == 302
    db.session.expire_all()
    assert user.display_name == "Aino A." and user.language == "sv"
    assert '<html lang="sv">' in client.get("/account/").get_data(as_text=True)


def test_profile_bad_input_changes_nothing(login_as):
    client, user = login_as("resident")
    name = user.display_name
    for data in ({"display_name": "", "language": "fi"}, {"display_name": "x" * 81, "language": "fi"},
                 {"display_name": "Ok Name", "language": "de"}):
        assert post_form(client, "/account/", data, token_from="/account/").status_code == 200
    db.session.expire_all()
    assert user.display_name == name and user.language == "fi"


def test_my_data_holds_everything_about_me(login_as, make_association):
    association = make_association()
    client, user = login_as("representative", association=association)
    response = client.get("/account/data.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == user.email
    assert data["representations"][0]["association"] == association.name
    assert "password_hash" not in json.dumps(data)


def test_erase_anonymises_and_ends_login(app, login_as, make_association):
    association = make_association()
    client, user = login_as("representative", association=association)
    email = user.email
    # Erasure needs a fresh login and a ticked confirmation.
    assert post_form(client, "/account/erase", {}, token_from="/account/erase").status_code == 200
    response = post_form(client, "/account/erase", {"confirm": "y"}, token_from="/account/erase")
    assert response.status_code == 302
    db.session.expire_all()
    row = db.session.get(User, user.id)  # the row stays; the person is gone from it
    assert row.email is None and row.display_name == "" and row.password_hash is None
    assert row.erased_at is not None
    assert db.session.scalar(sa.select(Representation.status)) == "revoked"
    assert client.get("/account/").status_code == 302
    assert login(app.test_client(), email).status_code == 200  # the login is gone
    assert association.name in client.get(f"/associations/{association.id}").get_data(as_text=True)
