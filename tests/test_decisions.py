"""The decision trail: the list of decisions, a decision with the input behind it and its timeline, the trail on
a proposal's page, hidden input kept from the public, and a bounded number of queries on every page."""
import re
from datetime import datetime, timedelta

import pytest

from app.comments.models import Comment
from app.extensions import db
from app.meetings.models import AgendaLink, Body, Statement
from app.meetings.rules import MeetingStatus
from app.proposals.models import Endorsement, ProposalStateChange, Support
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, VOTING, make_budget  # noqa: F401
from tests.conftest import count_queries
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401
from tests.proposal_helpers import add_proposal, english, make_consultation, text  # noqa: F401
from tests.test_budget_results import vote

DAY = timedelta(days=1)


def decide(meeting, number: int, outcome: str = "approved", decision_text: str = "Hyväksyttiin.",
           decided_at: datetime | None = None):
    """Record the decision of item `number` (the meeting must not be approved yet)."""
    item = next(i for i in meeting.items if i.number == number)
    item.outcome = outcome
    item.decision_text = decision_text
    item.decided_at = decided_at or meeting.starts_at + timedelta(hours=1)
    db.session.commit()
    return item


def approve(meeting):
    """Approve the minutes: from now on the meeting is read-only."""
    assert meeting.status == MeetingStatus.HELD  # loads the stored status, which the minutes guard compares with
    meeting.status = MeetingStatus.APPROVED
    meeting.approved_at = utcnow()
    db.session.commit()


def held_meeting(make_meeting, days_ago: int = 10, **kwargs):
    return make_meeting(status=MeetingStatus.HELD, starts_in=-days_ago * DAY, **kwargs)


def board(name: str = "Kunnanhallitus") -> Body:
    """Another body, without members (make_body's seat associations can be made once a test)."""
    body = Body(name=name, kind="municipal_board")
    db.session.add(body)
    db.session.commit()
    return body


