"""Automated accessibility checks (axe-core, WCAG 2.1 A/AA and best practice) and reflow at 320 px.

axe finds only part of the problems; the keyboard flows are in test_flows.py. The checks themselves
(axe_problems, visit, horizontal_overflow) are in checks.py, shared by every browser test; they are
imported here too, where the older tests import them from.
"""
from datetime import date

import pytest

from app.directory.models import Representation, RepresentationStatus
from app.extensions import db
from tests.browser.checks import assert_accessible, axe_problems, horizontal_overflow, visit  # noqa: F401
from tests.conftest import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser


@pytest.fixture
def association(make_association):
    return make_association(
        "Kausalan kyläyhdistys ry", village="Kausala",
        description="Kausalan kyläyhdistys pitää **kylätaloa** ja järjestää:\n\n- talkoita\n- kyläjuhlan",
        contact_email="hallitus@kausala.example.fi", contact_phone="040 123 4567",
        website="https://kausala.example.fi/")


def test_public_pages_have_no_serious_violations(page, association, make_user):
    """Every public page in one browser session (one server start keeps the run short);
    all pages are checked before the test fails, and the message names each page's problems."""
    make_user("representative", name="Ville Edustaja", association=association)
    pages = [("/", "front-page"), ("/login", "login"), ("/register", "register"),
             ("/associations", "associations"), (f"/associations/{association.id}", "association"),
             ("/accessibility", "accessibility-statement"), ("/privacy", "privacy-notice"),
             ("/api", "open-data-api"), ("/decisions", "decisions")]
    problems = []
    for path, name in pages:
        visit(page, path)
        problems.append(axe_problems(page, name))

    # The registration form sent empty: error summary, messages and invalid fields.
    visit(page, "/register")
    page.get_by_role("main").get_by_role("button").click()  # the form's only button
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    problems.append(axe_problems(page, "register-errors"))

    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def test_signed_in_pages_have_no_serious_violations(new_page, association, make_user, make_association,
                                                   sign_in):
    """My account with a mandate, and the coordinator's review page with a pending request."""
    applicant = make_user("resident", name="Aino Virtanen")
    db.session.add(Representation(user=applicant, association=association, starts_on=date(2026, 1, 1),
                                  note="Valittu kyläyhdistyksen kokouksessa 10.1."))
    coordinator = make_user("coordinator", name="Kaisa Koordinaattori")
    db.session.add(Representation(user=coordinator, association=make_association("Sitikkalan Kyläyhdistys ry"),
                                  status=RepresentationStatus.APPROVED, starts_on=date(2020, 1, 1)))
    db.session.commit()
    page = new_page(lang="en")
    sign_in(page, coordinator.email, PASSWORD)

    visit(page, "/account/")
    expect(page.get_by_role("table")).to_be_visible()
    problems = [axe_problems(page, "account")]
    visit(page, "/admin/representations")
    expect(page.get_by_role("article")).to_have_count(1)
    problems.append(axe_problems(page, "admin-representations"))

    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def test_pages_reflow_at_320_px_without_horizontal_scrolling(new_page, association, make_user, sign_in):
    """The front page, and the widest content: a form with errors and the table of mandates."""
    make_user("representative", name="Ville Edustaja", association=association)
    coordinator = make_user("coordinator", name="Kaisa Koordinaattori")
    page = new_page(lang="en", width=320, height=640)
    visit(page, "/")
    assert horizontal_overflow(page) is None

    visit(page, "/register")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_be_visible()
    problems = [horizontal_overflow(page)]
    sign_in(page, coordinator.email, PASSWORD)
    for path in (f"/associations/{association.id}", "/admin/representations", "/account/"):
        visit(page, path)
        problems.append(horizontal_overflow(page))
    assert not any(problems), problems
