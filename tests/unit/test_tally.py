"""The tally: hand-made cases with known answers, input validation, and pabutools as the oracle."""
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.budgets.pabulib import parse_pb
from app.budgets.tally import (
    FUNDED, FUNDED_IN_COMPLETION, GREEDY, MES, MES_COMPLETED, NO_VOTES, NO_VOTES_FUNDED,
    NOT_AFFORDABLE_FOR_SUPPORTERS, RULES, SKIPPED_NOT_ENOUGH_MONEY, Ballot, Project, TallyError, id_sort_key, tally,
)

PABULIB_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "pabulib"
REAL_FILES = sorted(PABULIB_DIR.glob("*.pb")) if PABULIB_DIR.is_dir() else []
needs_real_files = pytest.mark.skipif(not REAL_FILES, reason=f"no Pabulib sample files in {PABULIB_DIR}")


def approval(*ballots: str) -> list[Ballot]:
    """Approval ballots written as strings of one-letter project ids: approval("AB", "") is {A, B} and {}."""
    return [Ballot.approval(ballot) for ballot in ballots]


def projects(**costs: int) -> list[Project]:
    return [Project(project_id, cost) for project_id, cost in costs.items()]


# --- pabutools as the oracle -------------------------------------------------------------------------

def pabutools_winners(rule: str, budget, project_list: list[Project], ballots: list[Ballot]) -> list[str]:
    """The same rule computed by pabutools 1.2.3, given our tie-break order."""
    pytest.importorskip("pabutools")
    from pabutools.election import (
        ApprovalBallot, ApprovalProfile, Cost_Sat, CumulativeBallot, CumulativeProfile, Instance,
        Project as PabuProject,
    )
    from pabutools.election.satisfaction.additivesatisfaction import AdditiveSatisfaction
    from pabutools.rules import (
        completion_by_rule_combination, exhaustion_by_budget_increase, greedy_utilitarian_welfare,
        method_of_equal_shares,
    )
    from pabutools.tiebreaking import TieBreakingRule

    class CostTimesPointsSat(AdditiveSatisfaction):
        # pabutools' Cost_Sat ignores points on cumulative ballots; our utility is cost * points.
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, lambda _i, _p, b, project, _v: b.get(project, 0) * project.cost)

    instance = Instance(budget_limit=Fraction(budget))
    by_id = {p.id: PabuProject(p.id, Fraction(p.cost)) for p in project_list}
    instance.update(by_id.values())
    if all(set(b.points.values()) <= {1} for b in ballots):
        profile = ApprovalProfile([ApprovalBallot(by_id[i] for i in b.points) for b in ballots], instance=instance)
        sat = Cost_Sat
    else:
        profile = CumulativeProfile([CumulativeBallot({by_id[i]: v for i, v in b.points.items()}) for b in ballots],
                                    instance=instance)
        sat = CostTimesPointsSat
    points = {p.id: sum(b.points.get(p.id, 0) for b in ballots) for p in project_list}
    tie_breaking = TieBreakingRule(lambda _i, _p, project: (project.cost, -points[project.name], id_sort_key(project.name)))
    if rule == GREEDY:
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=tie_breaking)
    elif rule == MES:
        outcome = method_of_equal_shares(instance, profile, sat_class=sat, tie_breaking=tie_breaking)
    else:
        outcome = completion_by_rule_combination(
            instance, profile, [exhaustion_by_budget_increase, greedy_utilitarian_welfare],
            [{"rule": method_of_equal_shares, "rule_params": {"sat_class": sat, "tie_breaking": tie_breaking},
              "exhaustive_stop": False, "budget_step": profile.num_ballots()},
             {"sat_class": sat, "tie_breaking": tie_breaking}])
    return [p.name for p in outcome]


