"""Automated accessibility checks (axe-core, WCAG 2.1 A/AA and best practice) and reflow at 320 px.

axe finds only part of the problems; the keyboard flows are in test_flows.py. Set
KYLARAATI_SCREENSHOTS=1 to also save a full-page screenshot of every checked page into
test-artifacts/ for looking at the layout.
"""
import os
from datetime import date
from pathlib import Path

import pytest

from app.directory.models import Representation, RepresentationStatus
from app.extensions import db
from tests.conftest import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect
Axe = pytest.importorskip("axe_playwright_python.sync_playwright").Axe

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    "resultTypes": ["violations"],
}
BLOCKING = {"serious", "critical"}


def describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            summary = "; ".join(line.strip() for line in node.get("failureSummary", "").splitlines() if line.strip())
            lines.append(f"    {' '.join(map(str, node['target']))}  -- {summary}")
    return "\n".join(lines)


def axe_problems(page, name: str) -> str | None:
    """The serious and critical axe violations on the page as it is now, described, or None."""
    if os.environ.get("KYLARAATI_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:  # shown with -rA or on failure; not a test failure
        print(f"axe (moderate/minor) on {page.url}:\n{describe(others)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    return f"axe found on {page.url}:\n{describe(blocking)}" if blocking else None


def assert_accessible(page, name: str) -> None:
    problems = axe_problems(page, name)
    assert problems is None, problems


def visit(page, path: str):
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
    return response


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
             ("/accessibility", "accessibility-statement"), ("/privacy", "privacy-notice")]
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


def horizontal_overflow(page) -> str | None:
    """Why the page scrolls sideways, or None (WCAG 1.4.10: no 2-D scrolling at 320 CSS px)."""
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll_width <= inner_width:
        return None
    return f"{page.url}: scrollWidth {scroll_width} > innerWidth {inner_width}"


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
