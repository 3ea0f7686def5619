"""Meetings in a real browser: a board member creates a meeting, adds an agenda item, links a proposal found
by search (with the keyboard), marks the meeting held, records attendance and the decision, and publishes it
as the proposal's official answer, which the proposal page then shows with the decision it links to.
axe (WCAG 2.1 AA) on every meeting, minutes, decision and dashboard page, with zero violations; the printable
minutes hide the site's header and navigation and keep the signatures.
"""
import re
from datetime import timedelta

import pytest

from app.comments.models import Comment
from app.extensions import db
from app.meetings import services
from app.meetings.rules import MeetingStatus, MemberRole
from app.proposals.models import ProposalStateChange
from app.timeutil import today, utcnow
from tests.browser.checks import axe_problems, duplicate_ids, visit
from tests.conftest import PASSWORD
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401  (fixtures)
from tests.proposal_helpers import add_proposal, make_consultation  # noqa: F401  (fixtures)

expect = pytest.importorskip("playwright.sync_api").expect
pytest.importorskip("axe_playwright_python.sync_playwright")

pytestmark = pytest.mark.browser

DAY = timedelta(days=1)


def checked(page, name: str) -> list[str | None]:
    """Every axe violation (moderate and minor ones too) and any repeated id on the page."""
    return [axe_problems(page, name, strict=True), duplicate_ids(page)]


def assert_no_problems(problems) -> None:
    problems = [p for p in problems if p]
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def board_member(make_user):
    person = make_user("board_member", name="Leena Lautakunta")
    person.language = "en"  # text is matched in English
    db.session.commit()
    return person


