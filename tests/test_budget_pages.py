"""The budget pages: coordinators set up budgets and projects; voters see the ballot and cast it."""
from decimal import Decimal

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.budgets.models import Budget, BudgetProject
from app.extensions import db
from app.proposals.states import ProposalState
from tests.budget_helpers import CLOSED, VOTING, ballots, choices, make_budget, participations  # noqa: F401
from tests.conftest import count_queries, post_form
from tests.proposal_helpers import add_proposal, english, make_consultation, text, then  # noqa: F401

BUDGET_FORM = {"title": "Kylärahat 2027", "description": "Rahaa kylien hankkeisiin.", "total": "20 000",
               "voting_rule": "approval", "max_projects": "", "points_total": "", "min_projects": "0",
               "electorate": "associations", "secrecy": "open", "tally_rule": "mes-completed"}


def budgets() -> list[Budget]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Budget).order_by(Budget.id)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


def send_ballot(client, budget, projects, voter: str):
    return post_form(client, f"/budgets/{budget.id}/ballot",
                     {"voter": voter, "project": [str(p.id) for p in projects]}, token_from=f"/budgets/{budget.id}")


def voter_key(user) -> str:
    return f"association:{user.representations[0].association_id}"


# --- setting up ------------------------------------------------------------------------------

def test_coordinator_creates_a_budget(english, make_consultation):
    client, coordinator = english("coordinator")
    consultation = make_consultation(windows=VOTING)
    url = f"/consultations/{consultation.id}/budgets/new"
    response = post_form(client, url, BUDGET_FORM, token_from=url)
    assert "The budget was saved." in then(client, response)
    [budget] = budgets()
    assert budget.total == Decimal("20000") and budget.consultation_id == consultation.id
    assert budget.created_by_id == coordinator.id
    assert "budget.create" in actions()
    page = text(client.get(f"/consultations/{consultation.id}"))
    assert "Kylärahat 2027" in page


def test_bad_settings_are_refused_and_nothing_is_stored(english, make_consultation):
    client, _ = english("coordinator")
    consultation = make_consultation(windows=VOTING)
    url = f"/consultations/{consultation.id}/budgets/new"
    response = post_form(client, url, {**BUDGET_FORM, "total": "0"}, token_from=url)
    assert response.status_code == 422 and "The budget must be more than zero euros." in text(response)
    response = post_form(client, url, {**BUDGET_FORM, "voting_rule": "approval_max_n"}, token_from=url)
    assert "Give the largest number of projects a voter may choose" in text(response)
    response = post_form(client, url, {**BUDGET_FORM, "total": "lots"}, token_from=url)
    assert response.status_code == 422 and "Write the cost in euros as a number" in text(response)
    assert budgets() == []


def test_projects_directly_and_from_accepted_proposals(english, make_budget, add_proposal):
    client, _ = english("coordinator")
    budget = make_budget(projects=())
    accepted = add_proposal("Uimarannan laituri", consultation=budget.consultation,
                            state=ProposalState.ACCEPTED, estimated_cost=Decimal("3500"))
    add_proposal("Hylätty", consultation=budget.consultation, state=ProposalState.REJECTED)
    url = f"/budgets/{budget.id}/projects/new"
    response = post_form(client, url, {"title": "Latu-ura", "cost": "0", "village_id": "0",
                                       "association_id": "0"}, token_from=url)
    assert response.status_code == 422 and "A project's cost must be more than zero euros." in text(response)
    response = post_form(client, url, {"title": "Latu-ura", "cost": "2 000", "village_id": "0",
                                       "association_id": "0"}, token_from=url)
    assert "The project was saved." in then(client, response)
    url = f"/budgets/{budget.id}/projects/from-proposals"
    page = text(client.get(url))
    assert "Uimarannan laituri" in page and "Hylätty" not in page
    response = post_form(client, url, {"proposal": str(accepted.id), f"cost-{accepted.id}": ""}, token_from=url)
    assert "1 project was added to the ballot." in then(client, response)
    db.session.expire_all()
    projects = db.session.scalars(sa.select(BudgetProject).order_by(BudgetProject.id)).all()
    assert [(p.title, p.cost, p.proposal_id) for p in projects] == [
        ("Latu-ura", Decimal("2000"), None), ("Uimarannan laituri", Decimal("3500"), accepted.id)]
    page = text(client.get(f"/proposals/{accepted.id}"))
    assert "In participatory budgets" in page and f"/budgets/{budget.id}" in page
    response = post_form(client, url, {"proposal": str(accepted.id)}, token_from=url)  # twice
    assert response.status_code == 422
    assert len(db.session.scalars(sa.select(BudgetProject)).all()) == 2


# --- voting ------------------------------------------------------------------------------------

def test_representative_casts_a_ballot_and_gets_a_receipt(english, make_budget):
    budget = make_budget()
    client, rep = english("representative")
    page = text(client.get(f"/budgets/{budget.id}"))
    assert "Cast the ballot" in page and 'data-cost="4000' in page
    assert "The projects you choose may cost at most" in page
    a, b, c = budget.projects
    response = send_ballot(client, budget, [b, c], voter_key(rep))
    assert response.headers["Location"].endswith(f"/budgets/{budget.id}/voted")
    page = then(client, response)
    assert "Your ballot was recorded" in page and "Your receipt code" in page
    assert choices(budget.id) == [(b.id, 1), (c.id, 1)]
    # The receipt is shown once.
    assert client.get(f"/budgets/{budget.id}/voted").status_code == 302
    page = text(client.get(f"/budgets/{budget.id}"))
    assert "Change the ballot" in page and f'value="{b.id}"\n' not in page