def sequential_add1(budget, project_list: list[Project], ballots: list[Ballot]) -> list[str]:
    """mes-completed by the book, from the public API: MES at B + k*n for k = 0, 1, ... (per voter B/n + k),
    keep the last outcome within B, then greedy on the rest. Slow, but independent of our shortcuts.
    Once one voter's share could pay for every project with votes, the outcome no longer changes: stop
    there (if everything with votes fits in B, the plain loop never ends)."""
    n = len(ballots)
    costs = {p.id: Fraction(p.cost) for p in project_list}
    voted_cost = sum(costs[p.id] for p in project_list if any(b.points.get(p.id) for b in ballots))
    kept, increment = tally(MES, budget, project_list, ballots).winners, 1
    while Fraction(budget, n) + increment - 1 < voted_cost:
        winners = tally(MES, budget + increment * n, project_list, ballots).winners
        if sum(costs[w] for w in winners) > budget:
            break
        kept, increment = winners, increment + 1
    rest = [p for p in project_list if p.id not in kept]
    left = Fraction(budget) - sum(costs[w] for w in kept)
    if not rest or left <= 0:
        return kept
    rest_ids = {p.id for p in rest}
    rest_ballots = [Ballot({i: v for i, v in b.points.items() if i in rest_ids}) for b in ballots]
    return kept + tally(GREEDY, left, rest, rest_ballots).winners


# --- hand-made cases ---------------------------------------------------------------------------------

def test_greedy_skips_what_no_longer_fits_and_goes_on():
    # Votes: A 3, B 2, C 1. A (6) fits in 10, B (6) no longer fits in the 4 left, C (3) still does.
    result = tally(GREEDY, 10, projects(A=6, B=6, C=3), approval("AB", "AB", "AC"))
    assert result.winners == ["A", "C"]
    assert result.spent == 9
    b = result.explanations["B"]
    assert (b.selected, b.reason, b.remaining_budget, b.votes) == (False, SKIPPED_NOT_ENOUGH_MONEY, 4, 2)
    assert result.explanations["C"].order == 2 and result.explanations["C"].remaining_budget == 4


def test_greedy_funds_a_project_nobody_voted_for_when_money_remains():
    # The standard greedy goes down the whole list: Z has no votes but fits in the 2 left after A.
    result = tally(GREEDY, 5, projects(A=3, Z=2), approval("A"))
    assert result.winners == ["A", "Z"]
    z = result.explanations["Z"]
    assert (z.reason, z.votes, z.points, z.order) == (NO_VOTES_FUNDED, 0, 0, 2)


def test_tie_break_is_lower_cost_then_more_points_then_id_with_numbers_first():
    # All have 1 vote. Cheapest first: "b" (1). Then cost 2: "2" before "10" as numbers, and numeric ids
    # before "a". Budget 7 takes b, 2, 10 and a (1 + 2 + 2 + 2); budget 3 only b and 2.
    project_list = [Project("a", 2), Project("10", 2), Project("b", 1), Project("2", 2)]
    ballots = [Ballot.approval([project.id]) for project in project_list]
    assert tally(GREEDY, 7, project_list, ballots).winners == ["b", "2", "10", "a"]
    assert tally(GREEDY, 3, project_list, ballots).winners == ["b", "2"]
    # In MES all four have rho 1 (one supporter paying the whole cost): the same order.
    assert tally(MES, 28, project_list, ballots).winners == ["b", "2", "10", "a"]


def test_id_sort_key_orders_numbers_numerically_before_text():
    assert sorted(["b", "10", "a", "2", "010"], key=id_sort_key) == ["2", "010", "10", "a", "b"]


def test_equal_shares_gives_the_minority_its_share():
    # 3 voters want A1, A2, A3 (10 each), 2 voters want B (10); budget 30, so 6 per voter.
    # Greedy: the majority's three projects (3 votes each beat B's 2).
    # MES: A1 costs its 3 supporters 10/3 each (rho 1/3), cheaper than B (5 each, rho 1/2), so A1 first;
    # the majority has 3 * 8/3 = 8 left, not enough for A2; B's supporters pay 5 each. Each group gets
    # one project, in proportion to its 18 and 12 of the 30.
    project_list = projects(A1=10, A2=10, A3=10, B=10)
    ballots = [Ballot.approval(["A1", "A2", "A3"])] * 3 + [Ballot.approval(["B"])] * 2
    assert tally(GREEDY, 30, project_list, ballots).winners == ["A1", "A2", "A3"]
    result = tally(MES, 30, project_list, ballots)
    assert result.winners == ["A1", "B"]
    assert result.voter_budget == 6
    a1, b, a2 = result.explanations["A1"], result.explanations["B"], result.explanations["A2"]
    assert (a1.rho, a1.payment_per_point, a1.supporters_money, a1.supporters_paying_all) == (Fraction(1, 3), Fraction(10, 3), 18, 0)
    assert (b.rho, b.payment_per_point, b.remaining_budget, b.order) == (Fraction(1, 2), 5, 20, 2)
    assert (a2.reason, a2.supporters_money, a2.remaining_budget) == (NOT_AFFORDABLE_FOR_SUPPORTERS, 8, 10)
    # Add1: at 7 per voter the majority has 3 * 11/3 = 11 left after A1, enough for A2 (rho 1/3 again,
    # before B); B still fits: 30. At 8 and 9 the same. At 10 the majority affords A3 too: 40 > 30, so the
    # loop stops and keeps the outcome at 9 per voter. Nothing is left for the greedy completion.
    result = tally(MES_COMPLETED, 30, project_list, ballots)
    assert result.winners == ["A1", "A2", "B"]
    assert result.voter_budget == 9
    assert result.explanations["A3"].reason == SKIPPED_NOT_ENOUGH_MONEY