def plain(response) -> str:
    """The page as text with tags removed and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


def get(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response


# --- the list ------------------------------------------------------------------------------------

def test_list_shows_decisions_newest_first_with_body_date_number_outcome_and_counts(
        make_meeting, make_body, add_proposal, make_user, english):
    proposal, other = add_proposal(title="Laituri"), add_proposal(title="Katos")
    older = held_meeting(make_meeting, days_ago=40, links={1: [proposal, other]})
    decide(older, 1, "rejected")
    author = make_user()
    db.session.add_all([
        Statement(item_id=older.items[0].id, association_id=older.body.members[0].association_id,
                  author_id=author.id, body="Kannatamme."),
        Comment(proposal_id=proposal.id, author_id=author.id, body="Hyvä", stance="for"),
        Comment(proposal_id=other.id, author_id=author.id, body="Huono", stance="against"),
        Comment(agenda_item_id=older.items[0].id, author_id=author.id, body="Tärkeä asia"),
    ])
    db.session.commit()
    approve(older)
    newer = held_meeting(make_meeting, days_ago=3, body=board(), items=3)
    decide(newer, 2, "tabled")
    decide(newer, 3, "noted")

    client, _ = english(None)
    page = plain(get(client, "/decisions"))
    assert "3 decisions found." in page
    assert page.index("§ 3 Asia 3") < page.index("§ 2 Asia 2") < page.index("§ 1 Asia 1")
    assert "Asia 1 Kunnanhallitus" not in page and "§ 1 Asia 1 Kyläasiain neuvottelukunta" in page
    assert "Rejected" in page and "Tabled" in page and "Noted" in page
    row = page[page.index("§ 1 Asia 1"):]
    assert "2 proposals 1 statement 3 comments" in row
    # The newer meeting's minutes are not approved yet, the older one's are.
    assert page.count("Minutes not yet approved") == 2
    html = text(get(client, "/decisions"))
    assert f'href="/decisions/{older.items[0].id}"' in html
    assert f'<time datetime="{older.starts_at.isoformat(timespec="seconds")}Z">' in html
    assert "<caption>" in html


def test_only_decisions_of_held_meetings_are_listed(make_meeting, english):
    planned = make_meeting(status=MeetingStatus.PLANNED)
    planned.items[0].outcome = "approved"  # cannot happen through the pages; still not a decision
    db.session.commit()
    held = held_meeting(make_meeting, items=2)
    decide(held, 1)  # item 2 has no outcome yet

    client, _ = english(None)
    page = plain(get(client, "/decisions"))
    assert "1 decision found." in page
    assert "Asia 2" not in page
    get(client, f"/decisions/{planned.items[0].id}", 404)
    get(client, f"/decisions/{held.items[1].id}", 404)
    get(client, "/decisions/999999", 404)


def test_filters_by_body_and_outcome(make_meeting, make_body, english):
    municipal_board = board()
    advisory = held_meeting(make_meeting, items=2)
    decide(advisory, 1, "approved")
    decide(advisory, 2, "rejected")
    municipal = held_meeting(make_meeting, body=municipal_board, items=1)
    decide(municipal, 1, "approved")

    client, _ = english(None)
    page = plain(get(client, f"/decisions?body={municipal_board.id}"))
    assert "1 decision found." in page and "Kunnanhallitus" in page
    page = plain(get(client, "/decisions?outcome=approved"))
    assert "2 decisions found." in page and "Rejected" not in page.split("found.")[1]
    page = plain(get(client, f"/decisions?body={advisory.body_id}&outcome=rejected"))
    assert "1 decision found." in page
    page = plain(get(client, "/decisions?outcome=tabled"))
    assert "0 decisions found." in page and "No decisions match the filters." in page
    # A mistyped address filters nothing and says why.
    page = plain(get(client, "/decisions?outcome=maybe&body=abc"))
    assert "3 decisions found." in page and "Not a valid choice" in page


def test_pagination_25_a_page(make_meeting, english):
    meeting = held_meeting(make_meeting, items=27)
    for number in range(1, 28):
        decide(meeting, number, decided_at=meeting.starts_at + number * timedelta(minutes=1))

    client, _ = english(None)
    first = plain(get(client, "/decisions"))
    assert "27 decisions found." in first and "Page 1 of 2" in first
    assert "§ 27 Asia 27" in first and "§ 3 Asia 3 " in first and "§ 2 Asia 2 " not in first
    second = plain(get(client, "/decisions?page=2"))
    assert "§ 2 Asia 2 " in second and "§ 1 Asia 1 " in second and "§ 3 Asia 3 " not in second


def queries(client, url: str) -> list[str]:
    """The SQL statements of a page, after a first request has warmed up the session's user and catalogue."""
    get(client, url)
    with count_queries() as statements:
        get(client, url)
    return statements


def test_list_queries_are_the_same_for_3_and_30_decisions(make_meeting, add_proposal, make_body, english):
    client, _ = english(None)
    counts = []
    for decisions in (3, 30):
        proposal = add_proposal()
        meeting = held_meeting(make_meeting, body=board(f"Lautakunta {decisions}"),
                               items=decisions, links={n: [proposal] for n in range(1, decisions + 1)})
        for number in range(1, decisions + 1):
            decide(meeting, number)
        counts.append(len(queries(client, "/decisions")))
    assert counts[0] == counts[1] <= 6, counts


# --- a decision ----------------------------------------------------------------------------------

