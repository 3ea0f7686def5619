"""What a valid ballot is, which budget settings make sense, who votes and for what: app/budgets/rules.py.

Plain Python, no app and no database: every refusal code with its parameters, and the happy paths.
"""
from decimal import Decimal

import pytest

from app.budgets.rules import (
    APPROVAL,
    APPROVAL_MAX_N,
    ASSOCIATIONS,
    CUMULATIVE,
    RESIDENTS,
    BallotError,
    BallotSpec,
    VoterOption,
    association_key,
    check_ballot,
    check_settings,
    forbidden_projects,
    paper_key,
    user_key,
    voter_options,
)

# Projects 1-4 cost 4 000 + 3 000 + 2 000 + 1 000 = 10 000 € in a 6 000 € budget.
COSTS = {1: Decimal("4000"), 2: Decimal("3000"), 3: Decimal("2000"), 4: Decimal("1000")}
TOTAL = Decimal("6000")


def spec(rule=APPROVAL, **fields) -> BallotSpec:
    return BallotSpec(voting_rule=rule, total=TOTAL, costs=COSTS, **fields)


def refusal(ballot_spec: BallotSpec, choices, allow_empty=False) -> BallotError:
    with pytest.raises(BallotError) as refused:
        check_ballot(ballot_spec, choices, allow_empty=allow_empty)
    return refused.value


# --- check_ballot: happy paths ---------------------------------------------------------------

def test_approval_ballot_within_the_budget_is_accepted():
    assert check_ballot(spec(), [(2, 1), (4, 1)]) == {2: 1, 4: 1}


def test_approval_ballot_costing_exactly_the_budget_is_accepted():
    assert check_ballot(spec(), [(1, 1), (3, 1)]) == {1: 1, 3: 1}  # 4 000 + 2 000 = 6 000
    assert check_ballot(spec(), [(2, 1), (3, 1), (4, 1)]) == {2: 1, 3: 1, 4: 1}


def test_approval_max_n_does_not_look_at_costs():
    # 4 000 + 3 000 + 2 000 is over the budget, but this rule only limits the number of projects.
    assert check_ballot(spec(APPROVAL_MAX_N, max_projects=3), [(1, 1), (2, 1), (3, 1)]) == {1: 1, 2: 1, 3: 1}


def test_cumulative_ballot_spreads_points():
    assert check_ballot(spec(CUMULATIVE, points_total=10), [(1, 6), (2, 3), (4, 1)]) == {1: 6, 2: 3, 4: 1}


def test_cumulative_ballot_may_use_fewer_points_than_it_has():
    assert check_ballot(spec(CUMULATIVE, points_total=10), [(2, 2)]) == {2: 2}


def test_zero_points_are_dropped():
    assert check_ballot(spec(), [(1, 0), (2, 1), (3, 0)]) == {2: 1}
    assert check_ballot(spec(CUMULATIVE, points_total=5), [(1, 0), (2, 5)]) == {2: 5}


def test_zero_points_for_a_forbidden_project_are_not_a_conflict():
    assert check_ballot(spec(forbidden=frozenset({1})), [(1, 0), (2, 1)]) == {2: 1}


def test_minimum_number_of_projects_reached_is_accepted():
    assert check_ballot(spec(min_projects=2), [(3, 1), (4, 1)]) == {3: 1, 4: 1}


def test_choices_may_come_from_any_iterable():
    assert check_ballot(spec(), iter([(4, 1)])) == {4: 1}


@pytest.mark.parametrize("rule, fields", [(APPROVAL, {}), (APPROVAL_MAX_N, {"max_projects": 2}),
                                          (CUMULATIVE, {"points_total": 5})])
def test_empty_ballot_is_accepted_only_when_allowed(rule, fields):
    # A blank paper ballot still counts as a voter; online, choosing nothing is a mistake.
    assert refusal(spec(rule, **fields), []).code == "empty"
    assert refusal(spec(rule, **fields), [(1, 0), (2, 0)]).code == "empty"
    assert check_ballot(spec(rule, **fields), [], allow_empty=True) == {}
    assert check_ballot(spec(rule, **fields), [(1, 0)], allow_empty=True) == {}


def test_allowed_empty_ballot_is_not_held_to_the_minimum():
    assert check_ballot(spec(min_projects=2), [], allow_empty=True) == {}


# --- check_ballot: refusals -----------------------------------------------------------------

def test_unknown_project_is_refused():
    assert refusal(spec(), [(1, 1), (99, 1)]).code == "unknown_project"


