"""The pure notification rules: channel defaults, digest timing, the outbox's retry schedule, vote notices."""
from datetime import datetime, timedelta

import pytest

from app.notifications import rules
from app.notifications.rules import Channels, Frequency, Kind, OutboxStatus, Pending, VoteNotice

NOW = datetime(2027, 3, 10, 12, 0)


# --- channels ---------------------------------------------------------------------------------

def test_every_kind_is_on_in_the_app_and_by_email_by_default_and_the_default_is_a_weekly_digest():
    assert set(rules.DEFAULT_CHANNELS) == set(Kind)
    assert all(c == Channels(in_app=True, email=True) for c in rules.DEFAULT_CHANNELS.values())
    assert rules.DEFAULT_FREQUENCY == Frequency.WEEKLY
    assert Kind.VOLUNTEER_TASK_CHANGED == "volunteer_task_changed"


def test_a_stored_choice_wins_over_the_default_and_all_emails_off_wins_over_both():
    stored = {"comment_reply": Channels(in_app=False, email=True)}
    assert rules.channels_for("comment_reply", stored) == Channels(in_app=False, email=True)
    assert rules.channels_for("new_proposal", stored) == Channels(in_app=True, email=True)
    assert rules.channels_for("comment_reply", stored, all_email_off=True) == Channels(in_app=False, email=False)
    assert rules.channels_for("new_proposal", {}, all_email_off=True) == Channels(in_app=True, email=False)


def test_known_kinds():
    assert rules.is_known_kind("proposal_answered")
    assert not rules.is_known_kind("spam")


# --- digests ----------------------------------------------------------------------------------

def test_nothing_pending_is_never_due():
    assert not rules.digest_due("immediate", None, None, NOW)
    assert rules.due_for_digest([], "immediate", None, NOW) == []


def test_immediate_sends_everything_pending_at_once():
    pending = [Pending(2, NOW - timedelta(seconds=5)), Pending(1, NOW - timedelta(minutes=1))]
    assert rules.due_for_digest(pending, "immediate", NOW - timedelta(seconds=30), NOW) == [1, 2]


@pytest.mark.parametrize("frequency, period", [("daily", timedelta(days=1)), ("weekly", timedelta(days=7))])
def test_a_first_digest_waits_one_period_from_the_oldest_notification(frequency, period):
    oldest = NOW - period
    pending = [Pending(1, oldest), Pending(2, NOW - timedelta(hours=1))]
    assert rules.due_for_digest(pending, frequency, None, NOW) == [1, 2]
    assert rules.due_for_digest(pending, frequency, None, NOW - timedelta(minutes=1)) == []


@pytest.mark.parametrize("frequency, period", [("daily", timedelta(days=1)), ("weekly", timedelta(days=7))])
def test_at_most_one_digest_per_period(frequency, period):
    last = NOW - period + timedelta(minutes=1)
    pending = [Pending(1, NOW - 2 * period)]  # older than the last digest (e.g. the sender was down)
    assert rules.due_for_digest(pending, frequency, last, NOW) == []
    assert rules.due_for_digest(pending, frequency, last, NOW + timedelta(minutes=1)) == [1]


def test_after_a_quiet_spell_the_first_notification_waits_for_company():
    # The last digest was a month ago; a notification an hour old waits a full day in a daily digest.
    pending = [Pending(7, NOW - timedelta(hours=1))]
    assert rules.due_for_digest(pending, "daily", NOW - timedelta(days=30), NOW) == []
    assert rules.due_for_digest(pending, "daily", NOW - timedelta(days=30), NOW + timedelta(hours=23)) == [7]


def test_notifications_from_the_future_are_left_for_later_and_an_unknown_frequency_is_weekly():
    pending = [Pending(1, NOW - timedelta(days=8)), Pending(2, NOW + timedelta(minutes=5))]
    assert rules.due_for_digest(pending, "daily", None, NOW) == [1]
    assert rules.due_for_digest(pending, "hourly", None, NOW) == [1]
    assert rules.due_for_digest([Pending(1, NOW - timedelta(days=2))], "hourly", None, NOW) == []


# --- the outbox's retries ----------------------------------------------------------------------

def test_retry_delays_double_from_a_minute_up_to_six_hours():
    assert [rules.retry_delay(n) for n in range(1, 6)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]
    assert rules.retry_delay(9) == timedelta(hours=4, minutes=16)
    assert rules.retry_delay(10) == timedelta(hours=6)
    assert rules.retry_delay(1000) == timedelta(hours=6)
    assert rules.retry_delay(0) == timedelta(0)


def test_a_failure_is_retried_until_the_last_attempt_then_given_up():
    assert rules.after_failure(1, NOW) == rules.AttemptOutcome(OutboxStatus.PENDING, NOW + timedelta(minutes=1))
    assert rules.after_failure(rules.MAX_ATTEMPTS - 1, NOW).status == OutboxStatus.PENDING
    assert rules.after_failure(rules.MAX_ATTEMPTS, NOW) == rules.AttemptOutcome(OutboxStatus.FAILED, None)
    assert rules.after_failure(3, NOW, max_attempts=3).status == OutboxStatus.FAILED


# --- vote notices ------------------------------------------------------------------------------

CLOSES = NOW + timedelta(days=14)
OPEN = {"is_open": True, "is_over": False}
UPCOMING = {"is_open": False, "is_over": False}
OVER = {"is_open": False, "is_over": True}


def due(state: dict, now: datetime, sent=(), closes_at: datetime | None = CLOSES) -> list[VoteNotice]:
    return rules.vote_notices_due(state["is_open"], state["is_over"], closes_at, now, sent)


def test_a_vote_that_opened_is_announced_once():
    assert due(OPEN, NOW) == [VoteNotice.OPENED]
    assert due(OPEN, NOW, ["opened"]) == []


def test_nothing_before_the_vote_opens():
    assert due(UPCOMING, NOW) == []
    assert due(UPCOMING, NOW, closes_at=None) == []


def test_a_closed_vote_is_announced_once_and_its_opening_no_longer():
    after = CLOSES + timedelta(minutes=5)
    assert due(OVER, after) == [VoteNotice.CLOSED]
    assert due(OVER, after, ["opened"]) == [VoteNotice.CLOSED]
    assert due(OVER, after, ["opened", "closed"]) == []


def test_notices_long_overdue_are_not_sent():
    # The sender was down, or the feature arrived after the vote: no news of a vote that closed long ago...
    long_after = CLOSES + rules.VOTE_NOTICE_GRACE + timedelta(minutes=1)
    assert due(OVER, long_after) == []
    # ... unless the voters were told it opened: then they hear it closed, however late.
    assert due(OVER, long_after, ["opened"]) == [VoteNotice.CLOSED]
    # An opening is still worth telling late, while people can vote.
    assert due(OPEN, NOW + rules.VOTE_NOTICE_GRACE + timedelta(days=3)) == [VoteNotice.OPENED]
    # An open-ended vote is announced when it opens and never closes.
    assert due(OPEN, NOW, closes_at=None) == [VoteNotice.OPENED]
    assert due(OPEN, NOW, ["opened"], closes_at=None) == []


def test_a_coordinators_override_counts():
    # Opened by hand before (or without) its window: announced.
    assert due(OPEN, NOW, closes_at=None) == [VoteNotice.OPENED]
    # Closed by hand before its window's end: announced to those told it opened, not as stale news to others.
    assert due(OVER, NOW, ["opened"]) == [VoteNotice.CLOSED]
    assert due(OVER, NOW) == []
    assert due(OVER, NOW, ["opened"], closes_at=None) == [VoteNotice.CLOSED]