@pytest.fixture
def decision(make_meeting, add_proposal, make_user, make_budget, make_association):
    """A decision on two proposals and a closed budget vote, with statements, comments and state moves."""
    start = utcnow() - 20 * DAY
    laituri = add_proposal(title="Uimarannan laituri", created_at=start)
    katos = add_proposal(title="Bussikatos", created_at=start + 2 * DAY)
    budget = make_budget(windows=CLOSED, tally_rule="greedy")
    vote(budget, {0: 3, 1: 2})
    meeting = held_meeting(make_meeting, days_ago=5, items=2, links={1: [laituri, katos, budget]})
    item = meeting.items[0]
    people = [make_user() for _ in range(4)]
    for person in people[:3]:
        db.session.add(Support(proposal_id=laituri.id, user_id=person.id))
    endorser = make_association(name="Radansuun kyläyhdistys ry", village="Radansuu")
    db.session.add(Endorsement(proposal_id=laituri.id, association_id=endorser.id, user_id=people[0].id))
    seat_associations = [m.association for m in meeting.body.members if m.role != "deputy"]
    db.session.add_all([
        Statement(item_id=item.id, association_id=seat_associations[0].id, author_id=people[0].id,
                  body="Kyläyhdistys **kannattaa** laituria.", created_at=start + 5 * DAY),
        Statement(item_id=item.id, association_id=seat_associations[1].id, author_id=people[1].id,
                  body="Salainen lausuntoteksti", hidden_at=utcnow(), hidden_reason="Asiaton kieli"),
        Comment(proposal_id=laituri.id, author_id=people[0].id, body="Hyvä laituri", stance="for",
                created_at=start + DAY),
        Comment(proposal_id=katos.id, author_id=people[1].id, body="Katos tarvitaan", stance="for",
                created_at=start + 3 * DAY),
        Comment(agenda_item_id=item.id, author_id=people[2].id, body="Liian kallis", stance="against",
                created_at=start + 6 * DAY),
        Comment(agenda_item_id=item.id, author_id=people[3].id, body="Piilotettu kommentti", stance="against",
                hidden_at=utcnow(), hidden_reason="Loukkaava"),
    ])
    db.session.commit()
    decide(meeting, 1, "approved", "Hyväksyttiin **laituri**.<script>alert(1)</script>",
           decided_at=meeting.starts_at + timedelta(hours=1))
    db.session.add(ProposalStateChange(proposal_id=laituri.id, from_state="submitted", to_state="accepted",
                                       changed_at=meeting.starts_at + timedelta(hours=2), agenda_item_id=item.id))
    laituri.state = "accepted"
    db.session.commit()
    approve(meeting)
    return {"item": item, "meeting": meeting, "laituri": laituri, "katos": katos, "budget": budget, "start": start}


def test_decision_page_shows_the_decision_and_the_input_behind_it(decision, english):
    client, _ = english(None)
    item, meeting = decision["item"], decision["meeting"]
    response = get(client, f"/decisions/{item.id}")
    html, page = text(response), plain(response)
    # The decision, sanitised, and where it was made.
    assert "Hyväksyttiin <strong>laituri</strong>." in html and "<script>" not in html
    assert "§ 1 Asia 1" in page and "Approved" in page
    assert f'href="/meetings/{meeting.id}"' in html and f'href="/meetings/{meeting.id}/minutes"' in html
    assert "Minutes not yet approved" not in page
    # Proposals: state, supports, endorsing associations.
    proposals = page[page.index("Proposals this decision concerns"):page.index("Statements by associations")]
    assert "Uimarannan laituri Accepted 3 Radansuun kyläyhdistys ry" in proposals
    assert "Bussikatos Submitted 0 –" in proposals
    # Statements: the visible one's text; the hidden one's reason only.
    assert "Kyläyhdistys <strong>kannattaa</strong> laituria." in html
    assert "Hidden by a moderator: Asiaton kieli" in page and "Salainen lausuntoteksti" not in html
    # The budget's results: its winners (greedy in 6 000 €: the roof, 3 votes, then the pier, 2 votes, no longer
    # fits, the ski track does) and a link to the full results.
    budget = decision["budget"]
    results = page[page.index("Participatory budget results"):page.index("The full results of")]
    assert "Budget 6,000 €, of which the funded projects use 6,000 €." in results
    assert "Kylätalon katto 4,000 € Latu-ura 2,000 €" in results and "Uimarannan laituri" not in results
    assert f'href="/budgets/{budget.id}/results"' in html
    # Comments: stances over the item's and its proposals' comments (the hidden one does not count).
    assert "3 comments on the item and on its proposals." in page
    assert "For: 2 people (67%)" in page and "Against: 1 person (33%)" in page
    assert "Liian kallis" in page and "Piilotettu kommentti" not in html
    # What the decision changed, and the timeline from the first proposal to the decision.
    assert "from Submitted to Accepted" in page
    days = (item.decided_at.date() - decision["start"].date()).days
    assert f"{days} days from first input to decision" in page
    timeline = page[page.index("Timeline"):]
    order = ["First proposal submitted: Uimarannan laituri", "Statement by", "Meeting of", "Decision: Approved",
             "state changed to Accepted"]
    assert [timeline.index(step) for step in order] == sorted(timeline.index(step) for step in order)
    assert f'<time datetime="{item.decided_at.isoformat(timespec="seconds")}Z">' in html


