"""Events in a real browser: a representative publishes an event with a co-organiser (seeing the clash with
a municipal meeting first), the co-organiser's representative confirms, a resident signs up for a volunteer
task. axe (WCAG 2.1 AA, every violation counted) on the month and list views, the event page and the forms."""
import re
from datetime import date, time, timedelta

import pytest

from app.events.rules import local_to_utc
from app.extensions import db
from tests.browser.checks import axe_problems, duplicate_ids, visit
from tests.conftest import PASSWORD
from tests.event_helpers import make_event  # noqa: F401  (fixture)
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser


def checked(page, name: str) -> list[str | None]:
    return [axe_problems(page, name, strict=True), duplicate_ids(page)]


def assert_no_problems(problems) -> None:
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def _png() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (640, 400), (40, 110, 160)).save(out, "PNG")
    return out.getvalue()


def _english(user):
    user.language = "en"
    db.session.commit()
    return user


def test_publish_with_co_organiser_confirm_and_sign_up(new_page, make_user, make_association, make_meeting,
                                                       sign_in):
    organiser = make_association(name="Vuolenkosken kyläyhdistys ry", village="Vuolenkoski")
    partner = make_association(name="Vuolenkosken Martat ry", village="Vuolenkoski")
    rep = _english(make_user("representative", association=organiser, name="Eero Edustaja"))
    partner_rep = _english(make_user("representative", association=partner, name="Maija Martta"))
    resident = _english(make_user("resident", name="Aino Asukas"))
    day = date.today() + timedelta(days=14)
    meeting = make_meeting(title="Kokous 3/2027")
    meeting.starts_at = local_to_utc(day, time(13, 0))
    db.session.commit()
    problems: list[str | None] = []

    # The representative writes the event and invites the Martat.
    page = new_page(lang="en")
    sign_in(page, rep.email, PASSWORD)
    visit(page, "/events/new")
    main = page.get_by_role("main")
    expect(main.get_by_label("Organiser")).to_have_value(str(organiser.id))
    main.get_by_label("Title").fill("Vuolenkosken kesäjuhla")
    main.get_by_label("Category").select_option(label="Village party")
    main.get_by_label("Description").fill("Arpajaiset ja **kahvio**.")
    main.get_by_label("Starts on").fill(day.isoformat())
    main.get_by_label("Starting time").fill("12:00")
    main.get_by_label("Ending time").fill("17:00")
    main.get_by_label("Place").fill("Vuolenkosken kylätalo")
    main.get_by_label("Vuolenkosken Martat ry").check()
    problems += checked(page, "events-form")
    main.get_by_role("button", name="Save and check the clashes").click()

    # The preview shows the meeting at the same time; the organiser publishes anyway.
    expect(page).to_have_url(re.compile(r"/events/\d+/preview$"))
    event_url = page.url.removesuffix("/preview")
    expect(main.locator(".clash-list")).to_contain_text("Kokous 3/2027")
    problems += checked(page, "events-preview")
    main.get_by_role("button", name="Publish in the calendar").click()
    expect(page).to_have_url(event_url)
    expect(page.locator(".flashes")).to_contain_text("The event was published")
    main.get_by_role("link", name="Add a volunteer task").click()
    main.get_by_label("Task", exact=True).fill("Kahvio")
    main.get_by_label("People needed").fill("1")
    main.get_by_label("From (optional)").fill("12:00")
    main.get_by_label("Until (optional)").fill("14:00")
    main.get_by_role("button", name="Save the task").click()
    expect(main.locator("#tasks")).to_contain_text("0 of 1 place taken")
    main.get_by_role("link", name="Picture of the event").click()
    problems += checked(page, "events-image-form")
    main.get_by_label("Picture", exact=True).set_input_files(
        files=[{"name": "juhla.png", "mimeType": "image/png", "buffer": _png()}])
    main.get_by_label("Description of the picture").fill("Lapset onkimassa kylälammella")
    main.get_by_role("button", name="Save the picture").click()
    expect(page).to_have_url(event_url)
    expect(main.get_by_role("img", name="Lapset onkimassa kylälammella")).to_be_visible()

    # The Martat's representative confirms; then the Martat are listed publicly.
    other = new_page(lang="en")
    sign_in(other, partner_rep.email, PASSWORD)
    visit(other, event_url)
    other_main = other.get_by_role("main")
    other_main.get_by_role("button", name="Confirm: Vuolenkosken Martat ry co-organises").click()
    expect(other.locator(".flashes")).to_contain_text("Vuolenkosken Martat ry is now a co-organiser")
    expect(other_main.locator(".facts")).to_contain_text("Vuolenkosken Martat ry")

    # A resident signs up for the task, which is then full.
    volunteer = new_page(lang="en")
    sign_in(volunteer, resident.email, PASSWORD)
    visit(volunteer, event_url)
    volunteer_main = volunteer.get_by_role("main")
    volunteer_main.get_by_role("button", name="Sign up for “Kahvio”").click()
    expect(volunteer.locator(".flashes")).to_contain_text("You signed up for “Kahvio”")
    expect(volunteer_main.locator("#tasks")).to_contain_text("Full")
    problems += checked(volunteer, "events-detail")

    # The organiser sees who signed up.
    visit(page, event_url + "/volunteers")
    expect(main.locator("table")).to_contain_text("Aino Asukas")
    problems += checked(page, "events-volunteers")
    assert_no_problems(problems)


def test_calendar_views_are_accessible(new_page, make_event, make_association):
    kausala = make_association(name="Kausalan kyläyhdistys ry", village="Kausala")
    first = make_event(organiser=kausala, title="Kuntohölkkä", category="sports", starts_in=timedelta(days=3))
    make_event(organiser=kausala, title="Joulutori", category="market", starts_in=timedelta(days=5),
               status="cancelled")
    page = new_page(lang="en")
    problems: list[str | None] = []
    visit(page, "/events")
    expect(page.get_by_role("main")).to_contain_text("Kuntohölkkä")
    problems += checked(page, "events-list")
    month = first.starts_at.strftime("%Y-%m")
    visit(page, f"/events/month?month={month}")
    grid = page.get_by_role("table")
    expect(grid).to_contain_text("Kuntohölkkä")
    problems += checked(page, "events-month")
    page.get_by_role("link", name="Next month").click()
    expect(page).to_have_url(re.compile(r"month=\d{4}-\d{2}"))
    visit(page, f"/events/{first.id}")
    problems += checked(page, "events-detail-anonymous")
    visit(page, "/")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Events")).to_be_visible()
    assert_no_problems(problems)
