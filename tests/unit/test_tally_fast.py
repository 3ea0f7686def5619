"""The certified float fast path of equal shares (app/budgets/tally_fast.py) against exact arithmetic.

A float run either returns the exact run's winners, with bounds that really bound the exact prices, or
None (then tally.py runs the exact engine). These tests check both: no claim is ever wrong, near-ties
fall back, exact ties are broken exactly, and mes-completed gives the exact result either way.
"""
import random
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.budgets import tally as tally_module
from app.budgets.tally import GREEDY, MES, MES_COMPLETED, Ballot, Project, tally
from app.budgets.tally_fast import FloatEqualShares

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


@pytest.fixture(autouse=True)
def float_path_on_small_elections(monkeypatch):
    """mes-completed keeps the exact loop on small elections; these tests want the fast path on them too."""
    monkeypatch.setattr(tally_module, "_FAST_PATH_FROM", 0)


def engines(budget, project_list, ballots):
    e = tally_module._Election(budget, project_list, ballots)
    exact = tally_module._EqualShares(e)
    return e, exact, FloatEqualShares(e, exact.rank, exact.neighbours)


def reference_rounds(e, rank, voter_budget):
    """Equal shares by the book, voter by voter in Fractions: per round, the exact rho of every project
    its supporters can still afford, and the winner (least rho, then tie-break rank)."""
    money = []
    ballots = []
    for items, weight in zip(e.group_items, e.group_weight):
        for _ in range(weight):
            money.append(Fraction(voter_budget))
            ballots.append(dict(items))
    left = {q for q in range(len(e.ids)) if e.supporters[q]}
    rounds = []
    while True:
        rhos, prices = {}, {}
        for q in sorted(left):
            supporters = [(money[v], ballot[q]) for v, ballot in enumerate(ballots) if q in ballot and money[v]]
            cost = e.costs[q]
            if sum(m for m, _ in supporters) < cost:
                continue
            rest, points = cost, sum(p for _, p in supporters)
            for m, p in sorted(supporters, key=lambda s: s[0] / s[1]):
                if m * points >= rest * p:
                    break
                rest -= m
                points -= p
            prices[q] = rest / points
            rhos[q] = prices[q] / cost
        left = set(rhos)
        if not rhos:
            return rounds
        winner = min(rhos, key=lambda q: (rhos[q], rank[q]))
        rounds.append((winner, rhos))
        for v, ballot in enumerate(ballots):
            if winner in ballot:
                money[v] -= min(money[v], prices[winner] * ballot[winner])
        left.discard(winner)


@st.composite
def elections(draw, cumulative=None):
    count = draw(st.integers(1, 6))
    ids = [str(i) for i in range(1, count + 1)]
    project_list = [Project(i, draw(st.integers(1, 60))) for i in ids]
    with_points = draw(st.booleans()) if cumulative is None else cumulative
    points = st.integers(1, 3) if with_points else st.just(1)
    ballots = draw(st.lists(st.dictionaries(st.sampled_from(ids), points, max_size=count).map(Ballot),
                            min_size=1, max_size=12))
    return draw(st.integers(1, 200)), project_list, ballots


def check_against_the_book(e, exact, run, voter_budget):
    """A float run that certified: the exact run's winners, and bounds that hold against the textbook rounds
    (the winner's upper bound above its exact (rho, rank), every other project's lower bound below)."""
    plain = exact.run(voter_budget)
    assert run.winners == plain.winners and run.spent == plain.spent
    rounds = reference_rounds(e, exact.rank, voter_budget)
    assert [winner for winner, _ in rounds] == run.winners
    assert len(run.up) == len(run.runner_up) == len(run.bounds) == len(run.winners)
    for (winner, rhos), up, runner_up, bounds in zip(rounds, run.up, run.runner_up, run.bounds):
        assert up >= (rhos[winner], exact.rank[winner])
        others = [(rho, exact.rank[q]) for q, rho in rhos.items() if q != winner]
        if others:
            assert runner_up is not None and runner_up <= min(others)
        # Every project its supporters can afford in this round has a lower bound, and it holds.
        for q, rho in rhos.items():
            assert bounds[q] is not None and bounds[q] <= rho