def test_budget_results_wait_until_voting_has_closed(make_meeting, make_budget, english):
    budget = make_budget(windows=VOTING)
    meeting = held_meeting(make_meeting, items=1, links={1: [budget]})
    item = decide(meeting, 1, "noted")
    client, _ = english(None)
    page = plain(get(client, f"/decisions/{item.id}"))
    assert "Voting has not closed yet" in page and "Kylätalon katto" not in page
    assert "Minutes not yet approved" in page


def test_hidden_proposals_are_not_shown_to_the_public(decision, english):
    laituri = decision["laituri"]
    laituri.hidden_at, laituri.hidden_reason = utcnow(), "Tekijänoikeus"
    db.session.commit()
    item = decision["item"]

    client, _ = english(None)
    response = get(client, f"/decisions/{item.id}")
    html, page = text(response), plain(response)
    assert "Uimarannan laituri" not in page.replace("Kylätalon katto", "")[:page.index("Participatory budget")]
    assert "A proposal hidden by a moderator" in page and "Hidden by a moderator: Tekijänoikeus" in page
    assert f'href="/proposals/{laituri.id}"' not in html
    assert "Hyvä laituri" not in html  # its comments are not shown either
    assert "from Submitted to Accepted" not in page
    assert "First proposal submitted: Bussikatos" in page

    coordinator, _ = english("coordinator")
    page = plain(get(coordinator, f"/decisions/{item.id}"))
    assert "Uimarannan laituri Hidden by a moderator Accepted" in page and "Salainen lausuntoteksti" in page


def test_decision_queries_are_the_same_for_1_and_20_proposals(make_meeting, make_body, add_proposal, make_user,
                                                              make_association, make_budget, english):
    people = [make_user() for _ in range(2)]
    association = make_association(name="Tukiyhdistys ry")
    budget = make_budget(windows=CLOSED, tally_rule="greedy")
    vote(budget, {0: 2})
    body = make_body(seats=1)
    client, _ = english(None)
    counts = []
    for proposals in (1, 20):
        linked = [add_proposal(title=f"Aloite {proposals}-{n}") for n in range(proposals)]
        meeting = held_meeting(make_meeting, body=body, items=1, links={1: [*linked, budget]})
        item = meeting.items[0]
        db.session.add(Statement(item_id=item.id, association_id=body.members[0].association_id,
                                 author_id=people[0].id, body="Lausunto"))
        for proposal in linked:
            db.session.add_all([
                Support(proposal_id=proposal.id, user_id=people[0].id),
                Endorsement(proposal_id=proposal.id, association_id=association.id, user_id=people[0].id),
                Comment(proposal_id=proposal.id, author_id=people[1].id, body="Hyvä", stance="for")])
        db.session.commit()
        decide(meeting, 1)
        for proposal in linked:
            db.session.add(ProposalStateChange(proposal_id=proposal.id, from_state="submitted", to_state="accepted",
                                               agenda_item_id=item.id))
        db.session.commit()
        statements = queries(client, f"/decisions/{item.id}")
        assert f"Aloite {proposals}-{proposals - 1}" in plain(get(client, f"/decisions/{item.id}"))
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 16, (counts, statements)


