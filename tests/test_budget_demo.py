"""The demo budgets: a finished one whose two counting rules fund different projects, and one open for
voting that the printed demo representative can still vote in; loading the demo twice adds nothing."""
from datetime import timedelta

import sqlalchemy as sa

from app.audit.models import AuditLog
from app.auth import services as auth_services
from app.budgets import rules, services
from app.budgets.demo import FINISHED, OPEN, RADANSUU_LIGHTS, SITIKKALA_LIGHTS, SPORTS_FIELD
from app.budgets.models import (
    BallotChoice,
    BatchStatus,
    Budget,
    BudgetBallot,
    BudgetParticipation,
    BudgetProject,
    Channel,
    PaperBatch,
    PaperEntry,
    Secrecy,
    TallyRule,
)
from app.consultations.models import ConsultationPhase
from app.consultations.phases import Phase
from app.extensions import db
from app.timeutil import today, utcnow

MODELS = (Budget, BudgetProject, BudgetParticipation, BudgetBallot, BallotChoice, PaperBatch, PaperEntry, AuditLog)


def seed(runner) -> str:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def counts() -> list[int]:
    return [db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS]


def budget(title: str) -> Budget:
    found = db.session.scalar(sa.select(Budget.id).where(Budget.title == title))
    assert found is not None, title
    return services.get_budget(found)


def printed_login(output: str, role: str) -> str:
    return next(line.split()[-1] for line in output.splitlines() if line.strip().startswith(role + " "))


def test_loading_the_demo_again_adds_and_changes_nothing(runner):
    seed(runner)
    first = counts()
    versions = dict(db.session.execute(sa.select(Budget.title, Budget.ballots_version)).all())
    # Run again weeks later: the phases move so each consultation is in its phase again; no ballot is added.
    for row in db.session.scalars(sa.select(ConsultationPhase)):
        row.starts_at -= timedelta(days=40)
        row.ends_at = row.ends_at - timedelta(days=40) if row.ends_at else None
    db.session.commit()
    seed(runner)
    db.session.expire_all()
    assert counts() == first
    assert dict(db.session.execute(sa.select(Budget.title, Budget.ballots_version)).all()) == versions
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Budget)) == 2
    now = utcnow()
    assert services.voting_closed(budget(FINISHED.settings.title), now)
    assert services.voting_open(budget(OPEN.settings.title), now)


def test_finished_budget_has_projects_from_proposals_and_direct_ones(runner):
    seed(runner)
    finished = budget(FINISHED.settings.title)
    assert finished.consultation.phase_at(utcnow()) == Phase.RESULTS
    assert services.voting_closed(finished, utcnow()) and not services.voting_open(finished, utcnow())
    assert 13 <= len(finished.projects) <= 18
    assert finished.is_frozen and finished.conflict_rule and finished.secrecy == Secrecy.OPEN
    assert finished.tally_rule == TallyRule.MES_COMPLETED
    from_proposals = [p for p in finished.projects if p.proposal_id is not None]
    assert {p.title for p in from_proposals} == {SITIKKALA_LIGHTS, RADANSUU_LIGHTS}
    for project in from_proposals:
        assert project.proposal.consultation_id == finished.consultation_id
        assert project.association_id == project.proposal.association_id is not None
        assert project.cost == project.proposal.estimated_cost
    assert len({p.village_id for p in finished.projects}) >= 8
    assert all(2000 <= p.cost <= 30000 for p in finished.projects)
    actions = set(db.session.scalars(sa.select(AuditLog.action).where(AuditLog.action.like("budget.%"))))
    assert {"budget.create", "budget.project_from_proposal", "budget.project_create", "budget.paper_batch_create",
            "budget.paper_entry_add", "budget.paper_batch_count"} <= actions


