"""Who may do what with consultations and proposals, in which phase; cost parsing; day windows.

Plain Python, no app: the rules are predicates over (user, action, object, day) and the
phases over (windows, now), tested as a role × phase matrix.
"""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from app.auth.rules import Action, can
from app.consultations.phases import PHASE_ORDER, Phase, PhaseAction, PhaseWindow, allows
from app.consultations.services import DayWindow, lifecycle_of
from app.proposals.forms import CostError, parse_euros
from app.proposals.states import Actor, ProposalState, next_states
from tests.unit.fakes import FakeMandate as Mandate, FakeUser as Person

TODAY = date(2027, 3, 15)
NOW = datetime(2027, 3, 15, 10, 0)


@dataclass
class Thing:
    id: int = 7
    author_id: int = 1


VISITOR = Person(id=0, is_authenticated=False)
RESIDENT = Person(id=1)
REPRESENTATIVE = Person(id=2, mandates=[Mandate(7, date(2027, 1, 1), date(2027, 12, 31))])
BOARD = Person(id=3, is_board_member=True)
COORDINATOR = Person(id=4, is_coordinator=True)
ROLES = {"visitor": VISITOR, "resident": RESIDENT, "representative": REPRESENTATIVE, "board": BOARD,
         "coordinator": COORDINATOR}

# action -> roles allowed (objects: the association with id 7, a proposal by person 9)
EXPECTED = {
    Action.SUBMIT_PROPOSAL: {"resident", "representative", "board", "coordinator"},
    Action.SUPPORT: {"resident", "representative", "board", "coordinator"},
    Action.FOLLOW: {"resident", "representative", "board", "coordinator"},
    Action.ENDORSE: {"representative"},
    Action.ANSWER_PROPOSALS: {"board", "coordinator"},
    Action.CHANGE_PROPOSAL_STATE: {"board", "coordinator"},
    Action.MANAGE_CONSULTATIONS: {"coordinator"},
    Action.EDIT_OWN_PROPOSAL: set(),  # nobody by role: only the author
    Action.VIEW_HIDDEN_PROPOSAL: {"coordinator"},
}


@pytest.mark.parametrize("action, allowed", EXPECTED.items(), ids=[str(a) for a in EXPECTED])
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(role, action, allowed):
    obj = Thing(id=7, author_id=9)
    assert can(ROLES[role], action, obj, TODAY) == (role in allowed)


def test_author_may_edit_and_see_own_hidden_proposal_only():
    mine, theirs = Thing(author_id=1), Thing(author_id=2)
    assert can(RESIDENT, Action.EDIT_OWN_PROPOSAL, mine, TODAY)
    assert not can(RESIDENT, Action.EDIT_OWN_PROPOSAL, theirs, TODAY)
    assert not can(COORDINATOR, Action.EDIT_OWN_PROPOSAL, theirs, TODAY)
    assert not can(RESIDENT, Action.EDIT_OWN_PROPOSAL, None, TODAY)
    assert can(RESIDENT, Action.VIEW_HIDDEN_PROPOSAL, mine, TODAY)
    assert not can(RESIDENT, Action.VIEW_HIDDEN_PROPOSAL, theirs, TODAY)
    assert can(COORDINATOR, Action.VIEW_HIDDEN_PROPOSAL, theirs, TODAY)
    blocked = Person(id=1, is_active=False)
    assert not can(blocked, Action.EDIT_OWN_PROPOSAL, mine, TODAY)
    assert not can(blocked, Action.SUPPORT, mine, TODAY)


def test_endorsing_needs_a_mandate_in_force_for_that_association():
    association, other = Thing(id=7), Thing(id=8)
    assert can(REPRESENTATIVE, Action.ENDORSE, association, TODAY)
    assert not can(REPRESENTATIVE, Action.ENDORSE, other, TODAY)
    assert not can(REPRESENTATIVE, Action.ENDORSE, association, date(2028, 1, 1))
    assert not can(REPRESENTATIVE, Action.ENDORSE, association, None)
    revoked = Person(mandates=[Mandate(7, date(2027, 1, 1), status="revoked")])
    assert not can(revoked, Action.ENDORSE, association, TODAY)


def _windows_in(phase: Phase) -> list[PhaseWindow]:
    """Consecutive week-long windows with `phase` the one containing NOW."""
    index = PHASE_ORDER.index(phase)
    start = NOW - timedelta(days=1) - timedelta(weeks=index)
    return [PhaseWindow(p, start + timedelta(weeks=i), start + timedelta(weeks=i + 1) if p != Phase.CLOSED else None)
            for i, p in enumerate(PHASE_ORDER)]


