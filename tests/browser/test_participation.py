"""Consultation and proposal pages in a real browser: axe (WCAG 2.1 AA), reflow at 320 px,
and submitting a proposal with the keyboard, preview first."""
from decimal import Decimal

import pytest

from app.extensions import db
from app.proposals.models import Endorsement, Support
from tests.browser.test_accessibility import axe_problems, horizontal_overflow, visit
from tests.conftest import PASSWORD, sent_mail
from tests.proposal_helpers import add_proposal, make_consultation  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

DESCRIPTION = ("Kunta varaa **120 000 euroa** kylien pieniin investointeihin.\n\n"
               "- hyödyttää monia\n- toteutettavissa vuonna 2027")


@pytest.fixture
def scene(make_consultation, add_proposal, make_user, make_association):
    """A consultation in its proposals phase with an answered, supported and endorsed proposal."""
    association = make_association("Vuolenkosken kyläyhdistys ry", "Vuolenkoski")
    representative = make_user("representative", name="Eero Edustaja", association=association)
    board = make_user("board_member", name="Leena Lautakunta")
    coordinator = make_user("coordinator", name="Kaisa Koordinaattori")
    consultation = make_consultation(description=DESCRIPTION)
    proposal = add_proposal("Vuolenkosken kylätalon katon korjaus", consultation=consultation,
                            author=representative, association=association, village=association.village,
                            category="village_facilities", estimated_cost=Decimal("18500"),
                            location="Vuolenkosken kylätalo",
                            body="Katto vuotaa.\n\n1. uusi pelti\n2. uudet kourut\n\n[Kuvat](https://example.fi)",
                            answer="Kunta selvittää korjauksen **keväällä**.", answered_by=board)
    add_proposal("Lyöttilän rantasauna", consultation=consultation, category="nature_and_recreation",
                 state="under_review")
    for person in (representative, board, coordinator):
        person.language = "en"  # signed-in pages are in the person's language
    db.session.add(Support(proposal_id=proposal.id, user_id=board.id))
    db.session.add(Endorsement(proposal_id=proposal.id, association_id=association.id, user_id=representative.id))
    db.session.commit()
    return {"consultation": consultation, "proposal": proposal, "representative": representative,
            "board": board, "coordinator": coordinator}


def test_participation_pages_have_no_serious_violations(new_page, scene, sign_in):
    consultation, proposal = scene["consultation"], scene["proposal"]
    problems = []
    page = new_page()
    for path, name in [("/consultations", "consultations"), (f"/consultations/{consultation.id}", "consultation"),
                       ("/proposals", "proposals"), (f"/proposals/{proposal.id}", "proposal")]:
        visit(page, path)
        problems.append(axe_problems(page, name))
    expect(page.locator("[aria-current=step]")).to_have_count(0)  # the proposal page has no timeline

    for person, name in [("representative", "proposal-representative"), ("board", "proposal-board")]:
        signed_in = new_page(lang="en")
        sign_in(signed_in, scene[person].email, PASSWORD)
        visit(signed_in, f"/proposals/{proposal.id}")
        problems.append(axe_problems(signed_in, name))

    coordinator = new_page(lang="en")
    sign_in(coordinator, scene["coordinator"].email, PASSWORD)
    visit(coordinator, f"/consultations/{consultation.id}/edit")
    problems.append(axe_problems(coordinator, "consultation-form"))
    coordinator.get_by_label("Proposals: last day").fill("2020-01-01")
    coordinator.get_by_role("button", name="Save").click()
    expect(coordinator.get_by_role("alert")).to_be_visible()
    problems.append(axe_problems(coordinator, "consultation-form-errors"))

    visit(coordinator, f"/consultations/{consultation.id}/proposals/new")
    coordinator.get_by_label("Estimated cost in euros (optional)").fill("-5")
    coordinator.get_by_role("button", name="Preview").click()
    expect(coordinator.get_by_role("alert")).to_be_visible()
    problems.append(axe_problems(coordinator, "proposal-form-errors"))

    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


