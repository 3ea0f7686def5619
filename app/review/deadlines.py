"""Answer deadlines: by when the municipality should answer a proposal officially, and when an unanswered
proposal is escalated to the municipal board. Plain Python: no Flask, no database.

Times are naive UTC, as stored. A proposal's deadline is its submission plus the consultation's answer days;
its escalation falls the consultation's escalation days after that deadline.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from statistics import median

from app.proposals.states import ProposalState

MIN_DAYS, MAX_DAYS = 1, 365  # what a coordinator may set for either period
DUE_SOON_DAYS = 7  # this many days left or fewer: the answer is due soon

DAY = timedelta(days=1)


class DeadlineStatus(StrEnum):
    ON_TIME = "on_time"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"  # past the answer deadline
    ESCALATION_DUE = "escalation_due"  # past the second deadline too: the municipal board is told
    ANSWERED = "answered"


LATE = frozenset({DeadlineStatus.OVERDUE, DeadlineStatus.ESCALATION_DUE})


def valid_days(days) -> bool:
    """Is `days` an allowed answer or escalation period (a whole number of days, 1–365)?"""
    return isinstance(days, int) and not isinstance(days, bool) and MIN_DAYS <= days <= MAX_DAYS


def deadline(created_at: datetime, answer_days: int) -> datetime:
    """When the official answer is due."""
    return created_at + answer_days * DAY


def escalation_due(created_at: datetime, answer_days: int, escalation_days: int) -> datetime:
    """When an unanswered proposal is escalated: `escalation_days` after its answer deadline."""
    return deadline(created_at, answer_days) + escalation_days * DAY


def days_waiting(created_at: datetime, now: datetime) -> int:
    """Whole days since the proposal was submitted (0 on the first day)."""
    return max(0, (now - created_at) // DAY)


def status(created_at: datetime, answered_at: datetime | None, answer_days: int, escalation_days: int,
           now: datetime) -> DeadlineStatus:
    """Where the proposal stands against its deadlines at `now`."""
    if answered_at is not None:
        return DeadlineStatus.ANSWERED
    if now >= escalation_due(created_at, answer_days, escalation_days):
        return DeadlineStatus.ESCALATION_DUE
    due = deadline(created_at, answer_days)
    if now >= due:
        return DeadlineStatus.OVERDUE
    if due - now <= DUE_SOON_DAYS * DAY:
        return DeadlineStatus.DUE_SOON
    return DeadlineStatus.ON_TIME


@dataclass(frozen=True)
class Deadline:
    """A proposal's deadlines at one moment, for the pages."""

    status: DeadlineStatus
    answer_by: datetime
    escalate_on: datetime
    days_waiting: int
    days_left: int  # whole days until the deadline, rounded up; 0 once it has passed
    days_overdue: int  # whole days since the deadline passed; 0 before

    @property
    def is_late(self) -> bool:
        return self.status in LATE


def assess(created_at: datetime, answered_at: datetime | None, answer_days: int, escalation_days: int,
           now: datetime) -> Deadline:
    """The proposal's deadlines and where it stands at `now`."""
    due = deadline(created_at, answer_days)
    remaining = due - now
    return Deadline(
        status=status(created_at, answered_at, answer_days, escalation_days, now),
        answer_by=due,
        escalate_on=escalation_due(created_at, answer_days, escalation_days),
        days_waiting=days_waiting(created_at, (answered_at or now)),
        days_left=max(0, -(-remaining // DAY)),
        days_overdue=max(0, (now - due) // DAY),
    )


def proposal_deadline(proposal, now: datetime) -> Deadline | None:
    """A proposal's deadlines (read from it and its consultation); None when withdrawn or hidden."""
    if proposal.state == ProposalState.WITHDRAWN or proposal.hidden_at is not None:
        return None
    consultation = proposal.consultation
    return assess(proposal.created_at, proposal.answered_at, consultation.answer_days, consultation.escalation_days,
                  now)


# --- response times -----------------------------------------------------------------------------------

# Buckets of days from submission to the official answer, for the dashboard: (first day, last day or None).
RESPONSE_BUCKETS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, None))


@dataclass(frozen=True)
class ResponseTimes:
    """How fast proposals were answered: a count per bucket of days, the median and the share on time."""

    buckets: tuple[tuple[int, int | None, int], ...]  # (first day, last day or None, proposals)
    answered: int
    median_days: float | None
    on_time: int  # answered no later than the deadline in force


def response_times(answers: list[tuple[datetime, datetime, int]]) -> ResponseTimes:
    """Summarise (submitted at, answered at, answer days) of answered proposals."""
    days = [days_waiting(created, answered) for created, answered, _limit in answers]
    buckets = tuple((first, last, sum(1 for d in days if d >= first and (last is None or d <= last)))
                    for first, last in RESPONSE_BUCKETS)
    on_time = sum(1 for created, answered, limit in answers if answered <= deadline(created, limit))
    return ResponseTimes(buckets, len(days), median(days) if days else None, on_time)