@SETTINGS
@given(election=elections(), step=st.integers(0, 30))
def test_a_certified_float_run_is_the_exact_run_and_its_bounds_hold(election, step):
    e, exact, fast = engines(*election)
    voter_budget = e.budget / e.voter_count + step  # often not a float: 200/7 + 3
    run = fast.run(voter_budget)
    if run is not None:
        check_against_the_book(e, exact, run, voter_budget)


@settings(SETTINGS, max_examples=200)
@given(election=elections(), steps=st.lists(st.integers(0, 30), min_size=2, max_size=6))
def test_a_float_run_replaying_a_run_at_a_higher_budget_is_the_exact_run(election, steps):
    # The Add1 loop runs the middle of a stretch with the run at its top as anchor (a float run, or the
    # record of an exact run where the float run gave up), also when that anchor was itself a replay.
    e, exact, fast = engines(*election)
    start = e.budget / e.voter_count
    anchor = None
    for step in sorted(steps, reverse=True):
        voter_budget = start + step
        run = fast.run(voter_budget, anchor)
        if run is None:
            run = tally_module._exact_record(exact, exact.run(voter_budget), with_bounds=True)
        check_against_the_book(e, exact, run, voter_budget)
        anchor = run


def test_a_float_replay_that_breaks_off_goes_on_as_a_plain_run():
    # Per voter 6, equal shares funds C, A, B, D; per voter 4 and 3, C, A, D (B, dearer for its two
    # supporters, no longer fits after C); per voter 1, C alone. A float replay of the run at 6 must see
    # where each lower run leaves it, and from there give the exact run's winners.
    project_list = [Project("A", 3), Project("B", 10), Project("C", 4), Project("D", 2)]
    ballots = [Ballot.approval(ids) for ids in ("A", "AC", "BC", "C", "C", "CD", "B")]
    e, exact, fast = engines(30, project_list, ballots)
    high = fast.run(Fraction(6))
    assert [e.ids[q] for q in high.winners] == ["C", "A", "B", "D"]
    for voter_budget in (Fraction(11, 2), Fraction(4), Fraction(3), Fraction(1), Fraction(1, 3)):
        replayed = fast.run(voter_budget, high)
        assert replayed is not None
        check_against_the_book(e, exact, replayed, voter_budget)
    assert [e.ids[q] for q in fast.run(Fraction(4), high).winners] == ["C", "A", "D"]


@SETTINGS
@given(election=elections(cumulative=True), step=st.integers(0, 30))
def test_cumulative_ballots_certified_runs_are_exact(election, step):
    e, exact, fast = engines(*election)
    voter_budget = e.budget / e.voter_count + step
    run = fast.run(voter_budget)
    if run is not None:
        assert run.winners == exact.run(voter_budget).winners


@settings(SETTINGS, max_examples=120)
@given(election=elections(), low=st.integers(0, 10), length=st.integers(2, 12))
def test_a_stretch_certified_by_float_runs_is_the_same_at_every_budget_in_it(election, low, length):
    e, exact, fast = engines(*election)
    start = e.budget / e.voter_count
    low_run, high_run = fast.run(start + low), fast.run(start + low + length)
    if low_run is not None and high_run is not None and tally_module._same_in_between(low_run, high_run):
        for step in range(1, length):
            assert exact.run(start + low + step).winners == low_run.winners


@settings(SETTINGS, max_examples=150)
@given(election=elections())
def test_mes_completed_with_the_fast_path_is_the_exact_loop(election):
    budget, project_list, ballots = election
    e = tally_module._Election(budget, project_list, ballots)
    with_fast = tally_module._last_fitting_run(e, tally_module._EqualShares(e))
    exact = tally_module._last_fitting_run_exact(e, tally_module._EqualShares(e))
    assert (with_fast.voter_budget, with_fast.winners, with_fast.rho, with_fast.paying_all) == (
        exact.voter_budget, exact.winners, exact.rho, exact.paying_all)


def tie_election():
    # X (30) is funded first: 4 supporters, rho 1/4. Each then has 2.5 of 10 left. A and B (20 each) are
    # mirror images: one poor supporter (2.5, pays all) and two with 10 (pay 8.75 each), so their rhos are
    # exactly equal and not of the form 1/points: floats cannot order them; the exact order is A, then B.
    project_list = [Project("X", 30), Project("A", 20), Project("B", 20)]
    ballots = [Ballot.approval(ids) for ids in ("XA", "XB", "X", "X", "A", "A", "B", "B")]
    return 80, project_list, ballots


