"""The board review: answer deadlines on proposal pages, escalation to the municipal board, the consultation
form's deadline fields and the board review dashboard."""
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.budgets.models import BudgetParticipation
from app.consultations.models import Consultation
from app.extensions import db
from app.meetings.models import AgendaItem, BodyMember, Statement
from app.meetings.rules import BodyKind, MeetingStatus
from app.proposals.models import Endorsement, Proposal
from app.proposals.states import ProposalState
from app.review.services import escalate_overdue
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, VOTING, make_budget  # noqa: F401  (fixtures)
from tests.conftest import count_queries, post_form
from tests.meeting_helpers import make_body, make_meeting  # noqa: F401  (fixtures)
from tests.proposal_helpers import DAY, add_proposal, english, make_consultation, text  # noqa: F401


def waiting_titles(page: str) -> list[str]:
    """Titles in the dashboard's table of proposals waiting for an answer, in order."""
    table = page.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*><a href="/proposals/\d+">([^<]+)</a>', table)


@pytest.fixture
def deadlines_case(make_consultation, add_proposal):
    """A consultation with 60 + 30 days, and proposals at each point of their deadlines."""
    consultation = make_consultation()
    consultation.answer_days, consultation.escalation_days = 60, 30
    now = utcnow()
    made = {}
    for key, age, fields in (
            ("fresh", 1, {}),
            ("soon", 55, {"state": ProposalState.UNDER_REVIEW}),
            ("overdue", 74, {}),
            ("escalated", 120, {"escalated_at": now - 10 * DAY}),
            ("answered", 100, {"answer": "Toteutetaan.", "answered_at": now - 50 * DAY}),
            ("withdrawn", 100, {"state": ProposalState.WITHDRAWN}),
            ("hidden", 100, {"hidden_at": now - DAY, "hidden_reason": "Asiaton"})):
        made[key] = add_proposal(title=f"Aloite {key}", consultation=consultation, created_at=now - age * DAY,
                                 **fields)
    return made


# --- the proposal page ----------------------------------------------------------------------------

def test_an_overdue_proposal_is_flagged_on_its_page(english, deadlines_case):
    client, _ = english(None)
    page = text(client.get(f"/proposals/{deadlines_case['overdue'].id}"))
    assert re.search(r"Answer overdue:</strong>\s+the municipality should have answered by [A-Z][a-z]{2} \d+, \d{4} "
                     r"\(14 days ago\)\.", page)

    escalated = text(client.get(f"/proposals/{deadlines_case['escalated'].id}"))
    assert "(60 days ago)" in escalated and "The municipal board was told on" in escalated


def test_other_proposals_show_their_deadline_quietly_or_not_at_all(english, deadlines_case):
    client, _ = english(None)
    fresh = text(client.get(f"/proposals/{deadlines_case['fresh'].id}"))
    assert "Answer overdue" not in fresh and "(in 59 days)" in fresh
    assert "(in 5 days)" in text(client.get(f"/proposals/{deadlines_case['soon'].id}"))
    for key in ("answered", "withdrawn"):
        page = text(client.get(f"/proposals/{deadlines_case[key].id}"))
        assert 'id="deadline"' not in page


def test_the_deadline_flag_is_in_finnish_by_default(client, deadlines_case):
    page = text(client.get(f"/proposals/{deadlines_case['overdue'].id}"))
    assert 'id="deadline"' in page
    due = deadlines_case["overdue"].created_at + 60 * DAY
    assert f"{due.day}.{due.month}.{due.year}" in page  # 12.3.2027, as Finns write dates


# --- escalation -----------------------------------------------------------------------------------

@pytest.fixture
def municipal_board(make_body, make_user):
    """A municipal board with an English- and a Finnish-speaking member on Kyläraati, a member who has left
    and a member with no account."""
    board = make_body(name="Kunnanhallitus", kind=BodyKind.MUNICIPAL_BOARD, seats=0)
    english_member = make_user("board_member", email="chair@example.fi", name="Chair")
    english_member.language = "en"
    finnish_member = make_user("board_member", email="jasen@example.fi", name="Jäsen")
    former = make_user("board_member", email="former@example.fi")
    db.session.add_all([
        BodyMember(body=board, name="Chair", user=english_member, role="chair", starts_on=date(2025, 1, 1)),
        BodyMember(body=board, name="Jäsen", user=finnish_member, starts_on=date(2025, 1, 1)),
        BodyMember(body=board, name="Entinen", user=former, starts_on=date(2021, 1, 1), ends_on=date(2024, 12, 31)),
        BodyMember(body=board, name="Ei tiliä", starts_on=date(2025, 1, 1)),
    ])
    db.session.commit()
    return board