# What a resident may do in each phase: the role rule and the phase rule together.
RESIDENT_IN_PHASE = {
    Phase.INFORMATION: set(),
    Phase.PROPOSALS: {PhaseAction.SUBMIT_PROPOSAL, PhaseAction.SUPPORT, PhaseAction.EDIT_PROPOSAL},
    Phase.REVIEW: set(),
    Phase.VOTING: set(),
    Phase.RESULTS: set(),
    Phase.CLOSED: set(),
}
ROLE_ACTION = {PhaseAction.SUBMIT_PROPOSAL: Action.SUBMIT_PROPOSAL, PhaseAction.SUPPORT: Action.SUPPORT,
               PhaseAction.EDIT_PROPOSAL: Action.EDIT_OWN_PROPOSAL}


@pytest.mark.parametrize("phase", PHASE_ORDER)
@pytest.mark.parametrize("role", ROLES)
def test_role_by_phase_matrix(role, phase):
    """A visitor may do nothing anywhere; everyone signed in may act only in the proposals phase."""
    windows = _windows_in(phase)
    own = Thing(author_id=ROLES[role].id)
    for phase_action, action in ROLE_ACTION.items():
        permitted = can(ROLES[role], action, own, TODAY) and allows(windows, NOW, phase_action)
        expected = role != "visitor" and phase_action in RESIDENT_IN_PHASE[phase]
        assert permitted == expected, (role, phase, phase_action)
    endorse = can(ROLES[role], Action.ENDORSE, Thing(id=7), TODAY) and allows(windows, NOW, PhaseAction.ENDORSE)
    assert endorse == (role == "representative" and phase == Phase.PROPOSALS)


def test_authors_can_withdraw_until_a_decision_and_the_board_decides():
    assert ProposalState.WITHDRAWN in next_states(ProposalState.SUBMITTED, {Actor.AUTHOR})
    assert ProposalState.WITHDRAWN in next_states(ProposalState.UNDER_REVIEW, {Actor.AUTHOR})
    assert next_states(ProposalState.ACCEPTED, {Actor.AUTHOR}) == []
    assert next_states(ProposalState.SUBMITTED, {Actor.BOARD}) == [ProposalState.UNDER_REVIEW,
                                                                   ProposalState.REJECTED]


@pytest.mark.parametrize("phase, lifecycle", [(Phase.UPCOMING, "upcoming"), (Phase.INFORMATION, "open"),
                                              (Phase.PROPOSALS, "open"), (Phase.RESULTS, "open"),
                                              (Phase.CLOSED, "closed")])
def test_lifecycle_of_a_phase(phase, lifecycle):
    assert lifecycle_of(phase) == lifecycle


@pytest.mark.parametrize("typed, amount", [
    ("1 234,50", "1234.50"), ("1234.50", "1234.50"), ("1234,5", "1234.5"), (" 500 ", "500"),
    ("1\u202f234,50\u00a0€", "1234.50"), ("1.234.567", "1234567"), ("1,234.50", "1234.50"),
    ("1.234,50 EUR", "1234.50"), ("0", "0"), ("+12", "12"),
])
def test_euros_are_read_as_people_type_them(typed, amount):
    assert parse_euros(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "   ", None, "€"])
def test_no_cost_is_none(typed):
    assert parse_euros(typed) is None


@pytest.mark.parametrize("typed, code", [
    ("-5", "negative"), ("−5", "negative"), ("-1 234,50", "negative"), ("abc", "not_a_number"),
    ("1e5", "not_a_number"), ("NaN", "not_a_number"), ("Infinity", "not_a_number"), ("12,345", "too_many_decimals"),
    ("1,2,3.4.5", "not_a_number"), ("10000000000", "too_large"), ("--5", "not_a_number"), ("5-", "not_a_number"),
])
def test_nonsense_costs_are_refused_with_a_reason(typed, code):
    with pytest.raises(CostError) as error:
        parse_euros(typed)
    assert error.value.code == code


@pytest.mark.parametrize("day, utc_start", [
    (date(2027, 1, 10), datetime(2027, 1, 9, 22, 0)),   # winter: UTC+2
    (date(2027, 7, 10), datetime(2027, 7, 9, 21, 0)),   # summer: UTC+3
    (date(2027, 3, 28), datetime(2027, 3, 27, 22, 0)),  # the day summer time starts
])
def test_day_windows_run_from_helsinki_midnight_to_the_midnight_after_the_last_day(day, utc_start):
    window = DayWindow(Phase.PROPOSALS, day, day).to_window()
    assert window.starts_at == utc_start
    assert window.ends_at > window.starts_at and window.ends_at - window.starts_at <= timedelta(hours=24)
    assert DayWindow(Phase.CLOSED, day).to_window().ends_at is None