def test_unknown_project_is_refused_even_with_zero_points():
    assert refusal(spec(), [(99, 0)]).code == "unknown_project"


def test_duplicate_project_is_refused():
    assert refusal(spec(), [(2, 1), (2, 1)]).code == "duplicate_project"
    assert refusal(spec(CUMULATIVE, points_total=10), [(2, 3), (1, 1), (2, 2)]).code == "duplicate_project"


@pytest.mark.parametrize("points", [-1, 1.5, "1", None, True, Decimal("1")])
def test_points_that_are_not_a_whole_number_of_zero_or_more_are_refused(points):
    assert refusal(spec(CUMULATIVE, points_total=10), [(1, points)]).code == "bad_points"


@pytest.mark.parametrize("rule, fields", [(APPROVAL, {}), (APPROVAL_MAX_N, {"max_projects": 3})])
def test_more_than_one_point_on_an_approval_ballot_is_refused(rule, fields):
    assert refusal(spec(rule, **fields), [(1, 2)]).code == "bad_points"
    assert refusal(spec(rule, **fields), [(3, 1), (4, 5)]).code == "bad_points"


def test_vote_for_own_project_under_the_conflict_rule_is_refused():
    error = refusal(spec(forbidden=frozenset({2, 4})), [(1, 1), (4, 1)])
    assert error.code == "conflict_of_interest"
    assert error.params == {"project_id": 4}


def test_too_few_projects_is_refused_with_the_numbers():
    error = refusal(spec(min_projects=3), [(1, 1), (4, 1)])
    assert error.code == "too_few"
    assert error.params == {"minimum": 3, "chosen": 2}


def test_zero_point_choices_do_not_count_towards_the_minimum():
    error = refusal(spec(min_projects=2), [(1, 1), (2, 0)])
    assert (error.code, error.params) == ("too_few", {"minimum": 2, "chosen": 1})


def test_approval_ballot_over_the_budget_is_refused_with_the_amounts():
    error = refusal(spec(), [(1, 1), (2, 1), (4, 1)])
    assert error.code == "over_budget"
    assert error.params == {"cost": Decimal("8000"), "total": Decimal("6000"), "over": Decimal("2000")}


def test_over_budget_by_a_cent_is_refused():
    costs = {1: Decimal("3000.01"), 2: Decimal("3000")}
    error = refusal(BallotSpec(voting_rule=APPROVAL, total=TOTAL, costs=costs), [(1, 1), (2, 1)])
    assert error.code == "over_budget" and error.params["over"] == Decimal("0.01")


def test_more_than_n_projects_is_refused_with_the_numbers():
    error = refusal(spec(APPROVAL_MAX_N, max_projects=2), [(1, 1), (2, 1), (3, 1)])
    assert error.code == "too_many"
    assert error.params == {"maximum": 2, "chosen": 3}


def test_more_than_k_points_is_refused_with_the_numbers():
    error = refusal(spec(CUMULATIVE, points_total=5), [(1, 4), (2, 2)])
    assert error.code == "too_many_points"
    assert error.params == {"maximum": 5, "used": 6}


def test_unknown_voting_rule_is_refused():
    assert refusal(spec("ranked"), [(1, 1)]).code == "unknown_rule"


def test_refusal_is_a_value_error_whose_message_is_its_code():
    error = refusal(spec(), [(99, 1)])
    assert isinstance(error, ValueError) and str(error) == "unknown_project"


# --- check_settings -------------------------------------------------------------------------

def settings(**changes):
    values = {"voting_rule": APPROVAL, "electorate": ASSOCIATIONS, "total": Decimal("60000"),
              "max_projects": None, "points_total": None, "min_projects": 0}
    values.update(changes)
    return values


@pytest.mark.parametrize("values", [
    settings(),
    settings(electorate=RESIDENTS, min_projects=2),
    settings(voting_rule=APPROVAL_MAX_N, max_projects=3, min_projects=3),
    settings(voting_rule=CUMULATIVE, points_total=10, min_projects=10),
    settings(total=Decimal("0.01")),
    # N and K are ignored by the rules that do not use them.
    settings(max_projects=0, points_total=0),
])
def test_sensible_settings_are_accepted(values):
    assert check_settings(**values) is None


