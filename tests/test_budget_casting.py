"""Casting ballots through the service: eligibility, the window, secrecy, changes, and one ballot per voter
guaranteed by the database under concurrent submissions."""
import threading
from datetime import date

import pytest

from app.budgets import services
from app.budgets.models import Secrecy
from app.budgets.rules import BallotError, association_key, user_key
from app.directory.models import Representation
from app.extensions import db
from app.timeutil import utcnow
from tests.budget_helpers import CLOSED, UPCOMING, ballots, choices, make_budget, participations  # noqa: F401
from tests.proposal_helpers import make_consultation  # noqa: F401


def cast(user, budget, picks, key=None, points=1):
    key = key or association_key(user.current_representations(date.today())[0].association_id)
    return services.cast_ballot(user, budget.id, key, [(p.id, points) for p in picks], utcnow(), date.today())


def test_open_ballot_is_stored_with_its_voter_and_can_be_changed(make_budget, make_user):
    budget = make_budget()
    rep = make_user("representative")
    a, b, c = budget.projects
    first = cast(rep, budget, [a])
    assert not first.changed and len(first.receipt) == 19
    second = cast(rep, budget, [b, c])
    assert second.changed and second.receipt != first.receipt
    assert len(participations(budget.id)) == 1 and len(ballots(budget.id)) == 1
    assert choices(budget.id) == [(b.id, 1), (c.id, 1)]
    assert ballots(budget.id)[0].participation_id == participations(budget.id)[0].id
    assert ballots(budget.id)[0].receipt_hash == services.receipt_hash(second.receipt)
    db.session.refresh(budget)
    assert budget.is_frozen


def test_secret_ballot_holds_no_voter_and_is_final(make_budget, make_user):
    budget = make_budget(secrecy=Secrecy.SECRET)
    rep = make_user("representative")
    cast(rep, budget, [budget.projects[0]])
    ballot = ballots(budget.id)[0]
    assert ballot.participation_id is None
    assert len(ballot.id) == 32
    with pytest.raises(BallotError) as refused:
        cast(rep, budget, [budget.projects[1]])
    assert refused.value.code == "already_voted"
    assert choices(budget.id) == [(budget.projects[0].id, 1)]


@pytest.mark.parametrize("windows", [CLOSED, UPCOMING])
def test_outside_the_window_nothing_is_stored(make_budget, make_user, windows):
    budget = make_budget(windows=windows)
    rep = make_user("representative")
    with pytest.raises(BallotError) as refused:
        cast(rep, budget, [budget.projects[0]])
    assert refused.value.code == "window_closed"
    assert ballots(budget.id) == [] and participations(budget.id) == []


def test_not_a_representative_or_revoked(make_budget, make_user):
    budget = make_budget()
    resident = make_user("resident")
    with pytest.raises(BallotError) as refused:
        cast(resident, budget, [budget.projects[0]], key=user_key(resident.id))
    assert refused.value.code == "not_representative"
    rep = make_user("representative")
    key = association_key(rep.current_representations(date.today())[0].association_id)
    mandate = db.session.get(Representation, rep.representations[0].id)
    mandate.status = "revoked"
    db.session.commit()
    with pytest.raises(BallotError) as refused:
        cast(rep, budget, [budget.projects[0]], key=key)
    assert refused.value.code == "mandate_revoked"
    assert ballots(budget.id) == []


def test_over_budget_refused(make_budget, make_user):
    budget = make_budget()
    rep = make_user("representative")
    with pytest.raises(BallotError) as refused:
        cast(rep, budget, budget.projects)  # 9 000 € in a 6 000 € budget
    assert refused.value.code == "over_budget"
    assert ballots(budget.id) == [] and participations(budget.id) == []
    db.session.refresh(budget)
    assert not budget.is_frozen


def test_residents_vote_as_themselves(make_budget, make_user):
    budget = make_budget(electorate="residents")
    resident = make_user("resident")
    cast(resident, budget, [budget.projects[0]], key=user_key(resident.id))
    assert participations(budget.id)[0].user_id == resident.id


def test_conflict_of_interest(make_budget, make_user):
    budget = make_budget(conflict_rule=True)
    rep = make_user("representative")
    association_id = rep.current_representations(date.today())[0].association_id
    budget.projects[0].association_id = association_id
    db.session.commit()
    with pytest.raises(BallotError) as refused:
        cast(rep, budget, [budget.projects[0]])
    assert refused.value.code == "conflict_of_interest"
    cast(rep, budget, [budget.projects[1]])


@pytest.mark.parametrize("secrecy", [Secrecy.OPEN, Secrecy.SECRET])
def test_simultaneous_submissions_by_one_voter_store_one_ballot(app, make_budget, make_user, secrecy):
    budget = make_budget(secrecy=secrecy)
    rep = make_user("representative")
    budget_id, user_id = budget.id, rep.id
    project_ids = [p.id for p in budget.projects]
    key = association_key(rep.current_representations(date.today())[0].association_id)
    outcomes: list[str] = []
    start = threading.Barrier(8)

    def submit(n: int) -> None:
        with app.app_context():
            user = db.session.get(type(rep), user_id)
            start.wait()
            try:
                services.cast_ballot(user, budget_id, key, [(project_ids[n % 3], 1)], utcnow(), date.today())
                outcomes.append("stored")
            except BallotError as error:
                outcomes.append(error.code)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert len(participations(budget_id)) == 1
    assert len(ballots(budget_id)) == 1
    assert len(choices(budget_id)) == 1
    if secrecy == Secrecy.SECRET:
        assert sorted(outcomes) == ["already_voted"] * 7 + ["stored"]
    else:
        assert outcomes == ["stored"] * 8  # the later ones changed the one open ballot