# --- the proposal's side -----------------------------------------------------------------------------

def test_proposal_page_names_the_decision_and_shows_the_trail(decision, make_meeting, english):
    laituri, item, meeting = decision["laituri"], decision["item"], decision["meeting"]
    later = make_meeting(status=MeetingStatus.PLANNED, body=meeting.body, items=1, links={1: [laituri]})

    client, _ = english(None)
    response = get(client, f"/proposals/{laituri.id}")
    html, page = text(response), plain(response)
    day = f"{meeting.starts_at:%b} {meeting.starts_at.day}, {meeting.starts_at.year}"
    assert f"Decided: Kyläasiain neuvottelukunta {day} § 1" in page
    assert f'href="/decisions/{item.id}"' in html
    trail = page[page.index("Decision trail"):page.index("History")]
    assert "§ 1 Asia 1 Approved" in trail
    later_day = f"{later.starts_at:%b} {later.starts_at.day}, {later.starts_at.year}"
    assert f"On the agenda of the meeting on {later_day}" in trail
    days = (item.decided_at.date() - laituri.created_at.date()).days
    assert f"{days} days from submission to decision" in trail
    order = ["Proposal submitted", "Decision: Approved", "State changed to Accepted"]
    assert [trail.index(step) for step in order] == sorted(trail.index(step) for step in order)


def test_the_decision_that_moved_the_state_wins_over_a_later_one(make_meeting, add_proposal, english):
    proposal = add_proposal(title="Laituri")
    first = held_meeting(make_meeting, days_ago=30, items=1, links={1: [proposal]})
    deciding = decide(first, 1, "approved")
    db.session.add(ProposalStateChange(proposal_id=proposal.id, from_state="submitted", to_state="accepted",
                                       agenda_item_id=deciding.id))
    second = held_meeting(make_meeting, days_ago=2, body=first.body, items=2, links={2: [proposal]})
    decide(second, 2, "noted")

    client, _ = english(None)
    page = plain(get(client, f"/proposals/{proposal.id}"))
    assert re.search(r"Decided: Kyläasiain neuvottelukunta [^§]+ § 1 Approved", page)
    # Without a state move, the latest decision on the proposal is named.
    db.session.delete(db.session.query(ProposalStateChange).one())
    db.session.commit()
    page = plain(get(client, f"/proposals/{proposal.id}"))
    assert re.search(r"Decided: Kyläasiain neuvottelukunta [^§]+ § 2 Noted", page)


def test_a_proposal_only_on_a_planned_agenda_is_not_decided(make_meeting, add_proposal, english):
    proposal = add_proposal()
    make_meeting(status=MeetingStatus.PLANNED, items=1, links={1: [proposal]})
    client, _ = english(None)
    page = plain(get(client, f"/proposals/{proposal.id}"))
    assert "Decided:" not in page
    assert "Decision trail" in page and "On the agenda of the meeting on" in page
    assert "days from submission to decision" not in page
    lonely = add_proposal(title="Ei käsitelty")
    page = plain(get(client, f"/proposals/{lonely.id}"))
    assert "Decision trail" not in page and "Decided:" not in page


def test_a_hidden_proposal_shows_no_trail_to_the_public(decision, english):
    laituri = decision["laituri"]
    laituri.hidden_at, laituri.hidden_reason = utcnow(), "Tekijänoikeus"
    db.session.commit()
    client, _ = english(None)
    page = plain(get(client, f"/proposals/{laituri.id}"))
    assert "Decided:" not in page and "Decision trail" not in page