def escalate(app):
    with app.test_request_context():  # the emails' links need a host
        return escalate_overdue(utcnow())


def test_escalation_emails_the_municipal_board_once_in_each_members_language(app, outbox, deadlines_case,
                                                                           municipal_board):
    result = escalate(app)
    overdue = deadlines_case["overdue"]
    escalated = [p.id for p in result.proposals]
    assert escalated == []  # 74 days: overdue, but the second deadline (90 days) has not passed
    assert outbox == []

    overdue.created_at = utcnow() - 91 * DAY
    db.session.commit()
    result = escalate(app)
    assert [p.id for p in result.proposals] == [overdue.id]
    assert sorted(m["To"] for m in outbox) == ["chair@example.fi", "jasen@example.fi"]
    by_address = {m["To"]: m for m in outbox}
    english_mail = by_address["chair@example.fi"]
    assert english_mail["Subject"] == "Kyläraati: 1 proposal has waited too long for an official answer"
    body = english_mail.get_content()
    assert body.startswith("Hello Chair,") and "Aloite overdue" in body and f"/proposals/{overdue.id}" in body
    assert "Waiting for 91 days." in body and "/review" in body
    # Each in the member's language: the dates at least are formatted by the locale even without catalogues.
    due = overdue.created_at + 60 * DAY
    assert f"{due.strftime('%b')} {due.day}, {due.year}" in body
    assert f"{due.day}.{due.month}.{due.year}" in by_address["jasen@example.fi"].get_content()

    db.session.expire_all()
    assert db.session.get(Proposal, overdue.id).escalated_at is not None
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "proposal.escalated")).all()
    assert [(a.object_type, a.object_id, a.actor_id) for a in audit] == [("Proposal", overdue.id, None)]

    # Idempotent: nothing new the next day, and the already-escalated, answered, withdrawn and hidden
    # proposals were never included.
    assert escalate(app).proposals == []
    assert len(outbox) == 2


def test_escalation_falls_back_to_the_coordinators(app, outbox, make_user, make_body, deadlines_case):
    make_user("coordinator", email="aktivaattori@example.fi").language = "en"
    make_body(kind=BodyKind.ADVISORY_BOARD)  # members of other bodies are not told
    deadlines_case["overdue"].created_at = utcnow() - 95 * DAY
    db.session.commit()
    result = escalate(app)
    assert len(result.proposals) == 1 and result.recipients == []
    assert [m["To"] for m in outbox] == ["aktivaattori@example.fi"]
    assert "the coordinators are told instead" in outbox[0].get_content()


def test_the_cli_escalates_and_needs_a_server_name(app, runner, outbox, deadlines_case, municipal_board):
    deadlines_case["overdue"].created_at = utcnow() - 95 * DAY
    db.session.commit()
    refused = runner.invoke(args=["review", "escalate"])
    assert refused.exit_code == 1 and "SERVER_NAME" in refused.output
    assert outbox == []

    app.config["SERVER_NAME"] = "kylaraati.example.fi"
    with app.app_context():  # a context made after the setting, as `flask` makes one
        result = runner.invoke(args=["review", "escalate"])
        assert result.exit_code == 0, result.output
        assert "Escalated 1 proposals to 2 municipal board members" in result.output
        assert "http://kylaraati.example.fi/proposals/" in outbox[0].get_content()
        again = runner.invoke(args=["review", "escalate"])
    assert "No proposal is due for escalation." in again.output and len(outbox) == 2


# --- the consultation form ------------------------------------------------------------------------

def consultation_form(**fields):
    today = date.today().isoformat()
    data = {"title": "Kylärahat 2028", "description": "", "village_id": "0", "phase_override": "",
            "proposals_starts": today, "answer_days": "45", "escalation_days": "14"}
    data.update(fields)
    return data


