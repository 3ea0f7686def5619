"""The discussion and moderation in a real browser: axe (WCAG 2.1 AA), reflow at 320 px, and
commenting, replying and reporting with the keyboard only."""
from datetime import timedelta

import pytest

from app.comments.models import Comment, Report
from app.extensions import db
from app.timeutil import utcnow
from tests.browser.test_accessibility import axe_problems, horizontal_overflow, visit
from tests.comment_helpers import make_comment, make_proposal  # noqa: F401  (fixtures)
from tests.conftest import PASSWORD

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


@pytest.fixture
def discussion(make_proposal, make_comment, make_user):
    """A proposal with stances, a reply, a hidden comment, a long link and an open report."""
    author = make_user(name="Eero Edustaja")
    proposal = make_proposal("Vuolenkosken kylätalon katon korjaus", author=author)
    aino, matti, riku = make_user(name="Aino Asukas"), make_user(name="Matti Virtanen"), make_user(name="Riku")
    first = make_comment(proposal, aino, body="Kylätalo on kylän sydän. Lisätietoa: "
                                                "https://www.iitti.fi/kylat/vuolenkoski/kylatalo-ja-sen-historia",
                         stance="for", age=timedelta(hours=3))
    make_comment(proposal, author, body="Kiitos, Aino!", parent=first, age=timedelta(hours=2))
    make_comment(proposal, matti, body="Onko kunnalta kysytty?", stance="neutral", age=timedelta(hours=1))
    reported = make_comment(proposal, riku, body="Turha hanke.", stance="against", age=timedelta(minutes=30))
    make_comment(proposal, riku, body="Puhelinnumero 040 123", hidden_at=utcnow(), hidden_reason="Henkilötietoja")
    db.session.add(Report(reporter_id=matti.id, comment_id=reported.id, reason="Asiaton"))
    coordinator = make_user("coordinator", name="Kaisa K")
    aino.language = coordinator.language = "en"  # text is matched in English
    db.session.commit()
    return {"proposal": proposal, "aino": aino, "coordinator": coordinator, "reported": reported}


def test_discussion_and_moderation_pages_have_no_serious_violations(new_page, discussion, sign_in):
    proposal = discussion["proposal"]
    problems = []
    page = new_page()
    for path, name in [(f"/proposals/{proposal.id}", "proposal-discussion"),
                       (f"/proposals/{proposal.id}/comments", "discussion")]:
        visit(page, path)
        problems.append(axe_problems(page, name))

    resident = new_page(lang="en")
    sign_in(resident, discussion["aino"].email, PASSWORD)
    visit(resident, f"/proposals/{proposal.id}")
    for summary in resident.locator("details summary").all():
        summary.click()  # open every reply and report form: axe checks them too
    problems.append(axe_problems(resident, "discussion-forms-open"))
    resident.get_by_role("button", name="Publish the comment").click()  # empty: errors shown
    expect(resident.get_by_role("alert")).to_be_visible()
    problems.append(axe_problems(resident, "discussion-errors"))
    visit(resident, f"/comments/{discussion['reported'].id}/report")
    problems.append(axe_problems(resident, "report-comment"))

    coordinator = new_page(lang="en")
    sign_in(coordinator, discussion["coordinator"].email, PASSWORD)
    for path, name in [("/moderation/", "moderation-queue"),
                       (f"/moderation/comment/{discussion['reported'].id}/hide", "moderation-hide"),
                       (f"/admin/users/{discussion['aino'].id}/block", "block-user"),
                       ("/admin/users", "users")]:
        visit(coordinator, path)
        problems.append(axe_problems(coordinator, name))
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def test_discussion_reflows_at_320_px(new_page, discussion, sign_in):
    page = new_page(lang="en", width=320, height=640)
    sign_in(page, discussion["coordinator"].email, PASSWORD)
    problems = []
    for path in (f"/proposals/{discussion['proposal'].id}", "/moderation/",
                 f"/admin/users/{discussion['aino'].id}/block"):
        visit(page, path)
        for summary in page.locator("details summary").all():
            summary.click()
        problems.append(horizontal_overflow(page))
    assert not any(problems), problems


def test_comment_reply_and_report_with_the_keyboard(new_page, discussion, sign_in):
    proposal = discussion["proposal"]
    page = new_page(lang="en")
    sign_in(page, discussion["aino"].email, PASSWORD)
    visit(page, f"/proposals/{proposal.id}")
    # The stance bar has its numbers as text.
    expect(page.locator(".stance-legend")).to_contain_text("For: 1 person (34%)")

    # A new comment with a stance, by keyboard.
    page.get_by_label("Your comment").focus()
    page.keyboard.type("Talkoisiin tulen mukaan: https://www.iitti.fi")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowRight")  # No stance -> For
    page.get_by_label("For", exact=True).press("ArrowRight")  # -> Against
    page.get_by_label("Against", exact=True).press("ArrowLeft")  # back to For
    page.get_by_role("button", name="Publish the comment").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your comment has been published.")
    mine = page.locator("article.comment", has_text="Talkoisiin tulen mukaan")
    expect(mine).to_contain_text("Stance: For")
    expect(mine.get_by_role("link", name="https://www.iitti.fi")).to_have_attribute("rel", "nofollow noopener noreferrer ugc")

    # A reply to Matti's comment: open the disclosure with the keyboard.
    summary = page.locator("summary", has_text="Reply").filter(has_text="Matti Virtanen")
    summary.focus()
    page.keyboard.press("Enter")
    page.get_by_label("Your reply to Matti Virtanen").fill("Kyllä, kiinteistöpalvelut vastasi jo.")
    page.get_by_label("Your reply to Matti Virtanen").press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your reply has been published.")

    # Report Riku's comment.
    report = page.locator("summary", has_text="Report").filter(has_text="Riku")
    report.focus()
    page.keyboard.press("Enter")
    page.get_by_label("What is wrong with the comment by Riku?").fill("Ei perusteluja, pelkkää haukkumista.")
    page.get_by_label("What is wrong with the comment by Riku?").press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("The coordinators will look at your report.")
    db.session.expire_all()
    assert db.session.query(Comment).count() == 7
    assert db.session.query(Report).count() == 2
