"""Answer deadlines, escalation and response times: pure rules over times and days."""
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from app.proposals.states import ProposalState
from app.review.deadlines import (
    DeadlineStatus,
    assess,
    days_waiting,
    deadline,
    escalation_due,
    proposal_deadline,
    response_times,
    status,
    valid_days,
)

T0 = datetime(2027, 1, 11, 9, 30)  # submitted
DAY = timedelta(days=1)


def test_deadline_and_escalation_follow_the_consultations_days():
    assert deadline(T0, 60) == T0 + 60 * DAY
    assert escalation_due(T0, 60, 30) == T0 + 90 * DAY
    assert escalation_due(T0, 1, 1) == T0 + 2 * DAY


@pytest.mark.parametrize("now, days", [
    (T0 - DAY, 0),  # clock skew: never negative
    (T0, 0),
    (T0 + DAY - timedelta(seconds=1), 0),
    (T0 + DAY, 1),
    (T0 + 45 * DAY + timedelta(hours=23), 45),
])
def test_days_waiting_counts_whole_days(now, days):
    assert days_waiting(T0, now) == days


@pytest.mark.parametrize("now, expected", [
    (T0, DeadlineStatus.ON_TIME),
    (T0 + 52 * DAY, DeadlineStatus.ON_TIME),  # 8 days left
    (T0 + 53 * DAY, DeadlineStatus.DUE_SOON),  # exactly 7 days left
    (T0 + 60 * DAY - timedelta(seconds=1), DeadlineStatus.DUE_SOON),
    (T0 + 60 * DAY, DeadlineStatus.OVERDUE),
    (T0 + 90 * DAY - timedelta(seconds=1), DeadlineStatus.OVERDUE),
    (T0 + 90 * DAY, DeadlineStatus.ESCALATION_DUE),
    (T0 + 400 * DAY, DeadlineStatus.ESCALATION_DUE),
])
def test_status_of_an_unanswered_proposal(now, expected):
    assert status(T0, None, 60, 30, now) == expected


def test_an_answered_proposal_is_answered_whenever_it_was():
    assert status(T0, T0 + 200 * DAY, 60, 30, T0 + 300 * DAY) == DeadlineStatus.ANSWERED
    assert status(T0, T0 + DAY, 60, 30, T0 + 2 * DAY) == DeadlineStatus.ANSWERED


def test_short_periods_can_be_due_soon_from_the_start():
    assert status(T0, None, 5, 1, T0) == DeadlineStatus.DUE_SOON


def test_assess_gives_the_numbers_the_pages_show():
    late = assess(T0, None, 60, 30, T0 + 74 * DAY + timedelta(hours=3))
    assert late.status == DeadlineStatus.OVERDUE and late.is_late
    assert (late.answer_by, late.escalate_on) == (T0 + 60 * DAY, T0 + 90 * DAY)
    assert (late.days_waiting, late.days_overdue, late.days_left) == (74, 14, 0)

    soon = assess(T0, None, 60, 30, T0 + 55 * DAY + timedelta(hours=1))
    assert soon.status == DeadlineStatus.DUE_SOON and not soon.is_late
    assert (soon.days_left, soon.days_overdue) == (5, 0)  # 4 days 23 hours, rounded up

    answered = assess(T0, T0 + 20 * DAY, 60, 30, T0 + 100 * DAY)
    assert answered.status == DeadlineStatus.ANSWERED and not answered.is_late
    assert answered.days_waiting == 20  # until the answer, not until now


def test_proposal_deadline_reads_the_proposal_and_its_consultation():
    consultation = SimpleNamespace(answer_days=10, escalation_days=5)

    def proposal(**fields):
        values = {"state": ProposalState.SUBMITTED, "hidden_at": None, "created_at": T0, "answered_at": None,
                  "consultation": consultation, **fields}
        return SimpleNamespace(**values)

    assert proposal_deadline(proposal(), T0 + 16 * DAY).status == DeadlineStatus.ESCALATION_DUE
    assert proposal_deadline(proposal(state=ProposalState.UNDER_REVIEW), T0 + 11 * DAY).status == \
        DeadlineStatus.OVERDUE
    assert proposal_deadline(proposal(state=ProposalState.WITHDRAWN), T0 + 16 * DAY) is None
    assert proposal_deadline(proposal(hidden_at=T0), T0 + 16 * DAY) is None


@pytest.mark.parametrize("days, ok", [(1, True), (60, True), (365, True), (0, False), (366, False), (-5, False),
                                      (None, False), ("30", False), (True, False), (2.5, False)])
def test_valid_days(days, ok):
    assert valid_days(days) is ok


def test_response_times_buckets_median_and_on_time():
    answers = [(T0, T0 + 3 * DAY, 60), (T0, T0 + 7 * DAY, 60), (T0, T0 + 8 * DAY, 5), (T0, T0 + 61 * DAY, 60),
               (T0, T0 + 120 * DAY, 60)]
    times = response_times(answers)
    assert times.answered == 5
    assert dict(((first, last), n) for first, last, n in times.buckets) == {
        (0, 7): 2, (8, 14): 1, (15, 30): 0, (31, 60): 0, (61, 90): 1, (91, None): 1}
    assert times.median_days == 8
    assert times.on_time == 2  # the 8-day answer was late for its 5-day deadline


def test_response_times_of_nothing():
    times = response_times([])
    assert (times.answered, times.median_days, times.on_time) == (0, None, 0)
    assert all(n == 0 for _f, _l, n in times.buckets)