def test_equal_shares_counts_every_voter_also_empty_ballots():
    # 2 voters want A (cost 4); with 2 empty ballots each voter's share is 8 / 4 = 2, exactly enough.
    # With 3 empty ballots the share is 8 / 5 and A's supporters have 3.2 < 4.
    assert tally(MES, 8, projects(A=4), approval("A", "A", "", "")).winners == ["A"]
    result = tally(MES, 8, projects(A=4), approval("A", "A", "", "", ""))
    assert result.winners == []
    assert result.explanations["A"].supporters_money == Fraction(16, 5)


def test_poor_supporters_pay_all_they_have():
    # Budget 15, 5 voters: 3 each. Y (8) has voters 1-4: 2 each, rho 1/4, before X (3.5, voters 1 and 5:
    # 1.75 each, rho 1/2). Then voter 1 has 1 left and X's price per supporter would be 1.75 > 1: voter 1
    # pays all he has, voter 5 the other 2.5 (within his 3). rho = 2.5 / 3.5 = 5/7.
    result = tally(MES, 15, [Project("Y", 8), Project("X", Fraction(7, 2))], approval("XY", "Y", "Y", "Y", "X"))
    assert result.winners == ["Y", "X"]
    x = result.explanations["X"]
    assert (x.rho, x.payment_per_point, x.supporters_money, x.supporters_paying_all) == (
        Fraction(5, 7), Fraction(5, 2), 4, 1)
    assert x.remaining_budget == 7
    # A supporter whose share takes exactly all its money also counts as paying all it has.
    assert tally(MES, 9, projects(X=9), approval("X", "X", "X")).explanations["X"].supporters_paying_all == 3


def test_points_weigh_in_equal_shares_and_greedy():
    # Cumulative: both voters give W 2 points and V 1; V and W cost 4; budget 6 (3 per voter).
    # Utility is cost * points, so each supporter pays in proportion to its points. W: 4 points, 1 per
    # point, 2 each (rho 1/4). V: 2 points, 2 per point, 2 each (rho 1/2). W first; then 1 each is left,
    # too little for V. Greedy agrees: W has 4 points, V 2.
    project_list = projects(V=4, W=4)
    ballots = [Ballot({"V": 1, "W": 2})] * 2
    result = tally(MES, 6, project_list, ballots)
    assert result.winners == ["W"]
    assert (result.explanations["W"].rho, result.explanations["W"].payment_per_point) == (Fraction(1, 4), 1)
    assert tally(GREEDY, 6, project_list, ballots).winners == ["W"]
    # With approval ballots the two tie (rho 1/2, same cost and votes) and the id decides: V.
    assert tally(MES, 6, project_list, approval("VW", "VW")).winners == ["V"]


def test_add1_keeps_the_last_outcome_within_budget_not_the_first_exhaustive_one():
    # A (5) wanted by voters 1 and 3, B (9) by 2, 3 and 4; budget 11, 11/4 per voter.
    # At 2.75: A costs 2.5 each (rho 1/2); B needs 9 but has 8.25: only A. A leaves 6, less than B's 9,
    # so the outcome is already exhaustive; a tool that stops there answers [A] (pabutools'
    # method_of_equal_shares(voter_budget_increment=1) does).
    # At 3.75: B costs 3 each (rho 1/3) and now comes first; voter 3 is left with 0.75 and A's supporters
    # have 4.5 < 5: [B], cost 9. At 4.75 both fit into the voters' money, 14 > 11: stop. Keep [B].
    result = tally(MES_COMPLETED, 11, projects(A=5, B=9), approval("A", "B", "AB", "B"))
    assert result.winners == ["B"]
    assert result.voter_budget == Fraction(11, 4) + 1
    assert result.explanations["A"].reason == SKIPPED_NOT_ENOUGH_MONEY


