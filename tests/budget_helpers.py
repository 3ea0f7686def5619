"""Fixtures and helpers shared by the budget tests."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.budgets.models import BallotChoice, Budget, BudgetBallot, BudgetParticipation, BudgetProject
from app.extensions import db
from tests.proposal_helpers import DAY

VOTING = (("voting", -DAY, 14 * DAY),)
CLOSED = (("voting", -20 * DAY, -DAY), ("results", -DAY, 30 * DAY))
UPCOMING = (("voting", 2 * DAY, 14 * DAY),)

# Three projects: together 9 000 € in a 6 000 € budget.
PROJECTS = (("Kylätalon katto", Decimal("4000")), ("Uimarannan laituri", Decimal("3000")),
            ("Latu-ura", Decimal("2000")))


@pytest.fixture
def make_budget(app, make_consultation):
    """A budget in a consultation in the given windows (voting now by default), with projects."""
    def make(windows=VOTING, projects=PROJECTS, total=Decimal("6000"), **settings):
        consultation = make_consultation(windows=windows)
        budget = Budget(consultation=consultation, title=settings.pop("title", "Kylärahat 2027"), total=total,
                        **settings)
        db.session.add(budget)
        for position, (title, cost) in enumerate(projects, start=1):
            budget.projects.append(BudgetProject(title=title, cost=cost, position=position))
        db.session.commit()
        return budget

    return make


def ballots(budget_id: int) -> list[BudgetBallot]:
    return list(db.session.scalars(sa.select(BudgetBallot).where(BudgetBallot.budget_id == budget_id)))


def participations(budget_id: int) -> list[BudgetParticipation]:
    return list(db.session.scalars(sa.select(BudgetParticipation).where(BudgetParticipation.budget_id == budget_id)))


def choices(budget_id: int) -> list[tuple[int, int]]:
    return sorted(db.session.execute(
        sa.select(BallotChoice.project_id, BallotChoice.points).join(BudgetBallot)
        .where(BudgetBallot.budget_id == budget_id)).all())
