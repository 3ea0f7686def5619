"""Paper ballots: coordinators key in batches (twice, by two people, under double entry), resolve the
differences and count them; bad input, a voter who already voted and the wrong phase change nothing."""
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditLog
from app.budgets import paper_services, services
from app.budgets.models import Budget, PaperBatch, PaperEntry, Secrecy
from app.budgets.rules import BallotError, association_key
from app.extensions import db
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, UPCOMING, ballots, choices, make_budget, participations  # noqa: F401
from tests.conftest import post_form
from tests.proposal_helpers import DAY, english, make_consultation, text, then  # noqa: F401

FINISHED = (("voting", -20 * DAY, -2 * DAY), ("results", -2 * DAY, -DAY))  # closed since yesterday


def rows(model) -> list:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditLog.action).order_by(AuditLog.id)))


def batch_url(budget, batch) -> str:
    return f"/budgets/{budget.id}/paper/{batch.id}"


def new_batch(client, budget, label="Kausalan kirjasto, laatikko 1"):
    url = f"/budgets/{budget.id}/paper"
    response = post_form(client, url, {"label": label}, token_from=url)
    assert response.status_code == 302, text(response)
    return rows(PaperBatch)[-1]


def key(client, budget, batch, sequence, voter, projects=(), points=None, entry_round=None):
    """Key one paper ballot through the batch page's form."""
    data = {"sequence": str(sequence), "entry_round": str(entry_round or 1)}
    if budget.electorate == "associations":
        data["association"] = str(voter)
    else:
        data["register_number"] = str(voter)
    if points is not None:
        data.update({f"points-{p.id}": str(n) for p, n in points.items()})
    else:
        data["project"] = [str(p.id) for p in projects]
    return post_form(client, batch_url(budget, batch), data, token_from=batch_url(budget, batch))


def count(client, budget, batch):
    return post_form(client, f"{batch_url(budget, batch)}/count", token_from=batch_url(budget, batch))


def entries(entry_round=None) -> list[PaperEntry]:
    found = rows(PaperEntry)
    return [e for e in found if entry_round is None or e.entry_round == entry_round]


@pytest.fixture
def voters(make_association):
    """Three active associations that vote on paper."""
    return [make_association(name=f"Paperiyhdistys {n}") for n in (1, 2, 3)]


# --- single entry ----------------------------------------------------------------------------

def test_coordinator_keys_a_batch_and_counts_it(english, make_budget, voters):
    client, coordinator = english("coordinator")
    budget = make_budget()
    a, b, c = budget.projects
    page = text(client.get(f"/budgets/{budget.id}/paper"))
    assert "No batches yet." in page and "New batch" in page
    batch = new_batch(client, budget)
    assert batch.label == "Kausalan kirjasto, laatikko 1" and batch.created_by_id == coordinator.id

    response = key(client, budget, batch, 1, voters[0].id, [a, c])
    assert "Paper ballot number 1 was saved." in then(client, response)
    key(client, budget, batch, 2, voters[1].id, [b])
    response = key(client, budget, batch, 3, voters[2].id, [])  # a blank ballot still counts as a voter
    page = then(client, response)
    assert "Paperiyhdistys 1" in page and "Blank ballot" in page and "Uimarannan laituri" in page
    assert [(e.sequence, e.voter_ref, e.choices) for e in entries()] == [
        (1, str(voters[0].id), f"{a.id}:1,{c.id}:1"), (2, str(voters[1].id), f"{b.id}:1"),
        (3, str(voters[2].id), "")]
    assert ballots(budget.id) == [] and not db.session.get(Budget, budget.id).is_frozen

    page = then(client, count(client, budget, batch))
    assert "The batch was counted: 3 paper ballots were added to the vote." in page
    assert "It can no longer be changed." in page and "Save the paper ballot" not in page
    assert {b.channel for b in ballots(budget.id)} == {"paper"} and len(ballots(budget.id)) == 3
    assert sorted(p.voter_key for p in participations(budget.id)) == sorted(
        association_key(v.id) for v in voters)
    assert {p.channel for p in participations(budget.id)} == {"paper"}
    assert {p.cast_by_id for p in participations(budget.id)} == {coordinator.id}
    assert choices(budget.id) == sorted([(a.id, 1), (c.id, 1), (b.id, 1)])
    [counted] = rows(PaperBatch)
    assert counted.status == "counted" and counted.counted_by_id == coordinator.id and counted.counted_at
    db.session.expire_all()
    assert db.session.get(Budget, budget.id).is_frozen  # the first ballots freeze the rules
    assert services.turnout(db.session.get(Budget, budget.id)).paper == 3
    audit = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "budget.paper_batch_count")).one()
    assert audit.details["ballots"] == 3 and audit.actor_id == coordinator.id
    assert actions().count("budget.paper_entry_add") == 3 and "budget.paper_batch_create" in actions()

    # A counted batch is read-only.
    response = key(client, budget, batch, 4, voters[0].id, [a])
    assert response.status_code == 422
    assert "This batch has been counted, so its ballots can no longer be changed." in text(response)
    response = count(client, budget, batch)
    assert "This batch has been counted" in then(client, response)
    entry = entries()[0]
    url = f"{batch_url(budget, batch)}/entries/{entry.id}/edit"
    assert "can no longer be changed" in text(client.get(url))
    response = post_form(client, url, {"sequence": "1", "association": str(voters[0].id)}, token_from=url)
    assert response.status_code == 422
    assert len(entries()) == 3 and len(ballots(budget.id)) == 3
    page = text(client.get(f"/budgets/{budget.id}/paper"))
    assert "Kausalan kirjasto, laatikko 1" in page and "Counted" in page


