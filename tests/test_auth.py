"""Registration, sign-in, sessions, passwords and reset links."""
import re

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db
from tests.conftest import PASSWORD, csrf_token, login, post_form


def register(client, **overrides):
    data = {"email": "aino@example.fi", "display_name": "Aino Asukas", "password": PASSWORD,
            "password_again": PASSWORD, "language": "fi", "accept_privacy": "y"}
    data.update(overrides)
    return post_form(client, "/register", data, token_from="/register")


def user_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_register_signs_in_and_hashes_with_argon2id(client):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.email == "aino@example.fi"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert "Aino Asukas" in client.get("/account/").get_data(as_text=True)


def test_register_normalises_email_and_refuses_duplicate(client, make_user):
    make_user(email="aino@example.fi")
    response = register(client, email="  AINO@example.fi ")
    assert response.status_code == 200
    assert "already exists" in response.get_data(as_text=True) or "on jo" in response.get_data(as_text=True)
    assert user_count() == 1


@pytest.mark.parametrize("password, code", [
    ("short", "too_short"),
    ("password1234", "common"),
    ("aaaaaaaaaaaaaa", "common"),
    ("asukas-aino-kylässä", "contains_name"),
    ("aino@example.fi!!", "contains_email"),
])
def test_register_refuses_weak_passwords(client, password, code):
    response = register(client, password=password, password_again=password)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert user_count() == 0


def test_long_passphrase_without_special_characters_is_fine(client):
    phrase = "kesällä mennään mökille soutamaan " * 10
    assert register(client, password=phrase, password_again=phrase).status_code == 302


@pytest.mark.parametrize("field, value", [
    ("email", ""), ("email", "not-an-email"), ("email", "a" * 250 + "@x.fi"),
    ("display_name", ""), ("display_name", "x" * 81), ("display_name", "bad\x00name"),
    ("password_again", "something else entirely"), ("accept_privacy", ""),
])
def test_register_bad_input_changes_nothing(client, field, value):
    response = register(client, **{field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error-summary"' in html
    assert re.search(f'aria-describedby="[^"]*{field}-error', html)
    assert user_count() == 0


def test_register_without_csrf_token_is_refused(client):
    response = client.post("/register", data={"email": "x@example.fi", "display_name": "X Y",
                                              "password": PASSWORD, "password_again": PASSWORD,
                                              "accept_privacy": "y"})
    assert response.status_code == 400
    assert user_count() == 0


def test_honeypot_registration_stores_nothing(client):
    response = register(client, website_url="http://spam.example")
    assert response.status_code == 302
    assert user_count() == 0


def test_login_and_logout(client, make_user):
    user = make_user()
    response = login(client, user.email)
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    post_form(client, "/logout")
    assert client.get("/account/").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    user = make_user()
    wrong = login(client, user.email, "wrong password here").get_data(as_text=True)
    unknown = login(client, "nobody@example.fi", "wrong password here").get_data(as_text=True)

    def message(html):
        return re.search(r'<p class="error" id="password-error">(.*?)</p>', html).group(1)

    assert message(wrong) == message(unknown)


def test_login_is_throttled_per_account(client, make_user):
    user = make_user()
    for _ in range(5):
        assert login(client, user.email, "wrong password here").status_code == 200
    # Even the right password is refused until the window passes.
    response = login(client, user.email)
    assert response.status_code == 429
    assert client.get("/account/").status_code == 302


def test_login_is_throttled_per_address(client, make_user):
    for n in range(5):
        login(client, f"guess{n}@example.fi", "wrong password here")
    user = make_user()
    assert login(client, user.email).status_code == 429


def test_open_redirect_in_next_is_ignored(client, make_user):
    user = make_user()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"):
        response = post_form(client, "/login", {"email": user.email, "password": PASSWORD, "next": target},
                             token_from="/login")
        assert response.headers["Location"] == "/", target
        post_form(client, "/logout")
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD, "next": "/villages"},
                         token_from="/login")
    assert response.headers["Location"] == "/villages"