def test_add1_then_greedy_completion():
    # Like Amsterdam 643 (choose-1): 40 voters want A (5000), 21 want B (2000), 5 want C (2000);
    # budget 5720, 86.67 per voter. B becomes affordable at 2000/21 = 95.24 (increment 9); A at 125
    # (increment 39), and then A + B = 7000 > 5720, so the loop keeps increment 38: [B]. C's 5 voters
    # never reach 2000. Greedy completion with 3720 left: A (5000) no, C (2000) yes.
    ballots = approval(*["A"] * 40 + ["B"] * 21 + ["C"] * 5)
    result = tally(MES_COMPLETED, 5720, projects(A=5000, B=2000, C=2000), ballots)
    assert result.winners == ["B", "C"]
    assert result.voter_budget == Fraction(5720, 66) + 38
    c = result.explanations["C"]
    assert (c.reason, c.order, c.remaining_budget) == (FUNDED_IN_COMPLETION, 2, 3720)
    assert c.supporters_money == 5 * (Fraction(5720, 66) + 38)
    assert result.explanations["B"].reason == FUNDED
    # Plain greedy takes A, the most voted, and nothing else fits.
    assert tally(GREEDY, 5720, projects(A=5000, B=2000, C=2000), ballots).winners == ["A"]


def test_add1_funds_everything_with_votes_when_it_all_fits():
    # A, B and C cost 6 together, within 10: the loop would never exceed the budget, so all are funded
    # (in order of votes), and the greedy completion adds Z, which has no votes, with the 4 left.
    result = tally(MES_COMPLETED, 10, projects(A=1, B=2, C=3, Z=4), approval("ABC", "BC", "C"))
    assert result.winners == ["C", "B", "A", "Z"]
    assert result.explanations["Z"].reason == NO_VOTES_FUNDED
    assert result.spent == 10


def test_mes_explains_projects_without_votes():
    result = tally(MES, 10, projects(A=2, Z=1), approval("A"))
    assert result.winners == ["A"]
    assert result.explanations["Z"].reason == NO_VOTES


def test_exact_costs_and_budgets_in_any_exact_type():
    # 3.25 + 7.25 is exactly the budget: both are funded, one vote each, so the cheaper first.
    result = tally(MES_COMPLETED, Decimal("10.50"), [Project("A", Decimal("3.25")), Project("B", Fraction(29, 4))],
                   approval("A", "B"))
    assert result.winners == ["A", "B"]
    assert result.spent == Fraction(21, 2)
    assert result.budget == Fraction(21, 2)


def test_no_ballots():
    assert tally(GREEDY, 5, projects(A=3, B=3), []).winners == ["A"]
    assert tally(MES, 5, projects(A=3), []).winners == []
    assert tally(MES_COMPLETED, 5, projects(A=3, B=3), []).winners == ["A"]


@pytest.mark.parametrize("rule, budget, project_list, ballots, message", [
    (MES, 10, [Project("A", 0)], [], "cost of project 'A' must be positive"),
    (MES, 10, [Project("A", -1)], [], "must be positive"),
    (MES, 10, projects(A=1), [Ballot({"B": 1})], "ballot 1 names unknown project 'B'"),
    (MES, 10, projects(A=1), [Ballot({"A": 1}), Ballot({"A": -1})], "ballot 2 gives negative points -1"),
    (MES, 10, projects(A=1), [Ballot({"A": 1.5})], "non-integer points"),
    (MES, 10, [Project("A", 1), Project("A", 2)], [], "duplicate project id 'A'"),
    (MES, 0, projects(A=1), [], "budget must be positive"),
    (MES, -5, projects(A=1), [], "budget must be positive"),
    (MES, 10.0, projects(A=1), [], "budget must be an exact number"),
    (MES, 10, [Project("A", 0.5)], [], "must be an exact number"),
    (MES, 10, [Project("", 1)], [], "non-empty string"),
    ("approval", 10, projects(A=1), [], "unknown rule 'approval'"),
])
def test_invalid_input_raises_a_clear_error(rule, budget, project_list, ballots, message):
    with pytest.raises(TallyError, match=message):
        tally(rule, budget, project_list, ballots)