def test_coordinator_sets_the_answer_deadlines(english):
    client, _ = english("coordinator")
    form = text(client.get("/consultations/new"))
    assert 'name="answer_days"' in form and 'value="60"' in form and 'value="30"' in form
    response = post_form(client, "/consultations/new", consultation_form(), token_from="/consultations/new")
    assert response.status_code == 302
    consultation = db.session.scalar(sa.select(Consultation))
    assert (consultation.answer_days, consultation.escalation_days) == (45, 14)

    response = post_form(client, f"/consultations/{consultation.id}/edit", consultation_form(answer_days="90"),
                         token_from="/consultations/new")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).answer_days == 90
    edited = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "consultation.edited"))
    assert edited.details["answer_days"] == [45, 90]


@pytest.mark.parametrize("field, value", [("answer_days", "0"), ("answer_days", "366"), ("answer_days", "abc"),
                                          ("answer_days", ""), ("escalation_days", "-3"),
                                          ("escalation_days", "2.5")])
def test_bad_deadline_days_are_refused_and_nothing_is_saved(english, make_consultation, field, value):
    consultation = make_consultation()
    client, _ = english("coordinator")
    response = post_form(client, f"/consultations/{consultation.id}/edit",
                         consultation_form(**{field: value}, title="Uusi nimi"), token_from="/consultations/new")
    assert response.status_code == 200
    assert "Give a whole number of days from 1 to 365." in text(response)
    assert "Not a valid integer" not in text(response)
    db.session.expire_all()
    stored = db.session.get(Consultation, consultation.id)
    assert (stored.title, stored.answer_days, stored.escalation_days) == ("Kylien investointiraha 2027", 60, 30)
    response = post_form(client, "/consultations/new", consultation_form(**{field: value}),
                         token_from="/consultations/new")
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consultation)) == 1


# --- the dashboard --------------------------------------------------------------------------------

def test_board_members_see_the_waiting_proposals_oldest_first(english, deadlines_case):
    client, _ = english("board_member")
    page = text(client.get("/review"))
    assert waiting_titles(page) == ["Aloite escalated", "Aloite overdue", "Aloite soon", "Aloite fresh"]
    table = page.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    for status in ("Overdue: to the municipal board", "Answer overdue", "Answer due soon", "On time"):
        assert f'">{status}</span>' in table
    assert "Escalated to the municipal board on" in table
    assert re.search(r'<td [^>]*class="number">120</td>', table) and re.search(r'<td [^>]*class="number">74</td>', table)
    assert '<a href="/review" aria-current="page">Board review</a>' in page


def test_the_nav_link_is_for_board_members_and_coordinators(english):
    for role, shown in (("resident", False), ("representative", False), ("board_member", True),
                        ("coordinator", True)):
        client, _ = english(role)
        assert ('href="/review"' in text(client.get("/"))) is shown, role


def test_the_waiting_list_is_paginated(english, make_consultation, add_proposal, app):
    consultation = make_consultation()
    for n in range(app.config["PAGE_SIZE"] + 3):
        add_proposal(title=f"Aloite {n:02d}", consultation=consultation, created_at=utcnow() - (100 - n) * DAY)
    client, _ = english("coordinator")
    first = text(client.get("/review"))
    assert len(waiting_titles(first)) == app.config["PAGE_SIZE"] and waiting_titles(first)[0] == "Aloite 00"
    assert waiting_titles(text(client.get("/review?page=2"))) == ["Aloite 20", "Aloite 21", "Aloite 22"]


def test_budget_results_ready_to_be_decided(english, make_budget, make_meeting):
    ready = make_budget(windows=CLOSED, title="Kylärahat 2026")
    on_agenda = make_budget(windows=CLOSED, title="Kylärahat 2025")
    decided = make_budget(windows=CLOSED, title="Kylärahat 2024")
    make_budget(windows=VOTING, title="Kylärahat 2027")
    make_meeting(links={1: [on_agenda]})
    meeting = make_meeting(status=MeetingStatus.HELD, links={1: [decided]})
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                         AgendaItem.number == 1))
    item.outcome, item.decided_at = "approved", utcnow()
    db.session.commit()

    client, _ = english("board_member")
    section = text(client.get("/review")).split('id="budgets"', 1)[1].split("</section>", 1)[0]
    assert f'href="/budgets/{ready.id}/results">Results: Kylärahat 2026</a>' in section
    assert f'href="/budgets/{on_agenda.id}/results">Results: Kylärahat 2025</a>' in section
    assert "on a meeting's agenda, not decided yet" in section and "not on any meeting's agenda yet" in section
    assert "Kylärahat 2024" not in section and "Kylärahat 2027" not in section