def test_logout_ends_every_session_and_remember_cookie(app, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    login(first, user.email, remember=True)
    login(second, user.email)
    assert second.get("/account/").status_code == 200
    post_form(first, "/logout")
    assert second.get("/account/").status_code == 302
    # A stolen remember-me cookie from before the logout does not work either.
    third = app.test_client()
    login(third, user.email, remember=True)
    remember = third.get_cookie("remember_token")
    post_form(third, "/logout")
    fourth = app.test_client()
    fourth.set_cookie("remember_token", remember.value)
    assert fourth.get("/account/").status_code == 302


def test_session_is_renewed_at_login(client, make_user):
    user = make_user()
    with client.session_transaction() as session:
        session["planted"] = "by attacker"
    login(client, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_change_password_needs_current_password_and_ends_other_sessions(app, make_user):
    user = make_user()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user.email)
    login(elsewhere, user.email)
    new = "uusi salasana metsässä"
    response = post_form(here, "/password/change", {"current_password": "wrong one here!",
                                                     "password": new, "password_again": new},
                         token_from="/password/change")
    assert response.status_code == 200
    response = post_form(here, "/password/change", {"current_password": PASSWORD,
                                                     "password": new, "password_again": new},
                         token_from="/password/change")
    assert response.status_code == 302
    assert here.get("/account/").status_code == 200
    assert elsewhere.get("/account/").status_code == 302
    post_form(here, "/logout")
    assert login(here, user.email, new).status_code == 302


def test_change_password_needs_a_fresh_login(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user.email, remember=True)
    # Drop the session, keep the remember-me cookie: the login is then not fresh.
    client.delete_cookie("session")
    assert client.get("/account/").status_code == 200
    response = client.get("/password/change")
    assert response.status_code == 302
    assert "/reauthenticate" in response.headers["Location"]


def reset_link(outbox) -> str:
    body = outbox[-1].get_content()
    return re.search(r"http://localhost(/password/reset/\S+)", body).group(1)


def test_password_reset_flow_is_single_use(client, make_user, outbox):
    user = make_user()
    response = post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    assert response.status_code == 302
    assert outbox[-1]["To"] == user.email
    link = reset_link(outbox)
    new = "uusi salasana järven rannalla"
    response = post_form(client, link, {"password": new, "password_again": new}, token_from=link)
    assert response.status_code == 302
    assert login(client, user.email, new).status_code == 302
    post_form(client, "/logout")
    response = client.get(link)
    assert response.status_code == 302 and "/password/forgot" in response.headers["Location"]


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, make_user, outbox):
    user = make_user()
    known = post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot",
                      follow_redirects=True).get_data(as_text=True)
    unknown = post_form(client, "/password/forgot", {"email": "nobody@example.fi"},
                        token_from="/password/forgot", follow_redirects=True).get_data(as_text=True)
    flash = re.compile(r'<p class="flash flash-success">(.*?)</p>')
    assert flash.search(known).group(1) == flash.search(unknown).group(1)
    assert len(outbox) == 1


def test_expired_and_forged_reset_links_are_refused(app, client, make_user, outbox):
    user = make_user()
    post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    link = reset_link(outbox)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    assert "/password/forgot" in client.get(link).headers["Location"]
    app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert "/password/forgot" in client.get(link[:-3] + "xyz").headers["Location"]


def test_reset_requests_are_throttled(client, make_user):
    user = make_user()
    for _ in range(5):
        post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    response = post_form(client, "/password/forgot", {"email": user.email}, token_from="/password/forgot")
    assert response.status_code == 429


def test_registration_is_throttled_per_address(client):
    for n in range(5):
        register(client, email=f"person{n}@example.fi")
        post_form(client, "/logout")
    assert register(client, email="one.more@example.fi").status_code == 429
    assert user_count() == 5


def test_csrf_token_is_bound_to_the_session(app, make_user):
    user = make_user()
    attacker, victim = app.test_client(), app.test_client()
    token = csrf_token(attacker)
    login(victim, user.email)
    response = victim.post("/logout", data={"csrf_token": token})
    assert response.status_code == 400
