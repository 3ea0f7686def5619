"""End-to-end flows in a real browser, driven like a person would: by label, role and keyboard."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.directory.models import Representation, RepresentationStatus
from app.extensions import db
from tests.conftest import PASSWORD, sent_mail
from app.timeutil import today, utcnow

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

NEW_PASSWORD = "kolme karhua kulkee metsässä"


def test_register_request_representation_and_approval(new_page, live_app, make_user, make_association,
                                                       sign_in):
    association = make_association("Kausalan kyläyhdistys ry", village="Kausala")
    coordinator = make_user("coordinator", name="Kaisa Koordinaattori")
    coordinator.language = "en"  # text is matched in English; Finnish is the default otherwise
    db.session.commit()

    # A new person registers...
    person = new_page(lang="en")
    person.goto("/")
    person.get_by_role("navigation", name="Your account").get_by_role("link", name="Register").click()
    form = person.get_by_role("main")
    form.get_by_label("Email address").fill("aino.virtanen@example.fi")
    form.get_by_label("Display name").fill("Aino Virtanen")
    form.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    form.get_by_label("New password again").fill(NEW_PASSWORD)
    form.get_by_label("I have read the privacy notice.").check()
    form.get_by_role("button", name="Create account").click()
    expect(person).to_have_url(re.compile(r"/account/$"))
    expect(person.get_by_role("status")).to_contain_text("Welcome to Kyläraati!")

    # ...signs out and back in...
    person.get_by_role("button", name="Sign out").click()
    expect(person.get_by_role("status")).to_contain_text("You have signed out.")
    main_nav = person.get_by_role("navigation", name="Main")
    person.get_by_role("navigation", name="Your account").get_by_role("link", name="Sign in").click()
    form = person.get_by_role("main")
    form.get_by_label("Email address").fill("aino.virtanen@example.fi")
    form.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    form.get_by_role("button", name="Sign in").click()
    expect(person.get_by_role("status")).to_contain_text("Welcome, Aino Virtanen!")

    # ...finds the association and asks to represent it.
    main_nav.get_by_role("link", name="Associations").click()
    person.get_by_role("main").get_by_role("link", name="Kausalan kyläyhdistys ry").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Kausalan kyläyhdistys ry")
    person.get_by_role("link", name="Ask to represent this association").click()
    form = person.get_by_role("main")
    form.get_by_label("Role").select_option(label="Representative")
    form.get_by_label("Mandate starts").fill(today().isoformat())
    form.get_by_role("button", name="Send the request").click()
    expect(person).to_have_url(re.compile(r"/account/$"))
    expect(person.get_by_role("status")).to_contain_text("Your request has been sent.")
    mandate = person.get_by_role("table", name="My association mandates").get_by_role(
        "row", name=re.compile("Kausalan kyläyhdistys ry"))
    expect(mandate).to_contain_text("Waiting for approval")

    # A coordinator, in a browser of their own, approves the request.
    reviewer = new_page(lang="en")
    sign_in(reviewer, coordinator.email, PASSWORD)
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Coordinator", exact=True).click()
    reviewer.get_by_role("navigation", name="Coordinator tools").get_by_role("link", name="Representatives").click()
    expect(reviewer).to_have_url(re.compile(r"/admin/representations$"))
    request = reviewer.get_by_role("article", name=re.compile("Aino Virtanen"))
    expect(request).to_contain_text("Kausalan kyläyhdistys ry")
    request.get_by_role("button", name="Approve").click()
    expect(reviewer.get_by_role("status")).to_contain_text("Aino Virtanen now represents Kausalan kyläyhdistys ry.")
    expect(reviewer.get_by_role("article")).to_have_count(0)

    # The association page now lists the person, and their account shows the mandate approved.
    person.goto(f"/associations/{association.id}")
    representatives = person.get_by_role("main").get_by_role("listitem").filter(has_text="Aino Virtanen")
    expect(representatives).to_contain_text("Representative")
    person.get_by_role("link", name=re.compile("My account")).click()
    expect(mandate).to_contain_text("Approved")

    # The decision was emailed to the person, in their language, by the sender's next run once their weekly
    # digest was due.
    with live_app.app_context():
        mail = sent_mail(live_app, now=utcnow() + timedelta(days=8))
    decisions = [m for m in mail if m["To"] == "aino.virtanen@example.fi"]
    assert len(decisions) == 1, [m["Subject"] for m in mail]
    assert "Kausalan kyläyhdistys ry" in decisions[0]["Subject"]
    assert "has been approved" in decisions[0].get_content()
    status = db.session.scalar(sa.select(Representation.status).where(Representation.association_id == association.id))
    assert status == RepresentationStatus.APPROVED


def test_language_switch_by_buttons_persists_across_pages(page):
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "fi")

    page.get_by_role("button", name="English", exact=True).click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="English", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Kyläraati")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Associations").click()
    expect(page).to_have_url(re.compile(r"/associations$"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Associations")

    page.get_by_role("button", name="Svenska", exact=True).click()
    expect(page).to_have_url(re.compile(r"/associations$"))  # the switch keeps you on the page
    expect(html).to_have_attribute("lang", "sv")
    expect(page.get_by_role("button", name="Svenska", exact=True)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("button", name="English", exact=True)).not_to_have_attribute("aria-current", "true")
    page.goto("/privacy")
    expect(html).to_have_attribute("lang", "sv")
    page.goto("/")
    expect(html).to_have_attribute("lang", "sv")

    page.get_by_role("button", name="Suomi", exact=True).click()
    expect(html).to_have_attribute("lang", "fi")


def test_language_choice_is_saved_for_a_signed_in_person(new_page, make_user, sign_in):
    user = make_user("resident")
    page = new_page(lang="en")
    sign_in(page, user.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "fi")  # the profile's language wins
    page.get_by_role("button", name="Svenska", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.goto("/account/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")


def test_first_tab_focuses_skip_link_and_enter_moves_focus_to_main(page_en):
    page = page_en
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visible when focused, not only to screen readers
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#content$"))
    page.keyboard.press("Tab")  # the next stop is the first control inside the main content
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_error_summary_links_move_focus_to_the_field(page_en):
    page = page_en
    page.goto("/register")
    page.get_by_role("main").get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    summary.get_by_role("link", name=re.compile("^Email address")).click()
    email = page.get_by_label("Email address")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter your email address"))