def test_an_exact_tie_of_capped_prices_falls_back():
    e, exact, fast = engines(*tie_election())
    assert fast.run(Fraction(10)) is None
    assert [e.ids[q] for q in exact.run(Fraction(10)).winners] == ["X", "A", "B"]
    assert tally(MES_COMPLETED, *tie_election()).winners == ["X", "A", "B"]


def test_a_near_tie_below_rounding_falls_back():
    # As above, but B costs a hair (1e-18) less than A: B wins, by far less than a float can tell.
    budget, project_list, ballots = tie_election()
    project_list[2] = Project("B", Fraction(20) - Fraction(1, 10 ** 18))
    e, exact, fast = engines(budget, project_list, ballots)
    assert fast.run(Fraction(10)) is None
    assert [e.ids[q] for q in exact.run(Fraction(10)).winners] == ["X", "B", "A"]


def test_equal_supporter_counts_are_an_exact_tie_broken_by_rank_without_falling_back():
    # A and B cost the same and have three supporters each who can all pay: rho exactly 1/3 for both.
    project_list = [Project("B", 30), Project("A", 30), Project("C", 10)]
    ballots = [Ballot.approval(ids) for ids in ("A", "A", "A", "B", "B", "B", "C")]
    e, exact, fast = engines(140, project_list, ballots)
    run = fast.run(Fraction(20))
    assert run is not None
    assert [e.ids[q] for q in run.winners] == [e.ids[q] for q in exact.run(Fraction(20)).winners] == ["A", "B", "C"]


def test_mes_completed_is_exact_when_the_fast_path_always_gives_up(monkeypatch):
    election = tie_election()
    expected = tally(MES_COMPLETED, *election)
    monkeypatch.setattr(FloatEqualShares, "run", lambda self, voter_budget, anchor=None: None)
    assert tally(MES_COMPLETED, *election) == expected


def test_a_replay_that_disagrees_with_the_float_run_redoes_the_loop_exactly(monkeypatch):
    # Defence in depth: were a certificate ever wrong, the exact replay of the kept run would not match,
    # and the loop is redone in exact arithmetic alone.
    rng = random.Random(5)
    ids = [str(i) for i in range(1, 9)]
    project_list = [Project(i, rng.randrange(10, 200)) for i in ids]
    ballots = [Ballot.approval(rng.sample(ids, rng.randint(1, 4))) for _ in range(60)]
    expected = tally(MES_COMPLETED, 400, project_list, ballots)
    original = FloatEqualShares.run

    def wrong(self, voter_budget, anchor=None):
        run = original(self, voter_budget, anchor)
        if run is not None and len(run.winners) > 1:
            run.winners[0], run.winners[1] = run.winners[1], run.winners[0]
        return run

    monkeypatch.setattr(FloatEqualShares, "run", wrong)
    assert tally(MES_COMPLETED, 400, project_list, ballots) == expected


def test_the_fast_path_certifies_a_realistic_election_and_matches_exact_runs():
    # 20 projects, 3,000 approval ballots of uneven popularity: every increment certified, and exact.
    rng = random.Random(11)
    ids = [str(i) for i in range(1, 21)]
    costs = [rng.randrange(5_000, 200_001, 500) for _ in ids]
    popularity = [rng.lognormvariate(0, 1) for _ in ids]
    ballots = [Ballot.approval(set(rng.choices(ids, weights=popularity, k=rng.randint(1, 6)))) for _ in range(3000)]
    budget = sum(costs) // 3
    e, exact, fast = engines(budget, [Project(i, c) for i, c in zip(ids, costs)], ballots)
    start = e.budget / e.voter_count
    for step in (0, 7, 40, 41, 150):
        run = fast.run(start + step)
        assert run is not None
        assert run.winners == exact.run(start + step).winners


def test_rules_without_add1_are_unchanged():
    budget, project_list, ballots = tie_election()
    assert tally(MES, budget, project_list, ballots).winners == ["X", "A", "B"]
    assert tally(GREEDY, budget, project_list, ballots).winners == ["X", "A", "B"][:len(
        tally(GREEDY, budget, project_list, ballots).winners)]
