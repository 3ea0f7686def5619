"""Participatory budgets: projects, ballots, who took part, paper-ballot batches and cached results.

One ballot per voter per budget is the database's job: `budget_participation` holds one row per voter
(an association, a registered person, or a paper-register entry) with a unique (budget, voter key).
A secret ballot row holds no voter reference and no time; its id is random and the SQLite tables are
WITHOUT ROWID, so neither a number nor the insertion order links a ballot to a participation.
"""
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.auth.models import User
    from app.consultations.models import Consultation
    from app.directory.models import Association, Village
    from app.proposals.models import Proposal


class VotingRule(StrEnum):
    APPROVAL = "approval"  # any projects whose total cost fits the budget
    APPROVAL_MAX_N = "approval_max_n"  # at most N projects
    CUMULATIVE = "cumulative"  # spread K points


class Electorate(StrEnum):
    ASSOCIATIONS = "associations"  # one ballot per approved association
    RESIDENTS = "residents"  # one ballot per registered person


class Secrecy(StrEnum):
    OPEN = "open"
    SECRET = "secret"


class Channel(StrEnum):
    ONLINE = "online"
    PAPER = "paper"


class TallyRule(StrEnum):
    GREEDY = "greedy"
    MES = "mes"
    MES_COMPLETED = "mes-completed"


class BatchStatus(StrEnum):
    ENTERING = "entering"
    COUNTED = "counted"


class Budget(db.Model):
    """A participatory budget of a consultation; votes are cast in the consultation's voting phase."""

    __tablename__ = "budget"
    __table_args__ = (
        sa.CheckConstraint("total > 0", name="total_positive"),
        sa.CheckConstraint("max_projects IS NULL OR max_projects > 0", name="max_projects_positive"),
        sa.CheckConstraint("points_total IS NULL OR points_total > 0", name="points_total_positive"),
        sa.CheckConstraint("min_projects >= 0", name="min_projects_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    total: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    voting_rule: Mapped[str] = mapped_column(sa.String(20), default=VotingRule.APPROVAL)
    max_projects: Mapped[int | None]  # N of approval_max_n
    points_total: Mapped[int | None]  # K of cumulative
    min_projects: Mapped[int] = mapped_column(default=0)
    electorate: Mapped[str] = mapped_column(sa.String(20), default=Electorate.ASSOCIATIONS)
    secrecy: Mapped[str] = mapped_column(sa.String(10), default=Secrecy.OPEN)
    tally_rule: Mapped[str] = mapped_column(sa.String(20), default=TallyRule.MES_COMPLETED)
    # An association may not vote for a project it proposed.
    conflict_rule: Mapped[bool] = mapped_column(default=False)
    # Paper ballots are keyed in twice, by two coordinators, before they count.
    double_entry: Mapped[bool] = mapped_column(default=False)
    # Bumped in the transaction of every ballot change: the key of the cached results.
    ballots_version: Mapped[int] = mapped_column(default=0)
    # Set with the first ballot: from then on total, rules, electorate and costs are frozen.
    first_ballot_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consultation: Mapped["Consultation"] = relationship()
    created_by: Mapped["User | None"] = relationship()
    projects: Mapped[list["BudgetProject"]] = relationship(
        back_populates="budget", order_by="(BudgetProject.position, BudgetProject.id)")

    @property
    def is_frozen(self) -> bool:
        return self.first_ballot_at is not None

    def __repr__(self) -> str:
        return f"<Budget {self.id}>"


class BudgetProject(db.Model):
    """A project on the ballot, made from an accepted proposal (keeping the link) or entered directly."""

    __tablename__ = "budget_project"
    __table_args__ = (
        sa.CheckConstraint("cost > 0", name="cost_positive"),
        sa.UniqueConstraint("budget_id", "proposal_id", name="uq_budget_project_budget_id_proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    proposal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("proposal.id"), index=True)
    # The association that proposed it (for the conflict-of-interest rule).
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("association.id"), index=True)
    village_id: Mapped[int | None] = mapped_column(sa.ForeignKey("village.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")  # Markdown
    cost: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2))
    position: Mapped[int] = mapped_column(default=0)
    # The project's id in an imported Pabulib file, kept so that exports and recounts name it the same.
    external_id: Mapped[str] = mapped_column(sa.String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    budget: Mapped[Budget] = relationship(back_populates="projects")
    proposal: Mapped["Proposal | None"] = relationship()
    association: Mapped["Association | None"] = relationship()
    village: Mapped["Village | None"] = relationship()

    @property
    def pb_id(self) -> str:
        """The project's id in Pabulib files and tallies."""
        return self.external_id or str(self.id)

    def __repr__(self) -> str:
        return f"<BudgetProject {self.id}>"


class BudgetParticipation(db.Model):
    """That a voter took part: the one row per voter per budget that the unique constraint guards.

    voter_key: "association:<id>", "user:<id>" or "paper:<register number>".
    """

    __tablename__ = "budget_participation"
    __table_args__ = (
        sa.UniqueConstraint("budget_id", "voter_key", name="uq_budget_participation_budget_id_voter_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    voter_key: Mapped[str] = mapped_column(sa.String(100))
    association_id: Mapped[int | None] = mapped_column(sa.ForeignKey("association.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # Who cast it: the representative or resident, or the coordinator who entered a paper ballot.
    cast_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    channel: Mapped[str] = mapped_column(sa.String(10), default=Channel.ONLINE)
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    budget: Mapped[Budget] = relationship()
    association: Mapped["Association | None"] = relationship()
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])
    cast_by: Mapped["User | None"] = relationship(foreign_keys=[cast_by_id])


class BudgetBallot(db.Model):
    """A ballot. Open ballots point at their participation; secret ones hold no voter and no time."""

    __tablename__ = "budget_ballot"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)  # random, never a sequence
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(10), default=Channel.ONLINE)
    # SHA-256 of the voter's receipt code (published after the vote closes); paper ballots have none.
    receipt_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    participation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("budget_participation.id"), unique=True)

    participation: Mapped[BudgetParticipation | None] = relationship()
    choices: Mapped[list["BallotChoice"]] = relationship(back_populates="ballot", cascade="all, delete-orphan")


class BallotChoice(db.Model):
    """Points a ballot gives a project (1 for an approval)."""

    __tablename__ = "ballot_choice"
    __table_args__ = (
        sa.CheckConstraint("points > 0", name="points_positive"),
        {"sqlite_with_rowid": False},
    )

    ballot_id: Mapped[str] = mapped_column(sa.ForeignKey("budget_ballot.id"), primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("budget_project.id"), primary_key=True, index=True)
    points: Mapped[int] = mapped_column(default=1)

    ballot: Mapped[BudgetBallot] = relationship(back_populates="choices")


class PaperBatch(db.Model):
    """A batch of paper ballots keyed in by coordinators; with double entry, twice, by two people."""

    __tablename__ = "paper_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"), index=True)
    label: Mapped[str] = mapped_column(sa.String(120))
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.ENTERING)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    counted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    counted_at: Mapped[datetime | None]

    budget: Mapped[Budget] = relationship()
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])
    counted_by: Mapped["User | None"] = relationship(foreign_keys=[counted_by_id])
    entries: Mapped[list["PaperEntry"]] = relationship(
        back_populates="batch", order_by="(PaperEntry.entry_round, PaperEntry.sequence)")