def test_batch_list_counts_and_bad_label(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget(double_entry=True)
    batch = new_batch(client, budget, "Laatikko A")
    key(client, budget, batch, 1, voters[0].id)
    url = f"/budgets/{budget.id}/paper"
    for label, message in (("   ", "Give the batch a name"), ("x" * 121, "at most 120 characters"),
                           ("a\x00b", "characters that cannot be stored")):
        response = post_form(client, url, {"label": label}, token_from=url)
        assert response.status_code == 422 and message in text(response)
    assert len(rows(PaperBatch)) == 1 and actions().count("budget.paper_batch_create") == 1
    page = text(client.get(url))
    assert "Laatikko A" in page and "Keyed in round 2" in page and "Being keyed in" in page


def test_residents_cumulative_paper_ballots(english, make_budget):
    client, _ = english("coordinator")
    budget = make_budget(electorate="residents", voting_rule="cumulative", points_total=5)
    a, b, c = budget.projects
    batch = new_batch(client, budget)
    page = text(client.get(batch_url(budget, batch)))
    assert "Number in the paper voter register" in page and f'name="points-{a.id}"' in page
    then(client, key(client, budget, batch, 1, " a 17 ", points={a: 3, b: 2, c: 0}))
    then(client, key(client, budget, batch, 2, "B 4", points={c: 5}))
    response = key(client, budget, batch, 3, "b  4", points={a: 1})  # the same register entry
    assert response.status_code == 422
    assert "names the same voter as ballot number 2" in text(response)
    response = key(client, budget, batch, 3, "C 1", points={a: 4, b: 2})
    assert response.status_code == 422 and "at most 5 points in all; you gave 6" in text(response)
    response = key(client, budget, batch, 3, "   ", points={a: 1})
    assert response.status_code == 422 and "Write the voter's number in the paper voter register." in text(response)
    assert [e.voter_ref for e in entries()] == ["A 17", "B 4"]
    then(client, count(client, budget, batch))
    assert sorted(p.voter_key for p in participations(budget.id)) == ["paper:A 17", "paper:B 4"]
    assert all(p.user_id is None for p in participations(budget.id))
    assert choices(budget.id) == sorted([(a.id, 3), (b.id, 2), (c.id, 5)])


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("field, value, message", [
    ("sequence", "", "Write the number of the paper ballot: a whole number from 1 to 999999."),
    ("sequence", "0", "a whole number from 1"),
    ("sequence", "3b", "a whole number from 1"),
    ("association", "", "Choose the voting association from the list of active associations."),
    ("association", "999999", "Choose the voting association from the list"),
    ("association", "inactive", "Choose the voting association from the list"),
    ("project", "all", "cost 9,000 €, which is 3,000 € more than the budget of 6,000 €"),
    ("project", "999999", "The ballot named a project that is not in this budget."),
    ("project", "x", "The ballot named a project that is not in this budget."),
    ("project", "twice", "The ballot named the same project twice."),
    ("entry_round", "2", "Choose round 1 or, when ballots are keyed in twice, round 2."),
    ("entry_round", "9", "Choose round 1 or, when ballots are keyed in twice, round 2."),
])
def test_bad_entry_is_refused_and_nothing_is_stored(english, make_budget, make_association, voters, field, value,
                                                    message):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    a = budget.projects[0]
    data = {"sequence": "5", "association": str(voters[0].id), "project": [str(a.id)], "entry_round": "1"}
    if value == "inactive":
        value = str(make_association(name="Lakannut ry", is_active=False).id)
    if value == "all":
        value = [str(p.id) for p in budget.projects]
    if value == "twice":
        value = [str(a.id), str(a.id)]
    data[field] = value
    url = batch_url(budget, batch)
    before = actions()
    response = post_form(client, url, data, token_from=url)
    page = then(client, response) if response.status_code == 302 else text(response)
    if response.status_code != 302:
        assert response.status_code == 422
        assert 'class="error-summary"' in page
    assert message in page
    assert entries() == [] and actions() == before


def test_duplicate_sequence_and_conflict_of_interest(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget(conflict_rule=True)
    a, b, _c = budget.projects
    budget.projects[0].association_id = voters[1].id
    db.session.commit()
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, voters[0].id, [a]))
    response = key(client, budget, batch, 1, voters[2].id, [b])
    assert response.status_code == 422
    assert "Paper ballot number 1 has already been keyed in round 1 of this batch." in text(response)
    response = key(client, budget, batch, 2, voters[1].id, [a])
    assert response.status_code == 422
    assert "An association may not vote for a project it proposed itself." in text(response)
    # What was sent is shown again, to be fixed rather than keyed from scratch.
    assert f'value="{a.id}" data-cost="4000.00"\n               checked' in text(response)
    assert [e.sequence for e in entries()] == [1]