def test_finished_budget_ballots_are_valid_and_cast_in_the_window(runner):
    seed(runner)
    finished = budget(FINISHED.settings.title)
    coordinator = auth_services.find_user_by_email("koordinaattori@demo.kylaraati.fi")
    turnout = services.turnout(finished)
    assert turnout.ballots >= 12 and turnout.paper >= 2 and turnout.online >= 8
    window = next(w for w in finished.consultation.windows() if w.phase == Phase.VOTING)
    assert window.starts_at <= finished.first_ballot_at < window.ends_at
    ballots = services.open_ballots(finished)
    assert len(ballots) == turnout.ballots
    for participation, choices in ballots:
        assert participation.voter_key == rules.association_key(participation.association_id)
        if participation.channel == Channel.ONLINE:
            assert window.starts_at <= participation.cast_at < window.ends_at
        else:  # returned by the deadline, counted the morning after
            assert window.ends_at <= participation.cast_at < window.ends_at + timedelta(days=1)
        # Each ballot is one the voting page would accept: within the budget, not for the voter's own project.
        spec = services.ballot_spec(finished, services.forbidden_for(finished, participation.association_id))
        assert rules.check_ballot(spec, choices.items()) == choices
        if participation.channel == Channel.PAPER:
            assert participation.cast_by_id == coordinator.id
        else:
            mandates = participation.cast_by.current_representations(participation.cast_at.date())
            assert participation.association_id in {m.association_id for m in mandates}
    batch = db.session.scalars(sa.select(PaperBatch).where(PaperBatch.budget_id == finished.id)).one()
    assert batch.status == BatchStatus.COUNTED and batch.counted_by_id == coordinator.id
    paper = {p.association_id: c for p, c in ballots if p.channel == Channel.PAPER}
    assert len(batch.entries) == len(paper) == turnout.paper
    for entry in batch.entries:
        keyed = dict(tuple(map(int, pair.split(":"))) for pair in entry.choices.split(","))
        assert keyed == paper[int(entry.voter_ref)]
    receipts = services.receipt_hashes(finished)
    assert len(receipts) == turnout.online


def test_finished_budget_gives_different_winners_under_greedy_and_equal_shares(runner):
    seed(runner)
    finished = budget(FINISHED.settings.title)
    titles = {p.pb_id: p.title for p in finished.projects}
    greedy = services.results(finished, TallyRule.GREEDY)
    shares = services.results(finished, TallyRule.MES_COMPLETED)
    assert greedy.winners and shares.winners and set(greedy.winners) != set(shares.winners)
    assert greedy.spent <= finished.total and shares.spent <= finished.total
    assert greedy.voter_count == shares.voter_count == services.turnout(finished).ballots
    funded_greedy = {titles[w] for w in greedy.winners}
    funded_shares = {titles[w] for w in shares.winners}
    # The big project with many votes greedy funds; the village projects equal shares funds instead.
    assert SPORTS_FIELD in funded_greedy - funded_shares
    assert RADANSUU_LIGHTS in funded_shares - funded_greedy
    # The accepted proposals' official answers say they were funded, and Sitikkala's had the most votes.
    assert {SITIKKALA_LIGHTS, RADANSUU_LIGHTS} <= funded_shares
    votes = {titles[pid]: e.votes for pid, e in shares.explanations.items()}
    assert max(votes, key=votes.get) == SITIKKALA_LIGHTS
    # The villages of the winners: equal shares spreads the money wider.
    villages = {p.pb_id: p.village_id for p in finished.projects}
    assert len({villages[w] for w in shares.winners}) > len({villages[w] for w in greedy.winners})


def test_open_budget_is_voting_and_the_printed_representative_has_not_voted(runner):
    output = seed(runner)
    open_budget = budget(OPEN.settings.title)
    assert services.voting_open(open_budget, utcnow())
    assert open_budget.secrecy == Secrecy.SECRET and open_budget.double_entry
    assert len([p for p in open_budget.projects if p.proposal_id]) == 2
    assert len(open_budget.projects) >= 5
    turnout = services.turnout(open_budget)
    assert 0 < turnout.ballots < turnout.eligible
    secret = db.session.scalars(sa.select(BudgetBallot).where(BudgetBallot.budget_id == open_budget.id)).all()
    assert all(b.participation_id is None and b.receipt_hash for b in secret)

    representative = auth_services.find_user_by_email(printed_login(output, "representative"))
    slots = services.voter_slots(open_budget, representative, today())
    assert slots and not any(slot.has_voted for slot in slots)
    # The login really can vote: the same service the voting page calls accepts the ballot.
    slot = slots[0]
    allowed = [p for p in open_budget.projects
               if p.id not in services.forbidden_for(open_budget, slot.option.association_id)]
    cast = services.cast_ballot(representative, open_budget.id, slot.option.voter_key, [(allowed[0].id, 1)],
                                utcnow(), today())
    assert cast.receipt
    assert services.turnout(services.get_budget(open_budget.id)).ballots == turnout.ballots + 1