def test_board_member_decides_a_proposal_in_a_meeting_and_the_proposal_shows_it(new_page, board_member, make_body,
                                                                                add_proposal, sign_in):
    body = make_body()  # three seats: Jäsen 1 (chair), 2, 3, each with a deputy
    proposal = add_proposal(title="Uimarannan laituri")
    day = today() - 3 * DAY  # the meeting has been: it can be marked held at once
    page = new_page(lang="en")
    sign_in(page, board_member.email, PASSWORD)

    # The meeting, through its form.
    visit(page, "/meetings/new")
    main = page.get_by_role("main")
    expect(main.get_by_label("Body")).to_have_value(str(body.id))
    main.get_by_label("Date").fill(day.isoformat())
    main.get_by_label("Starts at").fill("18:00")
    main.get_by_label("Place", exact=True).fill("Kausalan kunnantalo")
    main.get_by_role("button", name="Save the meeting").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+$"))
    meeting_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(body.name)
    expect(main.locator(".meeting-facts")).to_contain_text(f"{day.day}")
    expect(main.locator(".meeting-facts")).to_contain_text("Kausalan kunnantalo")

    # § 1, then the proposal found by its title and linked, by keyboard alone.
    main.get_by_role("link", name="Add an agenda item").click()
    expect(main.get_by_label("§")).to_have_value("1")
    main.get_by_label("Title", exact=True).fill("Uimarannan laituri Kausalaan")
    main.get_by_role("button", name="Save the item").click()
    expect(page).to_have_url(re.compile(r"/meetings/\d+/items/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("§ 1 Uimarannan laituri Kausalaan")
    item_url = page.url
    item_id = int(item_url.rsplit("/", 1)[1])
    search = main.get_by_label("Find a proposal by its title or number")
    search.focus()
    page.keyboard.type("laituri")
    page.keyboard.press("Enter")
    found = main.get_by_role("list", name="Proposals found")
    expect(found.get_by_role("listitem")).to_have_count(1)
    expect(found).to_contain_text(f"#{proposal.id} Uimarannan laituri")
    search.focus()  # the results page loaded anew: from the search box, the Search button, then Link
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(found.get_by_role("button", name=f"Link #{proposal.id}")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("The link was added.")
    links = main.locator("#links .link-list")
    expect(links).to_contain_text(f"#{proposal.id} Uimarannan laituri")

    # Held, with attendance: the three members, no deputies.
    visit(page, meeting_url)
    main.get_by_role("button", name="Mark the meeting held").click()
    expect(main.locator(".meeting-facts")).to_contain_text("Held")
    main.get_by_role("link", name="Record attendance").click()
    for name in ("Jäsen 1", "Jäsen 2", "Jäsen 3"):
        main.get_by_label(name, exact=True).check()
    main.get_by_role("button", name="Save attendance").click()
    expect(main.locator(".meeting-facts")).to_contain_text("had a quorum: 3 of 3 seats filled")

    # The decision on § 1, then published as the proposal's official answer.
    main.get_by_role("link", name="§ 1 Uimarannan laituri Kausalaan").click()
    main.get_by_role("link", name="Record the decision").click()
    main.get_by_label("Outcome").select_option(label="Approved")
    main.get_by_label("Decision", exact=True).fill("Laituri rakennetaan **kesällä**.")
    main.get_by_role("button", name="Save the decision").click()
    expect(page).to_have_url(re.compile(rf"/items/{item_id}#decision$"))
    decision = main.locator("#decision")
    expect(decision).to_contain_text("Approved")
    expect(decision.locator("strong")).to_have_text("kesällä")
    decision.get_by_role("button",
                         name="Mark it accepted and publish the decision as its official answer").click()
    expect(decision).to_contain_text("moved by this decision")

    # The proposal's page: accepted, the decision as its answer, and the line naming the decision.
    decision.get_by_role("link", name=f"#{proposal.id} Uimarannan laituri").click()
    expect(page).to_have_url(re.compile(rf"/proposals/{proposal.id}$"))
    expect(main.locator(".tags")).to_contain_text("Accepted")
    answer = main.get_by_role("region", name="Official answer")
    expect(answer).to_contain_text(f"{body.name} {day.day}.{day.month}.{day.year} § 1")
    expect(answer).to_contain_text("Laituri rakennetaan kesällä.")
    decided = main.locator(".decided-line")
    expect(decided).to_contain_text("Decided:")
    expect(decided.get_by_role("link")).to_have_attribute("href", f"/decisions/{item_id}")
    expect(decided).to_contain_text("§ 1")

    moves = db.session.scalars(db.select(ProposalStateChange).where(ProposalStateChange.proposal_id == proposal.id)
                               .order_by(ProposalStateChange.id)).all()
    assert [(m.to_state, m.agenda_item_id) for m in moves][-1] == ("accepted", item_id)
    problems = checked(page, "proposal-decided")
    decided.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/decisions/{item_id}$"))
    expect(main).to_contain_text("Laituri rakennetaan kesällä.")
    expect(main.get_by_role("link", name=re.compile("minutes", re.I)).first).to_be_visible()
    problems += checked(page, "decision-after-story")
    assert_no_problems(problems)


# --- axe on every meeting page -------------------------------------------------------------------

@pytest.fixture
def meetings(board_member, make_body, make_meeting, add_proposal, make_user):
    """An approved meeting (attendance with a deputy, a roll call, a decision that moved a proposal, an
    amendment) and a planned one whose first item has a linked proposal, a statement and a comment."""
    body = make_body()
    seats = [m for m in services.members_of(body) if m.role != MemberRole.DEPUTY]
    deputy = next(m for m in services.members_of(body) if m.deputy_for_id == seats[2].id)
    laituri, katos = add_proposal(title="Uimarannan laituri"), add_proposal(title="Radansuun bussikatos")
    now = utcnow()

    approved = make_meeting(status=MeetingStatus.HELD, body=body, items=2, starts_in=-10 * DAY,
                            links={1: [laituri]}, title="Kokous 3/2026", chair_name="Jäsen 1",
                            secretary_name="Sari Sihteeri", minutes_checkers="Jäsen 2 ja Varajäsen 3",
                            other_attendees="Kunnan kehittämispäällikkö")
    services.record_attendance(board_member, approved, {seats[0].id, seats[1].id, deputy.id},
                               {deputy.id: "saapui § 2 aikana"})
    first, second = approved.items
    services.record_decision(board_member, first, outcome="approved", text="Laituri **rakennetaan**.",
                             votes={seats[0].id: "yes", seats[1].id: "no", deputy.id: "yes"}, now=now)
    services.record_decision(board_member, second, outcome="noted", text="Merkittiin tiedoksi.", votes={}, now=now)
    services.apply_decision(board_member, first, laituri, now)
    services.move_status(board_member, approved, MeetingStatus.APPROVED, now)
    services.add_amendment(board_member, approved, first, "Päätös korjataan: laituri rakennetaan 2027.",
                           "Kirjoitusvirhe vuosiluvussa.", now)

    planned = make_meeting(body=body, items=2, links={1: [katos]}, title="Kokous 4/2026")
    item = planned.items[0]
    representative = make_user("representative", name="Ville Edustaja", association=seats[0].association)
    representative.language = "en"  # text is matched in English
    services.save_statement(representative, item, seats[0].association, "Kyläyhdistys **kannattaa** katosta.",
                            today(), now)
    db.session.add(Comment(agenda_item_id=item.id, author_id=make_user().id, body="Katos on tarpeen.",
                           stance="for", created_at=now))
    db.session.commit()
    return {"approved": approved, "planned": planned, "item": item, "decided": first,
            "representative": representative}


def test_meeting_pages_have_no_axe_violations(new_page, board_member, meetings, sign_in):
    """Every meeting page as the board member sees it (with the secretary's tools), in English and Finnish."""
    approved, planned, item, decided = (meetings[k] for k in ("approved", "planned", "item", "decided"))
    page = new_page(lang="en")
    sign_in(page, board_member.email, PASSWORD)
    pages = [
        ("/meetings", "meetings"),
        (f"/meetings/{planned.id}", "meeting-planned"),
        (f"/meetings/{approved.id}", "meeting-approved"),
        (f"/meetings/{planned.id}/items/{item.id}?q=bussikatos", "item-board-link-tools"),
        (f"/meetings/{approved.id}/items/{decided.id}", "item-decided"),
        (f"/meetings/{approved.id}/minutes", "minutes-approved"),
        (f"/decisions/{decided.id}", "decision"),
        ("/decisions", "decisions"),
        ("/review", "review-dashboard"),
        ("/bodies", "bodies"),
        ("/meetings/new", "meeting-form"),
        (f"/meetings/{planned.id}/items/new", "item-form"),
    ]
    problems = []
    for path, name in pages:
        visit(page, path)
        if name == "review-dashboard":  # axe checks the drawn charts too
            expect(page.locator(".chart-plot").first).to_have_class(re.compile(r"\bis-drawn\b"))
        problems += checked(page, name)
    expect(page.get_by_role("main").get_by_role("heading", level=1)).to_have_text("New agenda item")

    # The forms of a held meeting, attendance and the decision: the planned meeting moved to two hours ago.
    held = planned
    held.starts_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    visit(page, f"/meetings/{held.id}")
    page.get_by_role("button", name="Mark the meeting held").click()
    expect(page.locator(".meeting-facts")).to_contain_text("Held")
    visit(page, f"/meetings/{held.id}/attendance")
    problems += checked(page, "attendance-form")
    page.get_by_role("main").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Save attendance").click()
    visit(page, f"/meetings/{held.id}/items/{item.id}/decision")
    expect(page.get_by_role("combobox", name="Jäsen 1")).to_be_visible()  # the roll call of those present
    problems += checked(page, "decision-form")
    page.get_by_role("button", name="Save the decision").click()  # empty: the error summary and messages
    expect(page.get_by_role("alert")).to_be_visible()
    problems += checked(page, "decision-form-errors")

    # In Finnish, the default language: the minutes and the decision.
    finnish = new_page()
    for path, name in ((f"/meetings/{approved.id}/minutes", "minutes-fi"), (f"/decisions/{decided.id}", "decision-fi"),
                       (f"/meetings/{approved.id}", "meeting-fi")):
        visit(finnish, path)
        problems += checked(finnish, name)
    assert_no_problems(problems)


def test_agenda_item_as_a_representative_has_no_axe_violations(new_page, meetings, sign_in):
    """The statement form and the comment form on an item of a planned meeting."""
    planned, item = meetings["planned"], meetings["item"]
    page = new_page(lang="en")
    sign_in(page, meetings["representative"].email, PASSWORD)
    visit(page, f"/meetings/{planned.id}/items/{item.id}")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Submit a statement")).to_be_visible()
    expect(main.get_by_label("Statement", exact=True)).to_be_visible()
    expect(main.locator("#statements .statement")).to_contain_text("kannattaa")
    expect(main.locator("form.comment-form")).to_be_visible()
    problems = checked(page, "item-representative")
    visit(page, f"/meetings/{planned.id}")
    problems += checked(page, "meeting-representative")
    assert_no_problems(problems)


def test_printed_minutes_hide_the_site_and_keep_the_signatures(page, meetings):
    approved = meetings["approved"]
    visit(page, f"/meetings/{approved.id}/minutes")
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", "nav", ".breadcrumb", "form"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator(".signatures")).to_be_visible()
    expect(page.locator(".signature")).to_have_count(2)
    expect(page.locator(".signatures")).to_contain_text("Sari Sihteeri")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5_000
