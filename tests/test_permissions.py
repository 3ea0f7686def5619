"""Every route × every role: who is let in and who is refused.

The route list is checked against the app's URL map, so a new route without an entry
here fails `test_every_route_is_classified`.
"""
import pytest

from tests.conftest import ROLES, post_form

ANYONE = (None, *ROLES)
SIGNED_IN = ROLES
COORDINATOR = ("coordinator",)
BOARD = ("board_member", "coordinator")
NOBODY_BY_ROLE = ()  # only a particular person (the author, the association's representative)

# (method, url template, roles allowed). {association}, {representation}, {village}, {user}
# are filled with ids of objects the fixture creates. GETs of forms; POSTs are state changes.
ROUTES = [
    ("GET", "/", ANYONE),
    ("GET", "/villages", ANYONE),
    ("GET", "/villages/{village}", ANYONE),
    ("GET", "/associations", ANYONE),
    ("GET", "/associations/{association}", ANYONE),
    ("GET", "/associations/{association}/represent", SIGNED_IN),
    ("GET", "/accessibility", ANYONE),
    ("GET", "/privacy", ANYONE),
    ("GET", "/healthz", ANYONE),
    ("GET", "/login", ANYONE),
    ("GET", "/register", ANYONE),
    ("GET", "/password/forgot", ANYONE),
    ("GET", "/password/change", SIGNED_IN),
    ("GET", "/reauthenticate", SIGNED_IN),
    ("GET", "/account/", SIGNED_IN),
    ("GET", "/account/data.json", SIGNED_IN),
    ("GET", "/account/erase", SIGNED_IN),
    ("POST", "/logout", SIGNED_IN),
    ("GET", "/admin/", COORDINATOR),
    ("GET", "/admin/representations", COORDINATOR),
    ("POST", "/admin/representations/{representation}/approve", COORDINATOR),
    ("POST", "/admin/representations/{representation}/reject", COORDINATOR),
    ("POST", "/admin/representations/{representation}/revoke", COORDINATOR),
    ("GET", "/admin/villages/new", COORDINATOR),
    ("GET", "/admin/villages/{village}/edit", COORDINATOR),
    ("GET", "/admin/associations/new", COORDINATOR),
    ("GET", "/admin/associations/{association}/edit", COORDINATOR),
    ("GET", "/admin/users", COORDINATOR),
    ("POST", "/admin/users/{user}/role", COORDINATOR),
    ("GET", "/admin/audit", COORDINATOR),
    ("GET", "/admin/feedback", COORDINATOR),
    # comments ({comment} is written by {user}, someone other than the signed-in role) and moderation
    ("GET", "/proposals/{proposal}/comments", ANYONE),
    ("POST", "/proposals/{proposal}/comments", SIGNED_IN),
    ("GET", "/comments/{comment}/reply", SIGNED_IN),
    ("POST", "/comments/{comment}/reply", SIGNED_IN),
    ("GET", "/comments/{comment}/edit", NOBODY_BY_ROLE),
    ("POST", "/comments/{comment}/edit", NOBODY_BY_ROLE),
    ("GET", "/comments/{comment}/report", SIGNED_IN),
    ("POST", "/comments/{comment}/report", SIGNED_IN),
    ("GET", "/proposals/{proposal}/report", SIGNED_IN),
    ("POST", "/proposals/{proposal}/report", SIGNED_IN),
    ("GET", "/moderation/", COORDINATOR),
    ("GET", "/moderation/comment/{comment}/hide", COORDINATOR),
    ("POST", "/moderation/comment/{comment}/hide", COORDINATOR),
    ("POST", "/moderation/comment/{comment}/unhide", COORDINATOR),
    ("POST", "/moderation/comment/{comment}/dismiss", COORDINATOR),
    ("GET", "/moderation/proposal/{proposal}/hide", COORDINATOR),
    ("POST", "/moderation/proposal/{proposal}/hide", COORDINATOR),
    ("POST", "/moderation/proposal/{proposal}/unhide", COORDINATOR),
    ("POST", "/moderation/proposal/{proposal}/dismiss", COORDINATOR),
    ("GET", "/admin/users/{user}/block", COORDINATOR),
    ("POST", "/admin/users/{user}/block", COORDINATOR),
    ("POST", "/admin/users/{user}/unblock", COORDINATOR),
    ("POST", "/admin/users/{user}/hide-content", COORDINATOR),
    ("GET", "/consultations", ANYONE),
    ("GET", "/consultations/new", COORDINATOR),
    ("GET", "/consultations/{consultation}", ANYONE),
    ("GET", "/consultations/{consultation}/edit", COORDINATOR),
    ("POST", "/consultations/{consultation}/follow", SIGNED_IN),
    ("GET", "/consultations/{consultation}/proposals/new", SIGNED_IN),
    ("GET", "/proposals", ANYONE),
    ("GET", "/proposals/{proposal}", ANYONE),
    ("GET", "/proposals/{proposal}/edit", NOBODY_BY_ROLE),
    ("GET", "/proposals/{proposal}/withdraw", NOBODY_BY_ROLE),
    ("POST", "/proposals/{proposal}/support", SIGNED_IN),
    ("POST", "/proposals/{proposal}/endorsements/{association}", NOBODY_BY_ROLE),
    ("POST", "/proposals/{proposal}/follow", SIGNED_IN),
    ("POST", "/proposals/{proposal}/state", BOARD),
    ("POST", "/proposals/{proposal}/answer", BOARD),
    # budgets ({budget} is in the consultation above, not open for voting: a ballot is refused with 422)
    ("GET", "/budgets", ANYONE),
    ("GET", "/budgets/{budget}", ANYONE),
    ("POST", "/budgets/{budget}/ballot", SIGNED_IN),
    ("GET", "/budgets/{budget}/voted", SIGNED_IN),
    ("GET", "/consultations/{consultation}/budgets/new", COORDINATOR),
    ("GET", "/budgets/{budget}/edit", COORDINATOR),
    ("GET", "/budgets/{budget}/projects/new", COORDINATOR),
    ("GET", "/budgets/{budget}/projects/{project}/edit", COORDINATOR),
    ("POST", "/budgets/{budget}/projects/{project}/remove", COORDINATOR),
    ("GET", "/budgets/{budget}/projects/from-proposals", COORDINATOR),
    # results: before voting ends ({budget}) a page saying when; after ({closed_budget}) results and downloads
    ("GET", "/budgets/{budget}/results", ANYONE),
    ("GET", "/budgets/{closed_budget}/results", ANYONE),
    ("GET", "/budgets/{budget}/receipts", ANYONE),
    ("GET", "/budgets/{closed_budget}/receipts", ANYONE),
    ("GET", "/budgets/{closed_budget}/results.csv", ANYONE),
    ("GET", "/budgets/{closed_budget}/ballots.pb", ANYONE),
    ("GET", "/budgets/{closed_budget}/receipts.txt", ANYONE),
    # paper ballots ({batch} of {budget}, with one keyed {paper_entry}; outside voting, so changes are refused)
    ("GET", "/budgets/{budget}/paper", COORDINATOR),
    ("POST", "/budgets/{budget}/paper", COORDINATOR),
    ("GET", "/budgets/{budget}/paper/{batch}", COORDINATOR),
    ("POST", "/budgets/{budget}/paper/{batch}", COORDINATOR),
    ("GET", "/budgets/{budget}/paper/{batch}/entries/{paper_entry}/edit", COORDINATOR),
    ("POST", "/budgets/{budget}/paper/{batch}/entries/{paper_entry}/edit", COORDINATOR),
    ("POST", "/budgets/{budget}/paper/{batch}/entries/{paper_entry}/remove", COORDINATOR),
    ("GET", "/budgets/{budget}/paper/{batch}/compare", COORDINATOR),
    ("POST", "/budgets/{budget}/paper/{batch}/count", COORDINATOR),
    # board review: proposals waiting for an answer, budget results to decide, charts (app/review)
    ("GET", "/review", BOARD),
    # the decision trail ({decision} is an agenda item with an outcome in a held meeting)
    ("GET", "/decisions", ANYONE),
    ("GET", "/decisions.atom", ANYONE),
    ("GET", "/proposals.atom", ANYONE),
    ("GET", "/decisions/{decision}", ANYONE),
]