def test_csrf_is_required(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    response = client.post(batch_url(budget, batch), data={"sequence": "1", "association": str(voters[0].id)})
    assert response.status_code == 400
    assert client.post(f"{batch_url(budget, batch)}/count").status_code == 400
    assert entries() == []


# --- double entry ------------------------------------------------------------------------------

def test_double_entry_by_two_coordinators(english, make_budget, voters):
    first, first_user = english("coordinator")
    second, second_user = english("coordinator")
    budget = make_budget(double_entry=True)
    a, b, c = budget.projects
    batch = new_batch(first, budget)
    assert "Key in a paper ballot: round 1" in text(first.get(batch_url(budget, batch)))
    then(first, key(first, budget, batch, 1, voters[0].id, [a, c]))
    then(first, key(first, budget, batch, 2, voters[1].id, [b]))
    then(first, key(first, budget, batch, 3, voters[2].id, []))

    # The same coordinator may not key round 2.
    response = key(first, budget, batch, 1, voters[0].id, [a, c], entry_round=2)
    assert response.status_code == 422
    assert "You keyed round 1 of this batch. Round 1 and round 2 must be keyed by different coordinators" in text(
        response)
    assert entries(2) == []

    # Counting waits for round 2.
    page = then(first, count(first, budget, batch))
    assert "a second coordinator must key round 2 of the batch before it can be counted" in page
    assert ballots(budget.id) == []

    # The second coordinator is offered round 2 and does not see round 1's entries.
    page = text(second.get(batch_url(budget, batch)))
    assert "Key in a paper ballot: round 2" in page and "Paperiyhdistys 1" in page  # in the menu only
    assert "Correct ballot 1" not in page and "No paper ballots yet." in page
    then(second, key(second, budget, batch, 1, voters[0].id, [a, c], entry_round=2))
    then(second, key(second, budget, batch, 2, voters[1].id, [a], entry_round=2))  # keyed wrong
    then(second, key(second, budget, batch, 4, voters[2].id, [], entry_round=2))  # wrong number
    # ... and may not key round 1 now.
    response = key(second, budget, batch, 9, voters[2].id, [], entry_round=1)
    assert response.status_code == 422 and "You keyed round 2 of this batch." in text(response)

    # Every mismatch is listed; counting is refused while any remains.
    response = count(second, budget, batch)
    assert response.headers["Location"].endswith(f"{batch_url(budget, batch)}/compare")
    page = then(second, response)
    assert "The two keyings still differ (differences: 3)." in page
    assert "Different choices: Kylätalon katto, Uimarannan laituri" in page
    assert "Keyed in round 1 only" in page and "Keyed in round 2 only" in page
    assert "Correct ballot 2 in round 2" in page and "Key ballot 3 in round 2" in page
    assert ballots(budget.id) == [] and rows(PaperBatch)[0].status == "entering"

    # Resolve: correct ballot 2 of round 2, renumber the wrongly numbered one.
    wrong = next(e for e in entries(2) if e.sequence == 2)
    url = f"{batch_url(budget, batch)}/entries/{wrong.id}/edit?back=compare"
    page = text(second.get(url))
    assert "Correct paper ballot 2" in page and f'value="{a.id}" data-cost="4000.00"\n               checked' in page
    response = post_form(second, url, {"sequence": "2", "association": str(voters[1].id), "project": [str(b.id)],
                                       "back": "compare"}, token_from=url)
    assert response.headers["Location"].endswith("/compare")
    assert "Paper ballot number 2 was corrected." in then(second, response)
    renumbered = next(e for e in entries(2) if e.sequence == 4)
    url = f"{batch_url(budget, batch)}/entries/{renumbered.id}/edit"
    post_form(second, url, {"sequence": "3", "association": str(voters[2].id)}, token_from=url)
    page = text(second.get(f"{batch_url(budget, batch)}/compare"))
    assert "The two keyings agree. The batch can be counted." in page
    assert "budget.paper_entry_correct" in actions()

    page = then(second, count(second, budget, batch))
    assert "3 paper ballots were added to the vote" in page
    assert len(ballots(budget.id)) == 3 and {b.channel for b in ballots(budget.id)} == {"paper"}
    assert choices(budget.id) == sorted([(a.id, 1), (c.id, 1), (b.id, 1)])
    [counted] = rows(PaperBatch)
    assert counted.status == "counted" and counted.counted_by_id == second_user.id
    assert first_user.id != second_user.id


def test_a_third_coordinator_may_correct_either_round(english, make_budget, voters):
    first, _ = english("coordinator")
    second, _ = english("coordinator")
    third, _ = english("coordinator")
    budget = make_budget(double_entry=True)
    a = budget.projects[0]
    batch = new_batch(first, budget)
    then(first, key(first, budget, batch, 1, voters[0].id, [a]))
    then(second, key(second, budget, batch, 1, voters[1].id, [a], entry_round=2))
    page = text(third.get(f"{batch_url(budget, batch)}/compare"))
    assert "Different voter" in page and "Paperiyhdistys 1" in page and "Paperiyhdistys 2" in page
    wrong = entries(2)[0]
    url = f"{batch_url(budget, batch)}/entries/{wrong.id}/edit"
    then(third, post_form(third, url, {"sequence": "1", "association": str(voters[0].id), "project": [str(a.id)]},
                          token_from=url))
    # The round-1 coordinator may not touch round 2.
    response = post_form(first, url, {"sequence": "1", "association": str(voters[2].id)}, token_from=url)
    assert response.status_code == 422 and "You keyed round 1 of this batch." in text(response)
    assert entries(2)[0].voter_ref == str(voters[0].id)
    then(third, count(third, budget, batch))
    assert len(ballots(budget.id)) == 1


def test_compare_without_double_entry_goes_back_to_the_batch(english, make_budget):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    response = client.get(f"{batch_url(budget, batch)}/compare")
    assert response.status_code == 302 and "nothing to compare" in then(client, response)


def test_remove_an_entry_keyed_by_mistake(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, voters[0].id))
    then(client, key(client, budget, batch, 2, voters[1].id))
    entry_url = f"{batch_url(budget, batch)}/entries/{entries()[1].id}"
    assert "Take out ballot 2" in text(client.get(f"{entry_url}/edit"))
    page = then(client, post_form(client, f"{entry_url}/remove", token_from=f"{entry_url}/edit"))
    assert "Paper ballot number 2 was taken out of the batch." in page
    assert [e.sequence for e in entries()] == [1] and "budget.paper_entry_remove" in actions()
    assert client.get(f"{entry_url}/edit").status_code == 404


