"""Notification rules: kinds and their default channels, email frequency and digests, the retry
schedule of the email outbox, and when a budget vote's opening and closing are announced.

Plain Python: no Flask, no database; `now` is always passed in.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Kind(StrEnum):
    """What a notification is about."""

    PROPOSAL_ANSWERED = "proposal_answered"  # an official answer to a proposal I wrote or follow
    PROPOSAL_STATE_CHANGED = "proposal_state_changed"  # a decision / state change of such a proposal
    COMMENT_REPLY = "comment_reply"  # a reply to my comment
    NEW_PROPOSAL = "new_proposal"  # a new proposal in a consultation I follow
    VOTE_OPENED = "vote_opened"  # a budget vote I may vote in opened
    VOTE_CLOSED = "vote_closed"  # ... and closed
    REPRESENTATION_DECIDED = "representation_decided"  # my representation was approved, rejected or revoked
    VOLUNTEER_TASK_CHANGED = "volunteer_task_changed"  # a volunteer task I signed up for changed


# The order the preferences page lists them in.
KINDS: tuple[Kind, ...] = tuple(Kind)


class Frequency(StrEnum):
    """How often a person's notification emails go out."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


DEFAULT_FREQUENCY = Frequency.WEEKLY

PERIODS: dict[Frequency, timedelta] = {
    Frequency.IMMEDIATE: timedelta(0),
    Frequency.DAILY: timedelta(days=1),
    Frequency.WEEKLY: timedelta(days=7),
}


@dataclass(frozen=True)
class Channels:
    """Whether a kind is shown in the app and sent by email."""

    in_app: bool
    email: bool


# Everything is on by default; the weekly digest keeps the email volume down.
DEFAULT_CHANNELS: dict[Kind, Channels] = {kind: Channels(in_app=True, email=True) for kind in KINDS}


def channels_for(kind: str, stored: Mapping[str, Channels], all_email_off: bool = False) -> Channels:
    """The channels of `kind` for a person: their stored choice, else the default; all emails off wins."""
    chosen = stored.get(kind) or DEFAULT_CHANNELS.get(kind) or Channels(in_app=True, email=False)
    if all_email_off:
        return Channels(in_app=chosen.in_app, email=False)
    return chosen


def is_known_kind(kind: str) -> bool:
    return kind in Kind.__members__.values()


@dataclass(frozen=True)
class Pending:
    """A notification waiting for its email: its id and when it was created."""

    id: int
    created_at: datetime


def digest_due(frequency: str, last_digest_at: datetime | None, oldest_pending_at: datetime | None,
               now: datetime) -> bool:
    """Is a person's email due now?

    Immediate: whenever something is pending. Daily and weekly: one email per period at most, and a
    notification waits at most one period: the period is counted from the later of the last digest and
    the oldest pending notification, so after a quiet spell the first notification waits for company.
    """
    if oldest_pending_at is None:
        return False
    period = PERIODS.get(Frequency(frequency) if frequency in Frequency.__members__.values()
                         else DEFAULT_FREQUENCY)
    if not period:
        return True
    anchor = oldest_pending_at if last_digest_at is None else max(last_digest_at, oldest_pending_at)
    return now - anchor >= period


def due_for_digest(pending: Iterable[Pending], frequency: str, last_digest_at: datetime | None,
                   now: datetime) -> list[int]:
    """The ids of the pending notifications that go into the email sent now (none if it is not due)."""
    items = sorted((p for p in pending if p.created_at <= now), key=lambda p: (p.created_at, p.id))
    if not items or not digest_due(frequency, last_digest_at, items[0].created_at, now):
        return []
    return [p.id for p in items]


# The outbox's retry schedule: 1, 2, 4, ... minutes, at most 6 hours apart, given up after 8 attempts.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 8


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting to be sent (again)
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS; kept with its last error


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt before the next one."""
    if attempts < 1:
        return timedelta(0)
    return min(RETRY_BASE * (2 ** min(attempts - 1, 30)), RETRY_CAP)


@dataclass(frozen=True)
class AttemptOutcome:
    status: OutboxStatus
    next_attempt_at: datetime | None


def after_failure(attempts: int, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> AttemptOutcome:
    """The outbox row's state after its `attempts`-th attempt failed at `now`."""
    if attempts >= max_attempts:
        return AttemptOutcome(OutboxStatus.FAILED, None)
    return AttemptOutcome(OutboxStatus.PENDING, now + retry_delay(attempts))


class VoteNotice(StrEnum):
    OPENED = "opened"
    CLOSED = "closed"


# A closing notice more than this late (the sender was not running, or the feature arrived later) is not sent.
VOTE_NOTICE_GRACE = timedelta(days=2)


def vote_notices_due(is_open: bool, is_over: bool, closes_at: datetime | None, now: datetime,
                     already_sent: Iterable[str]) -> list[VoteNotice]:
    """Which notices of a budget vote are due at `now`, given those already sent (idempotent).

    `is_open` / `is_over` are the vote's state as the ballot box sees it (a coordinator's phase override
    included); `closes_at` is the end of its voting window, if it has one. The opening is announced while
    the vote is open (late, if the sender was down, but never after it closed). The closing is announced
    once it is over, to people who were told it opened, or else only within the grace after the window's
    end, so a sender started long after a vote (or a vote closed early by hand that nobody heard open)
    sends no stale news.
    """
    sent = set(already_sent)
    due = []
    if VoteNotice.OPENED not in sent and is_open:
        due.append(VoteNotice.OPENED)
    if VoteNotice.CLOSED not in sent and is_over and not is_open:
        told = VoteNotice.OPENED in sent
        recent = closes_at is not None and timedelta(0) <= now - closes_at <= VOTE_NOTICE_GRACE
        if told or recent:
            due.append(VoteNotice.CLOSED)
    return due