def test_proposal_page_queries_do_not_grow_with_its_agenda_items(make_meeting, make_body, add_proposal, english):
    body = board()
    client, _ = english(None)
    counts = []
    for meetings in (1, 8):
        proposal = add_proposal()
        for n in range(meetings):
            meeting = held_meeting(make_meeting, days_ago=30 - n, body=body, items=1, links={1: [proposal]})
            item = decide(meeting, 1, "tabled")
            db.session.add(ProposalStateChange(proposal_id=proposal.id, from_state="submitted",
                                               to_state="under_review", agenda_item_id=item.id))
            db.session.commit()
        counts.append(len(queries(client, f"/proposals/{proposal.id}")))
    assert counts[0] == counts[1], counts


def test_agenda_links_of_both_kinds_count(make_meeting, add_proposal, make_user, english):
    """A comment linked to the item counts and is shown; a hidden linked comment is shown as hidden."""
    proposal = add_proposal()
    author = make_user()
    shown = Comment(proposal_id=proposal.id, author_id=author.id, body="Tuotu kokoukseen", stance="neutral")
    hidden = Comment(proposal_id=proposal.id, author_id=author.id, body="Salainen", hidden_at=utcnow(),
                     hidden_reason="Asiaton")
    db.session.add_all([shown, hidden])
    meeting = held_meeting(make_meeting, items=1)
    db.session.add_all([AgendaLink(item_id=meeting.items[0].id, comment_id=shown.id),
                        AgendaLink(item_id=meeting.items[0].id, comment_id=hidden.id)])
    db.session.commit()
    item = decide(meeting, 1, "noted")
    client, _ = english(None)
    page = plain(get(client, f"/decisions/{item.id}"))
    assert "Comments brought to the meeting" in page and "Tuotu kokoukseen" in page
    assert "Hidden by a moderator: Asiaton" in page and "Salainen" not in page
    assert "Neutral: 1 person (100%)" in page
    listing = plain(get(client, "/decisions"))
    assert "1 comment" in listing and "2 comments" not in listing


def test_each_decision_counts_only_its_own_input(make_meeting, add_proposal, make_user, english):
    """Regression: the per-item comment count once counted the comments of every item's proposals."""
    first, second = add_proposal(title="Laituri"), add_proposal(title="Katos")
    author = make_user()
    db.session.add_all([Comment(proposal_id=first.id, author_id=author.id, body=f"Kommentti {n}")
                        for n in range(3)] + [Comment(proposal_id=second.id, author_id=author.id, body="Yksi")])
    db.session.commit()
    meeting = held_meeting(make_meeting, items=3, links={1: [first], 2: [second]})
    for number in (1, 2, 3):
        decide(meeting, number, "noted")
    client, _ = english(None)
    page = plain(get(client, "/decisions"))
    # Newest first: § 3, § 2, § 1; each row runs up to the next one.
    third, second_row, first_row = (page[page.index(f"§ {n} Asia {n}"):] for n in (3, 2, 1))
    third, second_row = third[:third.index("§ 2 Asia 2")], second_row[:second_row.index("§ 1 Asia 1")]
    assert "3 comments" in first_row
    assert "1 comment" in second_row and "3 comments" not in second_row
    assert "comment" not in third


def test_front_page_shows_coming_meetings_and_latest_decisions(make_meeting, add_proposal, english):
    client, _ = english(None)
    page = plain(get(client, "/"))
    assert "No meetings are planned right now." in page and "No decisions yet." in page
    past = held_meeting(make_meeting, items=2, links={1: [add_proposal(title="Laituri")]})
    decide(past, 1, "approved")
    coming = make_meeting(starts_in=5 * DAY, title="Kokous 9/2027")
    html = text(get(client, "/"))
    page = plain(get(client, "/"))
    assert f'href="/decisions/{past.items[0].id}"' in html and "Approved" in page
    assert "Asia 2" not in page  # no outcome yet: not a decision
    assert f'href="/meetings/{coming.id}"' in html and "Kokous 9/2027" in page
    assert 'href="/decisions"' in html