# --- counting refused --------------------------------------------------------------------------

def test_count_refused_when_a_voter_already_voted_online(english, make_budget, make_user, voters):
    client, _ = english("coordinator")
    budget = make_budget()
    rep = make_user("representative")
    association_id = rep.current_representations(date.today())[0].association_id
    a, b, _c = budget.projects
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, voters[0].id, [a]))
    then(client, key(client, budget, batch, 7, association_id, [b]))
    services.cast_ballot(rep, budget.id, association_key(association_id), [(a.id, 1)], utcnow(), date.today())
    page = then(client, count(client, budget, batch))
    assert "The voter of paper ballot number 7 has already voted, online or in a counted batch." in page
    assert len(ballots(budget.id)) == 1 and {b.channel for b in ballots(budget.id)} == {"online"}
    assert rows(PaperBatch)[0].status == "entering" and "budget.paper_batch_count" not in actions()
    # Keying that voter again is refused at once.
    other = new_batch(client, budget, "Laatikko 2")
    response = key(client, budget, other, 8, association_id, [])
    assert response.status_code == 422
    assert "The voter of paper ballot number 8 has already voted" in text(response)


def test_count_refused_when_a_voter_is_in_a_counted_batch(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget()
    a = budget.projects[0]
    first = new_batch(client, budget, "Laatikko 1")
    second = new_batch(client, budget, "Laatikko 2")
    then(client, key(client, budget, first, 1, voters[0].id, [a]))
    then(client, key(client, budget, second, 1, voters[1].id, [a]))
    then(client, key(client, budget, second, 2, voters[0].id, []))
    then(client, count(client, budget, first))
    page = then(client, count(client, budget, second))
    assert "The voter of paper ballot number 2 has already voted" in page
    assert len(ballots(budget.id)) == 1 and len(participations(budget.id)) == 1
    assert [b.status for b in rows(PaperBatch)] == ["counted", "entering"]


def test_count_checks_every_ballot_again(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 4, voters[0].id, [budget.projects[0]]))
    voters[0].is_active = False  # the association was wound up after its ballot was keyed
    db.session.commit()
    page = then(client, count(client, budget, batch))
    assert "Paper ballot number 4: Choose the voting association from the list of active associations." in page
    assert ballots(budget.id) == []