@pytest.mark.parametrize("values, code, params", [
    (settings(voting_rule="ranked"), "unknown_rule", {}),
    (settings(electorate="everyone"), "unknown_electorate", {}),
    (settings(total=Decimal("0")), "total_not_positive", {}),
    (settings(total=Decimal("-100")), "total_not_positive", {}),
    (settings(total=None), "total_not_positive", {}),
    (settings(voting_rule=APPROVAL_MAX_N), "max_projects_required", {}),
    (settings(voting_rule=APPROVAL_MAX_N, max_projects=0), "max_projects_required", {}),
    (settings(voting_rule=CUMULATIVE), "points_total_required", {}),
    (settings(voting_rule=CUMULATIVE, points_total=0), "points_total_required", {}),
    (settings(min_projects=-1), "min_projects_negative", {}),
    (settings(voting_rule=APPROVAL_MAX_N, max_projects=2, min_projects=3), "min_over_max",
     {"minimum": 3, "maximum": 2}),
    (settings(voting_rule=CUMULATIVE, points_total=4, min_projects=5), "min_over_points",
     {"minimum": 5, "maximum": 4}),
])
def test_settings_that_make_no_sense_are_refused(values, code, params):
    with pytest.raises(BallotError) as refused:
        check_settings(**values)
    assert refused.value.code == code
    assert refused.value.params == params


def test_settings_check_the_rule_before_the_electorate():
    with pytest.raises(BallotError) as refused:
        check_settings(**settings(voting_rule="ranked", electorate="everyone"))
    assert refused.value.code == "unknown_rule"


# --- voters ---------------------------------------------------------------------------------

def test_voter_keys():
    assert association_key(12) == "association:12"
    assert user_key(5) == "user:5"
    assert paper_key(" 0042 ") == "paper:0042"


def test_a_resident_casts_one_ballot_of_their_own_whatever_they_represent():
    assert voter_options(RESIDENTS, 5, [3, 9]) == [VoterOption("user:5")]
    assert voter_options(RESIDENTS, 5, []) == [VoterOption("user:5", None)]


def test_a_representative_of_two_associations_casts_two_ballots_sorted_by_association():
    assert voter_options(ASSOCIATIONS, 5, [9, 3]) == [VoterOption("association:3", 3),
                                                       VoterOption("association:9", 9)]


def test_an_association_named_twice_gives_one_ballot():
    assert voter_options(ASSOCIATIONS, 5, [7, 7]) == [VoterOption("association:7", 7)]


def test_voter_options_accept_any_iterable_of_association_ids():
    assert voter_options(ASSOCIATIONS, 5, {4: "Kausalan kyläyhdistys ry"}) == [VoterOption("association:4", 4)]


def test_a_person_representing_no_association_has_no_ballot_in_an_association_vote():
    assert voter_options(ASSOCIATIONS, 5, []) == []


def test_unknown_electorate_has_no_voters():
    with pytest.raises(BallotError) as refused:
        voter_options("everyone", 5, [3])
    assert refused.value.code == "unknown_electorate"


# --- conflict of interest -------------------------------------------------------------------

PROPOSERS = {1: 7, 2: None, 3: 7, 4: 8}  # project id -> the association that proposed it


def test_with_the_rule_on_an_association_may_not_vote_for_what_it_proposed():
    assert forbidden_projects(True, 7, PROPOSERS) == frozenset({1, 3})
    assert forbidden_projects(True, 8, PROPOSERS) == frozenset({4})


def test_an_association_that_proposed_nothing_may_vote_for_anything():
    assert forbidden_projects(True, 9, PROPOSERS) == frozenset()


def test_with_the_rule_off_nothing_is_forbidden():
    assert forbidden_projects(False, 7, PROPOSERS) == frozenset()


def test_a_voter_who_is_no_association_is_never_in_conflict():
    # A resident's ballot, or a project with no proposer: nothing to compare.
    assert forbidden_projects(True, None, PROPOSERS) == frozenset()


def test_forbidden_projects_feed_the_ballot_check():
    forbidden = forbidden_projects(True, 7, PROPOSERS)
    assert check_ballot(spec(forbidden=forbidden), [(2, 1), (4, 1)]) == {2: 1, 4: 1}
    assert refusal(spec(forbidden=forbidden), [(3, 1)]).params == {"project_id": 3}


def test_a_project_named_twice_is_refused_whatever_its_points():
    spec = BallotSpec(voting_rule="cumulative", total=Decimal(10), costs={1: Decimal(5)}, points_total=5)
    for pairs in ([(1, 0), (1, 1)], [(1, 1), (1, 0)]):
        with pytest.raises(BallotError) as refused:
            check_ballot(spec, pairs)
        assert refused.value.code == "duplicate_project"
