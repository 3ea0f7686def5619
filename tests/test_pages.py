"""Public pages render in every language, with the accessible layout."""
import pytest

from tests.conftest import post_form

PUBLIC_PAGES = ["/", "/villages", "/associations", "/login", "/register", "/password/forgot",
                "/accessibility", "/privacy", "/consultations", "/proposals"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_accessible_layout(client, make_association, path):
    make_association()
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert 'class="skip-link" href="#content"' in html
    assert html.count("<h1") == 1
    assert '<main id="content"' in html
    assert 'href="/accessibility"' in html and 'href="/privacy"' in html


def test_front_page_is_finnish_by_default(client, make_association):
    make_association()
    html = client.get("/").get_data(as_text=True)
    assert "Tervetuloa Kyläraatiin" in html
    assert "Vuolenkoski" in html


@pytest.mark.parametrize("code, greeting", [("en", "Welcome to Kyläraati"), ("sv", "Välkommen till Kyläraati"),
                                            ("fi", "Tervetuloa Kyläraatiin")])
def test_language_switch_is_remembered(client, code, greeting):
    response = post_form(client, f"/language/{code}", {"next": "/privacy"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    html = client.get("/").get_data(as_text=True)
    assert f'<html lang="{code}">' in html
    assert greeting in html


def test_language_switch_refuses_unknown_language_and_offsite_next(client):
    response = post_form(client, "/language/de", {"next": "/privacy"})
    assert response.headers["Location"] == "/"
    response = post_form(client, "/language/en", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_missing_page_is_a_translated_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Sivua ei löytynyt" in response.get_data(as_text=True)