def test_empty_batch_is_not_counted(english, make_budget):
    client, _ = english("coordinator")
    budget = make_budget()
    batch = new_batch(client, budget)
    assert "nothing to count" in then(client, count(client, budget, batch))
    assert rows(PaperBatch)[0].status == "entering"


def test_count_service_is_all_or_nothing(app, make_budget, make_user, voters):
    """A voter taken between the check and the insert (the unique constraint) stores nothing at all."""
    budget = make_budget()
    coordinator = make_user("coordinator")
    now = utcnow()
    batch = paper_services.create_batch(coordinator, budget, "Laatikko", now)
    for n, voter in enumerate(voters, start=1):
        paper_services.add_entry(coordinator, budget, batch.id, 1, n, str(voter.id), [], now)
    original = paper_services._already_voted
    paper_services._already_voted = lambda budget, keys: set()  # pretend the check saw nothing
    try:
        services.store_paper_ballot(coordinator, budget, association_key(voters[2].id), voters[2].id, None, {},
                                    now)
        db.session.commit()
        with pytest.raises(paper_services.PaperError) as refused:
            paper_services.count_batch(coordinator, budget.id, batch.id, now)
    finally:
        paper_services._already_voted = original
    assert refused.value.code == "paper_voter_taken"
    assert len(participations(budget.id)) == 1 and rows(PaperBatch)[0].status == "entering"