def test_ballots_with_zero_points_and_int_subclasses_count_as_their_points():
    # Zero points are no vote; any int is points, but True is not a number of points.
    class Points(int):
        pass

    with_zero = tally(MES, 10, projects(A=4, B=4), [Ballot({"A": 0, "B": 1}), Ballot({"A": Points(2)})])
    plain = tally(MES, 10, projects(A=4, B=4), [Ballot({"B": 1}), Ballot({"A": 2})])
    assert with_zero == plain
    assert with_zero.explanations["A"].votes == 1 and with_zero.explanations["A"].points == 2
    with pytest.raises(TallyError, match="ballot 2 gives non-integer points True"):
        tally(MES, 10, projects(A=4), [Ballot({"A": 1}), Ballot({"A": True})])


def test_tally_error_is_a_value_error():
    assert issubclass(TallyError, ValueError)


def test_explanations_cover_every_project_in_input_order():
    project_list = projects(C=3, A=1, B=2)
    for rule in RULES:
        result = tally(rule, 4, project_list, approval("AB", "C"))
        assert list(result.explanations) == ["C", "A", "B"]
        assert sorted(result.explanations[w].order for w in result.winners) == list(range(1, len(result.winners) + 1))


# --- pabutools as the oracle on generated instances --------------------------------------------------

@st.composite
def elections(draw, max_projects=6, max_voters=8, max_cost=9, max_budget=20, cumulative=None):
    count = draw(st.integers(1, max_projects))
    # Ids mix numbers and text, so the numeric-first id order is exercised.
    ids = draw(st.lists(st.sampled_from(["1", "2", "3", "10", "12", "a", "b", "c", "x1"]),
                        min_size=count, max_size=count, unique=True))
    project_list = [Project(i, draw(st.integers(1, max_cost))) for i in ids]
    with_points = draw(st.booleans()) if cumulative is None else cumulative
    points = st.integers(1, 3) if with_points else st.just(1)
    ballots = draw(st.lists(
        st.dictionaries(st.sampled_from(ids), points, max_size=count).map(Ballot), max_size=max_voters))
    return draw(st.integers(1, max_budget)), project_list, ballots


# Small instances keep pabutools quick: 150 per rule here plus the Add1 checks below make some 600
# generated instances checked against an oracle. The slow real-world Add1 checks are in bench/tally.py.
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("rule", RULES)
@SETTINGS
@given(election=elections())
def test_matches_pabutools(rule, election):
    budget, project_list, ballots = election
    if rule == MES_COMPLETED and not ballots:
        return  # pabutools divides the budget by zero voters
    assert tally(rule, budget, project_list, ballots).winners == pabutools_winners(rule, budget, project_list, ballots)


@SETTINGS
@given(election=elections(max_projects=4, max_voters=4, max_cost=40, max_budget=120))
def test_add1_matches_pabutools_when_the_loop_runs_long(election):
    # Few voters and a budget large against the costs: many increments, so the certified skips matter.
    budget, project_list, ballots = election
    if not ballots:
        return
    assert tally(MES_COMPLETED, budget, project_list, ballots).winners == pabutools_winners(
        MES_COMPLETED, budget, project_list, ballots)


@settings(SETTINGS, max_examples=40)
@given(election=elections(max_projects=8, max_voters=12, max_cost=500, max_budget=2000))
def test_add1_matches_the_plain_sequential_loop(election):
    # Up to hundreds of increments per example: checked against the loop written out with the public API.
    budget, project_list, ballots = election
    if not ballots:
        return
    assert tally(MES_COMPLETED, budget, project_list, ballots).winners == sequential_add1(budget, project_list, ballots)


@SETTINGS
@given(election=elections(), rule=st.sampled_from(RULES))
def test_results_are_consistent(election, rule):
    budget, project_list, ballots = election
    result = tally(rule, budget, project_list, ballots)
    costs = {p.id: Fraction(p.cost) for p in project_list}
    assert result.spent == sum(costs[w] for w in result.winners) <= budget
    assert len(set(result.winners)) == len(result.winners)
    for project_id, explanation in result.explanations.items():
        assert explanation.selected == (project_id in result.winners)
        assert (explanation.order is not None) == explanation.selected
        if explanation.selected:
            assert result.winners[explanation.order - 1] == project_id
            assert explanation.remaining_budget >= explanation.cost
        if explanation.rho is not None:
            assert explanation.payment_per_point == explanation.rho * explanation.cost
    # Deterministic, and independent of the order of the ballots.
    assert tally(rule, budget, project_list, list(reversed(ballots))) == result


