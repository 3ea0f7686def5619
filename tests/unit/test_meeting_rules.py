"""The meeting rules without an app: status moves, quorum, roll calls, what a decision does to proposals."""
import pytest
from hypothesis import given, strategies as st

from app.meetings import rules
from app.meetings.rules import MeetingError, MeetingStatus, Outcome, QuorumRule, Seat
from app.proposals.states import ProposalState


def test_status_moves_only_forward_one_step():
    rules.check_status_move("planned", "held")
    rules.check_status_move("held", "approved")
    for current, target in [("planned", "approved"), ("held", "planned"), ("approved", "held"),
                            ("approved", "approved"), ("planned", "planned")]:
        with pytest.raises(MeetingError) as error:
            rules.check_status_move(current, target)
        assert error.value.code == "bad_status_move"


@pytest.mark.parametrize("status, editable, input_open, recording", [
    (MeetingStatus.PLANNED, True, True, "not_held_yet"),
    (MeetingStatus.HELD, True, "input_closed", True),
    (MeetingStatus.APPROVED, "minutes_approved", "input_closed", "minutes_approved"),
])
def test_what_each_status_allows(status, editable, input_open, recording):
    for check, expected in [(rules.check_editable, editable), (rules.check_input_open, input_open),
                            (rules.check_recording_open, recording)]:
        if expected is True:
            check(status)
        else:
            with pytest.raises(MeetingError) as error:
                check(status)
            assert error.value.code == expected


@pytest.mark.parametrize("rule, seats, needed", [
    (QuorumRule.MORE_THAN_HALF, 10, 6), (QuorumRule.MORE_THAN_HALF, 9, 5), (QuorumRule.MORE_THAN_HALF, 1, 1),
    (QuorumRule.AT_LEAST_HALF, 10, 5), (QuorumRule.AT_LEAST_HALF, 9, 5),
    (QuorumRule.AT_LEAST_THIRD, 9, 3), (QuorumRule.AT_LEAST_THIRD, 10, 4),
])
def test_quorum_needed(rule, seats, needed):
    assert rules.quorum_needed(rule, seats) == needed


def test_unknown_quorum_rule_is_refused():
    with pytest.raises(MeetingError):
        rules.quorum_needed("two_thirds", 9)


BOARD = [Seat(1, "chair"), Seat(2, "member"), Seat(3, "member"), Seat(4, "member"),
         Seat(11, "deputy", 1), Seat(12, "deputy", 2), Seat(20, "deputy", None)]


def test_a_personal_deputy_fills_only_an_absent_members_seat():
    assert rules.quorum("more_than_half", BOARD, {1, 11}).present == 1  # member and own deputy: one seat
    assert rules.quorum("more_than_half", BOARD, {1, 12}).present == 2
    result = rules.quorum("more_than_half", BOARD, {1, 12, 3})
    assert (result.seats, result.present, result.needed, result.met) == (4, 3, 3, True)


def test_a_general_deputy_fills_any_one_empty_seat():
    assert rules.quorum("more_than_half", BOARD, {1, 20}).present == 2
    assert rules.quorum("more_than_half", BOARD, {1, 2, 3, 4, 20}).present == 4  # never more than the seats


def test_no_members_is_no_quorum():
    assert rules.quorum("more_than_half", [], set()).met is False


@given(present=st.sets(st.sampled_from([s.member_id for s in BOARD])),
       rule=st.sampled_from(list(QuorumRule)))
def test_quorum_is_monotone_and_bounded(present, rule):
    result = rules.quorum(rule, BOARD, present)
    assert 0 <= result.present <= result.seats == 4
    for extra in [s.member_id for s in BOARD]:
        assert rules.quorum(rule, BOARD, present | {extra}).present >= result.present


def test_roll_call_counts_and_ties():
    count = rules.count_roll_call(["yes", "yes", "no", "abstain", "recused"])
    assert (count.yes, count.no, count.abstain, count.recused, count.voted, count.carried) == (2, 1, 1, 1, 3, True)
    assert rules.count_roll_call(["yes", "no"]).carried is None
    assert rules.count_roll_call(["no"]).carried is False
    with pytest.raises(MeetingError):
        rules.count_roll_call(["maybe"])


def test_decisions_offer_accept_or_reject_only():
    assert rules.proposal_target(Outcome.APPROVED) == ProposalState.ACCEPTED
    assert rules.proposal_target(Outcome.REJECTED) == ProposalState.REJECTED
    assert rules.proposal_target(Outcome.TABLED) is None
    assert rules.proposal_target(Outcome.NOTED) is None
    assert rules.proposal_target(None) is None


@pytest.mark.parametrize("current, target, path", [
    ("submitted", ProposalState.ACCEPTED, ["under_review", "accepted"]),
    ("submitted", ProposalState.REJECTED, ["rejected"]),
    ("under_review", ProposalState.ACCEPTED, ["accepted"]),
    ("under_review", ProposalState.REJECTED, ["rejected"]),
    ("accepted", ProposalState.ACCEPTED, []),
    ("accepted", ProposalState.REJECTED, None),
    ("withdrawn", ProposalState.ACCEPTED, None),
    ("rejected", ProposalState.ACCEPTED, None),
    ("implemented", ProposalState.REJECTED, None),
])
def test_proposal_paths_go_through_the_state_machine(current, target, path):
    assert rules.proposal_path(current, target) == path