def test_secret_ballots_keep_no_voter_with_counted_entries(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget(secrecy=Secrecy.SECRET)
    a = budget.projects[0]
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, voters[0].id, [a]))
    added = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "budget.paper_entry_add")).one()
    assert "choices" not in added.details and "voter" not in added.details
    then(client, count(client, budget, batch))
    assert [b.participation_id for b in ballots(budget.id)] == [None]
    assert [p.voter_key for p in participations(budget.id)] == [association_key(voters[0].id)]
    assert [e.voter_ref for e in entries()] == [""]
    assert "not kept (secret ballot)" in text(client.get(batch_url(budget, batch)))


# --- when ------------------------------------------------------------------------------------

def test_paper_ballots_after_the_polls_close_until_the_consultation_closes(english, make_budget, voters):
    client, _ = english("coordinator")
    budget = make_budget(windows=CLOSED)  # voting ended yesterday; results phase now
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, voters[0].id, [budget.projects[0]]))
    assert "1 paper ballot was added" in then(client, count(client, budget, batch))


@pytest.mark.parametrize("windows", [UPCOMING, FINISHED])
def test_no_paper_ballots_before_voting_or_after_closing(english, make_budget, make_user, voters, windows):
    client, coordinator = english("coordinator")
    budget = make_budget(windows=windows)
    batch = PaperBatch(budget_id=budget.id, label="Vanha laatikko")
    db.session.add(batch)
    db.session.add(PaperEntry(batch=batch, sequence=1, voter_ref=str(voters[0].id), choices=""))
    db.session.commit()
    message = ("Paper ballots can be keyed in and counted only during the voting phase and after it until the "
               "consultation is closed.")
    page = text(client.get(f"/budgets/{budget.id}/paper"))
    assert message in page and "New batch" not in page
    url = f"/budgets/{budget.id}/paper"
    response = post_form(client, url, {"label": "Laatikko"}, token_from=url)
    assert response.status_code == 422 and message in text(response)
    page = text(client.get(batch_url(budget, batch)))
    assert message in page and "Save the paper ballot" not in page
    response = key(client, budget, batch, 2, voters[1].id)
    assert response.status_code == 422 and message in text(response)
    assert message in then(client, count(client, budget, batch))
    assert len(rows(PaperBatch)) == 1 and len(entries()) == 1 and ballots(budget.id) == []
    db.session.expire_all()
    assert not db.session.get(Budget, budget.id).is_frozen


# --- who ---------------------------------------------------------------------------------------

@pytest.fixture
def paper_objects(make_budget, make_user, voters):
    budget = make_budget(double_entry=True)
    keyer = make_user("coordinator")
    batch = PaperBatch(budget_id=budget.id, label="Laatikko", created_by_id=keyer.id)
    db.session.add(batch)
    entry = PaperEntry(batch=batch, sequence=1, voter_ref=str(voters[0].id), choices="", entered_by_id=keyer.id)
    db.session.add(entry)
    db.session.commit()
    base = batch_url(budget, batch)
    return budget, batch, [
        ("GET", f"/budgets/{budget.id}/paper"), ("POST", f"/budgets/{budget.id}/paper"),
        ("GET", base), ("POST", base), ("GET", f"{base}/entries/{entry.id}/edit"),
        ("POST", f"{base}/entries/{entry.id}/edit"), ("POST", f"{base}/entries/{entry.id}/remove"),
        ("GET", f"{base}/compare"), ("POST", f"{base}/count")]