def test_charts_have_figures_and_tables(english, deadlines_case, make_association, make_user):
    association = make_association(name="Sitikkalan kyläyhdistys", village="Sitikkala")
    other = make_association(name="Kausalan Urheilijat", village="Kausala")
    proposals = list(deadlines_case.values())
    proposals[0].association, proposals[0].village = association, association.village
    proposals[1].village = other.village
    representative = make_user("representative", association=association)
    db.session.add(Endorsement(proposal_id=proposals[2].id, association=association, user_id=representative.id))
    db.session.add(Endorsement(proposal_id=proposals[3].id, association=other, user_id=representative.id))
    db.session.commit()

    client, _ = english("coordinator")
    page = text(client.get("/review"))
    charts = page.split('id="charts"', 1)[1]
    for chart in ("chart-states", "chart-villages", "chart-response", "chart-participation"):
        assert f'class="chart-plot" id="{chart}" data-figure="' in charts
    assert charts.count("<caption>") == 4
    # Tables: six proposals not hidden, one of them withdrawn; by village; answered ones; participation.
    assert re.search(r'<th scope="row">Submitted</th><td class="number">4</td>', charts)
    assert re.search(r'<th scope="row">Withdrawn</th><td class="number">1</td>', charts)
    assert re.search(r'<th scope="row">Whole municipality</th><td class="number">4</td>', charts)
    assert re.search(r'<th scope="row">Sitikkala</th><td class="number">1</td>', charts)
    assert re.search(r'<th scope="row">31–60 days</th><td class="number">1</td>', charts)
    assert "Median: 50 days. Answered by the deadline: 1 of 1." in charts
    assert re.search(r'<th scope="row">Sitikkalan kyläyhdistys</th><td class="number">1</td>'
                     r'<td class="number">1</td>\s*<td class="number">0</td><td class="number">0</td>', charts)
    # Plotly and the drawing script are served here; no inline script (the security policy forbids it).
    assert '<script src="/static/vendor/plotly.min.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page


def test_an_empty_dashboard(english):
    client, _ = english("board_member")
    page = text(client.get("/review"))
    assert "Every proposal has an official answer." in page
    assert "No budget vote is waiting for a decision." in page
    assert "No proposal has an official answer yet." in page and "No association has taken part yet." in page
    assert 'id="chart-response"' not in page and 'id="chart-participation"' not in page


def test_dashboard_queries_do_not_grow_with_the_data(english, make_consultation, add_proposal, make_association,
                                                     make_user, make_budget, make_meeting):
    consultation = make_consultation()
    associations = [make_association(name=f"Yhdistys {n}", village=f"Kylä {n}") for n in range(3)]
    author = make_user()
    budget = make_budget(windows=CLOSED)
    meeting = make_meeting(items=1, links={1: [budget]})
    item = meeting.items[0]

    def add(count, start):
        for n in range(start, start + count):
            association = associations[n % 3]
            proposal = add_proposal(title=f"Aloite {n}", consultation=consultation, author=author,
                                    association=association, village=association.village,
                                    created_at=utcnow() - (n + 1) * DAY,
                                    **({"answer": "Vastaus", "answered_at": utcnow()} if n % 4 == 0 else {}))
            db.session.add(Endorsement(proposal_id=proposal.id, association=association, user_id=author.id))
            db.session.add(BudgetParticipation(budget=budget, voter_key=f"association:{n}", association=association))
            if n < 3:
                db.session.add(Statement(item=item, association=association, author=author, body="Lausunto"))
        db.session.commit()

    client, _ = english("board_member")
    add(5, 0)
    with count_queries() as few:
        assert client.get("/review").status_code == 200
    add(45, 5)
    with count_queries() as many:
        assert client.get("/review").status_code == 200
    assert len(many) == len(few)
