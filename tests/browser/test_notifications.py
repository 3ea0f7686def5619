"""The notification centre in a real browser: the bell's accessible name, the list, marking read with the
keyboard, the settings page and the unsubscribe page pass axe and reflow at 320 px."""
import re

import pytest

from app.notifications.services import notify, unsubscribe_token
from tests.browser.checks import axe_problems, horizontal_overflow, visit
from tests.conftest import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser


def test_bell_list_settings_and_unsubscribe(new_page, make_user, sign_in):
    person = make_user("resident", name="Aino Virtanen")
    person.language = "en"
    from app.extensions import db
    db.session.commit()
    notify([person], "proposal_answered", url="/proposals", params={"proposal": "Laituri", "answer": "Kyllä."})
    notify([person], "volunteer_task_changed", url="/",
           params={"event": "Kylätalkoot", "task": "Kahvitus", "change": "cancelled"})

    page = new_page(lang="en")
    sign_in(page, person.email, PASSWORD)
    bell = page.get_by_role("link", name="Notifications, 2 unread")
    expect(bell).to_be_visible()
    bell.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/notifications$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    items = page.get_by_role("main").get_by_role("listitem")
    expect(items.first).to_contain_text("The volunteer task “Kahvitus” of Kylätalkoot was cancelled.")
    problems = [axe_problems(page, "notifications")]

    page.get_by_role("button", name=re.compile(r"^Mark as read\s*: The volunteer task")).press("Enter")
    expect(page.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_role("link", name="Notifications, none unread")).to_be_visible()

    visit(page, "/account/notifications")
    problems.append(axe_problems(page, "notification-settings"))
    page.get_by_role("checkbox", name="A reply to my comment By email").uncheck()
    page.get_by_role("radio", name="A daily digest").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your notification settings have been saved.")
    expect(page.get_by_role("radio", name="A daily digest")).to_be_checked()
    expect(page.get_by_role("checkbox", name="A reply to my comment By email")).not_to_be_checked()

    narrow = new_page(lang="en", width=320)
    sign_in(narrow, person.email, PASSWORD)
    for path in ("/notifications", "/account/notifications"):
        visit(narrow, path)
        overflow = horizontal_overflow(narrow)
        assert overflow is None, overflow

    stranger = new_page(lang="en")  # not signed in: the signed link is enough
    token = unsubscribe_token(person.id, "vote_opened")
    visit(stranger, f"/notifications/unsubscribe/{token}")
    problems.append(axe_problems(stranger, "unsubscribe"))
    stranger.get_by_role("button", name="Yes, stop these emails").click()
    expect(stranger.get_by_role("main")).to_contain_text("You will no longer get emails about")

    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)