# --- real Pabulib files ------------------------------------------------------------------------------

def real_election(path: Path):
    return parse_pb(path.read_bytes().decode("utf-8")).tally_inputs()


@needs_real_files
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("rule", [GREEDY, MES])
def test_real_files_match_pabutools(rule, path):
    budget, project_list, ballots = real_election(path)
    assert tally(rule, budget, project_list, ballots).winners == pabutools_winners(rule, budget, project_list, ballots)


# pabutools needs up to a minute for the Add1 loop on the larger files (one MES run per euro per voter), so
# only the quick ones are checked against it here; the results for all files are pinned, and
# `make bench` (bench/tally.py) checks every file against pabutools.
ADD1_WINNERS = {
    "France_Toulouse_2019": ["4", "16", "13", "5", "10", "30", "20", "28", "1", "18", "7", "25", "6", "27", "14", "12",
                             "26", "24", "23"],
    "Netherlands_Amsterdam_179": ["15034", "15014", "15045", "15004", "15035", "15010", "15039", "15036", "15037",
                                  "15026", "15046", "15044", "15013", "15024", "15002", "15043", "15003", "15025",
                                  "15020", "15001", "15042", "15007", "15022"],
    "Netherlands_Amsterdam_643": ["44250", "44252"],
    "Poland_Krakow_2018_Bienczyce": ["6", "5", "7", "13"],
    "Poland_Warszawa_2019_Aleksandrow": ["1203", "1646"],
    "Switzerland_Zurich_D5": ["14", "5", "24", "6", "13", "17", "7", "19", "11"],
}
ADD1_CHECKED_BY_PABUTOOLS = {"Netherlands_Amsterdam_643", "Poland_Warszawa_2019_Aleksandrow"}


@needs_real_files
@pytest.mark.parametrize("path", REAL_FILES, ids=lambda p: p.stem)
def test_real_files_add1(path):
    budget, project_list, ballots = real_election(path)
    winners = tally(MES_COMPLETED, budget, project_list, ballots).winners
    assert winners == ADD1_WINNERS[path.stem]
    if path.stem in ADD1_CHECKED_BY_PABUTOOLS:
        assert winners == pabutools_winners(MES_COMPLETED, budget, project_list, ballots)


# --- the speed-ups of mes-completed against plain runs -----------------------------------------------

def plain_run_outcome(engine_module, election_inputs, voter_budget):
    """One equal-shares run on a fresh engine (nothing kept from other runs), as comparable numbers."""
    e = engine_module._Election(*election_inputs)
    run = engine_module._EqualShares(e).run(voter_budget)
    return run_outcome(run)


def run_outcome(run):
    return (run.winners, run.rho, run.payment_per_point, run.money_before, run.paying_all, run.spent,
            [Fraction(money, run.denominator) for money in run.group_money])


@settings(SETTINGS, max_examples=60)
@given(election=elections(max_projects=6, max_voters=10, max_cost=60, max_budget=200),
       steps=st.lists(st.integers(0, 40), min_size=2, max_size=8))
def test_counts_kept_across_runs_change_no_run(election, steps):
    # mes-completed runs equal shares many times on one engine, reusing supporter counts by funded set;
    # every run must be exactly the run a fresh engine makes, in whatever order the budgets come.
    from app.budgets import tally as tally_module

    budget, project_list, ballots = election
    if not ballots:
        return
    e = tally_module._Election(budget, project_list, ballots)
    engine = tally_module._EqualShares(e)
    for step in steps:
        voter_budget = e.budget / e.voter_count + step
        assert run_outcome(engine.run(voter_budget)) == plain_run_outcome(
            tally_module, (budget, project_list, ballots), voter_budget)


@settings(SETTINGS, max_examples=200)
@given(classes=st.lists(st.tuples(st.integers(0, 50), st.integers(1, 5)), min_size=1, max_size=12),
       cost=st.integers(1, 300))
def test_water_filling_price_equals_the_sorted_loop(classes, cost):
    # The approval price by repeated passes equals the textbook loop over supporters sorted by money.
    from app.budgets.tally import _price

    moneys = [money for money, _ in classes]
    weights = [weight for _, weight in classes]
    found = _price([(1, list(range(len(classes))), weights)], cost, lambda ids: [moneys[i] for i in ids], 1)
    if sum(m * w for m, w in classes) < cost:
        assert found is None
        return
    points = sum(w for m, w in classes if m)
    left = cost
    for money, weight in sorted((m, w) for m, w in classes if m):
        if money * points >= left:
            break
        left -= money * weight
        points -= weight
    assert found[:2] == (left, points) and found[2] == sum(m * w for m, w in classes)