# meetings ({meeting} was held and has the decided item {decision} linked to {proposal} by {link};
# {planned_meeting} is planned and has {item}; {body} has {member})
ROUTES += [
    ("GET", "/bodies", ANYONE),
    ("GET", "/bodies/new", COORDINATOR),
    ("GET", "/bodies/{body}/edit", COORDINATOR),
    ("GET", "/bodies/{body}/members", COORDINATOR),
    ("POST", "/bodies/{body}/members", COORDINATOR),
    ("POST", "/bodies/{body}/members/{member}/end", COORDINATOR),
    ("GET", "/meetings", ANYONE),
    ("GET", "/meetings.ics", ANYONE),
    ("GET", "/meetings/new", BOARD),
    ("GET", "/meetings/{meeting}/edit", BOARD),
    ("GET", "/meetings/{meeting}", ANYONE),
    ("GET", "/meetings/{meeting}/minutes", ANYONE),
    ("POST", "/meetings/{meeting}/status", BOARD),
    ("POST", "/meetings/{meeting}/amendments", BOARD),
    ("GET", "/meetings/{meeting}/attendance", BOARD),
    ("GET", "/meetings/{meeting}/items/new", BOARD),
    ("GET", "/meetings/{meeting}/items/{decision}/edit", BOARD),
    ("GET", "/meetings/{meeting}/items/{decision}", ANYONE),
    ("GET", "/meetings/{planned_meeting}/items/{item}", ANYONE),
    ("POST", "/meetings/{planned_meeting}/items/{item}/links", BOARD),
    ("POST", "/meetings/{meeting}/items/{decision}/links/{link}/remove", BOARD),
    ("POST", "/meetings/{planned_meeting}/items/{item}/statement", ("representative",)),
    ("POST", "/meetings/{planned_meeting}/items/{item}/statements/{statement}/hide", COORDINATOR),
    ("POST", "/meetings/{planned_meeting}/items/{item}/statements/{statement}/unhide", COORDINATOR),
    ("GET", "/meetings/{meeting}/items/{decision}/decision", BOARD),
    ("POST", "/meetings/{meeting}/items/{decision}/decision", BOARD),
    ("POST", "/meetings/{meeting}/items/{decision}/proposals/{proposal}/apply", BOARD),
]

