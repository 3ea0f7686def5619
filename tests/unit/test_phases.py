"""Consultation phases computed from windows, and what each allows."""
from datetime import datetime, timedelta

import pytest

from app.consultations.phases import (
    ALLOWED,
    Phase,
    PhaseAction,
    PhaseError,
    PhaseWindow,
    allows,
    current_phase,
    next_change,
    validate_windows,
    voting_over,
)

T0 = datetime(2027, 1, 1)
DAY = timedelta(days=1)
WINDOWS = [
    PhaseWindow(Phase.INFORMATION, T0, T0 + 10 * DAY),
    PhaseWindow(Phase.PROPOSALS, T0 + 10 * DAY, T0 + 40 * DAY),
    PhaseWindow(Phase.REVIEW, T0 + 40 * DAY, T0 + 60 * DAY),
    PhaseWindow(Phase.VOTING, T0 + 60 * DAY, T0 + 74 * DAY),
    PhaseWindow(Phase.RESULTS, T0 + 74 * DAY, T0 + 120 * DAY),
]


@pytest.mark.parametrize("offset, phase", [
    (-DAY, Phase.UPCOMING),
    (timedelta(0), Phase.INFORMATION),
    (10 * DAY - timedelta(seconds=1), Phase.INFORMATION),
    (10 * DAY, Phase.PROPOSALS),  # boundaries: start inclusive, end exclusive
    (45 * DAY, Phase.REVIEW),
    (60 * DAY, Phase.VOTING),
    (100 * DAY, Phase.RESULTS),
    (120 * DAY, Phase.CLOSED),
])
def test_phase_from_dates(offset, phase):
    assert current_phase(WINDOWS, T0 + offset) == phase


def test_override_wins():
    assert current_phase(WINDOWS, T0 + 15 * DAY, Phase.CLOSED) == Phase.CLOSED
    assert not allows(WINDOWS, T0 + 15 * DAY, PhaseAction.SUBMIT_PROPOSAL, Phase.CLOSED)
    assert allows(WINDOWS, T0 + 200 * DAY, PhaseAction.SUBMIT_PROPOSAL, Phase.PROPOSALS)


def test_only_the_proposals_phase_takes_proposals_and_supports():
    for phase in Phase:
        expected = phase == Phase.PROPOSALS
        assert (PhaseAction.SUBMIT_PROPOSAL in ALLOWED[phase]) == expected
        assert (PhaseAction.SUPPORT in ALLOWED[phase]) == expected
    assert PhaseAction.CAST_BALLOT in ALLOWED[Phase.VOTING]
    assert allows(WINDOWS, T0 + 20 * DAY, PhaseAction.SUBMIT_PROPOSAL)
    assert not allows(WINDOWS, T0 + 45 * DAY, PhaseAction.SUBMIT_PROPOSAL)


def test_gap_between_windows_allows_nothing():
    windows = [PhaseWindow(Phase.PROPOSALS, T0, T0 + DAY), PhaseWindow(Phase.VOTING, T0 + 5 * DAY, T0 + 6 * DAY)]
    assert current_phase(windows, T0 + 2 * DAY) == Phase.PROPOSALS
    assert not allows(windows, T0 + 2 * DAY, PhaseAction.SUBMIT_PROPOSAL)
    assert not allows(windows, T0 + 2 * DAY, PhaseAction.COMMENT)


def test_open_ended_last_window():
    windows = [PhaseWindow(Phase.PROPOSALS, T0, None)]
    assert current_phase(windows, T0 + 1000 * DAY) == Phase.PROPOSALS
    assert current_phase([], T0) == Phase.UPCOMING


def test_next_change():
    assert next_change(WINDOWS, T0 + DAY) == T0 + 10 * DAY
    assert next_change(WINDOWS, T0 + 500 * DAY) is None


@pytest.mark.parametrize("windows, code", [
    ([PhaseWindow(Phase.PROPOSALS, T0, T0)], "ends_before_start"),
    ([PhaseWindow(Phase.PROPOSALS, T0, T0 + DAY), PhaseWindow(Phase.PROPOSALS, T0 + DAY, T0 + 2 * DAY)],
     "duplicate_phase"),
    ([PhaseWindow(Phase.PROPOSALS, T0, T0 + 3 * DAY), PhaseWindow(Phase.REVIEW, T0 + DAY, T0 + 4 * DAY)], "overlap"),
    ([PhaseWindow(Phase.PROPOSALS, T0, None), PhaseWindow(Phase.REVIEW, T0 + DAY, None)], "overlap"),
])
def test_invalid_windows(windows, code):
    with pytest.raises(PhaseError) as error:
        validate_windows(windows)
    assert error.value.code == code


def test_valid_windows_come_back_in_phase_order():
    assert [w.phase for w in validate_windows(reversed(WINDOWS))] == [w.phase for w in WINDOWS]


@pytest.mark.parametrize("windows, offset, override, over", [
    (WINDOWS, 60 * DAY, None, False),  # voting
    (WINDOWS, 74 * DAY - timedelta(seconds=1), None, False),
    (WINDOWS, 74 * DAY, None, True),  # the window's end is exclusive: over at that moment
    (WINDOWS, 130 * DAY, None, True),  # closed
    (WINDOWS[:4], 80 * DAY, None, True),  # no results window: closed after voting
    (WINDOWS[:4] + [PhaseWindow(Phase.RESULTS, T0 + 80 * DAY, None)], 77 * DAY, None, True),  # in a gap
    (WINDOWS, 30 * DAY, Phase.RESULTS, True),  # a coordinator published the results early
    (WINDOWS, 100 * DAY, Phase.VOTING, False),  # a coordinator kept the vote open
    (WINDOWS[:3], 200 * DAY, None, True),  # no voting window at all, consultation closed
    (WINDOWS[:3] + [PhaseWindow(Phase.VOTING, T0 + 60 * DAY, None)], 300 * DAY, None, False),  # open-ended
])
def test_voting_over(windows, offset, override, over):
    assert voting_over(windows, T0 + offset, override) is over