class PaperEntry(db.Model):
    """One paper ballot as one coordinator keyed it (round 1, or round 2 under double entry).

    voter_ref: the association's id (associations electorate) or the number in the paper voter register.
    choices: "project_id:points" pairs, comma-separated, sorted by project id.
    """

    __tablename__ = "paper_entry"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "entry_round", "sequence", name="uq_paper_entry_batch_id_round_sequence"),
        sa.CheckConstraint("entry_round IN (1, 2)", name="round_known"),
        sa.CheckConstraint("sequence > 0", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("paper_batch.id"), index=True)
    entry_round: Mapped[int] = mapped_column(default=1)
    sequence: Mapped[int]  # the number written on the paper ballot
    voter_ref: Mapped[str] = mapped_column(sa.String(80))
    choices: Mapped[str] = mapped_column(sa.Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]

    batch: Mapped[PaperBatch] = relationship(back_populates="entries")
    entered_by: Mapped["User | None"] = relationship()


class BudgetResultCache(db.Model):
    """A tally's result for one rule, valid while the budget's ballots_version is unchanged."""

    __tablename__ = "budget_result_cache"
    __table_args__ = (
        sa.UniqueConstraint("budget_id", "rule", name="uq_budget_result_cache_budget_id_rule"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(sa.ForeignKey("budget.id"))
    rule: Mapped[str] = mapped_column(sa.String(20))
    ballots_version: Mapped[int]
    payload: Mapped[str] = mapped_column(sa.Text)  # JSON
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