@pytest.mark.parametrize("role", [None, "resident", "representative", "board_member"])
def test_only_coordinators(login_as, paper_objects, role):
    client, _ = login_as(role)
    _budget, _batch, routes = paper_objects
    before = actions()
    for method, url in routes:
        if method == "GET":
            response = client.get(url)
        else:
            response = post_form(client, url, {"label": "x", "sequence": "2", "association": "1"})
        if role is None:
            assert response.status_code == 302 and "/login" in response.headers["Location"], url
        else:
            assert response.status_code == 403, (method, url)
    assert len(rows(PaperBatch)) == 1 and len(entries()) == 1 and actions() == before


def test_pages_for_coordinators(login_as, paper_objects):
    client, _ = login_as("coordinator")
    _budget, _batch, routes = paper_objects
    for method, url in routes:
        if method == "GET":
            assert client.get(url).status_code == 200, url


def test_batch_of_another_budget_is_not_found(english, make_budget, voters):
    client, _ = english("coordinator")
    budget, other = make_budget(), make_budget(title="Toinen")
    batch = new_batch(client, budget)
    assert client.get(f"/budgets/{other.id}/paper/{batch.id}").status_code == 404
    assert client.get("/budgets/999999/paper").status_code == 404
    response = post_form(client, f"/budgets/{other.id}/paper/{batch.id}",
                         {"sequence": "1", "association": str(voters[0].id)}, token_from=batch_url(budget, batch))
    assert response.status_code == 404 and entries() == []


def test_simultaneous_counts_of_one_batch_count_it_once(app, make_budget, make_user, voters):
    budget = make_budget()
    coordinators = [make_user("coordinator") for _ in range(4)]
    now = utcnow()
    batch = paper_services.create_batch(coordinators[0], budget, "Laatikko", now)
    for n, voter in enumerate(voters, start=1):
        paper_services.add_entry(coordinators[0], budget, batch.id, 1, n, str(voter.id), [], now)
    budget_id, batch_id, user_ids = budget.id, batch.id, [c.id for c in coordinators]
    outcomes: list[str] = []
    start = threading.Barrier(len(user_ids))

    def count_it(user_id: int) -> None:
        with app.app_context():
            user = db.session.get(type(coordinators[0]), user_id)
            start.wait()
            try:
                paper_services.count_batch(user, budget_id, batch_id, utcnow())
                outcomes.append("counted")
            except paper_services.PaperError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=count_it, args=(user_id,)) for user_id in user_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["counted"] + ["paper_batch_counted"] * 3
    assert len(ballots(budget_id)) == 3 and len(participations(budget_id)) == 3
    assert actions().count("budget.paper_batch_count") == 1


def test_a_registered_resident_named_by_email_cannot_vote_twice(english, make_budget, make_user):
    client, _ = english("coordinator")
    budget = make_budget(electorate="residents")
    resident = make_user("resident", email="aino@example.fi")
    a, b, _c = budget.projects
    batch = new_batch(client, budget)
    response = key(client, budget, batch, 1, "nobody@example.fi", [a])
    assert response.status_code == 422 and "No registered resident has that email address." in text(response)
    then(client, key(client, budget, batch, 1, "Aino@Example.fi", [a]))
    services.cast_ballot(resident, budget.id, f"user:{resident.id}", [(b.id, 1)], utcnow(), date.today())
    page = then(client, count(client, budget, batch))
    assert "The voter of paper ballot number 1 has already voted" in page
    assert [p.voter_key for p in participations(budget.id)] == [f"user:{resident.id}"]
    assert choices(budget.id) == [(b.id, 1)]


def test_a_resident_named_by_email_votes_on_paper_under_their_own_key(english, make_budget, make_user):
    client, _ = english("coordinator")
    budget = make_budget(electorate="residents")
    resident = make_user("resident", email="aino@example.fi")
    batch = new_batch(client, budget)
    then(client, key(client, budget, batch, 1, "aino@example.fi", [budget.projects[0]]))
    then(client, count(client, budget, batch))
    [participation] = participations(budget.id)
    assert participation.voter_key == f"user:{resident.id}" and participation.user_id == resident.id
    with pytest.raises(BallotError) as refused:
        services.cast_ballot(resident, budget.id, f"user:{resident.id}", [(budget.projects[1].id, 1)], utcnow(),
                             date.today())
    assert refused.value.code == "voted_on_paper"
