"""A small public world with private corners, shared by the API tests (behaviour, privacy, fuzzing)."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from app.auth.services import erase_account
from app.budgets.services import store_ballot
from app.comments.models import Comment
from app.consultations.models import Consultation, ConsultationPhase
from app.events.models import Event, TaskSignup, VolunteerTask
from app.extensions import db
from app.meetings.rules import MeetingStatus
from app.proposals.models import Proposal, ProposalStateChange, Support
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, VOTING, make_budget
from tests.meeting_helpers import make_body, make_meeting
from tests.proposal_helpers import make_consultation

# The fixtures a test module imports to use `world`.
__all__ = ["make_body", "make_budget", "make_consultation", "make_meeting", "world"]

# Text that must never leave the server through the API.
HIDDEN_PROPOSAL_TITLE = "Piilotettu-aloite-XYZZY"
HIDDEN_PROPOSAL_REASON = "Moderointisyy-PLUGH"
HIDDEN_COMMENT_TEXT = "Piilotettu-kommentti-QUUX"
COMMENT_ON_HIDDEN_PROPOSAL = "Kommentti-piilotetulla-aloitteella-FROB"
HIDDEN_COMMENT_REASON = "Kommentin-piilotussyy-GRUE"
ERASED_NAME = "Poistettu-Nimi-BLORB"
DRAFT_EVENT_TITLE = "Luonnos-tapahtuma-ZORK"
HIDDEN_EVENT_TITLE = "Piilotettu-tapahtuma-GNUSTO"
HIDDEN_EVENT_REASON = "Tapahtuman-piilotussyy-REZROV"


@dataclass
class World:
    users: list
    village: object
    association: object
    inactive_association: object
    consultation: object
    proposal: object
    hidden_proposal: object
    withdrawn_proposal: object
    comment: object
    hidden_comment: object
    reply: object
    comment_on_hidden: object
    meeting: object
    item: object
    closed_budget: object
    open_budget: object
    voter_keys: list
    ballot_ids: list
    event: object
    draft_event: object
    hidden_event: object

    def secrets(self) -> list[str]:
        """Every string that must not appear in any API response or download."""
        values = [HIDDEN_PROPOSAL_TITLE, HIDDEN_PROPOSAL_REASON, HIDDEN_COMMENT_TEXT, COMMENT_ON_HIDDEN_PROPOSAL,
                  HIDDEN_COMMENT_REASON, ERASED_NAME, DRAFT_EVENT_TITLE, HIDDEN_EVENT_TITLE,
                  HIDDEN_EVENT_REASON, *self.voter_keys, *self.ballot_ids]
        for user in self.users:
            db.session.refresh(user)
            values += [v for v in (user.email, user.password_hash) if v]
        return values


@pytest.fixture
def world(app, make_user, make_association, make_meeting, make_budget) -> World:
    now = utcnow()
    author = make_user("resident", email="kirjoittaja@example.fi", name="Kaisa Kirjoittaja")
    coordinator = make_user("coordinator", email="koordinaattori@example.fi", name="Kalle Koordinaattori")
    supporter = make_user("resident", email="tukija@example.fi", name="Tiina Tukija")
    erased = make_user("resident", email="poistettu@example.fi", name=ERASED_NAME)
    association = make_association("Vuolenkosken kyläyhdistys ry", "Vuolenkoski", contact_email="kyla@vuolenkoski.fi")
    inactive = make_association("Lakannut seura ry", "Vuolenkoski", is_active=False)

    consultation = Consultation(title="Kylärahat 2027", description="Kylien omat hankkeet.",
                                village=association.village)
    consultation.phases.append(ConsultationPhase(phase="proposals", starts_at=now - timedelta(days=1),
                                                 ends_at=now + timedelta(days=30)))
    proposal = Proposal(consultation=consultation, author=author, association=association,
                        village=association.village, title="Laituri uimarannalle", body="Uusi laituri.",
                        category="village_facilities", estimated_cost=Decimal("12500.50"), location="Uimaranta",
                        answer="Kunta selvittää laiturin.", answered_by=coordinator, answered_at=now)
    hidden = Proposal(consultation=consultation, author=author, title=HIDDEN_PROPOSAL_TITLE, body="Salainen.",
                      hidden_at=now, hidden_reason=HIDDEN_PROPOSAL_REASON, hidden_by=coordinator)
    withdrawn = Proposal(consultation=consultation, author=supporter, title="Peruttu aloite", body="Ei sittenkään.",
                         state="withdrawn")
    db.session.add_all([proposal, hidden, withdrawn])
    db.session.flush()
    db.session.add(Support(proposal_id=proposal.id, user_id=supporter.id))
    comment = Comment(proposal_id=proposal.id, author=erased, body="Hyvä aloite!", stance="for")
    hidden_comment = Comment(proposal_id=proposal.id, author=supporter, body=HIDDEN_COMMENT_TEXT, hidden_at=now,
                             hidden_reason=HIDDEN_COMMENT_REASON, hidden_by=coordinator)
    db.session.add_all([comment, hidden_comment])
    db.session.flush()
    reply = Comment(proposal_id=proposal.id, author=author, body="Kiitos tuesta.", parent_id=hidden_comment.id)
    on_hidden = Comment(proposal_id=hidden.id, author=supporter, body=COMMENT_ON_HIDDEN_PROPOSAL)
    db.session.add_all([reply, on_hidden])
    db.session.commit()

    meeting = make_meeting(status=MeetingStatus.HELD, starts_in=-timedelta(days=1), links={1: [proposal]})
    item = meeting.items[0]
    db.session.add(ProposalStateChange(proposal=proposal, from_state="submitted", to_state="under_review",
                                       changed_by=coordinator, agenda_item_id=item.id, changed_at=now))
    proposal.state = "under_review"
    db.session.commit()
    # A secret vote of residents that has closed (ballots stored as the casting service stores them), and an
    # open one still voting.
    closed_budget = make_budget(windows=CLOSED, electorate="residents", secrecy="secret", tally_rule="greedy",
                                title="Kylärahat 2026")
    open_budget = make_budget(windows=VOTING, title="Kylärahat 2027")
    project_ids = [p.id for p in closed_budget.projects]
    voters = [make_user("resident", email=f"aanestaja{n}@example.fi") for n in range(6)]
    voter_keys, ballot_ids = [], []
    for n, voter in enumerate(voters):
        key = f"user:{voter.id}"
        ballot = store_ballot(closed_budget, key, {project_ids[n % 3]: 1, project_ids[(n + 1) % 3]: 1},
                              now - timedelta(days=5), channel="online", user_id=voter.id, receipt=f"kuitti{n}")
        voter_keys.append(key)
        ballot_ids.append(ballot.id)
    db.session.commit()
    # A published event with a volunteer task two people signed up for, a draft and a hidden event.
    start = now + timedelta(days=10)
    event = Event(organiser=association, village=association.village, title="Kyläjuhla", place="Kylätalo",
                  category="village_party", starts_at=start, ends_at=start + timedelta(hours=3), status="published",
                  published_at=now)
    task = VolunteerTask(event=event, title="Kahvio", capacity=3)
    draft = Event(organiser=association, title=DRAFT_EVENT_TITLE, place="Kylätalo", category="market",
                  starts_at=start, ends_at=start + timedelta(hours=2))
    hidden_event = Event(organiser=association, title=HIDDEN_EVENT_TITLE, place="Kylätalo", category="market",
                         starts_at=start, ends_at=start + timedelta(hours=2), status="published", hidden_at=now,
                         hidden_reason=HIDDEN_EVENT_REASON)
    db.session.add_all([event, task, draft, hidden_event])
    db.session.flush()
    db.session.add_all([TaskSignup(task_id=task.id, user_id=supporter.id), TaskSignup(task_id=task.id, user_id=author.id)])
    db.session.commit()
    erase_account(erased)  # as the account page does it: the row stays, the personal fields go
    return World([author, coordinator, supporter, erased, *voters], association.village, association, inactive,
                 consultation, proposal, hidden, withdrawn, comment, hidden_comment, reply, on_hidden, meeting, item,
                 closed_budget, open_budget, voter_keys, ballot_ids, event, draft, hidden_event)
