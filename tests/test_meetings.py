"""Meetings end to end: bodies and members, meetings, agenda items and links, statements, attendance and
quorum, roll calls, decisions that move proposals, approved minutes that cannot change, amendments."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.audit.models import AuditLog
from app.extensions import db
from app.meetings.models import (
    AgendaItem,
    AgendaLink,
    Amendment,
    Attendance,
    Body,
    BodyMember,
    Meeting,
    MinutesLocked,
    RollCallVote,
    Statement,
)
from app.meetings.rules import MeetingStatus
from app.proposals.models import Follow, Proposal, ProposalStateChange
from app.timeutil import utcnow
from tests.conftest import count_queries, immediate_emails, post_form
from tests.meeting_helpers import DAY, make_body, make_meeting  # noqa: F401
from tests.proposal_helpers import add_proposal, english, make_consultation, rows, text, then  # noqa: F401


def meeting_url(meeting, rest: str = "") -> str:
    return f"/meetings/{meeting.id}{rest}"


def item_url(item, rest: str = "") -> str:
    return f"/meetings/{item.meeting_id}/items/{item.id}{rest}"


def held_meeting(make_meeting, **kwargs):
    return make_meeting(status=MeetingStatus.HELD, starts_in=-DAY, **kwargs)


def mark_all_present(client, meeting):
    members = rows(BodyMember)
    return post_form(client, meeting_url(meeting, "/attendance"),
                     {"present": [str(m.id) for m in members if m.body_id == meeting.body_id
                                  and m.role != "deputy"]}, token_from=meeting_url(meeting))


# --- bodies ---------------------------------------------------------------------------------------

def test_coordinator_creates_a_body_and_adds_a_member_with_a_deputy(english, make_association):
    client, coordinator = english("coordinator")
    association = make_association()
    response = post_form(client, "/bodies/new", {"name": "Kyläasiain neuvottelukunta", "kind": "advisory_board",
                                                 "quorum_rule": "more_than_half", "description": "", "is_active": "y"})
    body = rows(Body)[0]
    assert response.headers["Location"].endswith(f"/bodies/{body.id}/members")
    page = then(client, post_form(client, f"/bodies/{body.id}/members", {
        "name": "Eero Edustaja", "role": "member", "association_id": str(association.id), "deputy_for_id": "0",
        "email": "", "starts_on": "2027-01-01"}))
    assert "Eero Edustaja was added" in page
    member = rows(BodyMember)[0]
    post_form(client, f"/bodies/{body.id}/members", {
        "name": "Vilja Varajäsen", "role": "deputy", "association_id": str(association.id),
        "deputy_for_id": str(member.id), "email": coordinator.email, "starts_on": "2027-01-01"})
    deputy = rows(BodyMember)[1]
    assert (deputy.deputy_for_id, deputy.user_id) == (member.id, coordinator.id)
    public = text(english(None)[0].get("/bodies"))
    assert "Eero Edustaja" in public and "deputy of Eero Edustaja" in public
    assert {a.action for a in rows(AuditLog)} >= {"body.created", "body.member_added"}


def test_member_form_refuses_bad_input_and_changes_nothing(english, make_body):
    client, _ = english("coordinator")
    body = make_body(seats=1)
    before = len(rows(BodyMember))
    member = rows(BodyMember)[0]
    for data, message in [
        ({"starts_on": "31.2.2027"}, "Write a date"),
        ({"starts_on": "yesterday"}, "Write a date"),
        ({"name": ""}, "Give the person"),
        ({"role": "member", "deputy_for_id": str(member.id)}, "Only a deputy member"),
        ({"email": "nobody@example.fi"}, "No account has that email address"),
    ]:
        form = {"name": "Uusi", "role": "deputy", "association_id": "0", "deputy_for_id": "0", "email": "",
                "starts_on": "2027-01-01", **data}
        response = post_form(client, f"/bodies/{body.id}/members", form)
        assert response.status_code == 422, data
        assert message in text(response)
    assert len(rows(BodyMember)) == before


def test_ending_a_membership_keeps_the_row(english, make_body):
    client, _ = english("coordinator")
    body = make_body(seats=1)
    member = rows(BodyMember)[0]
    post_form(client, f"/bodies/{body.id}/members/{member.id}/end", {"ends_on": "2030-12-31"})
    assert str(rows(BodyMember)[0].ends_on) == "2030-12-31"
    page = then(client, post_form(client, f"/bodies/{body.id}/members/{member.id}/end", {"ends_on": "2031-01-01"}))
    assert "already ended" in page
    assert str(rows(BodyMember)[0].ends_on) == "2030-12-31"


# --- meetings ------------------------------------------------------------------------------------

MEETING_FORM = {"title": "Kokous 1/2027", "day": "2027-03-12", "starts": "18:00", "ends": "20:00",
                "place": "Kausalan kunnantalo", "video_url": "", "other_attendees": "", "chair_name": "",
                "secretary_name": "", "minutes_checkers": ""}


def test_board_member_creates_a_meeting_in_helsinki_time(english, make_body):
    client, _ = english("board_member")
    body = make_body()
    response = post_form(client, "/meetings/new", {**MEETING_FORM, "body_id": str(body.id)})
    meeting = rows(Meeting)[0]
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert (meeting.starts_at.hour, meeting.ends_at.hour) == (16, 18)  # 18-20 in Helsinki winter time = UTC+2
    assert meeting.status == "planned"
    page = text(english(None)[0].get(f"/meetings/{meeting.id}"))
    assert "Kokous 1/2027" in page and "Kausalan kunnantalo" in page


@pytest.mark.parametrize("data, message", [
    ({"day": "2027-02-30"}, "Write a date"),
    ({"day": "huomenna"}, "Write a date"),
    ({"starts": "25:99"}, "Write a time"),
    ({"ends": "17:00"}, "The end must be after the start"),
    ({"place": "", "video_url": ""}, "Give the place of the meeting or a video meeting link"),
    ({"video_url": "javascript:alert(1)"}, "https://"),
])
def test_meeting_form_refuses_bad_input(english, make_body, data, message):
    client, _ = english("board_member")
    body = make_body(seats=1)
    response = post_form(client, "/meetings/new", {**MEETING_FORM, "body_id": str(body.id), **data})
    assert response.status_code == 422
    assert message in text(response)
    assert rows(Meeting) == []


def test_meeting_list_has_upcoming_and_past_and_filters_by_body(english, make_meeting, make_body):
    board = make_body(name="Kunnanhallitus", kind="municipal_board", seats=1)
    make_meeting(title="Tuleva kokous")
    make_meeting(title="Mennyt kokous", status="held", starts_in=-10 * DAY)
    make_meeting(title="Hallituksen kokous", body=board)
    client, _ = english(None)
    page = text(client.get("/meetings"))
    assert page.index("Tuleva kokous") < page.index("Past meetings") < page.index("Mennyt kokous")
    filtered = text(client.get(f"/meetings?body={board.id}"))
    assert "Hallituksen kokous" in filtered and "Tuleva kokous" not in filtered


def test_calendar_feed_lists_meetings(client, make_meeting):
    meeting = make_meeting(title="Kokous 2/2027")
    response = client.get("/meetings.ics")
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 1
    assert "Kokous 2/2027" in str(events[0]["summary"])
    assert str(events[0]["url"]).endswith(f"/meetings/{meeting.id}")
    assert events[0]["dtstart"].dt.tzinfo is not None


# --- agenda ---------------------------------------------------------------------------------------

def test_agenda_items_get_numbers_and_a_duplicate_number_is_refused(english, make_meeting):
    client, _ = english("board_member")
    meeting = make_meeting(items=1)
    assert 'value="2"' in text(client.get(meeting_url(meeting, "/items/new")))
    post_form(client, meeting_url(meeting, "/items/new"), {"number": "2", "title": "Kyläraha", "presentation": "**x**"})
    response = post_form(client, meeting_url(meeting, "/items/new"), {"number": "1", "title": "Toinen", "presentation": ""})
    assert response.status_code == 422
    assert "already has an item § 1" in text(response)
    assert [(i.number, i.title) for i in rows(AgendaItem)] == [(1, "Asia 1"), (2, "Kyläraha")]
    for number in ("0", "x", "100000"):
        assert post_form(client, meeting_url(meeting, "/items/new"),
                         {"number": number, "title": "T", "presentation": ""}).status_code == 422
    assert len(rows(AgendaItem)) == 2


def test_linking_a_proposal_found_by_search_and_refusing_it_twice(english, make_meeting, add_proposal):
    proposal = add_proposal(title="Radansuun bussikatos")
    add_proposal(title="Jotain muuta")
    client, _ = english("board_member")
    meeting = make_meeting(items=1)
    item = meeting.items[0]
    found = text(client.get(item_url(item, "?q=bussikatos")))
    assert f"#{proposal.id} Radansuun bussikatos" in found and "Jotain muuta" not in found
    assert f"#{proposal.id}" in text(client.get(item_url(item, f"?q=%23{proposal.id}")))
    data = {"kind": "proposal", "target": str(proposal.id)}
    then(client, post_form(client, item_url(item, "/links"), data))
    page = then(client, post_form(client, item_url(item, "/links"), data))
    assert "already linked" in page
    assert len(rows(AgendaLink)) == 1
    page = then(client, post_form(client, item_url(item, "/links"), {"kind": "proposal", "target": "999999"}))
    assert "No such proposal" in page
    assert len(rows(AgendaLink)) == 1
    public = text(english(None)[0].get(meeting_url(meeting)))
    assert "Radansuun bussikatos" in public


def test_duplicate_link_is_refused_by_the_database_too(app, make_meeting, add_proposal):
    proposal = add_proposal()
    meeting = make_meeting(items=1, links={1: [proposal]})
    db.session.add(AgendaLink(item_id=meeting.items[0].id, proposal_id=proposal.id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_representative_writes_a_statement_and_others_cannot(english, make_meeting, make_association):
    meeting = make_meeting(items=1)
    item = meeting.items[0]
    association = make_association(name="Radansuun kyläyhdistys ry", village="Radansuu")
    client, _ = english("representative", association=association)
    page = text(client.get(item_url(item)))
    assert "Submit a statement" in page
    then(client, post_form(client, item_url(item, "/statement"),
                           {"association_id": str(association.id), "body": "Kannatamme **katosta**."}))
    post_form(client, item_url(item, "/statement"), {"association_id": str(association.id), "body": "Korjattu."})
    statements = rows(Statement)
    assert len(statements) == 1 and statements[0].body == "Korjattu." and statements[0].edited_at
    assert "Radansuun kyläyhdistys ry" in text(english(None)[0].get(item_url(item)))

    resident, _ = english("resident")
    response = post_form(resident, item_url(item, "/statement"),
                         {"association_id": str(association.id), "body": "Väärennös"})
    assert response.status_code == 403
    other_rep, _ = english("representative")
    post_form(other_rep, item_url(item, "/statement"), {"association_id": str(association.id), "body": "Väärennös"})
    assert [s.body for s in rows(Statement)] == ["Korjattu."]


def test_statements_close_when_the_meeting_is_held(english, make_meeting, make_association):
    association = make_association(name="Radansuun kyläyhdistys ry", village="Radansuu")
    client, _ = english("representative", association=association)
    meeting = held_meeting(make_meeting, items=1)
    item = meeting.items[0]
    page = then(client, post_form(client, item_url(item, "/statement"),
                                  {"association_id": str(association.id), "body": "Myöhässä"}))
    assert "only before the meeting is held" in page
    assert rows(Statement) == []


# --- recording the meeting -----------------------------------------------------------------------

def test_a_decision_on_a_planned_meeting_is_refused(english, make_meeting):
    client, _ = english("board_member")
    meeting = make_meeting(items=1)
    item = meeting.items[0]
    page = then(client, post_form(client, item_url(item, "/decision"),
                                  {"outcome": "approved", "decision_text": "Hyväksyttiin."}))
    assert "only after the meeting has been held" in page
    assert rows(AgendaItem)[0].outcome is None


def test_marking_held_is_refused_before_the_meeting_starts(english, make_meeting):
    client, _ = english("board_member")
    meeting = make_meeting()
    page = then(client, post_form(client, meeting_url(meeting, "/status"), {"status": "held"},
                                  token_from=meeting_url(meeting)))
    assert "has not started yet" in page
    assert rows(Meeting)[0].status == "planned"
    page = then(client, post_form(client, meeting_url(meeting, "/status"), {"status": "approved"},
                                  token_from=meeting_url(meeting)))
    assert "cannot move to that status" in page


def test_attendance_gives_the_quorum_with_deputies_filling_seats(english, make_meeting):
    client, _ = english("board_member")
    meeting = make_meeting(status="planned", starts_in=-DAY, items=1)
    then(client, post_form(client, meeting_url(meeting, "/status"), {"status": "held"},
                           token_from=meeting_url(meeting)))
    members = rows(BodyMember)  # seat 1: member, deputy; seat 2: member, deputy; seat 3: member, deputy
    present = [members[0].id, members[3].id]  # member of seat 1, the deputy of seat 2
    post_form(client, meeting_url(meeting, "/attendance"), {"present": [str(i) for i in present],
                                                            f"note-{members[3].id}": "klo 18.20 alkaen"})
    assert {a.member_id for a in rows(Attendance) if a.present} == set(present)
    page = text(client.get(meeting_url(meeting)))
    assert "had a quorum: 2 of 3 seats filled (2 needed)" in page
    post_form(client, meeting_url(meeting, "/attendance"), {"present": [str(members[0].id)]})
    assert "did not have a quorum: 1 of 3 seats filled" in text(client.get(meeting_url(meeting, "/minutes")))


def test_roll_call_with_a_recused_member_and_the_decision(english, make_meeting):
    client, _ = english("board_member")
    meeting = held_meeting(make_meeting, items=1)
    item = meeting.items[0]
    mark_all_present(client, meeting)
    seats = [m for m in rows(BodyMember) if m.role != "deputy"]
    data = {"outcome": "approved", "decision_text": "Hyväksyttiin äänin 1–0.",
            f"vote-{seats[0].id}": "yes", f"vote-{seats[1].id}": "recused", f"vote-{seats[2].id}": "abstain"}
    then(client, post_form(client, item_url(item, "/decision"), data))
    assert {v.member_id: v.choice for v in rows(RollCallVote)} == {
        seats[0].id: "yes", seats[1].id: "recused", seats[2].id: "abstain"}
    page = text(client.get(item_url(item)))
    assert "Roll-call vote: 1 yes, 0 no, 1 abstained" in page
    assert "Stepped aside (conflict of interest)" in page
    deputy = next(m for m in rows(BodyMember) if m.role == "deputy")
    response = post_form(client, item_url(item, "/decision"), {**data, f"vote-{deputy.id}": "no"})
    assert len(rows(RollCallVote)) == 3  # an absent deputy's vote is not even read
    assert response.status_code == 302


def test_decision_moves_a_linked_proposal_through_the_state_machine(english, make_meeting, add_proposal, outbox,
                                                                      make_user):
    follower = make_user("resident")
    immediate_emails(follower)
    proposal = add_proposal(title="Radansuun bussikatos")
    db.session.add(Follow(user_id=follower.id, proposal_id=proposal.id))
    db.session.commit()
    client, board = english("board_member")
    meeting = held_meeting(make_meeting, items=1, links={1: [proposal]})
    item = meeting.items[0]
    mark_all_present(client, meeting)
    then(client, post_form(client, item_url(item, "/decision"),
                           {"outcome": "approved", "decision_text": "Katos rakennetaan 2027."}))
    page = text(client.get(item_url(item)))
    assert "Mark it accepted and publish the decision as its official answer" in page
    then(client, post_form(client, item_url(item, f"/proposals/{proposal.id}/apply"), {}))
    proposal = rows(Proposal)[0]
    assert proposal.state == "accepted"
    assert "§ 1" in proposal.answer and "Katos rakennetaan 2027." in proposal.answer
    changes = rows(ProposalStateChange)
    assert [(c.from_state, c.to_state, c.agenda_item_id) for c in changes] == [
        ("submitted", "under_review", item.id), ("under_review", "accepted", item.id)]
    assert any(follower.email in message["To"] for message in outbox)
    # Once moved, it cannot be moved again by the same decision.
    page = then(client, post_form(client, item_url(item, f"/proposals/{proposal.id}/apply"), {}))
    assert "already in that state" in page
    assert len(rows(ProposalStateChange)) == 2


def test_a_withdrawn_proposal_is_not_moved(english, make_meeting, add_proposal):
    proposal = add_proposal(state="withdrawn")
    client, _ = english("board_member")
    meeting = held_meeting(make_meeting, items=1, links={1: [proposal]})
    item = meeting.items[0]
    mark_all_present(client, meeting)
    post_form(client, item_url(item, "/decision"), {"outcome": "rejected", "decision_text": "Hylättiin."})
    page = then(client, post_form(client, item_url(item, f"/proposals/{proposal.id}/apply"), {}))
    assert "does not allow this move" in page
    assert rows(Proposal)[0].state == "withdrawn" and rows(ProposalStateChange) == []


# --- minutes --------------------------------------------------------------------------------------

def approve(client, meeting):
    return post_form(client, meeting_url(meeting, "/status"), {"status": "approved"}, token_from=meeting_url(meeting))


def test_minutes_are_approved_only_when_every_item_has_a_decision(english, make_meeting):
    client, _ = english("board_member")
    meeting = held_meeting(make_meeting, items=2)
    mark_all_present(client, meeting)
    post_form(client, item_url(meeting.items[0], "/decision"), {"outcome": "noted", "decision_text": "Merkittiin."})
    page = then(client, approve(client, meeting))
    assert "Items without a decision: § 2" in page
    assert rows(Meeting)[0].status == "held"
    post_form(client, item_url(meeting.items[1], "/decision"), {"outcome": "tabled", "decision_text": "Pöydälle."})
    then(client, approve(client, meeting))
    meeting = rows(Meeting)[0]
    assert meeting.status == "approved" and meeting.approved_at


def approved_meeting(make_meeting, **kwargs) -> Meeting:
    meeting = held_meeting(make_meeting, **kwargs)
    for item in meeting.items:
        item.outcome, item.decision_text, item.decided_at = "approved", f"Päätös {item.number}", utcnow()
    db.session.add(Attendance(meeting_id=meeting.id, member_id=meeting.body.members[0].id, present=True))
    db.session.commit()
    meeting.status = MeetingStatus.APPROVED
    db.session.commit()
    return meeting


def test_approved_minutes_refuse_every_change_through_the_pages(english, make_meeting, add_proposal):
    proposal = add_proposal()
    meeting = approved_meeting(make_meeting, items=1)
    item = meeting.items[0]
    client, _ = english("board_member")
    for url, data in [
        (item_url(item, "/edit"), {"number": "1", "title": "Muutettu", "presentation": ""}),
        (item_url(item, "/decision"), {"outcome": "rejected", "decision_text": "Muutettu"}),
        (item_url(item, "/links"), {"kind": "proposal", "target": str(proposal.id)}),
        (meeting_url(meeting, "/edit"), {**MEETING_FORM, "body_id": str(meeting.body_id)}),
        (meeting_url(meeting, "/items/new"), {"number": "2", "title": "Uusi", "presentation": ""}),
        (meeting_url(meeting, "/attendance"), {"present": []}),
    ]:
        page = then(client, post_form(client, url, data, token_from=meeting_url(meeting)))
        assert "minutes of this meeting have been approved" in page, url
    item = rows(AgendaItem)[0]
    assert (item.title, item.outcome, item.decision_text) == ("Asia 1", "approved", "Päätös 1")
    assert rows(AgendaLink) == [] and len(rows(AgendaItem)) == 1


def test_approved_minutes_are_immutable_in_the_orm_and_in_the_database(app, make_meeting):
    meeting = approved_meeting(make_meeting, items=1)
    item_id, meeting_id = meeting.items[0].id, meeting.id
    meeting.items[0].decision_text = "Salaa muutettu"
    with pytest.raises(MinutesLocked):
        db.session.commit()
    db.session.rollback()
    meeting = db.session.get(Meeting, meeting_id)
    meeting.status = MeetingStatus.HELD
    with pytest.raises(MinutesLocked):
        db.session.commit()
    db.session.rollback()
    # Past the ORM, straight SQL: the triggers refuse it.
    for statement in [
        sa.update(AgendaItem).where(AgendaItem.id == item_id).values(decision_text="Salaa"),
        sa.update(Meeting).where(Meeting.id == meeting_id).values(status="held"),
        sa.insert(AgendaItem).values(meeting_id=meeting_id, number=2, title="Uusi", presentation="",
                                     decision_text="", created_at=utcnow()),
        sa.update(Attendance).where(Attendance.meeting_id == meeting_id).values(present=False),
        sa.insert(AgendaLink).values(item_id=item_id, budget_id=None, proposal_id=None, comment_id=None,
                                     created_at=utcnow()),
    ]:
        with pytest.raises(sa.exc.DBAPIError):
            with db.engine.begin() as connection:
                connection.execute(statement)
    db.session.expire_all()
    assert db.session.get(AgendaItem, item_id).decision_text == "Päätös 1"
    assert db.session.get(Meeting, meeting_id).status == "approved"


def test_approving_a_held_meeting_whose_status_was_never_read_is_allowed(app, make_meeting):
    """The guard asks the database when the status was set without being loaded (expired after a commit)."""
    meeting = make_meeting(status=MeetingStatus.HELD, starts_in=-timedelta(days=2), items=1)
    meeting_id = meeting.id
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    db.session.expire(meeting)
    meeting.status = MeetingStatus.APPROVED
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Meeting, meeting_id).status == MeetingStatus.APPROVED
    # ... and once approved, the same unread-status path refuses a change.
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting_id)
    db.session.expire(meeting)
    meeting.status = MeetingStatus.HELD
    with pytest.raises(MinutesLocked):
        db.session.commit()
    db.session.rollback()


def test_corrections_to_approved_minutes_are_amendments(english, make_meeting):
    meeting = approved_meeting(make_meeting, items=1)
    client, _ = english("board_member")
    page = then(client, post_form(client, meeting_url(meeting, "/amendments"), {
        "item_id": str(meeting.items[0].id), "text": "Päätöksen summa on 4 500 €.", "reason": "Kirjoitusvirhe"},
        token_from=meeting_url(meeting, "/minutes")))
    assert "amendment was recorded" in page
    assert [(a.item_id, a.reason) for a in rows(Amendment)] == [(meeting.items[0].id, "Kirjoitusvirhe")]
    minutes = text(english(None)[0].get(meeting_url(meeting, "/minutes")))
    assert "Päätöksen summa on 4 500 €." in minutes and "Reason: Kirjoitusvirhe" in minutes
    assert "Päätös 1" in minutes  # the approved text itself is unchanged
    empty = then(client, post_form(client, meeting_url(meeting, "/amendments"),
                                   {"item_id": "0", "text": "", "reason": ""}, token_from=meeting_url(meeting)))
    assert "Write what the minutes should say" in empty
    assert len(rows(Amendment)) == 1


def test_printable_minutes_have_attendance_items_and_signatures(english, make_meeting):
    meeting = approved_meeting(make_meeting, items=2, chair_name="Liisa Puheenjohtaja")
    page = text(english(None)[0].get(meeting_url(meeting, "/minutes")))
    for expected in ("Minutes", "Present", "Jäsen 1", "§ 1 Asia 1", "§ 2 Asia 2", "Päätös 2", "Signatures",
                     "Liisa Puheenjohtaja", "Minutes checked by"):
        assert expected in page, expected
    assert "Draft" not in page


def test_meeting_page_queries_are_bounded(english, make_meeting, add_proposal, make_consultation):
    consultation = make_consultation()
    few = make_meeting(items=1, links={1: [add_proposal(consultation=consultation)]})
    proposals = [add_proposal(title=f"Aloite {n}", consultation=consultation) for n in range(40)]
    links = {number: [proposals[(number * 7 + k) % 40] for k in range(7)] for number in range(1, 31)}
    many = make_meeting(items=30, links=links)
    assert len(rows(AgendaLink)) >= 200
    client, _ = english(None)
    counts = []
    for meeting in (few, many):
        for url in (meeting_url(meeting), meeting_url(meeting, "/minutes")):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_a_moderator_hides_a_statement_with_a_reason_and_it_is_kept(english, make_meeting, make_user):
    meeting = make_meeting(items=1)
    item = meeting.items[0]
    author = make_user("representative")
    statement = Statement(item_id=item.id, association_id=author.representations[0].association_id,
                          author_id=author.id, body="Asiaton lausunto")
    db.session.add(statement)
    db.session.commit()
    client, _ = english("coordinator")
    url = item_url(item, f"/statements/{statement.id}/hide")
    page = then(client, post_form(client, url, {"reason": ""}))
    assert "Give the reason." in page and rows(Statement)[0].hidden_at is None
    then(client, post_form(client, url, {"reason": "Loukkaava sisältö"}))
    public = text(english(None)[0].get(item_url(item)))
    assert "Hidden by a moderator: Loukkaava sisältö" in public and "Asiaton lausunto" not in public
    assert rows(Statement)[0].body == "Asiaton lausunto"
    then(client, post_form(client, item_url(item, f"/statements/{statement.id}/unhide"), {}))
    assert rows(Statement)[0].hidden_at is None
    assert {"statement.hidden", "statement.unhidden"} <= {a.action for a in rows(AuditLog)}


def test_comments_of_linked_proposals_can_be_linked(english, make_meeting, add_proposal, make_user):
    from app.comments.models import Comment

    proposal = add_proposal()
    comment = Comment(proposal_id=proposal.id, author_id=make_user().id, body="Katos tarvitaan ennen talvea.")
    db.session.add(comment)
    db.session.commit()
    meeting = make_meeting(items=1, links={1: [proposal]})
    item = meeting.items[0]
    client, _ = english("board_member")
    assert "Katos tarvitaan ennen talvea." in text(client.get(item_url(item)))
    then(client, post_form(client, item_url(item, "/links"), {"kind": "comment", "target": str(comment.id)}))
    assert [link.comment_id for link in rows(AgendaLink) if link.comment_id] == [comment.id]
    page = then(client, post_form(client, item_url(item, "/links"), {"kind": "comment", "target": str(comment.id)}))
    assert "already linked" in page
    assert "Katos tarvitaan ennen talvea." in text(english(None)[0].get(item_url(item)))


def test_meeting_page_with_proposals_and_budget_results_on_one_item(english, make_meeting, add_proposal):
    from decimal import Decimal

    from app.budgets.models import Budget

    proposal = add_proposal()
    budget = Budget(consultation=proposal.consultation, title="Kyläraha 2026", total=Decimal("5000"))
    db.session.add(budget)
    db.session.commit()
    meeting = approved_meeting(make_meeting, items=1, links={1: [proposal, budget]})
    client, _ = english(None)
    for url in (meeting_url(meeting), meeting_url(meeting, "/minutes")):
        response = client.get(url)
        assert response.status_code == 200, url
    page = text(client.get(meeting_url(meeting)))
    assert "1 linked proposal · budget results" in page