@settings(SETTINGS, max_examples=80)
@given(election=elections(max_projects=6, max_voters=10, max_cost=60, max_budget=200),
       steps=st.lists(st.integers(0, 12), min_size=2, max_size=6))
def test_a_run_replaying_a_run_at_a_higher_budget_is_the_same_run(election, steps):
    # mes-completed runs the increments of a block from the highest down, each replaying the winners of
    # the run above for as long as a certificate holds: the result must be exactly the plain run, also
    # when the replayed run was itself a replay.
    from app.budgets import tally as tally_module

    budget, project_list, ballots = election
    if not ballots:
        return
    e = tally_module._Election(budget, project_list, ballots)
    engine = tally_module._EqualShares(e)
    start = e.budget / e.voter_count
    anchor = None
    for step in sorted(steps, reverse=True):
        voter_budget = start + step
        run = engine.run(voter_budget, anchor=anchor)
        assert run_outcome(run) == plain_run_outcome(tally_module, (budget, project_list, ballots), voter_budget)
        anchor = run


def test_a_replay_that_breaks_off_goes_on_as_a_plain_run():
    # Per voter 6, equal shares funds C, D, B, A; per voter 4, C, B, D (D's supporters have less left
    # after C, so B comes second); per voter 3 and less, fewer projects. A replay of the run at 6 must see
    # where each lower run leaves it, and from there give the plain run's result.
    from app.budgets import tally as tally_module

    project_list = projects(A=5, B=2, C=10, D=6)
    ballots = approval("CD", "C", "AB", "CD", "BD", "C")
    e = tally_module._Election(30, project_list, ballots)
    engine = tally_module._EqualShares(e)
    high = engine.run(Fraction(6))
    assert [e.ids[q] for q in high.winners] == ["C", "D", "B", "A"]
    assert [e.ids[q] for q in engine.run(Fraction(4)).winners] == ["C", "B", "D"]
    for voter_budget in (Fraction(11, 2), Fraction(4), Fraction(3), Fraction(1), Fraction(1, 3)):
        replayed = engine.run(voter_budget, anchor=high)
        assert run_outcome(replayed) == plain_run_outcome(tally_module, (30, project_list, ballots), voter_budget)


@settings(SETTINGS, max_examples=80)
@given(election=elections(max_projects=6, max_voters=10, max_cost=60, max_budget=200),
       low=st.integers(0, 10), length=st.integers(1, 12))
def test_a_stretch_certified_the_same_is_the_same_at_every_budget_in_it(election, low, length):
    # mes-completed skips the increments between two runs when _same_in_between certifies them.
    from app.budgets import tally as tally_module

    budget, project_list, ballots = election
    if not ballots:
        return
    e = tally_module._Election(budget, project_list, ballots)
    engine = tally_module._EqualShares(e)
    start = e.budget / e.voter_count
    low_run, high_run = engine.run(start + low), engine.run(start + low + length)
    if tally_module._same_in_between(tally_module._exact_record(engine, low_run),
                                     tally_module._exact_record(engine, high_run)):
        for step in range(1, length):
            assert engine.run(start + low + step).winners == low_run.winners


def test_add1_skips_long_stretches_where_nothing_changes():
    # From 180 per voter on, A and C are funded, and B (2,000 for its two supporters) only from 1,050 per
    # voter on (one of them paid 100 for A): 870 increments of which only the last changes the outcome.
    # The loop certifies long stretches instead of running them all, and still ends where the plain loop does.
    from app.budgets import tally as tally_module

    project_list = projects(A=300, B=2000, C=250)
    ballots = approval("A", "AB", "B", "C", "AC")
    e = tally_module._Election(900, project_list, ballots)
    engine = tally_module._EqualShares(e)
    run = tally_module._last_fitting_run(e, engine)
    assert run.voter_budget == Fraction(900, 5) + 869 and [e.ids[q] for q in run.winners] == ["A", "C"]
    assert engine.runs < 40
    assert tally(MES_COMPLETED, 900, project_list, ballots).winners == sequential_add1(900, project_list, ballots)