def test_submitting_a_proposal_with_the_keyboard_preview_first(new_page, scene, sign_in):
    consultation = scene["consultation"]
    page = new_page(lang="en")
    sign_in(page, scene["board"].email, PASSWORD)
    visit(page, f"/consultations/{consultation.id}")
    expect(page.locator("li[aria-current=step]")).to_contain_text("Proposals")
    page.get_by_role("link", name="Submit a proposal").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Title").fill("Radansuun bussikatos")
    page.get_by_label("Proposal", exact=True).fill("Pysäkille **katos** ja penkki.")
    page.get_by_label("Estimated cost in euros (optional)").fill("6 500,50")
    page.get_by_label("Estimated cost in euros (optional)").press("Enter")  # Enter previews, never submits
    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("katos")
    preview.get_by_role("button", name="Submit the proposal").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Radansuun bussikatos")
    expect(page.get_by_text("6,500.50")).to_be_visible()
    page.get_by_role("button", name="Support this proposal").click()
    expect(page.get_by_text("1 support", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Take back my support")).to_be_visible()


def test_participation_pages_reflow_at_320_px(new_page, scene, sign_in):
    page = new_page(lang="en", width=320, height=640)
    sign_in(page, scene["board"].email, PASSWORD)
    problems = []
    for path in ("/consultations", f"/consultations/{scene['consultation'].id}", "/proposals",
                 f"/proposals/{scene['proposal'].id}", f"/consultations/{scene['consultation'].id}/proposals/new"):
        visit(page, path)
        problems.append(horizontal_overflow(page))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)


def test_submit_comment_support_and_official_answer(new_page, scene, make_user, sign_in, live_app):
    """The issue's story: a resident submits, another comments and supports, a board member answers."""
    author = make_user("resident", name="Aino Asukas")
    neighbour = make_user("resident", name="Matti Naapuri")
    for person in (author, neighbour):
        person.language = "en"
    db.session.commit()

    page = new_page(lang="en")
    sign_in(page, author.email, PASSWORD)
    visit(page, f"/consultations/{scene['consultation'].id}/proposals/new")
    page.get_by_label("Title").fill("Radansuun bussikatos")
    page.get_by_label("Proposal", exact=True).fill("Pysäkille katos ja penkki.")
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("region", name="Preview").get_by_role("button", name="Submit the proposal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radansuun bussikatos")
    proposal_url = page.url

    other = new_page(lang="en")
    sign_in(other, neighbour.email, PASSWORD)
    other.goto(proposal_url)
    other.get_by_label("Your comment").fill("Hyvä ajatus, bussia odotetaan sateessa.")
    other.get_by_role("radio", name="For").check()
    other.get_by_role("button", name="Publish the comment").click()
    expect(other.get_by_text("Hyvä ajatus, bussia odotetaan sateessa.")).to_be_visible()
    other.get_by_role("button", name="Support this proposal").click()
    expect(other.get_by_text("1 support", exact=True)).to_be_visible()

    board = new_page(lang="en")
    sign_in(board, scene["board"].email, PASSWORD)
    board.goto(proposal_url)
    board.get_by_label("New state").select_option(label="Under review")
    board.get_by_role("button", name="Change the state").click()
    board.get_by_role("textbox", name="Official answer").fill("Kunta tilaa katoksen **keväällä**.")
    board.get_by_role("button", name="Publish the answer").click()
    answer = board.get_by_role("region", name="Official answer")
    expect(answer.locator("strong")).to_have_text("keväällä")

    page.goto(proposal_url)
    expect(page.get_by_role("region", name="Official answer")).to_contain_text("Kunta tilaa katoksen")
    expect(page.get_by_text("Hyvä ajatus, bussia odotetaan sateessa.")).to_be_visible()
    # The author follows their own proposal, so the answer reached them by email (in their weekly digest).
    from datetime import timedelta

    from app.timeutil import utcnow
    with live_app.app_context():
        mail = sent_mail(live_app, now=utcnow() + timedelta(days=8))
    assert any(m["To"] == author.email and "Kunta tilaa katoksen" in m.get_content() for m in mail)