# comments on agenda items ({agenda_comment} is on {item} of {planned_meeting}, written by {user})
ROUTES += [
    ("GET", "/meetings/{planned_meeting}/items/{item}/comments", ANYONE),
    ("POST", "/meetings/{planned_meeting}/items/{item}/comments", SIGNED_IN),
    ("GET", "/comments/{agenda_comment}/reply", SIGNED_IN),
    ("POST", "/comments/{agenda_comment}/reply", SIGNED_IN),
    ("GET", "/comments/{agenda_comment}/edit", NOBODY_BY_ROLE),
    ("POST", "/comments/{agenda_comment}/report", SIGNED_IN),
    ("POST", "/moderation/comment/{agenda_comment}/hide", COORDINATOR),
]

# events ({event} is published by {association} with the volunteer task {task} and a pending invitation
# {invitation} to another association; {draft_event} is a draft of {association}; the representative role
# represents an association of its own, so it may publish but manages neither)
ROUTES += [
    ("GET", "/events", ANYONE),
    ("GET", "/events/month", ANYONE),
    ("GET", "/events.ics", ANYONE),
    ("GET", "/villages/{village}/events.ics", ANYONE),
    ("GET", "/associations/{association}/events.ics", ANYONE),
    ("GET", "/events/{event}", ANYONE),
    ("GET", "/events/{event}.ics", ANYONE),
    ("GET", "/events/new", ("representative",)),
    ("POST", "/events/new", ("representative",)),
    ("GET", "/events/{event}/edit", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/edit", NOBODY_BY_ROLE),
    ("GET", "/events/{draft_event}/preview", NOBODY_BY_ROLE),
    ("POST", "/events/{draft_event}/publish", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/cancel", COORDINATOR),
    ("POST", "/events/{event}/hide", COORDINATOR),
    ("POST", "/events/{event}/unhide", COORDINATOR),
    ("POST", "/events/{event}/invitations/{invitation}/confirm", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/invitations/{invitation}/decline", NOBODY_BY_ROLE),
    ("GET", "/events/{event}/tasks/new", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/tasks/new", NOBODY_BY_ROLE),
    ("GET", "/events/{event}/tasks/{task}/edit", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/tasks/{task}/signup", SIGNED_IN),
    ("POST", "/events/{event}/tasks/{task}/cancel-signup", SIGNED_IN),
    ("GET", "/events/{event}/volunteers", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/volunteers", NOBODY_BY_ROLE),
    ("GET", "/events/{event}/image", NOBODY_BY_ROLE),
    ("POST", "/events/{event}/image", NOBODY_BY_ROLE),
    ("GET", "/events/{event}/images/{event_image}.jpg", ANYONE),
]

# notifications ({notification} belongs to {user}, not to the signed-in role: marking it is refused with a message)
ROUTES += [
    ("GET", "/notifications", SIGNED_IN),
    ("POST", "/notifications/{notification}/read", SIGNED_IN),
    ("POST", "/notifications/read-all", SIGNED_IN),
    ("GET", "/account/notifications", SIGNED_IN),
    ("POST", "/account/notifications", SIGNED_IN),
]

# the open-data API (read-only, public) and its human page
ROUTES += [
    ("GET", "/api", ANYONE),
    ("GET", "/api/v1/openapi.json", ANYONE),
    ("GET", "/api/v1/villages", ANYONE),
    ("GET", "/api/v1/villages/{village}", ANYONE),
    ("GET", "/api/v1/associations", ANYONE),
    ("GET", "/api/v1/associations/{association}", ANYONE),
    ("GET", "/api/v1/consultations", ANYONE),
    ("GET", "/api/v1/consultations/{consultation}", ANYONE),
    ("GET", "/api/v1/proposals", ANYONE),
    ("GET", "/api/v1/proposals/{proposal}", ANYONE),
    ("GET", "/api/v1/comments", ANYONE),
    ("GET", "/api/v1/comments/{comment}", ANYONE),
    ("GET", "/api/v1/exports/proposals.csv", ANYONE),
    ("GET", "/api/v1/exports/proposals.json", ANYONE),
    ("GET", "/api/v1/exports/comments.csv", ANYONE),
    ("GET", "/api/v1/exports/comments.json", ANYONE),
    ("GET", "/api/v1/budgets", ANYONE),
    ("GET", "/api/v1/budgets/{budget}", ANYONE),
    ("GET", "/api/v1/budgets/{closed_budget}/results", ANYONE),
    ("GET", "/api/v1/meetings", ANYONE),
    ("GET", "/api/v1/meetings/{meeting}", ANYONE),
    ("GET", "/api/v1/exports/meetings.csv", ANYONE),
    ("GET", "/api/v1/exports/decisions.csv", ANYONE),
    ("GET", "/api/v1/events", ANYONE),
    ("GET", "/api/v1/events/{event}", ANYONE),
]

# Routes reachable by anyone whose answer depends on a token or only redirects.
UNCLASSIFIED_OK = {"/static/<path:filename>", "/password/reset/<token>", "/language/<code>",
                   "/notifications/unsubscribe/<token>"}


def test_every_route_is_classified(app):
    import re

    known = {re.sub(r"\{\w+\}", "X", url) for _m, url, _r in ROUTES}
    for rule in app.url_map.iter_rules():
        if rule.rule in UNCLASSIFIED_OK:
            continue
        pattern = re.sub(r"<[^>]+>", "X", rule.rule)
        if "<any(" in rule.rule:
            variants = re.search(r"<any\(([^)]*)\):\w+>", rule.rule).group(1).replace(" ", "").split(",")
            expanded = [re.sub(r"<any\([^)]*\):\w+>", v, rule.rule) for v in variants]
            patterns = [re.sub(r"<[^>]+>", "X", e) for e in expanded]
        else:
            patterns = [pattern]
        for p in patterns:
            assert p in known, f"route {rule.rule} has no permission test"


@pytest.fixture
def objects(app, make_user, make_association):
    from app.directory.models import Representation

    association = make_association()
    person = make_user("resident")
    from datetime import date

    from app.extensions import db
    representation = Representation(user=person, association=association, starts_on=date(2026, 1, 1))
    db.session.add(representation)
    # A consultation taking proposals now, and a proposal by someone other than the signed-in role.
    from datetime import timedelta

    from app.consultations.models import Consultation, ConsultationPhase
    from app.proposals.models import Proposal
    from app.timeutil import utcnow
    consultation = Consultation(title="Kylärahat 2027")
    consultation.phases.append(ConsultationPhase(phase="proposals", starts_at=utcnow() - timedelta(days=1),
                                                 ends_at=utcnow() + timedelta(days=30)))
    proposal = Proposal(consultation=consultation, author=person, title="Laituri", body="Uusi laituri.")
    db.session.add(proposal)
    from app.comments.models import Comment
    comment = Comment(proposal=proposal, author=person, body="Hyvä ehdotus.")
    db.session.add(comment)
    from decimal import Decimal

    from app.budgets.models import Budget, BudgetProject
    budget = Budget(consultation=consultation, title="Kylärahat", total=Decimal("5000"))
    project = BudgetProject(budget=budget, title="Laituri", cost=Decimal("3000"))
    db.session.add_all([budget, project])
    from app.budgets.models import PaperBatch, PaperEntry
    batch = PaperBatch(budget=budget, label="Laatikko 1")
    paper_entry = PaperEntry(batch=batch, sequence=1, voter_ref=str(association.id))
    db.session.add_all([batch, paper_entry])
    # A budget whose vote has closed: its results and downloads are public.
    closed = Consultation(title="Kylärahat 2026")
    closed.phases.append(ConsultationPhase(phase="voting", starts_at=utcnow() - timedelta(days=20),
                                           ends_at=utcnow() - timedelta(days=1)))
    closed_budget = Budget(consultation=closed, title="Kylärahat 2026", total=Decimal("5000"), tally_rule="greedy")
    db.session.add_all([closed_budget, BudgetProject(budget=closed_budget, title="Katos", cost=Decimal("2000"))])
    # A decision: an agenda item with an outcome in a meeting that has been held.
    from app.meetings.models import AgendaItem, Body, Meeting
    meeting = Meeting(body=Body(name="Kyläasiain neuvottelukunta", kind="advisory_board"),
                      starts_at=utcnow() - timedelta(days=2), status="held")
    decision = AgendaItem(meeting=meeting, number=1, title="Laituri", outcome="approved", decided_at=utcnow())
    db.session.add_all([meeting, decision])
    # A planned meeting with an item (statements and comments open), a body member, a link on the decision.
    from app.meetings.models import AgendaLink, BodyMember
    planned = Meeting(body=meeting.body, starts_at=utcnow() + timedelta(days=7), place="Kunnantalo")
    item = AgendaItem(meeting=planned, number=1, title="Kyläraha")
    member = BodyMember(body=meeting.body, name="Jäsen", starts_on=date(2026, 1, 1))
    link = AgendaLink(item=decision, proposal=proposal)
    from app.meetings.models import Statement
    statement = Statement(item=item, association=association, author=person, body="Lausunto.")
    db.session.add_all([planned, item, member, link, statement])
    agenda_comment = Comment(agenda_item=item, author=person, body="Hyvä asia.")  # comments on agenda items
    db.session.add(agenda_comment)
    from app.notifications.models import Notification
    notification = Notification(user=person, kind="comment_reply", params={}, url="/")
    db.session.add(notification)
    # A published event of the association with a volunteer task and an invitation pending, and a draft.
    from app.directory.models import Association
    from app.events.models import Event, EventCoOrganiser, VolunteerTask
    event = Event(organiser=association, village=association.village, title="Kyläjuhla", place="Kylätalo",
                  category="village_party", starts_at=utcnow() + timedelta(days=10),
                  ends_at=utcnow() + timedelta(days=10, hours=3), status="published")
    task = VolunteerTask(event=event, title="Kahvio", capacity=3)
    invitation = EventCoOrganiser(event=event, association=Association(name="Kutsuttu seura ry"))
    draft_event = Event(organiser=association, title="Luonnos", place="Kylätalo", category="market",
                        starts_at=utcnow() + timedelta(days=12), ends_at=utcnow() + timedelta(days=12, hours=2))
    from app.events.models import EventImage
    event_image = EventImage(event=event, data=b"\xff\xd8\xff", content_type="image/jpeg", width=1, height=1,
                             byte_size=3, alt_text="Kuva")
    db.session.add_all([event, task, invitation, draft_event, event_image])
    db.session.commit()
    return {"event": event.id, "task": task.id, "invitation": invitation.id, "draft_event": draft_event.id,
            "event_image": event_image.id,
"budget": budget.id, "project": project.id, "closed_budget": closed_budget.id,
            "batch": batch.id, "paper_entry": paper_entry.id,
            "association": association.id, "village": association.village_id,
            "representation": representation.id, "user": person.id,
            "consultation": consultation.id, "proposal": proposal.id, "comment": comment.id,
            "decision": decision.id, "meeting": meeting.id, "planned_meeting": planned.id, "item": item.id,
            "body": meeting.body_id, "member": member.id, "link": link.id,
            "agenda_comment": agenda_comment.id, "statement": statement.id, "notification": notification.id}


CASES = [(method, url, role, role in allowed) for method, url, allowed in ROUTES for role in ANYONE]


@pytest.mark.parametrize("method, url, role, allowed", CASES,
                         ids=[f"{m} {u} as {r or 'visitor'}" for m, u, r, _a in CASES])
def test_route_permission(login_as, objects, method, url, role, allowed):
    client, _user = login_as(role)
    path = url.format(**objects)
    if method == "GET":
        response = client.get(path)
    else:
        data = {"reason": "test", "role": "board_member", "granted": "1"}
        response = post_form(client, path, data)
    if allowed:
        # 422: let in, but what was sent is refused (e.g. a ballot outside the voting window).
        assert response.status_code in (200, 302, 422), response.status_code
        if response.status_code == 302:
            # Allowed POSTs redirect back to a page; a fresh-login redirect is allowed too.
            assert "/login" not in response.headers["Location"]
    elif role is None:
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == 403