def test_ballot_over_the_budget_is_refused_with_the_numbers(english, make_budget):
    budget = make_budget()
    client, rep = english("representative")
    response = send_ballot(client, budget, budget.projects, voter_key(rep))
    assert response.status_code == 422
    page = text(response)
    assert "which is" in page and "more than the budget" in page
    assert ballots(budget.id) == [] and participations(budget.id) == []


def test_unknown_or_duplicated_project_is_refused(english, make_budget):
    budget = make_budget()
    client, rep = english("representative")
    url = f"/budgets/{budget.id}/ballot"
    response = post_form(client, url, {"voter": voter_key(rep), "project": ["999999"]}, token_from=f"/budgets/{budget.id}")
    assert "The ballot named a project that is not in this budget." in text(response)
    p = str(budget.projects[0].id)
    response = post_form(client, url, {"voter": voter_key(rep), "project": [p, p]}, token_from=f"/budgets/{budget.id}")
    assert "The ballot named the same project twice." in text(response)
    assert ballots(budget.id) == []


def test_secret_ballot_says_it_is_final_and_refuses_a_second(english, make_budget):
    budget = make_budget(secrecy="secret")
    client, rep = english("representative")
    assert "once cast, it is final" in text(client.get(f"/budgets/{budget.id}"))
    send_ballot(client, budget, [budget.projects[0]], voter_key(rep))
    page = text(client.get(f"/budgets/{budget.id}"))
    assert "A secret ballot is final, so it cannot be changed." in page and "Cast the ballot" not in page
    response = send_ballot(client, budget, [budget.projects[1]], voter_key(rep))
    assert "This ballot has already been cast." in text(response)
    assert choices(budget.id) == [(budget.projects[0].id, 1)]


def test_who_cannot_vote_is_told_why(english, make_budget):
    budget = make_budget()
    visitor, _ = english(None)
    assert "Sign in to vote" in text(visitor.get(f"/budgets/{budget.id}"))
    client, resident = english("resident")
    page = text(client.get(f"/budgets/{budget.id}"))
    assert "you do not currently represent an association" in page
    response = send_ballot(client, budget, [budget.projects[0]], f"user:{resident.id}")
    assert response.status_code == 422 and "you do not currently represent an association" in text(response)
    closed = make_budget(windows=CLOSED, title="Vanha")
    rep_client, rep = english("representative")
    response = send_ballot(rep_client, closed, [closed.projects[0]], voter_key(rep))
    assert "Voting is not open now." in text(response)
    assert ballots(budget.id) == [] and ballots(closed.id) == []


def test_representative_of_two_associations_casts_two_ballots(english, make_budget, make_association):
    from datetime import date

    from app.directory.models import Representation
    budget = make_budget()
    client, rep = english("representative")
    other = make_association(name="Mankalan kyläyhdistys ry", village="Mankala")
    db.session.add(Representation(user=rep, association=other, status="approved", starts_on=date(2020, 1, 1)))
    db.session.commit()
    page = text(client.get(f"/budgets/{budget.id}"))
    assert "You represent several associations" in page and "Mankalan kyläyhdistys ry" in page
    send_ballot(client, budget, [budget.projects[0]], voter_key(rep))
    send_ballot(client, budget, [budget.projects[1]], f"association:{other.id}")
    assert sorted(p.association_id for p in participations(budget.id)) == sorted(
        [rep.representations[0].association_id, other.id])


def test_rules_freeze_with_the_first_ballot(english, make_budget):
    budget = make_budget()
    rep_client, rep = english("representative")
    send_ballot(rep_client, budget, [budget.projects[0]], voter_key(rep))
    client, _ = english("coordinator")
    url = f"/budgets/{budget.id}/edit"
    assert "Voting has started." in text(client.get(url))
    response = post_form(client, url, {**BUDGET_FORM, "total": "1 000 000", "title": "Uusi nimi"}, token_from=url)
    then(client, response)
    [stored] = budgets()
    assert stored.title == "Uusi nimi" and stored.total == Decimal("6000")
    project = budget.projects[0]
    url = f"/budgets/{budget.id}/projects/{project.id}/edit"
    post_form(client, url, {"title": project.title, "cost": "1", "village_id": "0", "association_id": "0"},
              token_from=url)
    db.session.expire_all()
    assert db.session.get(BudgetProject, project.id).cost == Decimal("4000")
    url = f"/budgets/{budget.id}/projects/{project.id}/remove"
    post_form(client, url, {}, token_from=f"/budgets/{budget.id}")
    assert db.session.get(BudgetProject, project.id) is not None


def test_budget_page_queries_are_bounded(client, make_budget, english):
    small = make_budget(projects=[(f"Hanke {n}", Decimal(100 + n)) for n in range(3)])
    big = make_budget(projects=[(f"Hanke {n}", Decimal(100 + n)) for n in range(30)], title="Iso")
    rep_client, _ = english("representative")
    counts = []
    for budget in (small, big):
        with count_queries() as statements:
            assert rep_client.get(f"/budgets/{budget.id}").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]
    with count_queries() as statements:
        assert client.get("/budgets").status_code == 200
    assert len(statements) < 15
